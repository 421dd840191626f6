import type { PlatformBridge } from '../platform/PlatformBridge'
import type { AppContext } from '../services/AppContext'
import { speechOutputFor } from './speechOutputs'
import { voiceGuide } from './VoiceGuide'

export type VoiceChoice = 'on' | 'off'

function choice(v: unknown): VoiceChoice | null {
  return v === 'on' || v === true ? 'on' : v === 'off' || v === false ? 'off' : null
}

/** `voiceGuidance=on|off` in the page's query, else in appSettings: integrators' QA switch, stronger than any saved choice. */
export function requestedVoiceGuidance(search: string, appSetting: unknown): VoiceChoice | null {
  return choice(new URLSearchParams(search).get('voiceGuidance')) ?? choice(appSetting)
}

/**
 * Turns the announcer on or off: the QA switch if given, else the viewer's choice in Settings,
 * else the platform's voice guidance setting (asked through the bridge); off otherwise. Then
 * follows the viewer's switch and rate in Settings.
 */
export async function startVoiceGuidance(ctx: AppContext, bridge: PlatformBridge, requested: VoiceChoice | null): Promise<boolean> {
  const guide = voiceGuide()
  guide.setOutput(speechOutputFor(bridge))
  guide.rate = ctx.prefs.speechRate
  let choice = ctx.prefs.voiceGuidance
  ctx.onChange((prefs) => {
    guide.rate = prefs.speechRate
    // The viewer's switch in Settings takes effect at once (before the page that shows it speaks).
    if (prefs.voiceGuidance && prefs.voiceGuidance !== choice) {
      if (prefs.voiceGuidance === 'off') guide.cancel()
      guide.enabled = prefs.voiceGuidance === 'on'
    }
    choice = prefs.voiceGuidance
  })
  const wanted = requested ?? choice ?? ((await Promise.resolve(bridge.voiceGuidance?.()).catch(() => false)) ? 'on' : 'off')
  guide.enabled = wanted === 'on'
  return guide.enabled
}
