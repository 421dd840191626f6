// Smoke: the built TV app boots in WPE WebKit (RDK set-top boxes), WebGL works and Lightning renders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUILD_DIR, requireBuild, shippedFonts } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'
import { startWpe, type WpeSession } from './harness/wpe'

describe('TV app in WPE WebKit (smoke)', () => {
  let server: StaticServer
  let wpe: WpeSession

  beforeAll(async () => {
    requireBuild()
    server = await startStaticServer(BUILD_DIR)
    wpe = await startWpe()
    await wpe.navigate(server.url)
  })
  afterAll(async () => {
    await wpe?.close()
    await server?.close()
  })

  it('offers WebGL', async () => {
    const gl = await wpe.execute<{ version: string } | null>(() => {
      const ctx = document.createElement('canvas').getContext('webgl')
      return ctx && { version: String(ctx.getParameter(ctx.VERSION)) }
    })
    expect(gl?.version).toMatch(/WebGL/)
  })

  it('boots, and Lightning renders WebGL frames that are not blank', async () => {
    expect(['hook', 'app']).toContain(await wpe.waitForAppReady())
    const stage = () =>
      wpe.execute<{ renderer: string; frame: number } | null>(() => {
        const w = window as any
        const a = (w.__miitee && w.__miitee.app) || w.app
        return a && a.stage ? { renderer: a.stage.gl ? 'webgl' : 'canvas2d', frame: a.stage.frameCounter } : null
      })
    const before = await stage()
    expect(before?.renderer).toBe('webgl')

    const shot = await wpe.screenshot('smoke')
    expect(shot.forcedFrames).toBe(true)
    expect(shot.distinctColours).toBeGreaterThanOrEqual(8)
    expect((await stage())!.frame).toBeGreaterThan(before!.frame)

    const errors = (await wpe.readConsole()).filter((l) => l.level === 'pageerror')
    expect(errors).toEqual([])
    expect(server.requests.filter((r) => r.status >= 500)).toEqual([])
  })

  it('decodes every shipped subset font file', async () => {
    const fonts = shippedFonts()
    const result = await wpe.probeFonts(fonts.urls)
    expect(result).toEqual(Object.fromEntries(fonts.urls.map((u) => [u, 'loaded'])))
  })
})
