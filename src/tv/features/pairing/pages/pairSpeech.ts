import type { Decisions, Scope } from '../../../../core/protocol'
import { appContext } from '../../../services/AppContext'
import type { StringKey } from '../../../i18n/strings'
import { ui, uiKey } from '../../../voice/announcements'
import { voiceGuide, type Utterance } from '../../../voice/VoiceGuide'
import type { PairView } from '../services/PairingSession'
import { SCOPE_LABEL } from '../widgets/scopeLabels'

/** Seconds left at which a countdown is said: often enough to act on, never every second. */
const COUNTDOWN_MOMENTS = [60, 30, 10]

/** A user code said character by character ("M M L J, P M V L"), so a voice does not read it as a word. */
export function spelledCode(code: string): string {
  return code
    .split('-')
    .map((part) => part.split('').join(' '))
    .join(', ')
}

/** Says a countdown when it crosses one of the moments; returns the seconds for the next call. */
export function sayCountdownMoment(previousLeft: number | null, left: number, say: () => Utterance): number {
  if (previousLeft !== null && COUNTDOWN_MOMENTS.some((m) => previousLeft > m && left <= m)) voiceGuide().say(() => [say()], { append: true })
  return left
}

/**
 * What was recorded, scope by scope ("蓝牙：允许；网络：拒绝", "Bluetooth: Allow; Network: Deny"), in
 * the UI strings `t` gives, punctuated as the scope labels are ("蓝牙：…" or "Bluetooth: …").
 */
export function decisionsText(t: (key: StringKey) => string, scopes: readonly Scope[], decisions: Decisions): string {
  let fullWidth = true
  const answers = scopes.map((s) => {
    const [name, colon] = t(SCOPE_LABEL[s]).split(/([：:])/)
    fullWidth = colon !== ':'
    return [name.trim(), t(decisions[s] === 'granted' ? 'consentAllow' : 'consentDeny')]
  })
  return answers.map(([name, answer]) => (fullWidth ? `${name}：${answer}` : `${name}: ${answer}`)).join(fullWidth ? '；' : '; ')
}

/** What was recorded, in the UI language. */
export function decisionsSpoken(scopes: readonly Scope[], decisions: Decisions): Utterance {
  const ctx = appContext()
  return ui(decisionsText((key) => ctx.t(key), scopes, decisions))
}

/**
 * The pairing screen's voice: a new code spelled (the URL to type it at once per visit), the
 * phone's name when it claims, the result when it is recorded, the countdown at a few moments.
 */
export class PairSpeech {
  /** The code the last update showed, and the one last said (what is said is built after the frame). */
  private code: string | null = null
  private codeSaid: string | null = null
  private phase: string | null = null
  private urlSaid = false
  private left: number | null = null

  reset(): void {
    this.code = null
    this.codeSaid = null
    this.phase = null
    this.urlSaid = false
    this.left = null
  }

  /** The code on screen, to say with the screen's title (the URL only the first time). */
  current(v: PairView): Utterance[] {
    const p = v.pairing
    if (!p || (v.phase !== 'waiting' && v.phase !== 'claimed')) return []
    this.code = p.user_code
    this.codeSaid = p.user_code
    const said: Utterance[] = [uiKey('pairScan')]
    if (!this.urlSaid) said.push(uiKey('pairOrType', { url: p.verification_uri }))
    this.urlSaid = true
    said.push(ui(spelledCode(p.user_code)))
    return said
  }

  /** Says what changed: a new code (after whatever is being said), or the new phase's status. */
  update(v: PairView, status: string): void {
    const guide = voiceGuide()
    const code = v.pairing?.user_code
    if (v.phase === 'waiting' && code && code !== this.code) {
      this.code = code
      // Unless the screen's own announcement, built in the same frame, has said it already.
      guide.say(() => (this.codeSaid === code ? [] : this.current(v)), { append: true })
    } else if (this.phase !== null && v.phase !== this.phase && v.phase !== 'waiting' && v.phase !== 'consent') {
      guide.say(() => (v.phase === 'recorded' && v.scopes && v.decisions ? [ui(status), decisionsSpoken(v.scopes, v.decisions)] : [ui(status)]))
    }
    this.phase = v.phase
  }

  countdown(secondsLeft: number, text: () => string): void {
    this.left = sayCountdownMoment(this.left, secondsLeft, () => ui(text()))
  }
}
