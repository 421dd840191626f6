// One storage contract, run against both backends: the embedded defaults (MemoryLiveStore +
// SqliteLedgerStore) and the scale-out ones (RedisLiveStore + PgLedgerStore on real
// redis-server and PostgreSQL started here on free loopback ports). Each case opens two
// "handles" on the same state, as two service processes would: for memory the same object,
// for Redis and PostgreSQL separate connections. Time is an injected clock.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/core/protocol'
import { chainHash, unkeyedHash, type LedgerEntry, type LedgerStore } from '../../src/server/storage/ledger'
import type { LiveStore, NewEvent, PairingRecord } from '../../src/server/storage/live'
import { MemoryLiveStore } from '../../src/server/storage/memory-live'
import { PG_LEDGER_MIGRATIONS } from '../../src/server/storage/migrations/pg-ledger'
import { PgLedgerStore } from '../../src/server/storage/pg-ledger'
import { RedisLiveStore } from '../../src/server/storage/redis-live'
import { SqliteLedgerStore } from '../../src/server/storage/sqlite-ledger'
import type { PairingEventType } from '../../src/core/protocol'
import { startPostgres, startRedis, stopAll, type RunningPostgres, type RunningServer } from './helpers-backends'
import { FakeClock, claim, createPairing, decide, decisionBody, ledgerCli, openSse, request, requestScopes, startServer } from './helpers'
import { seededRandom } from '../../tools/lib/seededRandom'

// ---- backends -------------------------------------------------------------------------------

interface LiveSpace {
  /** A new handle on this space's shared state. */
  open(): Promise<LiveStore>
}

/** The key every ledger handle here chains under (as the processes of one deployment share one). */
const LEDGER_KEY = randomBytes(32)

interface LedgerSpace {
  /** A handle under LEDGER_KEY (or `key`). */
  open(key?: Buffer): Promise<LedgerStore>
  /** Runs an UPDATE / DELETE as a client of the database would (the triggers apply). */
  write(sql: string): Promise<void>
  /** The same with the append-only triggers switched off: what someone with the files could do. */
  forge(sql: string): Promise<void>
}

interface Backend {
  name: string
  liveSpace(clock: FakeClock): Promise<LiveSpace>
  ledgerSpace(): Promise<LedgerSpace>
}

let redis: RunningServer | undefined
let postgres: RunningPostgres | undefined
const toClose: (() => Promise<unknown> | unknown)[] = []
let spaces = 0

beforeAll(async () => {
  const [r, p] = await Promise.allSettled([startRedis(), startPostgres()])
  if (r.status === 'fulfilled') redis = r.value
  if (p.status === 'fulfilled') postgres = p.value
  if (r.status === 'rejected') throw r.reason
  if (p.status === 'rejected') throw p.reason
}, 90_000)

afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c()
})

afterAll(async () => {
  await stopAll()
}, 30_000)

function closeLater<T extends { close(): Promise<void> }>(s: T): T {
  toClose.push(() => s.close())
  return s
}

const memoryBackend: Backend = {
  name: 'memory + SQLite',
  async liveSpace(clock) {
    const store = closeLater(new MemoryLiveStore(clock.now))
    return { open: async () => store }
  },
  async ledgerSpace() {
    const dir = mkdtempSync(join(tmpdir(), 'miitee-contract-'))
    toClose.push(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'ledger.sqlite')
    const run = (sql: string, forge: boolean) => {
      const db = new Database(file)
      try {
        if (forge) db.exec('DROP TRIGGER IF EXISTS ledger_no_update; DROP TRIGGER IF EXISTS ledger_no_delete')
        db.exec(sql)
      } finally {
        db.close()
      }
    }
    return {
      open: async (key = LEDGER_KEY) => closeLater(new SqliteLedgerStore(file, { key })),
      write: async (sql) => run(sql, false),
      forge: async (sql) => run(sql, true),
    }
  },
}

const sharedBackend: Backend = {
  name: 'Redis + PostgreSQL',
  async liveSpace(clock) {
    if (!redis) throw new Error('redis-server did not start (see the beforeAll error)')
    const url = redis.url
    const prefix = `c${++spaces}:`
    return { open: async () => closeLater(await RedisLiveStore.connect(url, { prefix, clock: clock.now })) }
  },
  async ledgerSpace() {
    if (!postgres) throw new Error('PostgreSQL did not start (see the beforeAll error)')
    const url = await postgres.createDatabase()
    const run = async (sql: string, forge: boolean) => {
      const c = new pg.Client({ connectionString: url })
      await c.connect()
      try {
        if (forge) await c.query('ALTER TABLE ledger DISABLE TRIGGER USER')
        await c.query(sql)
        if (forge) await c.query('ALTER TABLE ledger ENABLE TRIGGER USER')
      } finally {
        await c.end()
      }
    }
    return {
      open: async (key = LEDGER_KEY) => closeLater(await PgLedgerStore.open(url, { key })),
      write: (sql) => run(sql, false),
      forge: (sql) => run(sql, true),
    }
  },
}

// ---- fixtures -------------------------------------------------------------------------------

const HOUR = 3_600_000

function pairing(id: string, clock: FakeClock, over: Partial<PairingRecord> = {}): PairingRecord {
  const now = clock.now()
  return {
    id,
    version: 1,
    state: 'created',
    createdAt: now,
    expiresAt: now + 300_000,
    purgeAt: now + 300_000 + 24 * HOUR,
    deviceHash: 'device-hash-1',
    tvName: '客厅电视 “Living room”',
    interval: 5,
    eventId: 1,
    ...over,
  }
}

/** An event whose payload records what the store handed the builder. */
function ev(type: PairingEventType): NewEvent {
  return { type, data: (r, id) => JSON.stringify({ type, state: r.state, version: r.version, eventId: r.eventId, id }) }
}

function entry(i: number, pairingId = `p${i}`, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    kind: 'consent',
    receipt_id: `receipt-${i}`,
    pairing_id: pairingId,
    decision_id: `decision-${i}`,
    subject: { device_id_hash: 'device-hash-1', device_name: '客厅电视' },
    requester: { phone_name: 'Alice’s phone' },
    decisions: { bluetooth: 'granted', network: i % 2 ? 'granted' : 'denied' },
    refers_to: null,
    notice: { policy_id: 'miitee-privacy-policy', policy_version: '2024-02-29', locale: 'zh-CN', policy_sha256: 'a'.repeat(64) },
    collection_method: 'tv-remote',
    screen_id: 'consent-overlay',
    app_version: '0.1.0',
    firmware_version: i % 2 ? null : 'RDK-2024Q4',
    server_time: '2030-01-01T00:00:00.000Z',
    device_time: '2030-01-01T00:00:01.000Z',
    ...over,
  }
}

