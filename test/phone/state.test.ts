import { describe, expect, it } from 'vitest'
import type { PhoneError } from '../../src/phone/errors'
import { remainingMs, resultKind, resumeInfo, scopeOutcomes, shouldWatch } from '../../src/phone/derived'
import { reduce } from '../../src/phone/reduce'
import { initialState, type Action, type State } from '../../src/phone/state'
import { claimResponse, PAIRING_ID, status, T0 } from './fixtures'

const run = (s: State, ...actions: Action[]) => actions.reduce(reduce, s)
const fail = (op: 'claim' | 'request' | 'watch', error: PhoneError, now = T0): Action => ({ type: 'failed', op, error, now })
/** Page clock 10 s behind the service. */
const PAGE_NOW = T0 - 10_000

function claimed(): State {
  return run(initialState('qr'), { type: 'claim-start' }, { type: 'claimed', claim: claimResponse(), now: PAGE_NOW })
}

function waiting(scopes: ('bluetooth' | 'network' | 'location')[] = ['bluetooth', 'location']): State {
  return run(
    claimed(),
    { type: 'confirm', matches: true },
    ...scopes.map((scope): Action => ({ type: 'toggle-scope', scope, on: true })),
    { type: 'request-submit' },
    { type: 'status', status: status({ state: 'consent_pending', event_id: 3, scopes_requested: scopes, expires_at: new Date(T0 + 900_000).toISOString() }), now: PAGE_NOW },
  )
}

