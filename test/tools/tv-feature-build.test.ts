// The pairing feature is a second bundle: what it imports from the first bundle must come from
// the first bundle's instances (never a second copy), and an unexposed import fails the build.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { buildTvFeatures } from '../../tools/tv-feature-build'
import { readHostModules } from '../../tools/tv-feature-host'

const tmp = mkdtempSync(join(tmpdir(), 'miitee-features-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function write(root: string, file: string, text: string) {
  mkdirSync(dirname(join(root, file)), { recursive: true })
  writeFileSync(join(root, file), text)
}

/** A miniature project: a host list exposing lib/shared, a core module, and two features. */
function fixture(): string {
  const root = join(tmp, 'fixture')
  write(root, 'src/tv/features/hostModules.ts', "import * as shared from '../lib/shared'\nexport const HOST_MODULES: Record<string, unknown> = {\n  'lib/shared': shared,\n}\nexport const HOST_MODULES_GLOBAL = '__fixtureHost'\n")
  write(root, 'src/tv/lib/shared.ts', "export default class SharedThing { marker = 'SHARED_BODY' }\nexport const NAME = 'shared'\n")
  write(root, 'src/tv/lib/secret.ts', "export const SECRET = 'NOT_EXPOSED'\n")
  write(root, 'src/core/pure.ts', "export const double = (n: number) => n * 2\n")
  write(root, 'src/tv/features/good/index.ts', "import SharedThing, { NAME } from '../../lib/shared'\nimport { double } from '../../../core/pure'\nexport class Sub extends SharedThing {}\nexport const answer = () => `${NAME}:${double(21)}`\n")
  write(root, 'src/tv/features/bad/index.ts', "import { SECRET } from '../../lib/secret'\nexport const leak = SECRET\n")
  return root
}

describe('tools/tv-feature-build', () => {
  it('resolves first-bundle imports to the exposed instances and bundles the core', async () => {
    const root = fixture()
    const [r] = await buildTvFeatures(join(tmp, 'out'), { root, features: ['good'], minify: false })
    const code = readFileSync(r.file, 'utf8')
    expect(code).toContain('globalThis["__fixtureHost"]["lib/shared"]')
    expect(code).not.toContain('SHARED_BODY')
    class HostShared {}
    ;(globalThis as Record<string, unknown>).__fixtureHost = { 'lib/shared': { default: HostShared, NAME: 'host' } }
    const mod = await import(pathToFileURL(r.file).href)
    // The default import is the host's class itself (not its module namespace), named imports its exports.
    expect(Object.getPrototypeOf(mod.Sub)).toBe(HostShared)
    expect(mod.answer()).toBe('host:42')
  })

  it('fails, naming the module, when a feature imports a first-bundle module that is not exposed', async () => {
    const root = fixture()
    await expect(buildTvFeatures(join(tmp, 'out-bad'), { root, features: ['bad'] })).rejects.toThrow(/src\/tv\/features\/bad\/index\.ts imports src\/tv\/lib\/secret, which is in the first bundle: expose it/)
  })

  it('builds the pairing feature with no second copy of a first-bundle module', async () => {
    const [r] = await buildTvFeatures(join(tmp, 'real'), { minify: false })
    const code = readFileSync(r.file, 'utf8')
    const host = readHostModules()
    const used = new Set([...code.matchAll(new RegExp(`globalThis\\["${host.global}"\\]\\["([^"]+)"\\]`, 'g'))].map((m) => m[1]))
    expect(used.has('services/AppContext')).toBe(true)
    expect(used.has('@lightningjs/sdk')).toBe(true)
    for (const key of used) expect(host.keys.has(key), key).toBe(true)
    // Source files of the first bundle appear in esbuild's unminified output as path comments.
    const bundled = [...code.matchAll(/^\/\/ (src\/[^\n]+)$/gm)].map((m) => m[1])
    expect(bundled.some((f) => f.startsWith('src/tv/features/pairing/'))).toBe(true)
    expect(bundled.filter((f) => f.startsWith('src/tv/') && !f.startsWith('src/tv/features/pairing/'))).toEqual([])
    expect(code).toContain('node_modules/axios/')
  })
})
