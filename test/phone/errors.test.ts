import { describe, expect, it } from 'vitest'
import { isTransient, mapHttpError, parseRetryAfter, retryDelay } from '../../src/phone/errors'
import { ERROR_CODES } from '../../src/core/protocol/constants'

describe('service answers → what the person can do', () => {
  it.each([
    [429, 'rate_limited', 120, { kind: 'rate_limited', retryAfterS: 120 }],
    [429, 'slow_down', 10, { kind: 'slow_down', retryAfterS: 10 }],
    [410, 'expired', undefined, { kind: 'expired' }],
    [410, 'decision_window_closed', undefined, { kind: 'expired' }],
    [409, 'qr_token_reused', undefined, { kind: 'used' }],
    [409, 'already_claimed', undefined, { kind: 'taken' }],
    [410, 'pairing_revoked', undefined, { kind: 'cancelled' }],
    [404, 'invalid_code', undefined, { kind: 'invalid_code' }],
    [400, 'invalid_code', undefined, { kind: 'invalid_code' }],
    [401, 'unauthorized', undefined, { kind: 'gone' }],
    [404, 'not_found', undefined, { kind: 'gone' }],
    [409, 'invalid_state', undefined, { kind: 'invalid_state' }],
    [503, 'unavailable', 3, { kind: 'server', retryAfterS: 3 }],
    [500, 'internal_error', undefined, { kind: 'server', retryAfterS: undefined }],
  ] as const)('%i %s', (status, error, retryAfter, expected) => {
    expect(mapHttpError(status, { error, message: 'x' }, retryAfter)).toEqual(expected)
  })

  it('falls back on the status when the body is not the service’s (a proxy page, nothing)', () => {
    expect(mapHttpError(502, null)).toEqual({ kind: 'server', retryAfterS: undefined })
    expect(mapHttpError(504, { error: 42 })).toMatchObject({ kind: 'server' })
    expect(mapHttpError(429, null)).toEqual({ kind: 'rate_limited', retryAfterS: 60 })
    expect(mapHttpError(429, null, 7)).toEqual({ kind: 'rate_limited', retryAfterS: 7 })
    expect(mapHttpError(410, null)).toEqual({ kind: 'expired' })
    expect(mapHttpError(401, null)).toEqual({ kind: 'gone' })
    expect(mapHttpError(400, { error: 'invalid_request' })).toEqual({ kind: 'unexpected', status: 400, code: 'invalid_request' })
  })

  it('uses the body’s interval when Retry-After is missing', () => {
    expect(mapHttpError(429, { error: 'slow_down', interval: 15 })).toEqual({ kind: 'slow_down', retryAfterS: 15 })
  })

  it('maps every stable error code of the protocol to something (none left as a crash)', () => {
    for (const code of ERROR_CODES) {
      const e = mapHttpError(400, { error: code })
      expect(e.kind, code).toBeTruthy()
    }
  })

  it('retries only what goes away by itself', () => {
    expect(isTransient({ kind: 'unreachable' })).toBe(true)
    expect(isTransient({ kind: 'server' })).toBe(true)
    expect(isTransient({ kind: 'slow_down', retryAfterS: 5 })).toBe(true)
    expect(isTransient({ kind: 'rate_limited', retryAfterS: 5 })).toBe(false)
    expect(isTransient({ kind: 'used' })).toBe(false)
    expect(isTransient({ kind: 'expired' })).toBe(false)
  })
})

describe('Retry-After', () => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  it('seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30)
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })
})

describe('backoff', () => {
  it('grows exponentially up to the cap, with jitter between half and the full delay', () => {
    expect(retryDelay(0, 0)).toBe(500)
    expect(retryDelay(0, 1)).toBe(1000)
    expect(retryDelay(1, 1)).toBe(2000)
    expect(retryDelay(3, 1)).toBe(8000)
    expect(retryDelay(4, 1)).toBe(15000)
    expect(retryDelay(50, 1)).toBe(15000)
    expect(retryDelay(50, 0)).toBe(7500)
    for (let a = 0; a < 10; a++) {
      const d = retryDelay(a, Math.random())
      expect(d).toBeGreaterThanOrEqual(Math.min(15000, 1000 * 2 ** a) / 2)
      expect(d).toBeLessThanOrEqual(Math.min(15000, 1000 * 2 ** a))
    }
  })

  it('never retries before the service’s Retry-After', () => {
    expect(retryDelay(0, 0, 20)).toBe(20000)
    expect(retryDelay(5, 1, 1)).toBe(15000)
  })

  it('takes other bases and caps', () => {
    expect(retryDelay(2, 1, undefined, { baseMs: 250, capMs: 800 })).toBe(800)
    expect(retryDelay(1, 1, undefined, { baseMs: 250, capMs: 800 })).toBe(500)
  })
})