describe('QR flow', () => {
  it('claim → confirm the code → choose → request → waiting → per-scope result', () => {
    let s = run(initialState('qr'), { type: 'claim-start' })
    expect(s.screen).toEqual({ name: 'claiming' })
    s = reduce(s, { type: 'claimed', claim: claimResponse(), now: PAGE_NOW })
    expect(s.screen).toEqual({ name: 'confirm' })
    expect(s.pairing).toMatchObject({ id: PAIRING_ID, tvName: '客厅电视', userCode: 'WDJB-MJHT', state: 'claimed', clockOffset: 10_000 })
    s = reduce(s, { type: 'confirm', matches: true })
    expect(s.confirmed).toBe(true)
    expect(s.screen).toEqual({ name: 'choose', selected: [], error: false, busy: false })
    s = run(s, { type: 'toggle-scope', scope: 'location', on: true }, { type: 'toggle-scope', scope: 'bluetooth', on: true })
    // Protocol order whatever the tapping order.
    expect(s.screen).toMatchObject({ selected: ['bluetooth', 'location'] })
    s = reduce(s, { type: 'request-submit' })
    expect(s.screen).toMatchObject({ name: 'choose', busy: true })
    // Boxes are frozen while the request is on its way.
    expect(reduce(s, { type: 'toggle-scope', scope: 'network', on: true })).toBe(s)
    s = reduce(s, { type: 'status', status: status({ state: 'consent_pending', event_id: 3, scopes_requested: ['bluetooth', 'location'] }), now: PAGE_NOW })
    expect(s.screen).toEqual({ name: 'waiting' })
    expect(shouldWatch(s)).toBe(true)
    s = reduce(s, {
      type: 'status',
      status: status({
        state: 'granted',
        event_id: 4,
        scopes_requested: ['bluetooth', 'location'],
        decision: { decisions: { bluetooth: 'granted', location: 'denied' }, receipt_id: 'r1', recorded_at: new Date(T0).toISOString() },
      }),
      now: PAGE_NOW,
    })
    expect(s.screen).toEqual({ name: 'result' })
    expect(resultKind(s.pairing!)).toBe('partial')
    expect(scopeOutcomes(s.pairing!)).toEqual([
      { scope: 'bluetooth', outcome: 'granted' },
      { scope: 'location', outcome: 'denied' },
    ])
    // A granted consent can still be withdrawn: keep following.
    expect(shouldWatch(s)).toBe(true)
  })

  it('needs at least one scope', () => {
    let s = run(claimed(), { type: 'confirm', matches: true }, { type: 'request-submit' })
    expect(s.screen).toMatchObject({ name: 'choose', error: true, busy: false })
    s = reduce(s, { type: 'toggle-scope', scope: 'network', on: true })
    expect(s.screen).toMatchObject({ error: false, selected: ['network'] })
    s = run(s, { type: 'toggle-scope', scope: 'network', on: false })
    expect(s.screen).toMatchObject({ selected: [] })
  })

  it('a code that does not match stops the flow, and that survives a reload', () => {
    const s = reduce(claimed(), { type: 'confirm', matches: false })
    expect(s.screen).toEqual({ name: 'ended', reason: 'mismatch' })
    expect(shouldWatch(s)).toBe(false)
    const info = resumeInfo(s)!
    expect(info.mismatch).toBe(true)
    expect(reduce(initialState('qr'), { type: 'resumed', info }).screen).toEqual({ name: 'ended', reason: 'mismatch' })
  })

  it('all denied, all granted, withdrawn', () => {
    const decided = (decisions: Record<string, 'granted' | 'denied'>, withdrawn?: ('bluetooth' | 'location')[]) =>
      reduce(waiting(), {
        type: 'status',
        status: status({
          state: Object.values(decisions).includes('granted') ? 'granted' : 'denied',
          event_id: 9,
          scopes_requested: ['bluetooth', 'location'],
          decision: { decisions, receipt_id: 'r', recorded_at: new Date(T0).toISOString(), ...(withdrawn ? { withdrawn } : {}) },
        }),
        now: PAGE_NOW,
      })
    const denied = decided({ bluetooth: 'denied', location: 'denied' })
    expect(resultKind(denied.pairing!)).toBe('denied')
    expect(shouldWatch(denied)).toBe(false)
    const granted = decided({ bluetooth: 'granted', location: 'granted' })
    expect(resultKind(granted.pairing!)).toBe('granted')
    const partlyWithdrawn = decided({ bluetooth: 'granted', location: 'granted' }, ['location'])
    expect(resultKind(partlyWithdrawn.pairing!)).toBe('withdrawn')
    expect(scopeOutcomes(partlyWithdrawn.pairing!).map((o) => o.outcome)).toEqual(['granted', 'withdrawn'])
    expect(shouldWatch(partlyWithdrawn)).toBe(true)
    const allWithdrawn = decided({ bluetooth: 'granted', location: 'denied' }, ['bluetooth'])
    expect(shouldWatch(allWithdrawn)).toBe(false)
  })

  it('ignores stale answers (an older event after a newer one) and other pairings', () => {
    const s = waiting()
    expect(reduce(s, { type: 'status', status: status({ state: 'claimed', event_id: 2 }), now: PAGE_NOW }).screen).toEqual({ name: 'waiting' })
    expect(reduce(s, { type: 'status', status: status({ pairing_id: 'p_zzzzzzzzzzzzzzzzzzzzzz', state: 'revoked', event_id: 50 }), now: PAGE_NOW })).toBe(s)
  })

  it('expiry before the request is "expired"; after it, "window closed"; revocation is "cancelled"', () => {
    expect(reduce(claimed(), { type: 'status', status: status({ state: 'expired', event_id: 3 }), now: PAGE_NOW }).screen).toEqual({ name: 'ended', reason: 'expired' })
    expect(
      reduce(waiting(), { type: 'status', status: status({ state: 'expired', event_id: 5, scopes_requested: ['bluetooth'] }), now: PAGE_NOW }).screen,
    ).toEqual({ name: 'ended', reason: 'window_closed' })
    const revoked = reduce(claimed(), { type: 'status', status: status({ state: 'revoked', event_id: 3 }), now: PAGE_NOW })
    expect(revoked.screen).toEqual({ name: 'ended', reason: 'cancelled' })
    // An ended screen stays ended (a later status does not resurrect the flow).
    expect(reduce(revoked, { type: 'status', status: status({ state: 'consent_pending', event_id: 9 }), now: PAGE_NOW }).screen).toEqual({ name: 'ended', reason: 'cancelled' })
  })

  it('maps a refused QR claim to a screen with a next step', () => {
    const claiming = run(initialState('qr'), { type: 'claim-start' })
    expect(reduce(claiming, fail('claim', { kind: 'used' })).screen).toEqual({ name: 'ended', reason: 'used' })
    expect(reduce(claiming, fail('claim', { kind: 'taken' })).screen).toEqual({ name: 'ended', reason: 'taken' })
    expect(reduce(claiming, fail('claim', { kind: 'expired' })).screen).toEqual({ name: 'ended', reason: 'expired' })
    expect(reduce(claiming, fail('claim', { kind: 'cancelled' })).screen).toEqual({ name: 'ended', reason: 'cancelled' })
    expect(reduce(claiming, fail('claim', { kind: 'invalid_code' })).screen).toEqual({ name: 'ended', reason: 'invalid_link' })
    expect(reduce(claiming, fail('claim', { kind: 'unexpected', status: 400, code: 'invalid_request' })).screen).toEqual({ name: 'ended', reason: 'unexpected' })
    const blocked = reduce(claiming, fail('claim', { kind: 'rate_limited', retryAfterS: 30 }))
    expect(blocked.screen).toEqual({ name: 'blocked', until: T0 + 30_000 })
    expect(reduce(blocked, { type: 'retry-claim' }).screen).toEqual({ name: 'claiming' })
  })

  it('a lost session (401/404 while following) ends as "gone"; a provisioning request in the wrong state waits for the stream', () => {
    expect(reduce(waiting(), fail('watch', { kind: 'gone' })).screen).toEqual({ name: 'ended', reason: 'gone' })
    const busy = run(claimed(), { type: 'confirm', matches: true }, { type: 'toggle-scope', scope: 'bluetooth', on: true }, { type: 'request-submit' })
    expect(reduce(busy, fail('request', { kind: 'invalid_state' })).screen).toEqual(busy.screen)
    expect(reduce(busy, fail('request', { kind: 'expired' })).screen).toEqual({ name: 'ended', reason: 'expired' })
  })

  it('connection trouble is shown beside the screen, not instead of it', () => {
    const s = reduce(waiting(), { type: 'retrying', attempt: 2, retryAt: T0 + 2000, cause: 'unreachable' })
    expect(s.screen).toEqual({ name: 'waiting' })
    expect(s.net).toEqual({ kind: 'retrying', attempt: 2, retryAt: T0 + 2000, cause: 'unreachable' })
    expect(reduce(s, { type: 'connected' }).net).toEqual({ kind: 'ok' })
    // Any answer from the service means it is reachable again.
    expect(reduce(s, { type: 'status', status: status({ state: 'consent_pending', event_id: 3 }), now: PAGE_NOW }).net).toEqual({ kind: 'ok' })
  })

  it('counts down by the service clock, not the page clock', () => {
    const s = waiting()
    // The service says 900 s are left at T0; the page's clock is 10 s behind.
    expect(remainingMs(s.pairing!, PAGE_NOW)).toBe(900_000)
    expect(remainingMs(s.pairing!, PAGE_NOW + 60_000)).toBe(840_000)
    expect(remainingMs(s.pairing!, PAGE_NOW + 10_000_000)).toBe(0)
  })
})

