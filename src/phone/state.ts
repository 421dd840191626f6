// The phone page's state: every screen, the pairing as the page knows it, the connection, and
// the actions that move it. Pure data: the transitions are in reduce.ts, what is read off a
// state in derived.ts.
import type { DecisionValue, PairingState, Scope } from '../core/protocol/constants'
import type { ClaimResponse, PairingStatus } from '../core/protocol/schemas'
import type { PhoneError } from './errors'
import type { CodeProblem } from './usercode'

/** How the phone found the pairing: the QR link (`/P/<token>`) or a typed user code (`/link`). */
export type Flow = 'qr' | 'code'

export type EndReason =
  /** The link or code expired before the phone could use it, or the claimed pairing ran out of time. */
  | 'expired'
  /** The provisioning request was not decided on the TV in time. */
  | 'window_closed'
  /** The QR link was opened a second time: the service cancelled the pairing and told the TV. */
  | 'used'
  /**
   * This tab already used the link but cannot resume after a reload (the phone token was kept in
   * memory only): the QR token is not presented again, which would cancel the pairing.
   */
  | 'used_here'
  /** Another phone paired with this TV first. */
  | 'taken'
  /** The pairing was cancelled. */
  | 'cancelled'
  /** The link matches no pairing. */
  | 'invalid_link'
  /** The pairing has ended and been forgotten, or this page's token is no longer valid. */
  | 'gone'
  /** The person said the TV shows another code: do not go on. */
  | 'mismatch'
  /** An answer the page did not expect. */
  | 'unexpected'

export type CodeFieldError =
  | { kind: CodeProblem; bad?: string[] }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'taken' }
  | { kind: 'cancelled' }
  | { kind: 'rate_limited'; until: number }
  | { kind: 'unexpected' }

export type Screen =
  | { name: 'boot' }
  | { name: 'code'; input: string; error: CodeFieldError | null; busy: boolean }
  | { name: 'claiming' }
  | { name: 'confirm' }
  | { name: 'choose'; selected: Scope[]; error: boolean; busy: boolean }
  | { name: 'waiting' }
  | { name: 'result' }
  | { name: 'ended'; reason: EndReason }
  /** A QR claim was refused for too many attempts: wait until `until` (page clock, ms). */
  | { name: 'blocked'; until: number }

export type ScreenName = Screen['name']

export interface Pairing {
  id: string
  tvName: string
  /** `XXXX-XXXX`. */
  userCode: string
  state: PairingState
  /** Newest event id seen (stale answers are ignored). */
  eventId: number
  /** Deadline of the current state, service clock (ms). */
  expiresAt: number
  /** Service clock minus page clock (ms): the page never trusts its own clock for deadlines. */
  clockOffset: number
  scopes: Scope[]
  decisions: Partial<Record<Scope, DecisionValue>>
  withdrawn: Scope[]
}

export type Net =
  | { kind: 'ok' }
  /** Something failed for a reason that goes away: next attempt at `retryAt` (page clock). */
  | { kind: 'retrying'; attempt: number; retryAt: number; cause: 'unreachable' | 'server' }

export interface State {
  flow: Flow
  screen: Screen
  pairing: Pairing | null
  /** The person confirmed that the TV shows the same code. */
  confirmed: boolean
  net: Net
}

/** What the page keeps, sealed with the phone token, to resume after a reload (session.ts). */
export interface ResumeInfo {
  pairingId: string
  tvName: string
  userCode: string
  confirmed: boolean
  mismatch: boolean
}

export type Op = 'claim' | 'request' | 'watch'

export type Action =
  | { type: 'show-code'; input: string }
  | { type: 'claim-start' }
  | { type: 'code-input'; input: string }
  | { type: 'code-submit'; now: number }
  | { type: 'claimed'; claim: ClaimResponse; now: number }
  | { type: 'resumed'; info: ResumeInfo }
  | { type: 'status'; status: PairingStatus; now: number }
  | { type: 'confirm'; matches: boolean }
  | { type: 'toggle-scope'; scope: Scope; on: boolean }
  | { type: 'request-submit' }
  | { type: 'failed'; op: Op; error: PhoneError; now: number }
  | { type: 'retrying'; attempt: number; retryAt: number; cause: 'unreachable' | 'server' }
  | { type: 'connected' }
  | { type: 'invalid-link' }
  | { type: 'used-here' }
  | { type: 'new-code' }
  | { type: 'retry-claim' }

export function initialState(flow: Flow): State {
  return { flow, screen: { name: 'boot' }, pairing: null, confirmed: false, net: { kind: 'ok' } }
}
