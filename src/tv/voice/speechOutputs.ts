import type { PlatformBridge } from '../platform/PlatformBridge'
import type { SpeechOutput, Utterance } from './VoiceGuide'

/** The browser's speechSynthesis, with a voice of the utterance's language where one is installed. */
export class BrowserSpeechOutput implements SpeechOutput {
  // Held until spoken: some engines drop an utterance's end event once it is garbage collected.
  private readonly pending = new Set<SpeechSynthesisUtterance>()

  constructor(private readonly synth: SpeechSynthesis) {}

  speak(u: Utterance, rate: number): Promise<void> {
    return new Promise((resolve) => {
      const s = new SpeechSynthesisUtterance(u.text)
      s.lang = u.lang
      s.rate = rate
      const voice = this._voiceFor(u.lang)
      if (voice) s.voice = voice
      const done = () => {
        this.pending.delete(s)
        resolve()
      }
      s.onend = done
      s.onerror = done
      this.pending.add(s)
      this.synth.speak(s)
    })
  }

  cancel(): void {
    this.synth.cancel()
  }

  pause(): void {
    this.synth.pause()
  }

  resume(): void {
    this.synth.resume()
  }

  private _voiceFor(lang: string): SpeechSynthesisVoice | undefined {
    const voices = this.synth.getVoices?.() ?? []
    const base = lang.split('-')[0]
    return voices.find((v) => v.lang === lang) ?? voices.find((v) => v.lang.split(/[-_]/)[0] === base)
  }
}

/** The platform's own TTS (the firmware's voice guide engine), through the bridge. */
export class BridgeSpeechOutput implements SpeechOutput {
  constructor(private readonly bridge: Required<Pick<PlatformBridge, 'speak'>> & Pick<PlatformBridge, 'cancelSpeech'>) {}

  speak(u: Utterance, rate: number): Promise<void> {
    return Promise.resolve(this.bridge.speak(u.text, { lang: u.lang, rate }))
  }

  cancel(): void {
    this.bridge.cancelSpeech?.()
  }
}

/** The bridge's TTS where the platform has one, else speechSynthesis where the engine has it, else none. */
export function speechOutputFor(bridge: PlatformBridge, win: { speechSynthesis?: SpeechSynthesis } = window): SpeechOutput | null {
  if (bridge.speak) return new BridgeSpeechOutput({ speak: bridge.speak.bind(bridge), cancelSpeech: bridge.cancelSpeech?.bind(bridge) })
  if (win.speechSynthesis && typeof SpeechSynthesisUtterance === 'function') return new BrowserSpeechOutput(win.speechSynthesis)
  return null
}
