// LedgerStore.subjectConsents on both ledgers (SQLite and a real PostgreSQL): one TV's consents
// that granted a scope, newest first, with the withdrawals that refer to each, read through the
// subject index of migration 3 (also on a ledger made before it).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LedgerEntry, LedgerStore } from '../../src/server/storage/ledger'
import { SQLITE_LEDGER_MIGRATIONS } from '../../src/server/storage/migrations/sqlite-ledger'
import { PgLedgerStore } from '../../src/server/storage/pg-ledger'
import { SqliteLedgerStore } from '../../src/server/storage/sqlite-ledger'
import { startPostgres, stopAll, type RunningPostgres } from './helpers-backends'

const KEY = Buffer.alloc(32, 7)

function entry(i: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    kind: 'consent',
    receipt_id: `r${i}`,
    pairing_id: `p${i}`,
    decision_id: `d${i}`,
    subject: { device_id_hash: 'tv-a', device_name: 'tv' },
    requester: { phone_name: `phone ${i}` },
    decisions: { bluetooth: 'granted', network: 'denied' },
    refers_to: null,
    notice: { policy_id: 'p', policy_version: '1', locale: 'zh-CN', policy_sha256: 'a'.repeat(64) },
    collection_method: 'tv-remote',
    screen_id: 's',
    app_version: '1',
    firmware_version: null,
    server_time: '2030-01-01T00:00:00.000Z',
    device_time: '2030-01-01T00:00:00.000Z',
    ...over,
  }
}

/** Consents of two TVs, one refusal, a withdrawal: what subjectConsents must tell apart. */
async function fill(store: LedgerStore): Promise<void> {
  await store.append(entry(1))
  await store.append(entry(2, { subject: { device_id_hash: 'tv-b', device_name: 'tv' } }))
  await store.append(entry(3, { decisions: { location: 'denied' } }))
  await store.append(entry(4, { decisions: { network: 'granted', location: 'granted' } }))
  await store.append(entry(5, { kind: 'withdrawal', pairing_id: 'p4', refers_to: 'r4', decisions: { location: 'withdrawn' } }))
  await store.append(entry(6))
}

async function expectSubjectConsents(store: LedgerStore): Promise<void> {
  const found = await store.subjectConsents('tv-a', 10)
  expect(found.map((f) => f.consent.receipt_id)).toEqual(['r6', 'r4', 'r1'])
  expect(found.map((f) => f.withdrawals.map((w) => w.receipt_id))).toEqual([[], ['r5'], []])
  expect(found[1].consent.decisions).toEqual({ network: 'granted', location: 'granted' })
  expect((await store.subjectConsents('tv-a', 2)).map((f) => f.consent.receipt_id)).toEqual(['r6', 'r4'])
  expect(await store.subjectConsents('tv-c', 10)).toEqual([])
  expect((await store.subjectConsents('tv-b', 10)).map((f) => f.consent.receipt_id)).toEqual(['r2'])
  expect((await store.verify()).ok).toBe(true)
}

describe('subjectConsents on SQLite', () => {
  it("lists one TV's granting consents newest first with their withdrawals, through the subject index", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'miitee-subject-'))
    try {
      const file = join(dir, 'ledger.sqlite')
      const store = new SqliteLedgerStore(file, { key: KEY })
      await fill(store)
      await expectSubjectConsents(store)
      const plan = store.db
        .prepare("EXPLAIN QUERY PLAN SELECT seq FROM ledger WHERE kind = 'consent' AND json_extract(body, '$.subject.device_id_hash') = ? ORDER BY seq DESC")
        .all('tv-a') as { detail: string }[]
      expect(plan.map((p) => p.detail).join(' ')).toContain('ledger_subject')
      await store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a ledger made at schema version 2 gets the index when opened, its records listed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'miitee-subject-'))
    try {
      const file = join(dir, 'ledger.sqlite')
      const db = new Database(file)
      for (const m of SQLITE_LEDGER_MIGRATIONS.filter((x) => x.version <= 2)) m.apply(db)
      db.pragma('user_version = 2')
      db.close()
      const store = new SqliteLedgerStore(file, { key: KEY })
      expect(store.db.pragma('user_version', { simple: true })).toBe(3)
      await fill(store)
      await expectSubjectConsents(store)
      await store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('subjectConsents on PostgreSQL', () => {
  let postgres: RunningPostgres
  beforeAll(async () => {
    postgres = await startPostgres()
  }, 90_000)
  afterAll(async () => {
    await stopAll()
  })

  it("lists one TV's granting consents newest first with their withdrawals", async () => {
    const store = await PgLedgerStore.open(await postgres.createDatabase(), { key: KEY })
    try {
      await fill(store)
      await expectSubjectConsents(store)
      const idx = await store.pool.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'ledger_subject'")
      expect(idx.rows[0]?.indexdef).toContain("device_id_hash")
    } finally {
      await store.close()
    }
  })
})
