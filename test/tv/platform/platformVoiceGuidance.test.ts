import { describe, expect, it } from 'vitest'
import { platformVoiceGuidance } from '../../../src/tv/platform/platformVoiceGuidance'

const tizen = (value: string) => ({
  webapis: { tvinfo: { getMenuValue: (k: unknown) => (k === 'VOICE_GUIDE' ? value : 'OTHER'), TvInfoMenuKey: { VOICE_GUIDE_KEY: 'VOICE_GUIDE' }, TvInfoMenuValue: { ON: 'ON' } } },
})

const webos = (reply: (p: { onSuccess(r: unknown): void; onFailure(e: unknown): void; method: string; parameters: unknown }) => void) => ({
  webOS: { service: { request: (uri: string, p: Parameters<typeof reply>[0]) => (uri === 'luna://com.webos.settingsservice' ? reply(p) : p.onFailure('wrong service')) } },
})

describe('platformVoiceGuidance', () => {
  it("reads Tizen's voice guide menu value", async () => {
    expect(await platformVoiceGuidance(tizen('ON'))).toBe(true)
    expect(await platformVoiceGuidance(tizen('OFF'))).toBe(false)
  })

  it("asks webOS's settings service for audioGuidance", async () => {
    let asked: unknown = null
    const on = webos((p) => {
      asked = [p.method, p.parameters]
      p.onSuccess({ settings: { audioGuidance: 'on' } })
    })
    expect(await platformVoiceGuidance(on)).toBe(true)
    expect(asked).toEqual(['getSystemSettings', { category: 'option', keys: ['audioGuidance'] }])
    expect(await platformVoiceGuidance(webos((p) => p.onSuccess({ settings: { audioGuidance: 'off' } })))).toBe(false)
    expect(await platformVoiceGuidance(webos((p) => p.onFailure({ errorText: 'denied' })))).toBe(false)
  })

  it('is off in a plain browser and when the platform call throws', async () => {
    expect(await platformVoiceGuidance({})).toBe(false)
    const broken = { webapis: { tvinfo: { getMenuValue: () => { throw new Error('no privilege') }, TvInfoMenuKey: { VOICE_GUIDE_KEY: 1 }, TvInfoMenuValue: { ON: 1 } } } }
    expect(await platformVoiceGuidance(broken)).toBe(false)
  })
})
