// The LiveStore operations that do in one step what took several round trips: an
// authentication attempt (throttle check, failure count, nonce) and a pairing creation counted
// against its limit. Run on both live stores, two handles each (for Redis, two connections),
// so what one handle did, the other sees.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuthAttempt, LiveStore, NewEvent, PairingRecord } from '../../src/server/storage/live'
import { MemoryLiveStore } from '../../src/server/storage/memory-live'
import { RedisLiveStore } from '../../src/server/storage/redis-live'
import { startRedis, stopAll, type RunningServer } from './helpers-backends'
import { FakeClock } from './helpers'

let redis: RunningServer | undefined
const toClose: LiveStore[] = []
let spaces = 0

beforeAll(async () => {
  redis = await startRedis()
}, 60_000)

afterEach(async () => {
  for (const s of toClose.splice(0)) await s.close()
})

afterAll(async () => {
  await stopAll()
}, 30_000)

const backends: { name: string; handles(clock: FakeClock): Promise<[LiveStore, LiveStore]> }[] = [
  {
    name: 'memory',
    async handles(clock) {
      const s = new MemoryLiveStore(clock.now)
      toClose.push(s)
      return [s, s]
    },
  },
  {
    name: 'Redis',
    async handles(clock) {
      const prefix = `one${++spaces}:`
      const open = async () => {
        const s = await RedisLiveStore.connect(redis!.url, { prefix, clock: clock.now })
        toClose.push(s)
        return s
      }
      return [await open(), await open()]
    },
  },
]

const WINDOW = 60_000
const attempt = (valid: boolean, nonce?: string, over: Partial<AuthAttempt> = {}): AuthAttempt => ({
  failureKey: 'limit:authfail:d1',
  maxFailures: 5,
  failureWindowMs: WINDOW,
  valid,
  nonce: nonce === undefined ? undefined : { key: `nonce:d1:${nonce}`, ttlMs: 600_000 },
  ...over,
})

function pairing(id: string, clock: FakeClock): PairingRecord {
  const now = clock.now()
  return { id, version: 1, state: 'created', createdAt: now, expiresAt: now + 300_000, purgeAt: now + 600_000, deviceHash: 'dh', tvName: 'TV', interval: 5, eventId: 1 }
}
const status: NewEvent = { type: 'status', data: (r, id) => JSON.stringify({ state: r.state, id }) }

