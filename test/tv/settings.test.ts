// settings.json names the policy document the TV requests together with the index; if it
// drifted from the compiled index, every boot would pay for a wasted request and a second round trip.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { PolicyIndexEntry } from '../../src/core/policy'
import { policyPath } from '../../src/tv/services/policyRequests'

const root = path.resolve(__dirname, '../..')
const staticDir = path.join(root, 'static')

function compiledIndex(): PolicyIndexEntry[] {
  const file = path.join(staticDir, 'policy/index.json')
  if (!existsSync(file)) throw new Error('run `npm run build:policy` first (npm test does)')
  const index = JSON.parse(readFileSync(file, 'utf8')) as { policies: PolicyIndexEntry[] } | PolicyIndexEntry[]
  return Array.isArray(index) ? index : index.policies
}

describe('settings.json appSettings.policy', () => {
  const settings = JSON.parse(readFileSync(path.join(root, 'settings.json'), 'utf8'))
  const policy = settings.appSettings.policy as { locale: string; preload: string }

  it('names a locale and a preload path', () => {
    expect(typeof policy.locale).toBe('string')
    expect(policy.locale).not.toBe('')
    expect(typeof policy.preload).toBe('string')
    expect(policy.preload).not.toBe('')
  })

  it('preloads exactly the document the compiled index lists for its locale', () => {
    const entry = compiledIndex().find((e) => e.locale === policy.locale)
    expect(entry, `static/policy/index.json has no ${policy.locale} entry`).toBeDefined()
    expect(policyPath(policy.preload)).toBe(policyPath(entry!.path))
  })

  it('preloads a document that the build wrote', () => {
    expect(existsSync(path.join(staticDir, policyPath(policy.preload)))).toBe(true)
  })
})