/** A SQL string literal. */
function sqlText(t: string): string {
  return `'${t.replace(/'/g, "''")}'`
}

async function eventually(pred: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const PACE = { tolerance: 0.2, increment: 5, max: 20, ttlMs: 60_000 }

// ---- the contract -----------------------------------------------------------------------------

describe.each([memoryBackend, sharedBackend])('storage contract: $name', (backend) => {
  describe('LiveStore', () => {
    it('creates a pairing with its token index and first event, and refuses a taken id or token hash', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      const rec = pairing('p_one', clock)
      expect(await a.createPairing(rec, [{ kind: 'qr', hash: 'qr-1' }, { kind: 'tv', hash: 'tv-1' }], ev('status'))).toEqual({ ok: true })
      expect(await b.getPairing('p_one')).toEqual(rec)
      expect(await b.events('p_one', 0)).toEqual([
        { id: 1, type: 'status', data: JSON.stringify({ type: 'status', state: 'created', version: 1, eventId: 1, id: 1 }), at: clock.now() },
      ])
      expect(await b.getToken('qr', 'qr-1')).toEqual({ pairingId: 'p_one', used: false })
      expect(await b.getToken('tv', 'tv-1')).toEqual({ pairingId: 'p_one', used: false })
      expect(await b.getToken('phone', 'qr-1')).toBeNull()
      expect(await b.getPairing('p_none')).toBeNull()

      expect(await b.createPairing(pairing('p_one', clock, { tvName: 'other' }), [{ kind: 'qr', hash: 'qr-9' }], ev('status'))).toEqual({ ok: false })
      expect((await a.getPairing('p_one'))?.tvName).toBe(rec.tvName)
      // A taken token hash refuses the whole pairing: nothing of it is stored.
      expect(await b.createPairing(pairing('p_two', clock), [{ kind: 'user_code', hash: 'uc-2' }, { kind: 'tv', hash: 'tv-1' }], ev('status'))).toEqual({ ok: false })
      expect(await a.getPairing('p_two')).toBeNull()
      expect(await a.getToken('user_code', 'uc-2')).toBeNull()
      expect(await a.events('p_two', 0)).toEqual([])
      expect(await b.getToken('qr', 'qr-9')).toBeNull()
    })

    it('compare-and-set: one winner among concurrent writers, the event built from the record as stored', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      const rec = pairing('p_cas', clock)
      await a.createPairing(rec, [], ev('status'))

      clock.advance(1000)
      const claimed = await b.casPairing('p_cas', 1, { ...rec, state: 'claimed', phoneName: 'Alice' }, ev('claimed'))
      expect(claimed.ok).toBe(true)
      expect(claimed.record).toEqual({ ...rec, state: 'claimed', phoneName: 'Alice', version: 2, eventId: 2 })
      expect(claimed.event).toEqual({ id: 2, type: 'claimed', data: JSON.stringify({ type: 'claimed', state: 'claimed', version: 2, eventId: 2, id: 2 }), at: clock.now() })
      expect(await a.getPairing('p_cas')).toEqual(claimed.record)

      // A stale version changes nothing.
      expect((await a.casPairing('p_cas', 1, { ...rec, state: 'revoked' }, ev('revoked'))).ok).toBe(false)
      expect((await b.getPairing('p_cas'))?.state).toBe('claimed')
      expect(await b.events('p_cas', 0)).toHaveLength(2)

      // Without an event the event id stays; the whole record is replaced (phoneName goes).
      const quiet = await a.casPairing('p_cas', 2, { ...rec, state: 'claimed', interval: 10 })
      expect(quiet).toMatchObject({ ok: true, record: { version: 3, eventId: 2, interval: 10 } })
      expect(quiet.event).toBeUndefined()
      expect(await b.getPairing('p_cas')).not.toHaveProperty('phoneName')

      // The store, not the caller, numbers events: a record carrying an old event id still gets the next one.
      const nested = {
        ...rec,
        state: 'granted' as const,
        scopesRequested: ['bluetooth' as const, 'location' as const],
        decision: { decisions: { bluetooth: 'granted' as const, location: 'denied' as const }, receiptId: 'r-1', recordedAt: clock.now(), withdrawn: ['bluetooth' as const] },
        eventId: 1,
      }
      const decided = await b.casPairing('p_cas', 3, nested, ev('decided'))
      expect(decided.record).toEqual({ ...nested, version: 4, eventId: 3 })
      expect(JSON.parse(decided.event!.data)).toEqual({ type: 'decided', state: 'granted', version: 4, eventId: 3, id: 3 })
      expect(await a.getPairing('p_cas')).toEqual(decided.record)

      // Ten writers on two handles, one expected version: exactly one wins.
      const current = (await a.getPairing('p_cas'))!
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).casPairing('p_cas', current.version, { ...current, tvName: `writer ${i}` }, ev('withdrawn'))),
      )
      const winners = results.filter((r) => r.ok)
      expect(winners).toHaveLength(1)
      const final = (await b.getPairing('p_cas'))!
      expect(final).toMatchObject({ version: 5, eventId: 4, tvName: winners[0].record!.tvName })
      expect((await a.events('p_cas', 3)).map((e) => e.id)).toEqual([4])
      expect((await a.casPairing('p_missing', 1, rec, ev('claimed'))).ok).toBe(false)
    })

    it('keeps the newest 64 events and replays those after an id', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      let rec = pairing('p_log', clock)
      await a.createPairing(rec, [], ev('status'))
      for (let i = 0; i < 70; i++) {
        clock.advance(10)
        const r = await (i % 2 ? a : b).casPairing('p_log', rec.version, { ...rec, tvName: `tv ${i}` }, ev('claimed'))
        expect(r.ok).toBe(true)
        rec = r.record!
      }
      expect(rec.eventId).toBe(71)
      const all = await b.events('p_log', 0)
      expect(all.map((e) => e.id)).toEqual(Array.from({ length: 64 }, (_, i) => i + 8))
      expect(JSON.parse(all[63].data)).toMatchObject({ id: 71, version: 71 })
      expect((await a.events('p_log', 69)).map((e) => e.id)).toEqual([70, 71])
      expect(await a.events('p_log', 71)).toEqual([])
      expect(await a.events('p_other', 0)).toEqual([])
    })

    it('wakes subscribers of the pairing (on any handle) after an event, and stops after unsubscribe', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      const rec = pairing('p_wake', clock)
      await a.createPairing(rec, [], ev('status'))
      await a.createPairing(pairing('p_else', clock), [], ev('status'))
      let wakes = 0
      let elseWakes = 0
      const unsub = b.subscribe('p_wake', () => wakes++)
      const unsubElse = b.subscribe('p_else', () => elseWakes++)
      await sleep(100) // the subscriptions are in place
      const before = wakes
      const elseBefore = elseWakes
      const r = await a.casPairing('p_wake', 1, { ...rec, state: 'claimed' }, ev('claimed'))
      await eventually(() => wakes > before)
      // What a waiter does on a wake: read the events again.
      expect((await b.events('p_wake', 1)).map((e) => e.type)).toEqual(['claimed'])
      await sleep(100)
      expect(elseWakes).toBe(elseBefore) // another pairing's listener is left alone
      const settled = wakes
      unsub()
      await a.casPairing('p_wake', 2, { ...r.record!, state: 'consent_pending' }, ev('consent_requested'))
      await sleep(200)
      expect(wakes).toBe(settled)
      unsubElse()
    })

    it('forgets a pairing with its tokens and events at purge time, unless a change moved that time', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      const short = pairing('p_short', clock, { purgeAt: clock.now() + 1000 })
      await a.createPairing(short, [{ kind: 'qr', hash: 'qr-s' }], ev('status'))
      expect(await b.addToken('phone', 'ph-s', 'p_short')).toBe(true)
      const long = pairing('p_long', clock, { purgeAt: clock.now() + 1000 })
      await a.createPairing(long, [{ kind: 'qr', hash: 'qr-l' }], ev('status'))
      expect(await b.addToken('phone', 'ph-l', 'p_long')).toBe(true)
      expect((await b.casPairing('p_long', 1, { ...long, purgeAt: clock.now() + 5000 }, ev('claimed'))).ok).toBe(true)

      clock.advance(999)
      expect(await b.getPairing('p_short')).not.toBeNull()
      clock.advance(1)
      expect(await b.getPairing('p_short')).toBeNull()
      expect(await a.getToken('qr', 'qr-s')).toBeNull()
      expect(await a.getToken('phone', 'ph-s')).toBeNull()
      expect(await a.useToken('qr', 'qr-s')).toBeNull()
      expect(await a.events('p_short', 0)).toEqual([])
      expect((await a.casPairing('p_short', 1, short, ev('claimed'))).ok).toBe(false)
      // the moved purge time carries the tokens along
      expect(await a.getToken('qr', 'qr-l')).toEqual({ pairingId: 'p_long', used: false })
      expect(await a.getToken('phone', 'ph-l')).toEqual({ pairingId: 'p_long', used: false })
      expect((await b.events('p_long', 0)).map((e) => e.id)).toEqual([1, 2])
      clock.advance(4000)
      expect(await a.getPairing('p_long')).toBeNull()
      expect(await a.getToken('phone', 'ph-l')).toBeNull()

      // A forgotten id and its token hashes can be used again, from scratch.
      const again = pairing('p_short', clock)
      expect(await b.createPairing(again, [{ kind: 'qr', hash: 'qr-s' }], ev('status'))).toEqual({ ok: true })
      expect(await a.getPairing('p_short')).toEqual(again)
      expect((await a.events('p_short', 0)).map((e) => e.id)).toEqual([1])
      expect(await a.getToken('qr', 'qr-s')).toEqual({ pairingId: 'p_short', used: false })
      expect(await a.getToken('phone', 'ph-s')).toBeNull()
    })

    it('one-time tokens: exactly one first use among concurrent callers on two handles', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      await a.createPairing(pairing('p_tok', clock), [{ kind: 'qr', hash: 'qr-t' }], ev('status'))
      expect(await b.addToken('phone', 'ph-t', 'p_tok')).toBe(true)
      expect(await a.addToken('phone', 'ph-t', 'p_tok')).toBe(false)
      expect(await a.getToken('phone', 'ph-t')).toEqual({ pairingId: 'p_tok', used: false })
      const uses = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).useToken('qr', 'qr-t')))
      expect(uses.filter((u) => u?.firstUse)).toHaveLength(1)
      expect(uses.every((u) => u?.pairingId === 'p_tok')).toBe(true)
      expect(await b.getToken('qr', 'qr-t')).toEqual({ pairingId: 'p_tok', used: true })
      expect(await a.useToken('qr', 'qr-unknown')).toBeNull()
      // a token for a pairing that does not exist is never found
      expect(await a.addToken('phone', 'ph-x', 'p_absent')).toBe(true)
      expect(await b.getToken('phone', 'ph-x')).toBeNull()
    })

    it('fixed-window counters, shared by handles, restart after the window', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      const t0 = clock.now()
      const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).incr('limit:x', 1000)))
      expect(rs.map((r) => r.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
      expect(new Set(rs.map((r) => r.resetAt))).toEqual(new Set([t0 + 1000]))
      expect(await a.incr('limit:y', 1000)).toEqual({ count: 1, resetAt: t0 + 1000 })
      clock.advance(999)
      expect(await b.incr('limit:x', 1000)).toEqual({ count: 31, resetAt: t0 + 1000 })
      clock.advance(1)
      expect(await a.incr('limit:x', 1000)).toEqual({ count: 1, resetAt: t0 + 2000 })
      expect(await b.incr('limit:x', 1000)).toEqual({ count: 2, resetAt: t0 + 2000 })
    })

    it('peeks at a counter without counting: the window\'s count, 0 when it has none or it ended', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      const t0 = clock.now()
      expect(await a.peek('limit:p')).toEqual({ count: 0, resetAt: t0 })
      await a.incr('limit:p', 1000)
      await b.incr('limit:p', 1000)
      expect(await b.peek('limit:p')).toEqual({ count: 2, resetAt: t0 + 1000 })
      expect(await a.peek('limit:p')).toEqual({ count: 2, resetAt: t0 + 1000 })
      expect(await a.incr('limit:p', 1000)).toEqual({ count: 3, resetAt: t0 + 1000 })
      clock.advance(1000)
      expect(await b.peek('limit:p')).toEqual({ count: 0, resetAt: t0 + 1000 })
      expect(await a.incr('limit:p', 1000)).toEqual({ count: 1, resetAt: t0 + 2000 })
    })

    it('paces polls: tolerance, increments up to the maximum, measured from the previous poll', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      expect(await a.pace('poll:p:tv', 5, PACE)).toEqual({ ok: true, interval: 5 })
      clock.advance(4000) // 5 s × 0.8
      expect(await b.pace('poll:p:tv', 5, PACE)).toEqual({ ok: true, interval: 5 })
      clock.advance(3900)
      expect(await a.pace('poll:p:tv', 5, PACE)).toEqual({ ok: false, interval: 10 })
      clock.advance(7900)
      expect(await b.pace('poll:p:tv', 5, PACE)).toEqual({ ok: false, interval: 15 })
      clock.advance(1000)
      expect(await a.pace('poll:p:tv', 5, PACE)).toEqual({ ok: false, interval: 20 })
      clock.advance(100)
      expect(await a.pace('poll:p:tv', 5, PACE)).toEqual({ ok: false, interval: 20 })
      clock.advance(16_000)
      expect(await b.pace('poll:p:tv', 5, PACE)).toEqual({ ok: true, interval: 20 })
      expect(await b.pace('poll:p:phone', 5, PACE)).toEqual({ ok: true, interval: 5 })
      clock.advance(30_000)
      expect(await a.pace('poll:p:tv', 30, PACE)).toEqual({ ok: true, interval: 30 })
      clock.advance(60_000) // the entry's time to live: a fresh start
      expect(await b.pace('poll:p:tv', 5, PACE)).toEqual({ ok: true, interval: 5 })
      clock.advance(100)
      expect(await a.pace('poll:p:tv', 5, PACE)).toEqual({ ok: false, interval: 10 })
    })

    it('set-once keys: one winner, refused until the time to live passes or the key is released', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      const got = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).putOnce('lock:decision:p', 1000)))
      expect(got.filter(Boolean)).toHaveLength(1)
      clock.advance(999)
      expect(await a.putOnce('lock:decision:p', 1000)).toBe(false)
      clock.advance(1)
      expect(await b.putOnce('lock:decision:p', 1000)).toBe(true)
      await a.release('lock:decision:p')
      expect(await b.putOnce('lock:decision:p', 1000)).toBe(true)
      expect(await b.putOnce('nonce:x', 600_000)).toBe(true)
      expect(await a.putOnce('nonce:x', 600_000)).toBe(false)
      await a.release('never-set')
    })

    it('idempotency entries: in flight, done with the stored response, aborted, expired', async () => {
      const clock = new FakeClock()
      const space = await backend.liveSpace(clock)
      const [a, b] = [await space.open(), await space.open()]
      const begins = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).idempotencyBegin('idem:k1', 'fp-1', 1000)))
      expect(begins.filter((x) => x.state === 'new')).toHaveLength(1)
      expect(begins.filter((x) => x.state === 'in_flight')).toEqual(Array(7).fill({ state: 'in_flight', fingerprint: 'fp-1' }))
      expect(await a.idempotencyBegin('idem:k1', 'fp-other', 1000)).toEqual({ state: 'in_flight', fingerprint: 'fp-1' })

      const response = { status: 201, body: { receipt_id: 'r/1', decisions: { bluetooth: 'granted' }, note: '“ü” \u2028 \\ "q"', list: [1, null, true] } }
      await b.idempotencyComplete('idem:k1', response, 5000)
      expect(await a.idempotencyBegin('idem:k1', 'fp-1', 1000)).toEqual({ state: 'done', fingerprint: 'fp-1', response })
      await a.idempotencyAbort('idem:k1') // a stored response stays
      clock.advance(4999)
      expect(await b.idempotencyBegin('idem:k1', 'fp-2', 1000)).toEqual({ state: 'done', fingerprint: 'fp-1', response })
      clock.advance(1)
      expect(await b.idempotencyBegin('idem:k1', 'fp-2', 1000)).toEqual({ state: 'new' })

      expect(await a.idempotencyBegin('idem:k2', 'fp', 1000)).toEqual({ state: 'new' })
      await b.idempotencyAbort('idem:k2') // a failed request frees its key
      expect(await a.idempotencyBegin('idem:k2', 'fp', 1000)).toEqual({ state: 'new' })
      clock.advance(1000) // an entry left in flight ends with its time to live
      expect(await b.idempotencyBegin('idem:k2', 'fp', 1000)).toEqual({ state: 'new' })
      await a.idempotencyComplete('idem:k3', response, 1000) // completing nothing stores nothing
      expect(await a.idempotencyBegin('idem:k3', 'fp', 1000)).toEqual({ state: 'new' })
    })
  })

  describe('LedgerStore', () => {
    it('keeps one hash chain under concurrent appends from two handles, readable by either', async () => {
      const space = await backend.ledgerSpace()
      const [a, b] = [await space.open(), await space.open()]
      const got = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append(entry(i + 1))))
      const bySeq = [...got].sort((x, y) => x.seq - y.seq)
      expect(bySeq.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
      expect(bySeq[0].prev_hash).toBe('0'.repeat(64))
      for (let i = 1; i < 40; i++) expect(bySeq[i].prev_hash).toBe(bySeq[i - 1].hash)
      const stored = []
      for await (const r of b.records()) stored.push(r)
      expect(stored).toEqual(bySeq)
      expect(await a.byPairing('p1')).toEqual(bySeq.filter((r) => r.pairing_id === 'p1'))
      expect(await a.byPairing('p-none')).toEqual([])
      expect(await a.verify()).toMatchObject({ ok: true, count: 40, total: 40, head_hash: bySeq[39].hash, keyed: true, problems: [] })
      expect((await b.verify()).checkpoint).toMatchObject({ count: 40, head_hash: bySeq[39].hash })
      const more = await b.append(entry(41))
      expect(more).toMatchObject({ seq: 41, prev_hash: bySeq[39].hash, receipt_id: 'receipt-41' })
      expect((await a.verify()).count).toBe(41)
    })

    it('is append-only, and verify names the first edited or missing record', async () => {
      const space = await backend.ledgerSpace()
      const store = await space.open()
      const recs = []
      for (let i = 1; i <= 5; i++) recs.push(await store.append(entry(i)))
      await expect(space.write("UPDATE ledger SET body = replace(body, 'denied', 'granted') WHERE seq = 2")).rejects.toThrow(/append-only/)
      await expect(space.write('DELETE FROM ledger WHERE seq = 5')).rejects.toThrow(/append-only/)
      expect((await store.verify()).ok).toBe(true)

      await space.forge(`UPDATE ledger SET body = replace(body, '"network":"denied"', '"network":"granted"') WHERE seq = 2`)
      expect((await store.byPairing(recs[1].pairing_id)).find((r) => r.seq === 2)?.decisions.network).toBe('granted')
      expect(await store.verify()).toMatchObject({ ok: false, count: 1, head_hash: recs[0].hash, first_bad: { code: 'hash_mismatch', seq: 2, receipt_id: 'receipt-2' } })

      const other = await backend.ledgerSpace()
      const store2 = await other.open()
      for (let i = 1; i <= 4; i++) await store2.append(entry(i))
      await other.forge('DELETE FROM ledger WHERE seq = 3')
      expect(await store2.verify()).toMatchObject({ ok: false, count: 2, first_bad: { code: 'sequence_gap', seq: 4, receipt_id: 'receipt-4', message: 'expected record #3: a record is missing or was inserted' } })
    })

    it('one consent per pairing and one record per request, also between two handles appending at once', async () => {
      const space = await backend.ledgerSpace()
      const [a, b] = [await space.open(), await space.open()]
      const race = await Promise.allSettled([a.append(entry(1, 'p-race')), b.append(entry(2, 'p-race'))])
      const won = race.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
      const lost = race.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
      expect(won).toHaveLength(1)
      expect(lost).toMatchObject([{ code: 'consent_exists', existing: { receipt_id: won[0].receipt_id, seq: won[0].seq } }])
      await expect(b.append({ ...entry(3, 'p-race'), decision_id: won[0].decision_id })).rejects.toMatchObject({ code: 'duplicate_request', existing: won[0] })
      const w = entry(4, 'p-race', { kind: 'withdrawal', refers_to: won[0].receipt_id, decisions: { bluetooth: 'withdrawn' } })
      await expect(a.append({ ...w, decisions: { location: 'withdrawn' } })).rejects.toMatchObject({ code: 'not_withdrawable' })
      expect(await a.append(w)).toMatchObject({ kind: 'withdrawal', refers_to: won[0].receipt_id })
      await expect(b.append({ ...w, receipt_id: 'receipt-5', decision_id: 'decision-5' })).rejects.toMatchObject({ code: 'not_withdrawable' })
      await expect(b.append(entry(6, 'p-none', { kind: 'withdrawal', refers_to: 'receipt-x', decisions: { bluetooth: 'withdrawn' } }))).rejects.toMatchObject({ code: 'no_consent' })
      // Past the store, the database's unique index refuses a second consent.
      const head = (await a.verify()).head_hash
      const body = canonicalJson({ ...entry(7, 'p-race'), seq: 3, prev_hash: head })
      await expect(space.write(`INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (3, 'receipt-7', 'p-race', 'consent', ${sqlText(body)}, '${head}', 'x')`)).rejects.toThrow(
        /unique/i,
      )
      expect(await a.verify()).toMatchObject({ ok: true, total: 2 })
    })

    it('verify names a cut-off tail, a history rewritten and re-chained, and a forged consent; another key is refused', async () => {
      const build = async () => {
        const space = await backend.ledgerSpace()
        const store = await space.open()
        for (let i = 1; i <= 4; i++) await store.append(entry(i))
        return { space, store }
      }
      const cut = await build()
      await cut.space.forge('DELETE FROM ledger WHERE seq = 4')
      expect((await cut.store.verify()).problems).toEqual([expect.objectContaining({ code: 'truncated', seq: 4 })])

      const rewritten = await build()
      const records = []
      for await (const r of rewritten.store.records()) records.push(r)
      let prev = records[0].hash
      const updates = records.slice(1).map((r) => {
        const { hash: _h, ...rest } = r
        const text = canonicalJson({ ...rest, decisions: { ...r.decisions, network: 'granted' }, prev_hash: prev })
        const hash = unkeyedHash(prev, text)
        const sql = `UPDATE ledger SET body = ${sqlText(text)}, prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${r.seq}`
        prev = hash
        return sql
      })
      await rewritten.space.forge(updates.join('; '))
      expect((await rewritten.store.verify()).first_bad).toMatchObject({ code: 'unkeyed_after_keyed', seq: 2, receipt_id: 'receipt-2' })

      const forged = await build()
      const last = (await forged.store.verify()).head_hash
      const text = canonicalJson({ ...entry(5), seq: 5, prev_hash: last })
      await forged.space.forge(
        `INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (5, 'receipt-5', 'p5', 'consent', ${sqlText(text)}, '${last}', '${chainHash(randomBytes(32), last, text)}')`,
      )
      expect((await forged.store.verify()).problems).toEqual([expect.objectContaining({ code: 'hash_mismatch', seq: 5, receipt_id: 'receipt-5' })])
      await expect(forged.space.open(randomBytes(32))).rejects.toThrow(/another ledger key/)
    })

    it('an acknowledged append is there for a new handle after the writer is gone', async () => {
      const space = await backend.ledgerSpace()
      const writer = await space.open()
      const acked = await Promise.all([1, 2, 3].map((i) => writer.append(entry(i))))
      await writer.close()
      await expect(writer.append(entry(9))).rejects.toThrow(/closed/)
      const reader = await space.open()
      const all = []
      for await (const r of reader.records()) all.push(r)
      expect(all).toEqual(acked)
    })
  })

  it('runs the service unchanged: create, follow by SSE, claim, decide, replay, withdraw, resume, expire', async () => {
    const clock = new FakeClock()
    const liveSpace = await backend.liveSpace(clock)
    const ledgerSpace = await backend.ledgerSpace()
    const s = await startServer({ clock, deps: { live: await liveSpace.open(), ledger: await ledgerSpace.open() }, config: { heartbeatMs: 100 } })
    toClose.push(() => s.close())
    const created = await createPairing(s)
    const url = `${s.url}/v1/pairings/${created.pairing_id}/events`
    const tv = await openSse(url, created.tv_token)
    toClose.push(() => tv.close())
    expect(await tv.next()).toMatchObject({ id: '1', event: 'status' })
    const c = await claim(s, created)
    expect(await tv.next()).toMatchObject({ id: '2', event: 'claimed' })
    expect((await requestScopes(s, created, c.phone_token, ['bluetooth', 'network'])).status).toBe(202)
    expect(await tv.next()).toMatchObject({ id: '3', event: 'consent_requested' })
    const body = decisionBody({ bluetooth: 'granted', network: 'denied' })
    const d = await decide(s, created, 'key-1', body)
    expect(d.status).toBe(201)
    expect(await tv.next()).toMatchObject({ id: '4', event: 'decided' })
    const replay = await decide(s, created, 'key-1', body)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.json).toEqual(d.json)
    expect((await decide(s, created, 'key-1', decisionBody({ bluetooth: 'denied', network: 'denied' }))).status).toBe(422)
    const w = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/withdrawal`, {
      token: created.tv_token,
      headers: { 'idempotency-key': 'w-1' },
      body: { screen_id: 's', app_version: '1', device_time: '2030-01-01T00:00:00Z' },
    })
    expect(w.status).toBe(201)
    expect(await tv.next()).toMatchObject({ id: '5', event: 'withdrawn' })
    const resumed = await openSse(url, c.phone_token, '2')
    toClose.push(() => resumed.close())
    expect([(await resumed.next()).id, (await resumed.next()).id, (await resumed.next()).id]).toEqual(['3', '4', '5'])
    const ledger = s.app.ledger
    expect((await ledger.byPairing(created.pairing_id)).map((r) => r.kind)).toEqual(['consent', 'withdrawal'])
    expect((await ledger.verify()).ok).toBe(true)

    // Deadlines follow the service clock: an unclaimed pairing expires, the stream says so.
    const other = await createPairing(s)
    const watch = await openSse(`${s.url}/v1/pairings/${other.pairing_id}/events`, other.tv_token)
    toClose.push(() => watch.close())
    expect((await watch.next()).event).toBe('status')
    clock.advance(300_000)
    expect(await watch.next()).toMatchObject({ id: '2', event: 'expired' })
    clock.advance(24 * HOUR)
    expect((await request(s, 'GET', `/v1/pairings/${other.pairing_id}`, { token: other.tv_token })).status).toBe(401)
  })
})

// ---- what only the shared backends have -----------------------------------------------------------

describe('Redis and PostgreSQL specifics', () => {
  it('RedisLiveStore answers like MemoryLiveStore over a random sequence of 800 operations', async () => {
    const clockM = new FakeClock()
    const clockR = new FakeClock()
    const mem = closeLater(new MemoryLiveStore(clockM.now))
    const red = closeLater(await RedisLiveStore.connect(redis!.url, { prefix: 'diff:', clock: clockR.now }))
    const random = seededRandom(20300101)
    const rnd = (n: number) => Math.floor(random() * n)
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]
    const ids: string[] = []
    const kinds = ['qr', 'user_code', 'tv', 'phone'] as const
    const hashes = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6']
    const states = ['created', 'claimed', 'consent_pending', 'granted', 'expired'] as const
    const types = ['claimed', 'consent_requested', 'decided', 'expired'] as const
    const keys = ['k1', 'k2', 'k3']
    const counts: Record<string, number> = {}
    const history: string[] = []
    for (let step = 0; step < 800; step++) {
      const now = clockM.now()
      const id = ids.length && rnd(6) ? pick(ids) : `p${step}`
      let op: string
      let run: (s: LiveStore) => Promise<unknown>
      switch (rnd(15)) {
        case 0: {
          // The service never reuses a pairing id (128 random bits), so neither does this.
          const fresh = `p${step}`
          ids.push(fresh)
          const rec = pairing(fresh, clockM, { purgeAt: now + rnd(60) * 1000, interval: 1 + rnd(5) })
          const tokens = Array.from({ length: rnd(3) }, () => ({ kind: pick(kinds), hash: pick(hashes) }))
          op = `createPairing ${fresh} purge +${rec.purgeAt - now} ${JSON.stringify(tokens)}`
          run = (s) => s.createPairing(rec, tokens, ev('status'))
          break
        }
        case 1:
          op = `getPairing ${id}`
          run = (s) => s.getPairing(id)
          break
        case 2:
        case 3: {
          const cur = await mem.getPairing(id)
          const base = cur ?? pairing(id, clockM)
          const expected = rnd(4) === 0 ? base.version + rnd(3) - 1 : base.version
          const next: PairingRecord = { ...base, state: pick(states), purgeAt: now + rnd(60) * 1000, phoneName: rnd(2) ? `phone ${step}` : undefined, eventId: base.eventId - rnd(2) }
          const event = rnd(3) ? ev(pick(types)) : undefined
          op = `casPairing ${id} v${expected} purge +${next.purgeAt - now} ${event?.type ?? ''}`
          run = (s) => s.casPairing(id, expected, next, event)
          break
        }
        case 4: {
          const [k, h] = [pick(kinds), pick(hashes)]
          op = `addToken ${k} ${h} ${id}`
          run = (s) => s.addToken(k, h, id)
          break
        }
        case 5: {
          const [k, h] = [pick(kinds), pick(hashes)]
          op = `getToken ${k} ${h}`
          run = (s) => s.getToken(k, h)
          break
        }
        case 6: {
          const [k, h] = [pick(kinds), pick(hashes)]
          op = `useToken ${k} ${h}`
          run = (s) => s.useToken(k, h)
          break
        }
        case 7: {
          const after = rnd(6)
          op = `events ${id} ${after}`
          run = (s) => s.events(id, after)
          break
        }
        case 8: {
          op = 'incr'
          const [k, w] = [pick(keys), 1000 * (1 + rnd(5))]
          run = (s) => s.incr(k, w)
          break
        }
        case 9: {
          op = 'pace'
          const [k, i, ttl] = [pick(keys), 1 + rnd(10), 1000 * (1 + rnd(30))]
          run = (s) => s.pace(k, i, { tolerance: 0.2, increment: 5, max: 30, ttlMs: ttl })
          break
        }
        case 10: {
          op = rnd(3) ? 'putOnce' : 'release'
          const [k, ttl] = [pick(keys), 1000 * (1 + rnd(10))]
          run = op === 'putOnce' ? (s) => s.putOnce(k, ttl) : (s) => s.release(k).then(() => null)
          break
        }
        case 11: {
          op = 'idempotencyBegin'
          const [k, f, ttl] = [pick(keys), pick(['fa', 'fb']), 1000 * (1 + rnd(10))]
          run = (s) => s.idempotencyBegin(k, f, ttl)
          break
        }
        case 12: {
          op = rnd(2) ? 'idempotencyComplete' : 'idempotencyAbort'
          const [k, ttl] = [pick(keys), 1000 * (1 + rnd(10))]
          run = op === 'idempotencyComplete' ? (s) => s.idempotencyComplete(k, { status: 201, body: { step } }, ttl).then(() => null) : (s) => s.idempotencyAbort(k).then(() => null)
          break
        }
        default: {
          const ms = rnd(4) ? rnd(3000) : rnd(40_000)
          op = `advance ${ms}`
          run = async () => {
            clockM.advance(ms / 2)
            clockR.advance(ms / 2)
            return null
          }
        }
      }
      const m = await run(mem)
      const r = await run(red)
      const name = op.split(' ')[0]
      counts[name] = (counts[name] ?? 0) + 1
      history.push(`${step}: ${op} → ${JSON.stringify(m)}`)
      expect(r, `step ${step}: ${op}; the operations before:\n${history.slice(-60).join('\n')}\n`).toEqual(m)
    }
    // every kind of operation was exercised, with both outcomes where there are two
    for (const op of ['createPairing', 'getPairing', 'casPairing', 'addToken', 'getToken', 'useToken', 'events', 'incr', 'pace', 'putOnce', 'release', 'idempotencyBegin'])
      expect(counts[op], op).toBeGreaterThan(10)
  })

  it('Redis layout: pairing hashes live for lifetime + interval + grace, event stream ids are the event ids, SET NX PX keys expire', async () => {
    const clock = new FakeClock()
    const store = closeLater(await RedisLiveStore.connect(redis!.url, { prefix: 'lay:', clock: clock.now }))
    const r = store.client
    const rec = pairing('p_lay', clock, { purgeAt: clock.now() + 600_000, interval: 5 })
    await store.createPairing(rec, [{ kind: 'qr', hash: 'qr-lay' }], ev('status'))
    expect(await r.type('lay:p:p_lay')).toBe('hash')
    expect(await r.hget('lay:p:p_lay', 'state')).toBe('"created"')
    const ttl = await r.pttl('lay:p:p_lay')
    expect(ttl).toBeGreaterThan(600_000 + 5_000 + 60_000 - 2_000)
    expect(ttl).toBeLessThanOrEqual(600_000 + 5_000 + 60_000)
    expect(Math.abs((await r.pttl('lay:t:qr:qr-lay')) - ttl)).toBeLessThan(2_000)
    expect(Math.abs((await r.pttl('lay:e:p_lay')) - ttl)).toBeLessThan(2_000)
    let cur = rec
    for (let i = 0; i < 70; i++) cur = (await store.casPairing('p_lay', cur.version, cur, ev('claimed'))).record!
    expect(await r.type('lay:e:p_lay')).toBe('stream')
    expect(await r.xlen('lay:e:p_lay')).toBe(64)
    const entries = await r.xrange('lay:e:p_lay', '-', '+', 'COUNT', 2)
    expect(entries.map(([sid]) => sid)).toEqual(['8-0', '9-0'])
    expect(entries[0][1]).toEqual(['type', 'claimed', 'data', expect.stringContaining('"id":8'), 'at', String(clock.now())])

    await store.putOnce('nonce:n1', 600_000)
    expect(await r.pttl('lay:o:nonce:n1')).toBeGreaterThan(590_000)
    await store.incr('limit:ip', 60_000)
    expect(await r.hget('lay:c:limit:ip', 'n')).toBe('1')
    expect(await r.pttl('lay:c:limit:ip')).toBeGreaterThan(55_000)
    await store.pace('poll:x', 5, PACE)
    expect(await r.pttl('lay:q:poll:x')).toBeGreaterThan(55_000)
    await store.idempotencyBegin('idem:x', 'fp', 86_400_000)
    expect(await r.pttl('lay:i:idem:x')).toBeGreaterThan(86_000_000)
    // nothing secret-looking is stored apart from the hashes the service hands over
    expect(await r.keys('lay:*')).toEqual(expect.arrayContaining(['lay:p:p_lay', 'lay:e:p_lay', 'lay:t:qr:qr-lay']))
  })

  it('Redis: processes with another server key are told apart', async () => {
    const a = closeLater(await RedisLiveStore.connect(redis!.url, { prefix: 'key:' }))
    const b = closeLater(await RedisLiveStore.connect(redis!.url, { prefix: 'key:' }))
    expect(await a.ensureSameSecret('fingerprint-1')).toBe(true)
    expect(await b.ensureSameSecret('fingerprint-1')).toBe(true)
    expect(await b.ensureSameSecret('fingerprint-2')).toBe(false)
    await expect(RedisLiveStore.connect('redis://127.0.0.1:1', { connectTimeoutMs: 1000 })).rejects.toThrow(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/)
  })

  it('PostgreSQL: migrations recorded once when processes start together, a newer schema refused, existing-only mode', async () => {
    const url = await postgres!.createDatabase()
    await expect(PgLedgerStore.open(url, { existing: true })).rejects.toThrow(/no ledger/)
    const opened = await Promise.all([1, 2, 3].map(() => PgLedgerStore.open(url)))
    for (const s of opened) closeLater(s)
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    try {
      expect((await c.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows).toEqual(PG_LEDGER_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })))
      closeLater(await PgLedgerStore.open(url, { existing: true }))
      await c.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')")
      await expect(PgLedgerStore.open(url)).rejects.toThrow(/version\(s\) 99, newer than this service knows/)
    } finally {
      await c.end()
    }
    await expect(PgLedgerStore.open(`postgres://miitee@127.0.0.1:1/x`, { connectTimeoutMs: 1000 })).rejects.toThrow(/cannot connect to PostgreSQL/)
  })

  it('PostgreSQL: a ledger of schema version 1 holding duplicates migrates; they stay and are reported, new ones are refused', async () => {
    const url = await postgres!.createDatabase()
    const v1 = await PgLedgerStore.open(url, { migrations: [PG_LEDGER_MIGRATIONS[0]] })
    const first = await v1.append(entry(1, 'p-dup'))
    await v1.append(entry(2))
    await v1.close()
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    try {
      // the second consent a stalled append let in, chained as version 1 did
      const head = (await c.query<{ hash: string }>('SELECT hash FROM ledger WHERE seq = 2')).rows[0].hash
      const body = canonicalJson({ ...entry(3, 'p-dup'), seq: 3, prev_hash: head })
      await c.query("INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (3, 'receipt-3', 'p-dup', 'consent', $1, $2, $3)", [body, head, unkeyedHash(head, body)])

      const store = closeLater(await PgLedgerStore.open(url, { key: LEDGER_KEY }))
      await expect(store.append(entry(4, 'p-dup'))).rejects.toMatchObject({ code: 'consent_exists', existing: { receipt_id: first.receipt_id } })
      expect(await store.append(entry(5))).toMatchObject({ seq: 4 })
      expect(await store.verify()).toMatchObject({
        ok: false,
        count: 4,
        unkeyed_records: 3,
        checkpoint: { count: 4 },
        problems: [{ code: 'duplicate_consent', seq: 3, receipt_id: 'receipt-3' }],
      })
      const last = await store.verify()
      const dup = canonicalJson({ ...entry(6, 'p-dup'), seq: 5, prev_hash: last.head_hash })
      await expect(
        c.query("INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (5, 'receipt-6', 'p-dup', 'consent', $1, $2, 'x')", [dup, last.head_hash]),
      ).rejects.toThrow(/ledger_one_consent/)
    } finally {
      await c.end()
    }
  })

  it("PostgreSQL: the service's role may only read and append; checkpoints are out of its reach, and an owner role is warned", async () => {
    const url = await postgres!.createDatabase()
    const role = `svc_${process.pid}_${Date.now() % 100000}`
    const owner = new pg.Client({ connectionString: url })
    await owner.connect()
    const asService = new URL(url)
    asService.username = role
    const svc = new pg.Client({ connectionString: asService.href })
    try {
      await owner.query(`CREATE ROLE ${role} LOGIN`)
      const cli = await ledgerCli(['migrate', '--database-url', url, '--grant-to', role])
      expect([cli.code, cli.stdout]).toEqual([0, `ledger schema up to date; ${role} may read and append, nothing else\n`])
      const warnings: string[] = []
      const store = closeLater(await PgLedgerStore.open(asService.href, { key: LEDGER_KEY, onWarning: (m) => warnings.push(m) }))
      expect(warnings).toEqual([])
      const rec = await store.append(entry(1))
      expect(await store.verify()).toMatchObject({ ok: true, checkpoint: { count: 1, head_hash: rec.hash } })
      await svc.connect()
      for (const sql of [
        'DELETE FROM ledger_checkpoints',
        "UPDATE ledger_checkpoints SET mac = 'x'",
        'TRUNCATE ledger_checkpoints',
        'ALTER TABLE ledger_checkpoints DISABLE TRIGGER USER',
        'DROP TABLE ledger_checkpoints',
        "UPDATE ledger SET hash = 'x'",
        'ALTER TABLE ledger DISABLE TRIGGER USER',
        'DROP INDEX ledger_one_consent',
      ])
        await expect(svc.query(sql), sql).rejects.toThrow(/permission denied|must be owner/)
      const ownerWarnings: string[] = []
      closeLater(await PgLedgerStore.open(url, { key: LEDGER_KEY, onWarning: (m) => ownerWarnings.push(m) }))
      expect(ownerWarnings).toEqual([expect.stringMatching(/owns the ledger tables/)])
    } finally {
      await svc.end().catch(() => undefined)
      await owner.end()
    }
  })

  it('PostgreSQL: every append commits with synchronous_commit on, even where the database default is off', async () => {
    const url = await postgres!.createDatabase()
    const db = new URL(url).pathname.slice(1)
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    try {
      await c.query(`ALTER DATABASE ${db} SET synchronous_commit = off`)
      await c.query(`ALTER DATABASE ${db} SET log_statement = 'all'`)
    } finally {
      await c.end()
    }
    const store = closeLater(await PgLedgerStore.open(url))
    const mark = `mark-${Date.now()}`
    await store.append({ ...entry(1), receipt_id: mark })
    await eventually(() => postgres!.output().includes('COMMIT'), 3000)
    const log = postgres!.output()
    const tx = log.slice(log.lastIndexOf('BEGIN; SET LOCAL synchronous_commit TO on'))
    expect(tx).toContain('pg_advisory_xact_lock')
    expect(tx).toContain('INSERT INTO ledger')
    expect(tx).toContain(mark)
    expect(tx).toContain('COMMIT')
  })
})

describe('Redis connection loss', () => {
  it('a waiter whose subscriber connection was cut is woken once it is back, for what came meanwhile', async () => {
    const clock = new FakeClock()
    const a = closeLater(await RedisLiveStore.connect(redis!.url, { prefix: 'cut:', clock: clock.now }))
    const b = closeLater(await RedisLiveStore.connect(redis!.url, { prefix: 'cut:', clock: clock.now }))
    const rec = pairing('p_cut', clock)
    await a.createPairing(rec, [], ev('status'))
    let wakes = 0
    const unsub = b.subscribe('p_cut', () => wakes++)
    await sleep(100)
    const before = wakes
    // Cut every subscriber connection, and write while they are away.
    await a.client.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
    const r = await a.casPairing('p_cut', 1, { ...rec, state: 'claimed' }, ev('claimed'))
    expect(r.ok).toBe(true)
    await eventually(() => wakes > before, 5000)
    expect((await b.events('p_cut', 1)).map((e) => e.id)).toEqual([2])
    // and later events arrive through the new subscription
    const settled = wakes
    await a.casPairing('p_cut', 2, { ...r.record!, state: 'consent_pending' }, ev('consent_requested'))
    await eventually(() => wakes > settled, 5000)
    unsub()
  })
})
