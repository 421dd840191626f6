// LedgerStore on SQLite (better-sqlite3): WAL with synchronous=FULL so a committed record
// survives a crash or power loss. Concurrent appends are grouped into one transaction (one
// fsync for the group); each caller is answered only after that commit.
import Database from 'better-sqlite3'
import { canonicalJson } from '../../core/protocol'
import { GENESIS_HASH, hashOfCanonical, verifyChain, type LedgerEntry, type LedgerRecord, type LedgerStore, type VerifyResult } from './ledger'

interface Pending {
  entry: LedgerEntry
  resolve: (r: LedgerRecord) => void
  reject: (e: unknown) => void
}

interface Row {
  seq: number
  receipt_id: string
  pairing_id: string
  body: string
  prev_hash: string
  hash: string
}

export interface SqliteLedgerOptions {
  /** Open an existing ledger only (the CLI): no file or schema is created. */
  existing?: boolean
  /** Longest group of appends committed together. */
  maxBatch?: number
}

export class SqliteLedgerStore implements LedgerStore {
  readonly db: Database.Database
  private queue: Pending[] = []
  private scheduled = false
  private closed = false
  private readonly maxBatch: number
  private statements?: { head: Database.Statement; insert: Database.Statement }

  constructor(readonly file: string, opts: SqliteLedgerOptions = {}) {
    this.maxBatch = opts.maxBatch ?? 512
    this.db = new Database(file, { fileMustExist: !!opts.existing })
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = FULL')
    if (!opts.existing) {
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS ledger (
          seq INTEGER PRIMARY KEY,
          receipt_id TEXT NOT NULL UNIQUE,
          pairing_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          body TEXT NOT NULL,
          prev_hash TEXT NOT NULL,
          hash TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ledger_pairing ON ledger (pairing_id, seq);
        CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger
          BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger
          BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      `)
    }
    this.db.pragma('busy_timeout = 5000')
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
      let out: LedgerRecord[]
      try {
        out = this.commit(batch.map((p) => p.entry))
      } catch (e) {
        for (const p of batch) p.reject(e)
        continue
      }
      batch.forEach((p, i) => p.resolve(out[i]))
    }
  }

  private commit(entries: LedgerEntry[]): LedgerRecord[] {
    this.statements ??= {
      head: this.db.prepare('SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1'),
      insert: this.db.prepare('INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    }
    const { head, insert } = this.statements
    const tx = this.db.transaction(() => {
      const last = head.get() as { seq: number; hash: string } | undefined
      let seq = last?.seq ?? 0
      let prev = last?.hash ?? GENESIS_HASH
      const records: LedgerRecord[] = []
      for (const entry of entries) {
        seq++
        const body = { ...entry, seq, prev_hash: prev }
        const text = canonicalJson(body)
        const hash = hashOfCanonical(prev, text)
        insert.run(seq, entry.receipt_id, entry.pairing_id, entry.kind, text, prev, hash)
        records.push({ ...body, hash })
        prev = hash
      }
      return records
    })
    return tx.immediate()
  }

  async byPairing(pairingId: string): Promise<LedgerRecord[]> {
    const rows = this.db.prepare('SELECT * FROM ledger WHERE pairing_id = ? ORDER BY seq').all(pairingId) as Row[]
    return rows.map(rowToRecord)
  }

  async *records(): AsyncIterable<LedgerRecord> {
    for (const row of this.db.prepare('SELECT * FROM ledger ORDER BY seq').iterate() as Iterable<Row>) yield rowToRecord(row)
  }

  async verify(): Promise<VerifyResult> {
    const db = this.db
    async function* rows(): AsyncIterable<LedgerRecord | { seq: number; broken: string }> {
      for (const row of db.prepare('SELECT * FROM ledger ORDER BY seq').iterate() as Iterable<Row>) {
        let rec: LedgerRecord
        try {
          rec = rowToRecord(row)
        } catch {
          yield { seq: row.seq, broken: 'record body is not valid JSON' }
          return
        }
        if (rec.seq !== row.seq || rec.receipt_id !== row.receipt_id || rec.pairing_id !== row.pairing_id || rec.prev_hash !== row.prev_hash) {
          yield { ...rec, hash: '' }
          return
        }
        yield rec
      }
    }
    return verifyChain(rows())
  }

  async close(): Promise<void> {
    if (this.closed) return
    if (this.queue.length) this.flush()
    this.closed = true
    this.db.close()
  }
}

function rowToRecord(row: Row): LedgerRecord {
  const body = JSON.parse(row.body) as Omit<LedgerRecord, 'hash'>
  return { ...body, hash: row.hash }
}
