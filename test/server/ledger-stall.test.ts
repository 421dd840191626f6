// A slow ledger or a failing live store cannot make the ledger contradict what the TV was told:
// two service instances share real Redis and PostgreSQL (started here) and one clock; a
// PostgreSQL append is held on the ledger's append lock past the 30 s consent lock and
// idempotency lease, and Redis refuses writes (maxmemory) right after an append.
import { randomBytes } from 'node:crypto'
import Redis from 'ioredis'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PgLedgerStore, APPEND_LOCK } from '../../src/server/storage/pg-ledger'
import { RedisLiveStore } from '../../src/server/storage/redis-live'
import { FakeClock, decide, decisionBody, pendingPairing, request, startServer, type Res, type TestServer } from './helpers'
import { startPostgres, startRedis, stopAll, type RunningPostgres, type RunningServer } from './helpers-backends'

const SECRET = randomBytes(32)
const LEDGER_KEY = randomBytes(32)
/** Past the consent lock and the idempotency lease (both 30 s on the service clock). */
const PAST_THE_LEASE_MS = 31_000

let redis: RunningServer
let postgres: RunningPostgres
let admin: Redis
const toClose: (() => Promise<unknown>)[] = []
let spaces = 0

beforeAll(async () => {
  ;[redis, postgres] = await Promise.all([startRedis(), startPostgres()])
  admin = new Redis(redis.url)
}, 90_000)

afterEach(async () => {
  await admin.config('SET', 'maxmemory', '0')
  for (const c of toClose.splice(0).reverse()) await c()
})

afterAll(async () => {
  admin?.disconnect()
  await stopAll()
}, 30_000)

interface Deployment {
  clock: FakeClock
  /** Two service instances, as two processes would be. */
  A: TestServer
  B: TestServer
  url: string
  prefix: string
}

async function deployment(): Promise<Deployment> {
  const clock = new FakeClock()
  const url = await postgres.createDatabase()
  const prefix = `stall${++spaces}:`
  const instance = async () => {
    const live = await RedisLiveStore.connect(redis.url, { prefix, clock: clock.now })
    const ledger = await PgLedgerStore.open(url, { key: LEDGER_KEY })
    const s = await startServer({ clock, deps: { live, ledger, secret: SECRET } })
    toClose.push(async () => {
      await s.close()
      await ledger.close()
      await live.close()
    })
    return s
  }
  return { clock, A: await instance(), B: await instance(), url, prefix }
}

/** Holds the ledger's append lock from another connection: every append waits until `release`. */
async function stallAppends(url: string): Promise<{ waiting(n: number): Promise<void>; release(): Promise<void> }> {
  const holder = new pg.Client({ connectionString: url })
  await holder.connect()
  await holder.query('BEGIN')
  await holder.query(`SELECT pg_advisory_xact_lock(${APPEND_LOCK})`)
  const watcher = new pg.Client({ connectionString: url })
  await watcher.connect()
  toClose.push(async () => {
    await holder.end().catch(() => undefined)
    await watcher.end().catch(() => undefined)
  })
  return {
    async waiting(n) {
      for (let i = 0; i < 400; i++) {
        const r = await watcher.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        if (Number(r.rows[0].n) >= n) return
        await new Promise((r) => setTimeout(r, 25))
      }
      throw new Error(`fewer than ${n} append(s) waiting on the ledger`)
    },
    async release() {
      await holder.query('COMMIT')
    },
  }
}

async function ledgerOf(s: TestServer, pairingId: string) {
  return s.app.ledger.byPairing(pairingId)
}

async function statusOf(s: TestServer, pairing: { pairing_id: string; tv_token: string }): Promise<Res> {
  return request(s, 'GET', `/v1/pairings/${pairing.pairing_id}`, { token: pairing.tv_token })
}

const GRANTED = decisionBody({ bluetooth: 'granted', network: 'granted' })
const DENIED = decisionBody({ bluetooth: 'denied', network: 'denied' })

