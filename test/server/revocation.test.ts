// A second claimant cancels a pairing under way, and only one under way: the revocation is a
// compare-and-set that never lands between a decision's ledger append and its state change, a
// pairing that has ended stays as it is, and every party is told what happened. Run on the
// in-memory store and on a real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LedgerEntry, LedgerRecord } from '../../src/server/storage/ledger'
import { MemoryLiveStore } from '../../src/server/storage/memory-live'
import { RedisLiveStore } from '../../src/server/storage/redis-live'
import type { LiveStore } from '../../src/server/storage/live'
import { startRedis, stopAll, type RunningServer } from './helpers-backends'
import {
  FakeClock,
  claim,
  createPairing,
  decide,
  decisionBody,
  openSse,
  pendingPairing,
  qrToken,
  request,
  startServer,
  type Created,
  type Res,
  type TestServer,
} from './helpers'

let redis: RunningServer | undefined
let prefixes = 0

beforeAll(async () => {
  redis = await startRedis()
}, 30_000)
afterAll(async () => {
  await stopAll()
}, 30_000)

interface Backend {
  name: string
  live(clock: FakeClock): Promise<LiveStore>
}

const backends: Backend[] = [
  { name: 'memory', live: async (clock) => new MemoryLiveStore(clock.now) },
  { name: 'Redis', live: async (clock) => RedisLiveStore.connect(redis!.url, { prefix: `rv${++prefixes}:`, clock: clock.now }) },
]

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function withServer(backend: Backend, fn: (s: TestServer) => Promise<void>): Promise<void> {
  const clock = new FakeClock()
  const live = await backend.live(clock)
  const s = await startServer({ clock, deps: { live }, config: { limits: { pairingsPerDevice: 1000 } } })
  try {
    await fn(s)
  } finally {
    await s.close()
    await live.close()
  }
}

function presentQr(s: TestServer, created: Created, from = '127.0.0.9'): Promise<Res> {
  return request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(created), phone_name: 'Eve' }, from })
}

function typeCode(s: TestServer, created: Created, from = '127.0.0.10'): Promise<Res> {
  return request(s, 'POST', '/v1/claims', { body: { user_code: created.user_code, phone_name: 'Eve' }, from })
}

async function stateOf(s: TestServer, created: Created): Promise<string> {
  s.clock.advance(60_000) // past any pacing interval
  const r = await request(s, 'GET', `/v1/pairings/${created.pairing_id}`, { token: created.tv_token })
  expect(r.status, r.text).toBe(200)
  return r.json.state
}

/** Runs `during` when the next ledger append starts, holding the append until it settles or `holdMs` passes. */
function duringNextAppend(s: TestServer, during: () => Promise<Res>, holdMs: number): { answer: () => Promise<Res> } {
  const ledger = s.app.ledger as { append(entry: LedgerEntry): Promise<LedgerRecord> }
  const real = ledger.append.bind(ledger)
  let answer: Promise<Res> | undefined
  ledger.append = async (entry) => {
    ledger.append = real
    answer = during()
    await Promise.race([answer, sleep(holdMs)])
    return real(entry)
  }
  return { answer: () => answer ?? Promise.reject(new Error('no ledger append happened')) }
}