describe('resume after a reload', () => {
  it('goes back to where the person was, from the pairing’s live state', () => {
    const info = { pairingId: PAIRING_ID, tvName: '客厅电视', userCode: 'WDJB-MJHT', confirmed: false, mismatch: false }
    let s = reduce(initialState('qr'), { type: 'resumed', info })
    expect(s.screen).toEqual({ name: 'boot' })
    expect(reduce(s, { type: 'status', status: status(), now: PAGE_NOW }).screen).toEqual({ name: 'confirm' })
    s = reduce(initialState('qr'), { type: 'resumed', info: { ...info, confirmed: true } })
    expect(reduce(s, { type: 'status', status: status(), now: PAGE_NOW }).screen).toMatchObject({ name: 'choose', selected: [] })
    expect(reduce(s, { type: 'status', status: status({ state: 'consent_pending', scopes_requested: ['network'] }), now: PAGE_NOW }).screen).toEqual({ name: 'waiting' })
    // The user code comes from the saved session (the status does not carry it).
    expect(reduce(s, { type: 'status', status: status(), now: PAGE_NOW }).pairing?.userCode).toBe('WDJB-MJHT')
  })

  it('saves what is needed, and nothing before a claim', () => {
    expect(resumeInfo(initialState('qr'))).toBeNull()
    expect(resumeInfo(reduce(claimed(), { type: 'confirm', matches: true }))).toEqual({
      pairingId: PAIRING_ID,
      tvName: '客厅电视',
      userCode: 'WDJB-MJHT',
      confirmed: true,
      mismatch: false,
    })
  })
})

