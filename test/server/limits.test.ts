// User-code guessing is stopped by limits held in the store: per client address, in total,
// and per pairing.
import { describe, expect, it } from 'vitest'
import { USER_CODE_ALPHABET } from '../../src/core/protocol'
import { MemoryLiveStore } from '../../src/server/storage/memory-live'
import { FakeClock, createPairing, qrToken, request, startServer } from './helpers'

function guess(i: number): string {
  let code = ''
  for (let k = 0; k < 8; k++) code += USER_CODE_ALPHABET[(i * (k + 3) + k) % USER_CODE_ALPHABET.length]
  return code
}

describe('claim limits', () => {
  it('stops guessing from one address, even for the right code, until the window passes', async () => {
    const s = await startServer({ config: { limits: { claimsPerIp: 10, claimsGlobal: 1000 } } })
    try {
      const target = await createPairing(s)
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) statuses.push((await request(s, 'POST', '/v1/claims', { body: { user_code: guess(i), phone_name: 'x' } })).status)
      expect(statuses.slice(0, 10).every((st) => st === 404)).toBe(true)
      expect(statuses.slice(10)).toEqual([429, 429])
      const right = await request(s, 'POST', '/v1/claims', { body: { user_code: target.user_code, phone_name: 'x' } })
      expect(right.status).toBe(429)
      expect(right.json.error).toBe('rate_limited')
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0)
      // another address is not blocked
      const other = await request(s, 'POST', '/v1/claims', { body: { user_code: target.user_code, phone_name: 'x' }, from: '127.0.0.2' })
      expect(other.status).toBe(201)
      s.clock.advance(600_000)
      expect((await request(s, 'POST', '/v1/claims', { body: { user_code: guess(99), phone_name: 'x' } })).status).toBe(404)
    } finally {
      await s.close()
    }
  })

  it('stops distributed guessing with the global limit', async () => {
    const s = await startServer({ config: { limits: { claimsPerIp: 100, claimsGlobal: 6 } } })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 8; i++) statuses.push((await request(s, 'POST', '/v1/claims', { body: { user_code: guess(i), phone_name: 'x' }, from: `127.0.0.${10 + i}` })).status)
      expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 429, 429])
    } finally {
      await s.close()
    }
  })

  it('limits attempts that reach one pairing', async () => {
    const s = await startServer({ config: { limits: { claimsPerPairing: 3 } } })
    try {
      const target = await createPairing(s)
      const codes: number[] = []
      for (let i = 0; i < 5; i++) codes.push((await request(s, 'POST', '/v1/claims', { body: { user_code: target.user_code, phone_name: `p${i}` }, from: `127.0.0.${20 + i}` })).status)
      expect(codes).toEqual([201, 409, 409, 429, 429])
      const qr = await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(target), phone_name: 'p' }, from: '127.0.0.30' })
      expect(qr.status).toBe(429)
    } finally {
      await s.close()
    }
  })

  it('keeps the counters in the shared store: two service processes share the limit', async () => {
    const clock = new FakeClock()
    const live = new MemoryLiveStore(clock.now)
    const a = await startServer({ clock, deps: { live }, config: { limits: { claimsPerIp: 4 } } })
    const b = await startServer({ clock, deps: { live }, config: { limits: { claimsPerIp: 4 } } })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 6; i++) statuses.push((await request(i % 2 ? a : b, 'POST', '/v1/claims', { body: { user_code: guess(i), phone_name: 'x' } })).status)
      expect(statuses).toEqual([404, 404, 404, 404, 429, 429])
    } finally {
      await a.close()
      await b.close()
      await live.close()
    }
  })
})
