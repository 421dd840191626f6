// The ledger on SQLite and its command: records chained by HMAC under the ledger key, signed
// checkpoints in a file beside the database, one consent per pairing and one record per request;
// `npm run ledger -- verify` names each problem by code and record, `export` writes receipts.
// Tampering is done as someone holding the files would: triggers dropped, rows edited.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/core/protocol'
import { deriveLedgerKey, loadOrCreateServerSecret } from '../../src/server/crypto'
import { chainHash, LedgerConflict, unkeyedHash, type LedgerEntry } from '../../src/server/storage/ledger'
import { SQLITE_LEDGER_MIGRATIONS } from '../../src/server/storage/migrations/sqlite-ledger'
import { SqliteLedgerStore } from '../../src/server/storage/sqlite-ledger'
import { decide, decisionBody, ledgerCli, pendingPairing, request, startServer } from './helpers'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'miitee-ledger-'))
  dirs.push(d)
  return d
}

function entry(i: number, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    kind: 'consent',
    receipt_id: `r${i}`,
    pairing_id: `p${i}`,
    decision_id: `d${i}`,
    subject: { device_id_hash: 'h', device_name: 'tv' },
    requester: { phone_name: 'ph' },
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

/** A data directory as the service leaves it: server key, SQLite ledger (key derived from it) and checkpoints; `n` records appended one by one. */
async function ledgerDir(n: number): Promise<{ dir: string; file: string; key: Buffer }> {
  const dir = tempDir()
  const key = deriveLedgerKey(loadOrCreateServerSecret(dir))
  const file = join(dir, 'ledger.sqlite')
  const store = new SqliteLedgerStore(file, { key })
  for (let i = 1; i <= n; i++) await store.append(entry(i))
  await store.close()
  return { dir, file, key }
}

/** Runs `fn` on the ledger file with its append-only triggers dropped. */
function tamper(file: string, fn: (db: Database.Database) => void): void {
  const db = new Database(file)
  try {
    db.exec('DROP TRIGGER IF EXISTS ledger_no_update; DROP TRIGGER IF EXISTS ledger_no_delete')
    fn(db)
  } finally {
    db.close()
  }
}

/** Re-chains every record from `seq` on with `hash` (the tamperer's idea of the chain), after `edit` changed their bodies. */
function rechain(db: Database.Database, seq: number, hash: (prev: string, body: string) => string, edit: (body: Record<string, unknown>) => void = () => {}): void {
  let prev = (db.prepare('SELECT hash FROM ledger WHERE seq = ?').get(seq - 1) as { hash: string }).hash
  for (const row of db.prepare('SELECT seq, body FROM ledger WHERE seq >= ? ORDER BY seq').all(seq) as { seq: number; body: string }[]) {
    const body = JSON.parse(row.body)
    edit(body)
    body.prev_hash = prev
    const text = canonicalJson(body)
    const h = hash(prev, text)
    db.prepare('UPDATE ledger SET body = ?, prev_hash = ?, hash = ? WHERE seq = ?').run(text, prev, h, row.seq)
    prev = h
  }
}

/** Appends a record straight into the file, chained after the head with `hash`. */
function forgeAppend(db: Database.Database, e: LedgerEntry, hash: (prev: string, body: string) => string): void {
  const head = db.prepare('SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string }
  const text = canonicalJson({ ...e, seq: head.seq + 1, prev_hash: head.hash })
  db.prepare('INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(head.seq + 1, e.receipt_id, e.pairing_id, e.kind, text, head.hash, hash(head.hash, text))
}

async function verifyFile(file: string, key: Buffer) {
  const store = new SqliteLedgerStore(file, { existing: true, key })
  try {
    return await store.verify()
  } finally {
    await store.close()
  }
}

describe('consent ledger', () => {
  it('chains records, verifies, exports receipts and names an edited record', async () => {
    const dataDir = tempDir()
    const s = await startServer({ dataDir })
    const receipts: string[] = []
    for (let i = 0; i < 3; i++) {
      const { created } = await pendingPairing(s, ['bluetooth', 'network'])
      const d = await decide(s, created, `k${i}`, decisionBody({ bluetooth: 'granted', network: i === 1 ? 'granted' : 'denied' }))
      expect(d.status).toBe(201)
      receipts.push(d.json.receipt_id)
      if (i === 2) {
        const w = await request(s, 'POST', `/v1/pairings/${created.pairing_id}/withdrawal`, {
          token: created.tv_token,
          headers: { 'idempotency-key': 'w' },
          body: { screen_id: 's', app_version: '1', device_time: '2030-01-01T00:00:00Z' },
        })
        receipts.push(w.json.receipt_id)
      }
    }
    await s.close()

    const ok = await ledgerCli(['verify', '--data-dir', dataDir])
    expect(ok.stdout).toMatch(/^ledger OK: 4 record\(s\), head [0-9a-f]{64}\ncheckpoint: 4 record\(s\) at /)
    expect(ok.stdout).not.toContain('warning')
    expect(ok.code).toBe(0)

    const out = join(dataDir, 'receipts.json')
    const ex = await ledgerCli(['export', '--out', out, '--data-dir', dataDir])
    expect(ex.code).toBe(0)
    const doc = JSON.parse(readFileSync(out, 'utf8'))
    expect(doc.ledger).toMatchObject({ records: 4, verified: true, keyed: true, checkpoint: { count: 4 }, problems: [] })
    expect(doc.receipts.map((r: { receipt_id: string }) => r.receipt_id)).toEqual(receipts)
    expect(doc.receipts[0]).toMatchObject({
      version: 'KI-CR-v1.1.0',
      event: 'consent',
      collection_method: 'tv-remote',
      notice: { policy_id: 'miitee-privacy-policy' },
      services: [
        { scope: 'bluetooth', status: 'granted', purposes: [{ consent_type: 'EXPLICIT' }] },
        { scope: 'network', status: 'denied' },
      ],
      chain: { seq: 1, prev_hash: '0'.repeat(64) },
    })
    expect(doc.receipts[3]).toMatchObject({ event: 'withdrawal', refers_to: receipts[2], services: [{ scope: 'bluetooth', status: 'withdrawn' }] })

    // The table refuses updates and deletes...
    const db = new Database(join(dataDir, 'ledger.sqlite'))
    expect(() => db.prepare("UPDATE ledger SET body = replace(body, 'denied', 'granted') WHERE seq = 1").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM ledger WHERE seq = 4').run()).toThrow(/append-only/)
    // ...but someone with the file can still edit it: verify notices.
    db.exec('DROP TRIGGER ledger_no_update')
    const changed = db.prepare(`UPDATE ledger SET body = replace(body, '"network":"denied"', '"network":"granted"') WHERE seq = 3`).run()
    expect(changed.changes).toBe(1)
    db.close()
    const bad = await ledgerCli(['verify', '--data-dir', dataDir])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain(`ledger BROKEN at record #3 (receipt ${receipts[2]}): hash_mismatch:`)
    expect(bad.stdout).toContain('; 2 record(s) before it are intact')
  }, 60_000)

  it('detects a removed record and reports a missing ledger', async () => {
    const dataDir = tempDir()
    const missing = await ledgerCli(['verify', '--data-dir', dataDir])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no ledger')
    const key = deriveLedgerKey(loadOrCreateServerSecret(dataDir))
    const store = new SqliteLedgerStore(join(dataDir, 'ledger.sqlite'), { key })
    // concurrent appends are grouped but stay chained in order
    const recs = await Promise.all([1, 2, 3, 4, 5].map((i) => store.append(entry(i))))
    expect(recs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5])
    for (let i = 1; i < 5; i++) expect(recs[i].prev_hash).toBe(recs[i - 1].hash)
    expect(await store.verify()).toMatchObject({ ok: true, count: 5, total: 5, keyed: true, checkpoint: { count: 5, head_hash: recs[4].hash }, problems: [] })
    store.db.exec('DROP TRIGGER ledger_no_delete')
    store.db.prepare('DELETE FROM ledger WHERE seq = 2').run()
    const v = await store.verify()
    expect(v.ok).toBe(false)
    expect(v.first_bad).toMatchObject({ code: 'sequence_gap', seq: 3, receipt_id: 'r3' })
    await store.close()
  }, 60_000)

  it('refuses a second consent for a pairing and a second record of one request; the database refuses them too', async () => {
    const { file, key } = await ledgerDir(1)
    const store = new SqliteLedgerStore(file, { key })
    try {
      const other = store.append(entry(2, { pairing_id: 'p1' }))
      const again = store.append(entry(3, { pairing_id: 'p1', decision_id: 'd1' }))
      await expect(other).rejects.toMatchObject({ code: 'consent_exists', existing: { receipt_id: 'r1' } })
      await expect(again).rejects.toBeInstanceOf(LedgerConflict)
      await expect(again).rejects.toMatchObject({ code: 'duplicate_request', existing: { receipt_id: 'r1', seq: 1 } })
      // a withdrawal only of what its consent granted, once
      const w = entry(4, { kind: 'withdrawal', pairing_id: 'p1', refers_to: 'r1', decisions: { bluetooth: 'withdrawn' } })
      await expect(store.append({ ...w, decisions: { network: 'withdrawn' } })).rejects.toMatchObject({ code: 'not_withdrawable' })
      expect(await store.append(w)).toMatchObject({ seq: 2, kind: 'withdrawal' })
      await expect(store.append({ ...w, receipt_id: 'r5', decision_id: 'd5' })).rejects.toMatchObject({ code: 'not_withdrawable' })
      // the others in a group commit are not held back by a refused one
      const group = await Promise.allSettled([store.append(entry(6)), store.append(entry(7, { pairing_id: 'p6' })), store.append(entry(8))])
      expect(group.map((g) => g.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      // what gets past the service is refused by the unique indexes
      const head = store.db.prepare('SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string }
      const dup = canonicalJson({ ...entry(9, { pairing_id: 'p1' }), seq: head.seq + 1, prev_hash: head.hash })
      expect(() => store.db.prepare("INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (?, 'r9', 'p1', 'consent', ?, ?, 'x')").run(head.seq + 1, dup, head.hash)).toThrow(/UNIQUE/)
      expect((await store.verify()).ok).toBe(true)
    } finally {
      await store.close()
    }
  })

  it('verify catches a cut-off tail, a rewritten and re-chained history, a forged consent and removed or forged checkpoints', async () => {
    const { dir, file, key } = await ledgerDir(4)
    const copy = (name: string) => {
      const f = join(dir, `${name}.sqlite`)
      copyFileSync(file, f)
      copyFileSync(`${file}.checkpoints`, `${f}.checkpoints`)
      return f
    }

    const cut = copy('cut')
    tamper(cut, (db) => db.prepare('DELETE FROM ledger WHERE seq = 4').run())
    expect((await verifyFile(cut, key)).problems).toEqual([expect.objectContaining({ code: 'truncated', seq: 4 })])
    // ...also when the tamperer appends a checkpoint for the shorter ledger without the key
    writeFileSync(`${cut}.checkpoints`, readFileSync(`${cut}.checkpoints`, 'utf8') + `${JSON.stringify({ count: 3, head_hash: 'f'.repeat(64), at: '2030-01-02T00:00:00.000Z', mac: '0'.repeat(64) })}\n`)
    expect((await verifyFile(cut, key)).problems.map((p) => p.code)).toEqual(['checkpoint_invalid', 'truncated'])

    const rewritten = copy('rewritten')
    tamper(rewritten, (db) => rechain(db, 2, unkeyedHash, (b) => ((b.decisions as Record<string, string>).network = 'granted')))
    expect((await verifyFile(rewritten, key)).first_bad).toMatchObject({ code: 'unkeyed_after_keyed', seq: 2, receipt_id: 'r2' })
    const guessed = copy('guessed')
    tamper(guessed, (db) => rechain(db, 2, (p, b) => chainHash(Buffer.alloc(32, 7), p, b), (b) => ((b.decisions as Record<string, string>).network = 'granted')))
    expect((await verifyFile(guessed, key)).first_bad).toMatchObject({ code: 'hash_mismatch', seq: 2 })
    // someone holding the key re-chains consistently: the checkpoints still tell
    const insider = copy('insider')
    tamper(insider, (db) => rechain(db, 2, (p, b) => chainHash(key, p, b), (b) => ((b.decisions as Record<string, string>).network = 'granted')))
    const v = await verifyFile(insider, key)
    expect(v.problems.map((p) => [p.code, p.seq])).toEqual([
      ['checkpoint_mismatch', 2],
      ['checkpoint_mismatch', 3],
      ['checkpoint_mismatch', 4],
    ])

    const forged = copy('forged')
    tamper(forged, (db) => forgeAppend(db, entry(5), unkeyedHash))
    expect((await verifyFile(forged, key)).problems).toEqual([expect.objectContaining({ code: 'unkeyed_after_keyed', seq: 5, receipt_id: 'r5' })])

    const bare = copy('bare')
    rmSync(`${bare}.checkpoints`)
    expect((await verifyFile(bare, key)).problems.map((p) => p.code)).toEqual(['checkpoint_missing'])

    // The command says the same, one line per problem, and fails.
    const cli = await ledgerCli(['verify', '--data-dir', dir])
    expect(cli.code).toBe(0)
    copyFileSync(forged, file)
    const broken = await ledgerCli(['verify', '--data-dir', dir])
    expect(broken.code).toBe(1)
    expect(broken.stdout).toContain('ledger BROKEN at record #5 (receipt r5): unkeyed_after_keyed:')
    // without the key, MACs go unchecked and the command says so
    rmSync(join(dir, 'server-secret'))
    copyFileSync(cut, file)
    copyFileSync(`${cut}.checkpoints`, `${file}.checkpoints`)
    const keyless = await ledgerCli(['verify', '--data-dir', dir])
    expect(keyless.code).toBe(1)
    expect(keyless.stdout).toContain('  truncated at record #4')
    expect(keyless.stdout).toContain('warning: no ledger key')
  }, 60_000)

  it('a ledger from before the key and the uniqueness rules migrates: its SHA-256 records and duplicates are kept and reported', async () => {
    const dir = tempDir()
    const file = join(dir, 'ledger.sqlite')
    // As an earlier service wrote it: version 1 schema, SHA-256 chain, a second consent for p1
    // (a stalled append) and the same request recorded twice.
    const db = new Database(file)
    SQLITE_LEDGER_MIGRATIONS[0].apply(db)
    let prev = '0'.repeat(64)
    const old = [entry(1), entry(2, { pairing_id: 'p1', decisions: { bluetooth: 'denied', network: 'denied' } }), entry(3), entry(4, { pairing_id: 'p3', decision_id: 'd3' })]
    old.forEach((e, i) => {
      const text = canonicalJson({ ...e, seq: i + 1, prev_hash: prev })
      const hash = unkeyedHash(prev, text)
      db.prepare('INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)').run(i + 1, e.receipt_id, e.pairing_id, e.kind, text, prev, hash)
      prev = hash
    })
    db.close()

    const key = deriveLedgerKey(loadOrCreateServerSecret(dir))
    const store = new SqliteLedgerStore(file, { key })
    try {
      expect(store.db.pragma('user_version', { simple: true })).toBe(SQLITE_LEDGER_MIGRATIONS.length)
      await expect(store.append(entry(5, { pairing_id: 'p1' }))).rejects.toMatchObject({ code: 'consent_exists', existing: { receipt_id: 'r1' } })
      expect(await store.append(entry(6))).toMatchObject({ seq: 5 })
      const v = await store.verify()
      expect(v).toMatchObject({ ok: false, count: 5, unkeyed_records: 4, keyed: true })
      expect(v.problems.map((p) => [p.code, p.seq, p.receipt_id])).toEqual([
        ['duplicate_consent', 2, 'r2'],
        ['duplicate_consent', 4, 'r4'],
        ['duplicate_request', 4, 'r4'],
      ])
    } finally {
      await store.close()
    }
    // opened under another key, it is refused
    expect(() => new SqliteLedgerStore(file, { key: Buffer.alloc(32, 1) })).toThrow(/another ledger key/)
  })

  it('a ledger that cannot migrate says why', () => {
    const dir = tempDir()
    const file = join(dir, 'ledger.sqlite')
    const db = new Database(file)
    SQLITE_LEDGER_MIGRATIONS[0].apply(db)
    db.prepare("INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (1, 'r1', 'p1', 'consent', '{not json', ?, 'x')").run('0'.repeat(64))
    db.close()
    expect(() => new SqliteLedgerStore(file, { key: Buffer.alloc(32, 2) })).toThrow(/ledger migration 2 .* failed: a record body is not valid JSON .*npm run ledger -- verify/)
  })
})