describe('typed code flow', () => {
  const start = (input = '') => reduce(initialState('code'), { type: 'show-code', input })

  it('validates before sending; a valid code is sent as typed (normalised)', () => {
    let s = run(start(), { type: 'code-submit', now: T0 })
    expect(s.screen).toMatchObject({ name: 'code', busy: false, error: { kind: 'empty' } })
    s = run(s, { type: 'code-input', input: 'wdjb-mjh' })
    expect(s.screen).toMatchObject({ error: null })
    s = reduce(s, { type: 'code-submit', now: T0 })
    expect(s.screen).toMatchObject({ error: { kind: 'short' }, busy: false })
    s = run(s, { type: 'code-input', input: 'wdjb mjht' }, { type: 'code-submit', now: T0 })
    expect(s.screen).toEqual({ name: 'code', input: 'WDJB-MJHT', error: null, busy: true })
    // Typing is ignored while the claim is on its way.
    expect(reduce(s, { type: 'code-input', input: 'x' })).toBe(s)
    s = reduce(s, { type: 'claimed', claim: claimResponse(), now: PAGE_NOW })
    expect(s.screen).toEqual({ name: 'confirm' })
  })

  it('keeps the person on the form for a code problem', () => {
    const busy = run(start('WDJB-MJHT'), { type: 'code-submit', now: T0 })
    const err = (e: PhoneError) => reduce(busy, fail('claim', e)).screen
    expect(err({ kind: 'invalid_code' })).toMatchObject({ name: 'code', busy: false, error: { kind: 'unknown' } })
    expect(err({ kind: 'expired' })).toMatchObject({ name: 'code', error: { kind: 'expired' } })
    expect(err({ kind: 'taken' })).toMatchObject({ name: 'code', error: { kind: 'taken' } })
    expect(err({ kind: 'cancelled' })).toMatchObject({ name: 'code', error: { kind: 'cancelled' } })
  })

  it('too many attempts: no new attempt before Retry-After, then allowed again', () => {
    let s = run(start('WDJB-MJHT'), { type: 'code-submit', now: T0 }, fail('claim', { kind: 'rate_limited', retryAfterS: 60 }, T0))
    expect(s.screen).toMatchObject({ name: 'code', busy: false, error: { kind: 'rate_limited', until: T0 + 60_000 } })
    // A new code does not lift the wait.
    s = reduce(s, { type: 'code-input', input: 'BCDF-GHJK' })
    expect(s.screen).toMatchObject({ error: { kind: 'rate_limited' } })
    expect(reduce(s, { type: 'code-submit', now: T0 + 59_000 })).toBe(s)
    expect(reduce(s, { type: 'code-submit', now: T0 + 60_000 }).screen).toMatchObject({ busy: true, input: 'BCDF-GHJK' })
  })

  it('after an ended pairing, starts over with a new code', () => {
    const ended = reduce(reduce(start('WDJB-MJHT'), { type: 'claimed', claim: claimResponse(), now: PAGE_NOW }), { type: 'confirm', matches: false })
    const s = reduce(ended, { type: 'new-code' })
    expect(s.screen).toEqual({ name: 'code', input: '', error: null, busy: false })
    expect(s.pairing).toBeNull()
    // Only the typed flow has "new code": a QR page cannot make up a new QR token.
    expect(reduce(reduce(claimed(), { type: 'confirm', matches: false }), { type: 'new-code' }).screen).toEqual({ name: 'ended', reason: 'mismatch' })
  })
})
