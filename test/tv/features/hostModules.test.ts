// @vitest-environment jsdom
// The first bundle's modules exposed to the pairing feature are the very module instances the
// app uses, under the keys the feature build resolves imports to.
import 'vitest-canvas-mock'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as sdk from '@lightningjs/sdk'
import { HOST_MODULES, HOST_MODULES_GLOBAL, exposeHostModules } from '../../../src/tv/features/hostModules'
import { readHostModules } from '../../../tools/tv-feature-host'

describe('HOST_MODULES', () => {
  it('lists the keys the feature build reads from the source', () => {
    expect([...readHostModules().keys].sort()).toEqual(Object.keys(HOST_MODULES).sort())
  })

  it('maps each key to the module instance at that path under src/tv', async () => {
    for (const key of Object.keys(HOST_MODULES)) {
      if (key === '@lightningjs/sdk') continue
      const mod = await import(/* @vite-ignore */ path.resolve(__dirname, '../../../src/tv', `${key}.ts`))
      expect(HOST_MODULES[key], key).toBe(mod)
    }
    expect(HOST_MODULES['@lightningjs/sdk']).toBe(sdk)
  })

  it('is published on the global the feature bundle reads', () => {
    exposeHostModules()
    expect((globalThis as Record<string, unknown>)[HOST_MODULES_GLOBAL]).toBe(HOST_MODULES)
  })
})
