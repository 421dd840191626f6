// The phone counts down to the service's decision deadline while the TV decides (the moment the
// TV's overlay counts down to), read by the service's clock; expiry reads the same as on the TV.
import { describe, expect, it } from 'vitest'
import { remainingMs } from '../../src/phone/derived'
import { STRINGS } from '../../src/phone/i18n'
import { reduce } from '../../src/phone/reduce'
import { initialState, type Action, type State } from '../../src/phone/state'
import { claimResponse, status, T0 } from './fixtures'

const run = (s: State, ...actions: Action[]) => actions.reduce(reduce, s)
/** Page clock 10 s behind the service. */
const PAGE_NOW = T0 - 10_000

describe('decision deadline', () => {
  it('is the time left while the TV decides, by the service clock, whatever the page clock says', () => {
    const deadline = new Date(T0 + 600_000).toISOString()
    const s = run(
      initialState('qr'),
      { type: 'claim-start' },
      { type: 'claimed', claim: claimResponse(), now: PAGE_NOW },
      { type: 'confirm', matches: true },
      { type: 'toggle-scope', scope: 'bluetooth', on: true },
      { type: 'request-submit' },
      // expires_at is the state's deadline; decision_deadline names the decision's, and wins.
      { type: 'status', status: status({ state: 'consent_pending', event_id: 3, scopes_requested: ['bluetooth'], expires_at: new Date(T0 + 900_000).toISOString(), decision_deadline: deadline }), now: PAGE_NOW },
    )
    expect(s.screen).toEqual({ name: 'waiting' })
    expect(remainingMs(s.pairing!, PAGE_NOW)).toBe(600_000)
    expect(remainingMs(s.pairing!, PAGE_NOW + 599_000)).toBe(1_000)
    expect(remainingMs(s.pairing!, PAGE_NOW + 700_000)).toBe(0)
  })

  it('says on expiry what the TV says: the request timed out and nothing was allowed', () => {
    expect(STRINGS['zh-CN'].endedTitle.window_closed).toBe('请求已超时')
    expect(STRINGS['zh-CN'].endedBody.window_closed).toContain('未授予任何权限')
    expect(STRINGS['en-US'].endedTitle.window_closed).toBe('The request timed out')
    expect(STRINGS['en-US'].endedBody.window_closed).toContain('nothing was allowed')
  })
})