describe.each(backends)('revocation on a second claimant ($name)', (backend) => {
  it('a QR reuse racing a decision being recorded waits for it, and then cancels nothing', async () => {
    await withServer(backend, async (s) => {
      const { created } = await pendingPairing(s)
      const race = duringNextAppend(s, () => presentQr(s, created), 300)
      const decision = await decide(s, created, 'k-race', decisionBody({ bluetooth: 'granted', network: 'denied' }))
      const reuse = await race.answer()
      expect(decision.status, decision.text).toBe(201)
      expect(decision.json.state).toBe('granted')
      expect(reuse.status).toBe(409)
      expect(reuse.json.error).toBe('already_claimed')
      expect(reuse.json.message).not.toMatch(/cancel/i)
      expect(await stateOf(s, created)).toBe('granted')
    })
  })

  it('a QR reuse while a decision stalls in the ledger is asked to retry, and the retry is told the outcome', async () => {
    await withServer(backend, async (s) => {
      const { created } = await pendingPairing(s)
      const race = duringNextAppend(
        s,
        async () => {
          const answer = presentQr(s, created)
          await sleep(100)
          s.clock.advance(6_000) // past the revocation's wait for the lock
          return answer
        },
        10_000,
      )
      const decision = await decide(s, created, 'k-stall', decisionBody({ bluetooth: 'granted', network: 'granted' }))
      const busy = await race.answer()
      expect(busy.status).toBe(503)
      expect(busy.json.error).toBe('unavailable')
      expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0)
      expect(decision.status, decision.text).toBe(201)
      const retried = await presentQr(s, created)
      expect(retried.status).toBe(409)
      expect(retried.json.error).toBe('already_claimed')
      expect(await stateOf(s, created)).toBe('granted')
    })
  })

  it('decisions and QR reuses fired together: whoever is told it won did win', async () => {
    await withServer(backend, async (s) => {
      const outcomes = new Map<string, number>()
      for (let trial = 0; trial < 30; trial++) {
        const { created } = await pendingPairing(s)
        const jitter = trial % 3
        const [decision, reuse] = await Promise.all([
          sleep(jitter === 1 ? 1 : 0).then(() => decide(s, created, `k${trial}`, decisionBody({ bluetooth: 'granted', network: 'granted' }))),
          sleep(jitter === 2 ? 1 : 0).then(() => presentQr(s, created)),
        ])
        const state = await stateOf(s, created)
        const told = `${decision.status}/${reuse.json.error}`
        outcomes.set(`${told} → ${state}`, (outcomes.get(`${told} → ${state}`) ?? 0) + 1)
        if (reuse.json.error === 'qr_token_reused') {
          expect(state, told).toBe('revoked')
          expect(decision.status, told).not.toBe(201)
          expect(['decision_in_progress', 'pairing_revoked']).toContain(decision.json.error)
        } else {
          expect(decision.status, told).toBe(201)
          expect(state, told).toBe('granted')
          expect(reuse.json.error, told).toBe('already_claimed')
        }
      }
      expect([...outcomes.keys()].every((k) => k.endsWith('→ revoked') || k.endsWith('→ granted')), JSON.stringify([...outcomes])).toBe(true)
    })
  }, 60_000)

  it('after the pairing has ended, a reuse changes nothing and says how it ended', async () => {
    await withServer(backend, async (s) => {
      const { created } = await pendingPairing(s)
      const decision = await decide(s, created, 'k-final', decisionBody({ bluetooth: 'denied', network: 'denied' }))
      expect(decision.status).toBe(201)
      for (const r of [await presentQr(s, created), await typeCode(s, created)]) {
        expect(r.status).toBe(409)
        expect(r.json.error).toBe('already_claimed')
        expect(r.json.message).not.toMatch(/cancel/i)
      }
      // nothing happened to the pairing: no event after the decision
      expect((await s.app.live.events(created.pairing_id, 0)).map((e) => e.type)).toEqual(['status', 'claimed', 'consent_requested', 'decided'])
      expect(await stateOf(s, created)).toBe('denied')

      const late = await createPairing(s)
      await claim(s, late)
      s.clock.advance(601_000) // past the claimed pairing's deadline
      const reuse = await presentQr(s, late)
      expect(reuse.status).toBe(410)
      expect(reuse.json.error).toBe('expired')
    })
  })

  it('the QR token after a claim with the typed code cancels the pairing, and the TV and first phone are told', async () => {
    await withServer(backend, async (s) => {
      const created = await createPairing(s)
      const first = await typeCode(s, created, '127.0.0.20')
      expect(first.status).toBe(201)
      const stream = await openSse(`${s.url}/v1/pairings/${created.pairing_id}/events`, created.tv_token, '2')
      try {
        const second = await presentQr(s, created, '127.0.0.21')
        expect(second.status).toBe(409)
        expect(second.json.error).toBe('qr_token_reused')
        expect(second.json.message).toMatch(/cancelled/)
        const ev = await stream.next()
        expect(ev.event).toBe('revoked')
      } finally {
        stream.close()
      }
      s.clock.advance(60_000)
      const phone = await request(s, 'GET', `/v1/pairings/${created.pairing_id}`, { token: first.json.phone_token })
      expect(phone.json.state).toBe('revoked')
    })
  })

  it('the typed code after a QR claim cancels the pairing; the typed code twice changes nothing', async () => {
    await withServer(backend, async (s) => {
      const scanned = await createPairing(s)
      await claim(s, scanned)
      const typed = await typeCode(s, scanned)
      expect(typed.status).toBe(410)
      expect(typed.json.error).toBe('pairing_revoked')
      expect(typed.json.message).toMatch(/cancelled/)
      expect(await stateOf(s, scanned)).toBe('revoked')

      const typedTwice = await createPairing(s)
      expect((await typeCode(s, typedTwice, '127.0.0.30')).status).toBe(201)
      const again = await typeCode(s, typedTwice, '127.0.0.31')
      expect(again.status).toBe(409)
      expect(again.json.error).toBe('already_claimed')
      expect(await stateOf(s, typedTwice)).toBe('claimed')
    })
  })
})
