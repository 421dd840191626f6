// The TV platforms' own voice guidance switches, read through the APIs their web engines expose
// (Samsung Tizen: webapis.tvinfo; LG webOS: the settings service over webOS.service.request).

interface TizenTvInfo {
  getMenuValue(key: unknown): unknown
  TvInfoMenuKey: { VOICE_GUIDE_KEY: unknown }
  TvInfoMenuValue: { ON: unknown }
}

interface WebOsService {
  request(uri: string, params: { method: string; parameters: unknown; onSuccess(r: unknown): void; onFailure(e: unknown): void }): unknown
}

export interface PlatformGlobals {
  webapis?: { tvinfo?: TizenTvInfo }
  webOS?: { service?: WebOsService }
}

/** Whether the platform's voice guidance is on; false where the engine is none of these, or the call fails. */
export function platformVoiceGuidance(g: PlatformGlobals): Promise<boolean> {
  const tvinfo = g.webapis?.tvinfo
  if (tvinfo) {
    try {
      return Promise.resolve(tvinfo.getMenuValue(tvinfo.TvInfoMenuKey.VOICE_GUIDE_KEY) === tvinfo.TvInfoMenuValue.ON)
    } catch {
      return Promise.resolve(false)
    }
  }
  const service = g.webOS?.service
  if (service) {
    return new Promise((resolve) => {
      service.request('luna://com.webos.settingsservice', {
        method: 'getSystemSettings',
        parameters: { category: 'option', keys: ['audioGuidance'] },
        onSuccess: (r) => resolve((r as { settings?: { audioGuidance?: string } }).settings?.audioGuidance === 'on'),
        onFailure: () => resolve(false),
      })
    })
  }
  return Promise.resolve(false)
}
