// LedgerStore on SQLite (better-sqlite3): WAL with synchronous=FULL so a committed record
// survives a crash or power loss. Concurrent appends are grouped into one transaction (one
// fsync for the group), admitted and chained inside it, and each caller is answered only after
// that commit. Signed checkpoints go to a file beside the database after each commit.
import Database from 'better-sqlite3'
import { CheckpointFile, checkpointSigned, signCheckpoint } from './ledger-checkpoints'
import { duplicatesSql, verifyLedger, type Duplicate, type StoredRow } from './ledger-verify'
import {
  chainBatch,
  GENESIS_HASH,
  LedgerConflict,
  ledgerKeyCheck,
  LedgerKeyMismatch,
  type LedgerEntry,
  type LedgerRecord,
  type LedgerStore,
  type SubjectConsent,
  type VerifyResult,
  withWithdrawals,
} from './ledger'
import { migrateSqliteLedger, SQLITE_DECISION_ID, SQLITE_SUBJECT } from './migrations/sqlite-ledger'

interface Pending {
  entry: LedgerEntry
  resolve: (r: LedgerRecord) => void
  reject: (e: unknown) => void
}

export interface SqliteLedgerOptions {
  /** Open an existing ledger only (the CLI): no file, schema or checkpoint is written. */
  existing?: boolean
  /** Longest group of appends committed together. */
  maxBatch?: number
  /**
   * The ledger key: records and checkpoints are HMACs under it. Without one, records are chained
   * with the unkeyed SHA-256 of earlier versions and no checkpoint is written (test harnesses).
   */
  key?: Buffer | null
  /** Where the checkpoints go (default: `<file>.checkpoints`). */
  checkpointFile?: string
  /** Told what opening found wrong (the ledger still opens; the evidence stays for `verify`). */
  onProblem?: (message: string) => void
}

export class SqliteLedgerStore implements LedgerStore {
  readonly db: Database.Database
  readonly checkpoints: CheckpointFile
  private readonly key: Buffer | null
  private queue: Pending[] = []
  private scheduled = false
  private closed = false
  private readonly maxBatch: number
  private statements?: { head: Database.Statement; insert: Database.Statement; pairing: Database.Statement }

  constructor(readonly file: string, opts: SqliteLedgerOptions = {}) {
    this.maxBatch = opts.maxBatch ?? 512
    this.key = opts.key ?? null
    this.checkpoints = new CheckpointFile(opts.checkpointFile ?? `${file}.checkpoints`)
    this.db = new Database(file, { fileMustExist: !!opts.existing })
    try {
      this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = FULL')
      this.db.pragma('busy_timeout = 5000')
      if (!opts.existing) {
        migrateSqliteLedger(this.db, file)
        this.claimKey()
        if (this.key) this.checkOnOpen(this.key, opts.onProblem ?? (() => undefined))
      }
    } catch (e) {
      this.db.close()
      throw e
    }
  }

  /** The key check stored with the ledger (null before migration 2 or before any key). */
  private storedKeyCheck(): string | null {
    try {
      return (this.db.prepare("SELECT value FROM ledger_meta WHERE name = 'key_check'").get() as { value: string } | undefined)?.value ?? null
    } catch {
      return null
    }
  }

  /** Records the key's check on first use; a ledger written under another key (or under one, when none is given) is refused. */
  private claimKey(): void {
    const stored = this.storedKeyCheck()
    if (!this.key) {
      if (stored) throw new LedgerKeyMismatch(`${this.file} is chained under a ledger key: open it with that key (LEDGER_KEY)`)
      return
    }
    const mine = ledgerKeyCheck(this.key)
    if (stored === null) this.db.prepare("INSERT INTO ledger_meta (name, value) VALUES ('key_check', ?)").run(mine)
    else if (stored !== mine)
      throw new LedgerKeyMismatch(`${this.file} was written under another ledger key: give this process the same LEDGER_KEY (or server key) as the one that wrote it`)
  }

