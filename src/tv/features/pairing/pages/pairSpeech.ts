import type { Scope } from '../../../../core/protocol'
import { appContext } from '../../../services/AppContext'
import { ui, uiKey } from '../../../voice/announcements'
import { voiceGuide, type Utterance } from '../../../voice/VoiceGuide'
import type { PairView } from '../services/PairingSession'
import { consequenceText, decisionsText, type PairScreen } from './pairScreen'

export { decisionsText }

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
 * The pairing screen's voice, said from the same text the screen shows (pairScreen.ts): a new code
 * spelled (the URL to type it at once per visit) after how the previous pairing ended, the phone's
 * name and what comes next when it claims, what was recorded per scope and what the phone may now
 * do, trouble reaching the service as it begins, the countdown at a few moments.
 */
export class PairSpeech {
  /** The code the last update showed, and the one last said (what is said is built after the frame). */
  private code: string | null = null
  private codeSaid: string | null = null
  private phase: string | null = null
  private urlSaid = false
  private left: number | null = null
  private noticeSaid = ''
  /** What the trouble on screen is about (null: none), so it is said as it begins, not at each tick. */
  private trouble: string | null = null

  reset(): void {
    this.code = null
    this.codeSaid = null
    this.phase = null
    this.urlSaid = false
    this.left = null
    this.noticeSaid = ''
    this.trouble = null
  }

  /** The screen's state after its title: the code to scan or check, and what to do. */
  current(v: PairView, screen: PairScreen): Utterance[] {
    const p = v.pairing
    if (!p || (v.phase !== 'waiting' && v.phase !== 'claimed')) return this.phaseSpeech(v, screen)
    this.code = p.user_code
    this.codeSaid = p.user_code
    const said: Utterance[] = this.notice(screen)
    if (v.phase === 'waiting') {
      said.push(uiKey('pairScan'))
      if (!this.urlSaid) said.push(uiKey('pairOrType', { url: p.verification_uri }))
      this.urlSaid = true
      said.push(ui(spelledCode(p.user_code)))
    } else said.push(ui(screen.headline), ui(screen.sub), ui(spelledCode(p.user_code)), ui(screen.next))
    if (screen.trouble) said.push(ui(screen.status))
    return said
  }

  /** Says what changed: a new code (after whatever is being said), a new phase, or trouble beginning. */
  update(v: PairView, screen: PairScreen): void {
    const guide = voiceGuide()
    const code = v.pairing?.user_code
    const trouble = screen.trouble ? `${v.phase}:${v.trouble?.kind ?? 'offline'}` : null
    if (v.phase === 'waiting' && code && code !== this.code) {
      this.code = code
      const notice = this.notice(screen)
      // Unless the screen's own announcement, built in the same frame, has said it already.
      guide.say(() => [...notice, ...(this.codeSaid === code ? [] : this.current(v, screen))], { append: true })
    } else if (this.phase !== null && v.phase !== this.phase && v.phase !== 'waiting' && v.phase !== 'consent') {
      const said = this.phaseSpeech(v, screen)
      guide.say(() => said)
    } else if (trouble && trouble !== this.trouble) {
      guide.say(() => [ui(screen.status)], { append: true })
    }
    this.trouble = trouble
    this.phase = v.phase
  }

  countdown(secondsLeft: number, text: () => string): void {
    this.left = sayCountdownMoment(this.left, secondsLeft, () => ui(text()))
  }

  /** The notice, once per notice. */
  private notice(screen: PairScreen): Utterance[] {
    if (!screen.notice || screen.notice === this.noticeSaid) return []
    this.noticeSaid = screen.notice
    return [ui(screen.notice)]
  }

  /** A phase other than a code waiting: what the screen says, in its order. */
  private phaseSpeech(v: PairView, screen: PairScreen): Utterance[] {
    const said = this.notice(screen)
    if (v.phase === 'recorded' && v.scopes && v.decisions) {
      const t = appContext().t.bind(appContext())
      const d = v.decisions
      said.push(ui(screen.headline), ui(decisionsText(t, v.scopes, d)))
      said.push(...v.scopes.map((s: Scope) => ui(consequenceText(t, s, d[s] === 'granted'))))
      said.push(ui(screen.next), ui(screen.again))
      return said
    }
    for (const text of [screen.headline, screen.sub]) if (text) said.push(ui(text))
    if (v.phase === 'claimed' && screen.code) said.push(ui(spelledCode(screen.code)))
    for (const text of [screen.status, screen.next, screen.again]) if (text) said.push(ui(text))
    return said
  }
}
