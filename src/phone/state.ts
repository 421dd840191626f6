// The phone page as a pure state machine: every screen, what moves between them, and what the
// page derives from the pairing's status. No DOM, no network, no clock: time comes in actions.
import { FINAL_STATES, SCOPES, type DecisionValue, type PairingState, type Scope } from '../core/protocol/constants'
import type { ClaimResponse, PairingStatus } from '../core/protocol/schemas'
import type { PhoneError } from './errors'
import { checkUserCode, displayCode, type CodeProblem } from './usercode'

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

const OK: Net = { kind: 'ok' }

export function reduce(state: State, action: Action): State {
  const s = state.screen
  switch (action.type) {
    case 'show-code':
      return { ...state, flow: 'code', pairing: null, confirmed: false, screen: { name: 'code', input: action.input, error: null, busy: false } }

    case 'claim-start':
      return { ...state, flow: 'qr', screen: { name: 'claiming' } }

    case 'code-input':
      if (s.name !== 'code' || s.busy) return state
      // A new code clears a problem with the old one, but not the wait after too many attempts.
      return { ...state, screen: { ...s, input: action.input, error: s.error?.kind === 'rate_limited' ? s.error : null } }

    case 'code-submit': {
      if (s.name !== 'code' || s.busy) return state
      if (s.error?.kind === 'rate_limited' && action.now < s.error.until) return state
      const check = checkUserCode(s.input)
      if (!check.ok) return { ...state, screen: { ...s, error: { kind: check.problem, bad: check.bad } } }
      return { ...state, screen: { name: 'code', input: displayCode(check.code), error: null, busy: true } }
    }

    case 'retry-claim':
      if (s.name !== 'blocked') return state
      return { ...state, screen: { name: 'claiming' } }

    case 'claimed': {
      const c = action.claim
      const pairing: Pairing = {
        id: c.pairing_id,
        tvName: c.tv_name,
        userCode: c.user_code,
        state: c.state,
        eventId: 0,
        expiresAt: Date.parse(c.expires_at),
        clockOffset: Date.parse(c.server_time) - action.now,
        scopes: [],
        decisions: {},
        withdrawn: [],
      }
      return { ...state, pairing, confirmed: false, net: OK, screen: { name: 'confirm' } }
    }

    case 'resumed': {
      const i = action.info
      const pairing: Pairing = {
        id: i.pairingId,
        tvName: i.tvName,
        userCode: i.userCode,
        state: 'claimed',
        eventId: 0,
        expiresAt: 0,
        clockOffset: 0,
        scopes: [],
        decisions: {},
        withdrawn: [],
      }
      const screen: Screen = i.mismatch ? { name: 'ended', reason: 'mismatch' } : { name: 'boot' }
      return { ...state, pairing, confirmed: i.confirmed, screen }
    }

    case 'status':
      return applyStatus(state, action.status, action.now)

    case 'confirm':
      if (s.name !== 'confirm') return state
      if (!action.matches) return { ...state, screen: { name: 'ended', reason: 'mismatch' } }
      return { ...state, confirmed: true, screen: { name: 'choose', selected: [], error: false, busy: false } }

    case 'toggle-scope': {
      if (s.name !== 'choose' || s.busy) return state
      const on = new Set(s.selected)
      if (action.on) on.add(action.scope)
      else on.delete(action.scope)
      const selected = SCOPES.filter((x) => on.has(x))
      return { ...state, screen: { ...s, selected, error: s.error && selected.length === 0 } }
    }

    case 'request-submit':
      if (s.name !== 'choose' || s.busy) return state
      if (s.selected.length === 0) return { ...state, screen: { ...s, error: true } }
      return { ...state, screen: { ...s, error: false, busy: true } }

    case 'failed':
      return { ...failed(state, action.op, action.error, action.now), net: OK }

    case 'retrying':
      return { ...state, net: { kind: 'retrying', attempt: action.attempt, retryAt: action.retryAt, cause: action.cause } }

    case 'connected':
      return state.net.kind === 'ok' ? state : { ...state, net: OK }

    case 'invalid-link':
      return { ...state, flow: 'qr', screen: { name: 'ended', reason: 'invalid_link' } }

    case 'used-here':
      return { ...state, pairing: null, confirmed: false, screen: { name: 'ended', reason: 'used_here' } }

    case 'new-code':
      if (state.flow !== 'code') return state
      return { ...state, pairing: null, confirmed: false, net: OK, screen: { name: 'code', input: '', error: null, busy: false } }
  }
}

