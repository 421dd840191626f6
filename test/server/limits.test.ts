// User-code guessing is stopped by limits held in the store: per client address, per network,
// in total, and per pairing. QR claims (130-bit tokens) spend none of the guessing budget, so a
// flood of typed guesses cannot stop a real scan, on one process or several sharing Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { USER_CODE_ALPHABET } from '../../src/core/protocol'
import type { LiveStore } from '../../src/server/storage/live'
import { MemoryLiveStore } from '../../src/server/storage/memory-live'
import { RedisLiveStore } from '../../src/server/storage/redis-live'
import { startRedis, stopAll, type RunningServer } from './helpers-backends'
import { FakeClock, createPairing, qrToken, request, startServer, type TestServer } from './helpers'

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

/** `n` typed guesses, each from its own loopback address, spread over `servers`; their statuses. */
async function guessFlood(servers: TestServer[], n: number): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < n; i++) {
    const from = `127.1.${1 + (i >> 8)}.${1 + (i & 255)}`
    statuses.push((await request(servers[i % servers.length], 'POST', '/v1/claims', { body: { user_code: guess(i), phone_name: 'x' }, from })).status)
  }
  return statuses
}

/** During the flood: a QR scan on each server claims its pairing; a typed code waits for the window. */
async function scansStillPair(servers: TestServer[]): Promise<void> {
  for (const [k, s] of servers.entries()) {
    const scanned = await createPairing(s)
    const scan = await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(scanned), phone_name: 'Alice' }, from: `127.3.0.${k + 1}` })
    expect(scan.status, scan.text).toBe(201)
    expect(scan.json.state).toBe('claimed')
    const typedTv = await createPairing(s)
    const typed = await request(s, 'POST', '/v1/claims', { body: { user_code: typedTv.user_code, phone_name: 'typed' }, from: `127.2.0.${k + 1}` })
    expect(typed.status).toBe(429)
    expect(typed.json.message).toMatch(/scan the QR code/)
  }
}

describe('a guessing flood from many addresses', () => {
  it('spends the typed-code budget only: a real QR scan still pairs', async () => {
    const s = await startServer({ config: { limits: { claimsGlobal: 40 } } })
    try {
      const statuses = await guessFlood([s], 120)
      expect(statuses.filter((x) => x === 404)).toHaveLength(40)
      expect(statuses.slice(40).every((x) => x === 429)).toBe(true)
      await scansStillPair([s])
      // unknown QR tokens are not guesses either: they spend nothing
      for (let i = 0; i < 30; i++) expect((await request(s, 'POST', '/v1/claims', { body: { qr_token: 'A'.repeat(25) + 'BCDFGHJKMN'[i % 10], phone_name: 'x' } })).status).toBe(404)
      s.clock.advance(60_000)
      expect((await guessFlood([s], 1))[0]).toBe(404)
    } finally {
      await s.close()
    }
  }, 30_000)

  it('limits typed codes per network prefix (/24) as well as per address', async () => {
    const s = await startServer({ config: { limits: { claimsPerIp: 5, claimsPerPrefix: 12, claimsGlobal: 1000 } } })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 20; i++) statuses.push((await request(s, 'POST', '/v1/claims', { body: { user_code: guess(i), phone_name: 'x' }, from: `127.0.5.${i + 1}` })).status)
      expect(statuses).toEqual([...Array(12).fill(404), ...Array(8).fill(429)])
      expect((await request(s, 'POST', '/v1/claims', { body: { user_code: guess(50), phone_name: 'x' }, from: '127.0.6.1' })).status).toBe(404)
    } finally {
      await s.close()
    }
  })

  describe('two service processes sharing Redis', () => {
    let redis: RunningServer
    beforeAll(async () => {
      redis = await startRedis()
    }, 30_000)
    afterAll(async () => {
      await stopAll()
    }, 30_000)

    it('share the typed-code budget, and a QR scan pairs on either during the flood', async () => {
      const clock = new FakeClock()
      const stores: LiveStore[] = [
        await RedisLiveStore.connect(redis.url, { prefix: 'flood:', clock: clock.now }),
        await RedisLiveStore.connect(redis.url, { prefix: 'flood:', clock: clock.now }),
      ]
      const servers = [
        await startServer({ clock, deps: { live: stores[0] }, config: { limits: { claimsGlobal: 30 } } }),
        await startServer({ clock, deps: { live: stores[1] }, config: { limits: { claimsGlobal: 30 } } }),
      ]
      try {
        const statuses = await guessFlood(servers, 80)
        expect(statuses.filter((x) => x === 404)).toHaveLength(30)
        expect(statuses.slice(30).every((x) => x === 429)).toBe(true)
        await scansStillPair(servers)
      } finally {
        for (const s of servers) await s.close()
        for (const l of stores) await l.close()
      }
    }, 30_000)
  })
})
