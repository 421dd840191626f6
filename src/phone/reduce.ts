// The state machine's transitions: what each action does to the page's state, what a status
// from the service moves it to, and which screen a failure ends on. No DOM, no network, no
// clock: time comes in actions.
import { SCOPES } from '../core/protocol/constants'
import type { PairingStatus } from '../core/protocol/schemas'
import type { PhoneError } from './errors'
import type { Action, CodeFieldError, EndReason, Net, Op, Pairing, Screen, State } from './state'
import { checkUserCode, displayCode } from './usercode'

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
    // While the TV decides: the service's decision deadline, the moment the TV counts down to as well.
    expiresAt: Date.parse(st.decision_deadline ?? st.expires_at),
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
