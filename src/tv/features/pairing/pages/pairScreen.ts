// What the pairing screen says in each state, as text: PairPage draws it and PairSpeech says it,
// so the screen and voice guidance never disagree.
import type { Decisions, Scope } from '../../../../core/protocol'
import type { StringKey } from '../../../i18n/strings'
import { ROTATE_BEFORE, type PairView } from '../services/PairingSession'
import { SCOPE_LABEL } from '../widgets/scopeLabels'

export type Translate = (key: StringKey, vars?: Record<string, string | number>) => string

export interface PairScreen {
  /** The QR code is on screen: only while its code waits for a phone (a claimed one would be cancelled by a second scan). */
  qr: boolean
  /** How the previous pairing ended, above a fresh code. */
  notice: string
  headline: string
  sub: string
  code: string
  /** Time to the code's replacement. */
  countdown: string
  status: string
  /** `status` says the service cannot be reached or refused. */
  trouble: boolean
  /** After sending: what was recorded per scope and what it lets the phone do. */
  lines: string[]
  next: string
  again: string
}

/** What each answer lets the phone do, per scope. */
const CONSEQUENCE: Record<Scope, { granted: StringKey; denied: StringKey }> = {
  bluetooth: { granted: 'pairMayBluetooth', denied: 'pairMayNotBluetooth' },
  network: { granted: 'pairMayNetwork', denied: 'pairMayNotNetwork' },
  location: { granted: 'pairMayLocation', denied: 'pairMayNotLocation' },
}

export function secondsUntil(atMs: number | undefined, nowMs: number): number {
  return atMs === undefined ? 0 : Math.max(0, Math.ceil((atMs - nowMs) / 1000))
}

/** `m:ss` to the moment the code is replaced (not to its expiry). */
export function rotationCountdown(v: PairView, t: Translate, nowMs: number): string {
  const left = Math.max(0, Math.ceil((v.expiresAtMs - ROTATE_BEFORE - nowMs) / 1000))
  return t('pairExpiresIn', { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` })
}

/** The trouble with the service, with the seconds to the next try. */
function troubleText(v: PairView, t: Translate, nowMs: number): string {
  const seconds = secondsUntil(v.retryAtMs, nowMs)
  if (seconds === 0) return t('pairRetryingNow')
  if (v.phase === 'error' && v.trouble?.kind === 'refused') return t('pairRefused', { code: v.trouble.code, seconds })
  return t('pairUnreachable', { seconds })
}

/** What a granted or denied scope lets the phone do. */
export function consequenceText(t: Translate, scope: Scope, granted: boolean): string {
  return t(CONSEQUENCE[scope][granted ? 'granted' : 'denied'])
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

export function pairScreen(v: PairView, t: Translate, nowMs: number): PairScreen {
  const s: PairScreen = { qr: false, notice: '', headline: '', sub: '', code: '', countdown: '', status: '', trouble: false, lines: [], next: '', again: '' }
  const p = v.pairing
  const phone = v.phoneName ?? ''
  if (v.notice) s.notice = t(v.notice.kind === 'ended' ? 'pairNoticeEnded' : 'pairNoticeCancelled', { phone: v.notice.phoneName })
  const offline = !!v.offline && (v.phase === 'waiting' || v.phase === 'claimed' || v.phase === 'consent')
  if (offline) {
    s.status = troubleText(v, t, nowMs)
    s.trouble = true
  }
  switch (v.phase) {
    case 'loading':
      s.status = t('pairLoading')
      break
    case 'error':
      s.status = troubleText(v, t, nowMs)
      s.trouble = true
      s.next = t(v.trouble?.kind === 'refused' ? 'pairRefusedHelp' : 'pairUnreachableHelp')
      break
    case 'waiting':
      if (!p) break
      s.qr = true
      s.headline = t('pairScan')
      s.sub = t('pairOrType', { url: p.verification_uri })
      s.code = p.user_code
      if (!offline) {
        s.countdown = rotationCountdown(v, t, nowMs)
        s.status = t('pairWaiting')
      }
      break
    case 'claimed':
    case 'consent':
      s.headline = t('pairClaimed', { phone })
      s.sub = p ? t('pairClaimedCheck') : ''
      s.code = p?.user_code ?? ''
      s.next = t('pairClaimedNext')
      break
    case 'sending':
      s.headline = t('pairClaimed', { phone })
      s.status = t(v.retrying ? 'pairSendingRetry' : 'pairSending')
      break
    case 'recorded': {
      const scopes = v.scopes ?? []
      const d = v.decisions ?? {}
      s.headline = t('pairRecorded')
      s.lines = scopes.map((scope) => `${decisionsText(t, [scope], d)} · ${consequenceText(t, scope, d[scope] === 'granted')}`)
      s.next = t(scopes.some((scope) => d[scope] === 'granted') ? 'pairRecordedNext' : 'pairRecordedNextNone')
      s.again = t('pairAgain')
      break
    }
    case 'not-recorded':
      s.status = t('pairNotRecorded', { code: v.error ?? '' })
      s.again = t('pairAgain')
      break
    case 'window-closed':
      s.status = t('pairWindowClosed')
      s.again = t('pairAgain')
      break
  }
  return s
}