  /** Compares the newest checkpoint with the ledger, then checkpoints the head if it has none (a crash between a commit and its checkpoint). */
  private checkOnOpen(key: Buffer, onProblem: (message: string) => void): void {
    const head = this.db.prepare('SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined
    const latest = this.checkpoints.latest()
    if (latest && !checkpointSigned(key, latest)) onProblem(`the newest ledger checkpoint (${latest.at}) is not signed with the ledger key: run \`npm run ledger -- verify\``)
    else if (latest && (head?.seq ?? 0) < latest.count)
      onProblem(`the ledger holds ${head?.seq ?? 0} record(s) but its checkpoint of ${latest.at} counted ${latest.count}: records were removed; run \`npm run ledger -- verify\``)
    else if (latest) {
      const at = this.db.prepare('SELECT hash FROM ledger WHERE seq = ?').get(latest.count) as { hash: string } | undefined
      if (at?.hash !== latest.head_hash) onProblem(`record #${latest.count} no longer matches the ledger checkpoint of ${latest.at}: run \`npm run ledger -- verify\``)
    }
    if (head && (latest?.count !== head.seq || latest.head_hash !== head.hash)) this.checkpoints.append(signCheckpoint(key, head.seq, head.hash))
  }

  append(entry: LedgerEntry): Promise<LedgerRecord> {
    if (this.closed) return Promise.reject(new Error('ledger closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.scheduled = false
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch)
      let out: (LedgerRecord | LedgerConflict)[]
      try {
        out = this.commit(batch.map((p) => p.entry))
      } catch (e) {
        for (const p of batch) p.reject(e)
        continue
      }
      batch.forEach((p, i) => {
        const r = out[i]
        if (r instanceof LedgerConflict) p.reject(r)
        else p.resolve(r)
      })
    }
  }

  private commit(entries: LedgerEntry[]): (LedgerRecord | LedgerConflict)[] {
    this.statements ??= {
      head: this.db.prepare('SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1'),
      insert: this.db.prepare('INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      pairing: this.db.prepare('SELECT hash, body FROM ledger WHERE pairing_id = ? ORDER BY seq'),
    }
    const { head, insert, pairing } = this.statements
    const tx = this.db.transaction(() => {
      const last = head.get() as { seq: number; hash: string } | undefined
      const stored = new Map<string, LedgerRecord[]>()
      for (const id of new Set(entries.map((e) => e.pairing_id))) stored.set(id, (pairing.all(id) as { hash: string; body: string }[]).map(toRecord))
      const batch = chainBatch(entries, stored, { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH }, this.key)
      for (const { record: r, body } of batch.rows) insert.run(r.seq, r.receipt_id, r.pairing_id, r.kind, body, r.prev_hash, r.hash)
      return batch
    })
    const { rows, results } = tx.immediate()
    const newHead = rows[rows.length - 1]?.record
    if (this.key && newHead) this.checkpoints.append(signCheckpoint(this.key, newHead.seq, newHead.hash))
    return results
  }

  async byPairing(pairingId: string): Promise<LedgerRecord[]> {
    return (this.db.prepare('SELECT hash, body FROM ledger WHERE pairing_id = ? ORDER BY seq').all(pairingId) as { hash: string; body: string }[]).map(toRecord)
  }

  async subjectConsents(deviceIdHash: string, limit: number): Promise<SubjectConsent[]> {
    const consents = (
      this.db
        .prepare(
          `SELECT hash, body FROM ledger WHERE kind = 'consent' AND ${SQLITE_SUBJECT} = ?
             AND EXISTS (SELECT 1 FROM json_each(body, '$.decisions') WHERE value = 'granted') ORDER BY seq DESC LIMIT ?`,
        )
        .all(deviceIdHash, limit) as { hash: string; body: string }[]
    ).map(toRecord)
    if (!consents.length) return []
    const ids = [...new Set(consents.map((c) => c.pairing_id))]
    const withdrawals = (
      this.db.prepare(`SELECT hash, body FROM ledger WHERE kind = 'withdrawal' AND pairing_id IN (${ids.map(() => '?').join(', ')}) ORDER BY seq`).all(...ids) as { hash: string; body: string }[]
    ).map(toRecord)
    return withWithdrawals(consents, withdrawals)
  }

  async *records(): AsyncIterable<LedgerRecord> {
    for (const row of this.db.prepare('SELECT hash, body FROM ledger ORDER BY seq').iterate() as Iterable<{ hash: string; body: string }>) yield toRecord(row)
  }

  async verify(): Promise<VerifyResult> {
    const db = this.db
    const log = this.checkpoints.read()
    async function* rows(): AsyncIterable<StoredRow> {
      yield* db.prepare('SELECT seq, receipt_id, pairing_id, kind, body, prev_hash, hash FROM ledger ORDER BY seq').iterate() as Iterable<StoredRow>
    }
    return verifyLedger(
      {
        rows: rows(),
        checkpoints: log.checkpoints,
        unreadableCheckpoints: log.unreadable.map((n) => `line ${n} of ${this.checkpoints.path}`),
        duplicates: async () => db.prepare(duplicatesSql(SQLITE_DECISION_ID)).all() as Duplicate[],
        keyCheck: this.storedKeyCheck(),
      },
      this.key,
    )
  }

  async close(): Promise<void> {
    if (this.closed) return
    if (this.queue.length) this.flush()
    this.closed = true
    this.db.close()
  }
}

function toRecord(row: { hash: string; body: string }): LedgerRecord {
  return { ...(JSON.parse(row.body) as Omit<LedgerRecord, 'hash'>), hash: row.hash }
}