describe.each(backends)('one-step live store operations: $name', (backend) => {
  it('authentication: a valid attempt sets its nonce once, a failed one counts and sets nothing', async () => {
    const clock = new FakeClock()
    const [a, b] = await backend.handles(clock)
    expect(await a.authAttempt(attempt(true, 'n-1'))).toEqual({ outcome: 'ok' })
    expect(await b.authAttempt(attempt(true, 'n-1'))).toEqual({ outcome: 'replayed' })
    expect(await b.peek('limit:authfail:d1')).toEqual({ count: 0, resetAt: clock.now() })
    // A replay is not a failed credential: it does not count.
    expect(await a.authAttempt(attempt(false, 'n-2'))).toEqual({ outcome: 'failed' })
    expect(await b.peek('limit:authfail:d1')).toEqual({ count: 1, resetAt: clock.now() + WINDOW })
    // The failed attempt's nonce was not remembered: the device's own request with it passes.
    expect(await b.authAttempt(attempt(true, 'n-2'))).toEqual({ outcome: 'ok' })
    expect(await a.authAttempt(attempt(true))).toEqual({ outcome: 'ok' })
    expect(await a.authAttempt(attempt(true))).toEqual({ outcome: 'ok' })
    expect(await a.peek('limit:authfail:d1')).toEqual({ count: 1, resetAt: clock.now() + WINDOW })
    // A nonce is remembered for its time to live, then forgotten.
    clock.advance(600_000)
    expect(await a.authAttempt(attempt(true, 'n-1'))).toEqual({ outcome: 'ok' })
  })

  it('authentication: at the failure budget every attempt is refused, uncounted and unset, until the window ends', async () => {
    const clock = new FakeClock()
    const [a, b] = await backend.handles(clock)
    const t0 = clock.now()
    for (let i = 0; i < 5; i++) expect(await (i % 2 ? a : b).authAttempt(attempt(false))).toEqual({ outcome: 'failed' })
    clock.advance(1000)
    expect(await a.authAttempt(attempt(true, 'n-t'))).toEqual({ outcome: 'throttled', resetAt: t0 + WINDOW })
    expect(await b.authAttempt(attempt(false))).toEqual({ outcome: 'throttled', resetAt: t0 + WINDOW })
    expect(await a.peek('limit:authfail:d1')).toEqual({ count: 5, resetAt: t0 + WINDOW })
    // Another device's budget is its own.
    expect(await b.authAttempt(attempt(true, 'n-t', { failureKey: 'limit:authfail:d2', nonce: { key: 'nonce:d2:n-t', ttlMs: 600_000 } }))).toEqual({ outcome: 'ok' })
    clock.advance(WINDOW - 1000)
    // The throttled attempt did not remember n-t for d1.
    expect(await b.authAttempt(attempt(true, 'n-t'))).toEqual({ outcome: 'ok' })
    expect(await a.authAttempt(attempt(false))).toEqual({ outcome: 'failed' })
    expect(await a.peek('limit:authfail:d1')).toEqual({ count: 1, resetAt: t0 + 2 * WINDOW })
  })

  it('authentication: concurrent failures on two handles never pass the budget (check and count are one step)', async () => {
    const clock = new FakeClock()
    const [a, b] = await backend.handles(clock)
    const got = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).authAttempt(attempt(false))))
    expect(got.filter((r) => r.outcome === 'failed')).toHaveLength(5)
    expect(got.filter((r) => r.outcome === 'throttled')).toHaveLength(19)
    expect((await a.peek('limit:authfail:d1')).count).toBe(5)
  })

  it('creation within a limit: counted in the same step, refused over it with nothing stored, a taken id still counted', async () => {
    const clock = new FakeClock()
    const [a, b] = await backend.handles(clock)
    const t0 = clock.now()
    const limit = { key: 'limit:create:dh', max: 2, windowMs: WINDOW }
    expect(await a.createPairing(pairing('p_1', clock), [{ kind: 'qr', hash: 'q1' }], status, limit)).toEqual({ ok: true })
    expect(await b.peek('limit:create:dh')).toEqual({ count: 1, resetAt: t0 + WINDOW })
    // A taken id (or token hash) refuses the pairing after the limit counted it.
    expect(await b.createPairing(pairing('p_1', clock), [{ kind: 'qr', hash: 'q2' }], status, limit)).toEqual({ ok: false })
    expect(await a.getToken('qr', 'q2')).toBeNull()
    const over = await b.createPairing(pairing('p_3', clock), [{ kind: 'qr', hash: 'q3' }], status, limit)
    expect(over).toEqual({ ok: false, limited: { count: 3, resetAt: t0 + WINDOW } })
    expect(await a.getPairing('p_3')).toBeNull()
    expect(await a.getToken('qr', 'q3')).toBeNull()
    expect(await a.events('p_3', 0)).toEqual([])
    // Without a limit nothing is counted.
    expect(await a.createPairing(pairing('p_4', clock), [{ kind: 'qr', hash: 'q4' }], status)).toEqual({ ok: true })
    expect(await b.peek('limit:create:dh')).toEqual({ count: 3, resetAt: t0 + WINDOW })
    clock.advance(WINDOW)
    expect(await b.createPairing(pairing('p_5', clock), [{ kind: 'qr', hash: 'q5' }], status, limit)).toEqual({ ok: true })
    expect(await a.getPairing('p_5')).toEqual(pairing('p_5', clock))
    expect(await a.getToken('qr', 'q5')).toEqual({ pairingId: 'p_5', used: false })
    expect(await a.peek('limit:create:dh')).toEqual({ count: 1, resetAt: t0 + 2 * WINDOW })
  })

  it('creation within a limit: concurrent creations on two handles, exactly the limit stored', async () => {
    const clock = new FakeClock()
    const [a, b] = await backend.handles(clock)
    const limit = { key: 'limit:create:dh', max: 3, windowMs: WINDOW }
    const got = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).createPairing(pairing(`p_c${i}`, clock), [{ kind: 'tv', hash: `tv${i}` }], status, limit)),
    )
    expect(got.filter((r) => r.ok)).toHaveLength(3)
    expect(got.filter((r) => !r.ok && r.limited !== undefined)).toHaveLength(7)
    const stored = await Promise.all(Array.from({ length: 10 }, (_, i) => a.getPairing(`p_c${i}`)))
    expect(stored.filter((p) => p !== null)).toHaveLength(3)
  })
})

describe('one-step live store operations: memory bounds', () => {
  it('a full counter table answers a new limit key as over it, as incr does', async () => {
    const clock = new FakeClock()
    const s = new MemoryLiveStore(clock.now, 30_000, 1)
    toClose.push(s)
    await s.incr('limit:other', WINDOW)
    const r = await s.createPairing(pairing('p_full', clock), [], status, { key: 'limit:create:new', max: 10, windowMs: WINDOW })
    expect(r.ok).toBe(false)
    expect(await s.getPairing('p_full')).toBeNull()
  })
})