function applyStatus(state: State, st: PairingStatus, now: number): State {
  const prev = state.pairing
  if (prev && st.pairing_id !== prev.id) return state
  if (prev && st.event_id < prev.eventId) return { ...state, net: OK }
  const pairing: Pairing = {
    id: st.pairing_id,
    tvName: st.tv.name,
    userCode: prev?.userCode ?? '',
    state: st.state,
    eventId: st.event_id,
    expiresAt: Date.parse(st.expires_at),
    clockOffset: Date.parse(st.server_time) - now,
    scopes: st.scopes_requested ? [...st.scopes_requested] : (prev?.scopes ?? []),
    decisions: st.decision ? { ...st.decision.decisions } : {},
    withdrawn: st.decision?.withdrawn ? [...st.decision.withdrawn] : [],
  }
  const next = { ...state, pairing, net: OK }
  const s = state.screen
  if (s.name === 'ended') return next
  switch (st.state) {
    case 'created':
      return next
    case 'claimed':
      if (s.name === 'boot' || s.name === 'claiming' || (s.name === 'code' && s.busy))
        return { ...next, screen: state.confirmed ? { name: 'choose', selected: [], error: false, busy: false } : { name: 'confirm' } }
      return next
    case 'consent_pending':
      return s.name === 'waiting' ? next : { ...next, screen: { name: 'waiting' } }
    case 'granted':
    case 'denied':
      return s.name === 'result' ? next : { ...next, screen: { name: 'result' } }
    case 'expired':
      return { ...next, screen: { name: 'ended', reason: pairing.scopes.length > 0 ? 'window_closed' : 'expired' } }
    case 'revoked':
      return { ...next, screen: { name: 'ended', reason: 'cancelled' } }
  }
}

function failed(state: State, op: Op, e: PhoneError, now: number): State {
  const s = state.screen
  const end = (reason: EndReason): State => ({ ...state, screen: { name: 'ended', reason } })
  if (op === 'claim' && state.flow === 'code' && s.name === 'code') {
    const error: CodeFieldError =
      e.kind === 'invalid_code' || e.kind === 'gone'
        ? { kind: 'unknown' }
        : e.kind === 'expired'
          ? { kind: 'expired' }
          : e.kind === 'taken' || e.kind === 'used'
            ? { kind: 'taken' }
            : e.kind === 'cancelled'
              ? { kind: 'cancelled' }
              : e.kind === 'rate_limited'
                ? { kind: 'rate_limited', until: now + e.retryAfterS * 1000 }
                : { kind: 'unexpected' }
    return { ...state, screen: { ...s, busy: false, error } }
  }
  if (op === 'claim' && e.kind === 'rate_limited') return { ...state, screen: { name: 'blocked', until: now + e.retryAfterS * 1000 } }
  if (op === 'request' && e.kind === 'invalid_state') return state // the event stream brings the state it is in
  switch (e.kind) {
    case 'expired':
      return end(op === 'claim' || !state.pairing?.scopes.length ? 'expired' : 'window_closed')
    case 'used':
      return end('used')
    case 'taken':
      return end('taken')
    case 'cancelled':
      return end('cancelled')
    case 'invalid_code':
      return end(op === 'claim' ? 'invalid_link' : 'gone')
    case 'gone':
      return end(op === 'claim' ? 'invalid_link' : 'gone')
    default:
      return end('unexpected')
  }
}

// ---- derived --------------------------------------------------------------------------------

/** Milliseconds left before the pairing's current deadline, by the service's clock. */
export function remainingMs(p: Pairing, pageNow: number): number {
  return Math.max(0, p.expiresAt - (pageNow + p.clockOffset))
}

export type ScopeOutcome = 'granted' | 'denied' | 'withdrawn'

/** The answer for each requested scope, in protocol order. */
export function scopeOutcomes(p: Pairing): { scope: Scope; outcome: ScopeOutcome }[] {
  return SCOPES.filter((s) => p.scopes.includes(s) || p.decisions[s] !== undefined).map((scope) => ({
    scope,
    outcome: p.withdrawn.includes(scope) ? 'withdrawn' : p.decisions[scope] === 'granted' ? 'granted' : 'denied',
  }))
}

export type ResultKind = 'granted' | 'partial' | 'denied' | 'withdrawn'

export function resultKind(p: Pairing): ResultKind {
  const o = scopeOutcomes(p)
  if (o.some((x) => x.outcome === 'withdrawn')) return 'withdrawn'
  if (o.length > 0 && o.every((x) => x.outcome === 'granted')) return 'granted'
  if (o.some((x) => x.outcome === 'granted')) return 'partial'
  return 'denied'
}

/** Whether the page should keep following the pairing live (a granted consent can still be withdrawn). */
export function shouldWatch(state: State): boolean {
  const p = state.pairing
  if (!p) return false
  if (state.screen.name === 'ended') return false
  if (p.state === 'granted') return scopeOutcomes(p).some((x) => x.outcome === 'granted')
  return !FINAL_STATES.includes(p.state)
}

/** The information to keep for a reload, or null when there is nothing to resume. */
export function resumeInfo(state: State): ResumeInfo | null {
  const p = state.pairing
  if (!p) return null
  const mismatch = state.screen.name === 'ended' && state.screen.reason === 'mismatch'
  return { pairingId: p.id, tvName: p.tvName, userCode: p.userCode, confirmed: state.confirmed, mismatch }
}