describe('a ledger append stalled past the consent lock and the idempotency lease', () => {
  it('lets no second decision in: one consent is recorded, the pairing ends as it says, the other TV request is told it was already decided', async () => {
    const { clock, A, B, url } = await deployment()
    const { created } = await pendingPairing(A)
    const stall = await stallAppends(url)
    const first = decide(A, created, 'decision-a', GRANTED)
    await stall.waiting(1)
    clock.advance(PAST_THE_LEASE_MS)
    const second = decide(B, created, 'decision-b', DENIED)
    await stall.waiting(2)
    await stall.release()
    const answers = await Promise.all([first, second])

    const records = await ledgerOf(A, created.pairing_id)
    expect(records.map((r) => r.kind)).toEqual(['consent'])
    const won = answers.filter((r) => r.status === 201)
    const lost = answers.filter((r) => r.status !== 201)
    expect(won).toHaveLength(1)
    expect(lost.map((r) => [r.status, r.json.error])).toEqual([[409, 'already_decided']])
    expect(won[0].json).toMatchObject({ receipt_id: records[0].receipt_id, ledger_hash: records[0].hash })
    const st = await statusOf(B, created)
    expect(st.json).toMatchObject({ state: won[0].json.state, decision: { receipt_id: records[0].receipt_id } })
    expect((await A.app.ledger.verify()).ok).toBe(true)
  })

  it("answers the TV's same-key retry with the receipt of the stalled request, and records it once", async () => {
    const { clock, A, B, url } = await deployment()
    const { created } = await pendingPairing(A)
    const stall = await stallAppends(url)
    const first = decide(A, created, 'decision-1', GRANTED)
    await stall.waiting(1)
    clock.advance(PAST_THE_LEASE_MS)
    const retry = decide(B, created, 'decision-1', GRANTED)
    await stall.waiting(2)
    await stall.release()
    const [a, b] = await Promise.all([first, retry])

    expect([a.status, b.status]).toEqual([201, 201])
    expect(b.json).toEqual(a.json)
    const records = await ledgerOf(A, created.pairing_id)
    expect(records.map((r) => r.receipt_id)).toEqual([a.json.receipt_id])
    expect((await statusOf(A, created)).json).toMatchObject({ state: 'granted', decision: { receipt_id: a.json.receipt_id } })
    expect((await A.app.ledger.verify()).ok).toBe(true)
  })
})

describe('Redis failing right after the ledger append', () => {
  it("answers 500, then the TV's same-key retry gets the recorded receipt and the pairing catches up", async () => {
    const { A, url } = await deployment()
    const { created } = await pendingPairing(A)
    const stall = await stallAppends(url)
    const first = decide(A, created, 'decision-1', GRANTED)
    await stall.waiting(1)
    // Redis now refuses every write: the append goes through, the state change after it fails.
    await admin.config('SET', 'maxmemory', '1')
    await stall.release()
    const failed = await first
    expect([failed.status, failed.json.error]).toEqual([500, 'internal_error'])
    const records = await ledgerOf(A, created.pairing_id)
    expect(records).toHaveLength(1)
    await admin.config('SET', 'maxmemory', '0')

    const retry = await decide(A, created, 'decision-1', GRANTED)
    expect(retry.status).toBe(201)
    expect(retry.json).toMatchObject({ receipt_id: records[0].receipt_id, ledger_hash: records[0].hash, state: 'granted', recorded_at: records[0].server_time })
    expect(await ledgerOf(A, created.pairing_id)).toHaveLength(1)
    expect((await statusOf(A, created)).json).toMatchObject({ state: 'granted', decision: { receipt_id: records[0].receipt_id } })
    // another key still cannot decide again, and the same key with another body is refused
    expect((await decide(A, created, 'decision-2', DENIED)).json.error).toBe('already_decided')
    expect((await decide(A, created, 'decision-1', DENIED)).status).toBe(422)
  })

  it("answers the TV's retry with its receipt when Redis lost the stored answer after the state changed", async () => {
    const { A, prefix } = await deployment()
    const { created } = await pendingPairing(A)
    const first = await decide(A, created, 'decision-1', GRANTED)
    expect(first.status).toBe(201)
    // The stored answers go (evicted, or lost in a failover); the decided pairing stays.
    const keys = await admin.keys(`${prefix}i:*`)
    expect(keys.length).toBeGreaterThan(0)
    await admin.del(...keys)

    const retry = await decide(A, created, 'decision-1', GRANTED)
    expect(retry.status).toBe(201)
    expect(retry.json).toEqual(first.json)
    expect(await ledgerOf(A, created.pairing_id)).toHaveLength(1)
  })

  it('a withdrawal retried after Redis failed is recorded once and answered with its receipt', async () => {
    const { A, url } = await deployment()
    const { created } = await pendingPairing(A)
    expect((await decide(A, created, 'decision-1', GRANTED)).status).toBe(201)
    const withdraw = () =>
      request(A, 'POST', `/v1/pairings/${created.pairing_id}/withdrawal`, {
        token: created.tv_token,
        headers: { 'idempotency-key': 'withdraw-1' },
        body: { scopes: ['bluetooth'], screen_id: 'privacy', app_version: '0.1.0', device_time: '2030-01-01T01:00:00Z' },
      })
    const stall = await stallAppends(url)
    const first = withdraw()
    await stall.waiting(1)
    await admin.config('SET', 'maxmemory', '1')
    await stall.release()
    expect((await first).status).toBe(500)
    await admin.config('SET', 'maxmemory', '0')
    const retry = await withdraw()
    expect(retry.status).toBe(201)
    const records = await ledgerOf(A, created.pairing_id)
    expect(records.map((r) => r.kind)).toEqual(['consent', 'withdrawal'])
    expect(retry.json).toMatchObject({ receipt_id: records[1].receipt_id, withdrawn: ['bluetooth'], refers_to: records[0].receipt_id })
    expect((await statusOf(A, created)).json.decision).toMatchObject({ withdrawn: ['bluetooth'] })
  })
})
