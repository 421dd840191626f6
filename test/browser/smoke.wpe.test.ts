// Smoke: the built TV app boots in WPE WebKit (RDK set-top boxes), WebGL works and Lightning renders;
// with voice guidance on it speaks through the platform's TTS (WPE 2.38 has no speechSynthesis: on
// an RDK box the integrator's bridge speaks, here one that records).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { translate } from '../../src/tv/i18n/strings'
import { BUILD_DIR, requireBuild, shippedFonts } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'
import { heard, indexWithScript, speakingBridgeScript, type Spoken } from './harness/speech'
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

  it('with voiceGuidance=on in the URL, says the gate through the platform bridge: title, then the focused button; Right says the next', async () => {
    // The bridge as an integrator supplies it: a script in the app's page before the app's own.
    const bridged = await startStaticServer(BUILD_DIR, { handle: indexWithScript(BUILD_DIR, speakingBridgeScript({ platformGuidance: false })) })
    try {
      await wpe.navigate(`${bridged.url}?voiceGuidance=on`, { clearStorage: true })
      expect(await wpe.waitForAppReady()).toBe('hook')
      const spoken = () => wpe.execute<Spoken[]>('return (window.__spoken || []).slice()')
      const zh = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('zh-CN', key, vars)
      const agree = zh('spokenButton', { label: zh('agree'), n: 1, total: 3 })
      const all = await heard(spoken, (s) => s.text === agree, 'the focused 同意 button', 15000)
      expect(all[0]).toMatchObject({ text: zh('gateTitle'), lang: 'zh-CN', via: 'bridge' })
      expect(all.every((s) => s.via === 'bridge' && s.lang === 'zh-CN')).toBe(true)
      await wpe.press('Right')
      await heard(spoken, (s) => s.text === zh('spokenButton', { label: zh('disagree'), n: 2, total: 3 }), 'the 不同意 button after Right', 5000)
      expect((await wpe.readConsole()).filter((l) => l.level === 'pageerror')).toEqual([])
    } finally {
      await wpe.navigate(server.url) // the tests after this one probe the plain app
      await bridged.close()
    }
  })

  it('decodes every shipped subset font file', async () => {
    const fonts = shippedFonts()
    const result = await wpe.probeFonts(fonts.urls)
    expect(result).toEqual(Object.fromEntries(fonts.urls.map((u) => [u, 'loaded'])))
  })
})
