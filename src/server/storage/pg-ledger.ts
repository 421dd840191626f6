// LedgerStore on PostgreSQL (pg), shared by every service process. Same records and hash
// chain as SqliteLedgerStore. Appends of all processes are serialised by a transaction-level
// advisory lock taken before the chain head is read; within a process, concurrent appends
// are committed together (one commit, one WAL flush per group). `synchronous_commit` is set on
// in each append transaction, so an append resolves only once PostgreSQL has flushed the
// commit to disk. Migrations (./migrations/pg-ledger.ts) are applied at start, recorded in
// `schema_migrations`, under another advisory lock so processes starting together agree.
import pg from 'pg'
import { canonicalJson } from '../../core/protocol'
import { GENESIS_HASH, hashOfCanonical, verifyChain, type LedgerEntry, type LedgerRecord, type LedgerStore, type VerifyResult } from './ledger'
import { PG_LEDGER_MIGRATIONS, type Migration } from './migrations/pg-ledger'

/** Advisory lock keys (any two distinct 64-bit numbers the database does not use otherwise). */
const APPEND_LOCK = '7261746531303031'
const MIGRATE_LOCK = '7261746531303032'
const PAGE = 500

interface Pending {
  entry: LedgerEntry
  resolve: (r: LedgerRecord) => void
  reject: (e: unknown) => void
}

interface Row {
  seq: string
  receipt_id: string
  pairing_id: string
  body: string
  prev_hash: string
  hash: string
}

export interface PgLedgerOptions {
  /** Open an existing ledger only (the CLI): no migration runs; a database without one is an error. */
  existing?: boolean
  /** Longest group of appends committed together. */
  maxBatch?: number
  /** Connections in the pool. */
  poolSize?: number
  connectTimeoutMs?: number
  migrations?: Migration[]
  onError?: (err: Error) => void
}

export class PgLedgerStore implements LedgerStore {
  private queue: Pending[] = []
  private running = false
  private closed = false
  private idle: Promise<void> = Promise.resolve()
  private markIdle: () => void = () => {}
  private readonly maxBatch: number

  private constructor(
    readonly pool: pg.Pool,
    opts: PgLedgerOptions,
  ) {
    this.maxBatch = opts.maxBatch ?? 512
  }

  /** Connects, checks the server answers, and applies pending migrations (unless `existing`). */
  static async open(url: string, opts: PgLedgerOptions = {}): Promise<PgLedgerStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 8,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'miitee-pairing-service',
    })
    // An idle connection that breaks must not bring the process down; the next query reconnects.
    pool.on('error', (e) => opts.onError?.(e))
    const store = new PgLedgerStore(pool, opts)
    try {
      const client = await pool.connect().catch((e: Error) => {
        throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${e.message}`)
      })
      try {
        if (opts.existing) await checkExisting(client)
        else await migrate(client, opts.migrations ?? PG_LEDGER_MIGRATIONS)
      } finally {
        client.release()
      }
    } catch (e) {
      await pool.end().catch(() => undefined)
      throw e
    }
    return store
  }

  append(entry: LedgerEntry): Promise<LedgerRecord> {
    if (this.closed) return Promise.reject(new Error('ledger closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject })
      if (!this.running) void this.drain()
    })
  }

  /** Commits queued appends, one group at a time, until the queue is empty. */
  private async drain(): Promise<void> {
    this.running = true
    this.idle = new Promise((r) => (this.markIdle = r))
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch)
        let out: LedgerRecord[]
        try {
          out = await this.commit(batch.map((p) => p.entry))
        } catch (e) {
          for (const p of batch) p.reject(e)
          continue
        }
        batch.forEach((p, i) => p.resolve(out[i]))
      }
    } finally {
      this.running = false
      this.markIdle()
    }
  }

  private async commit(entries: LedgerEntry[]): Promise<LedgerRecord[]> {
    const client = await this.pool.connect()
    let broken: Error | undefined
    try {
      const res = (await client.query(
        `BEGIN; SET LOCAL synchronous_commit TO on; SELECT pg_advisory_xact_lock(${APPEND_LOCK}); SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1`,
      )) as unknown as pg.QueryResult[]
      const head = res[res.length - 1].rows[0] as { seq: string; hash: string } | undefined
      let seq = head ? Number(head.seq) : 0
      let prev = head?.hash ?? GENESIS_HASH
      const records: LedgerRecord[] = []
      const cols: (string | number)[][] = [[], [], [], [], [], [], []]
      for (const entry of entries) {
        seq++
        const body = { ...entry, seq, prev_hash: prev }
        const text = canonicalJson(body)
        const hash = hashOfCanonical(prev, text)
        for (const [i, v] of [seq, entry.receipt_id, entry.pairing_id, entry.kind, text, prev, hash].entries()) cols[i].push(v)
        records.push({ ...body, hash })
        prev = hash
      }
      await client.query(
        `INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        cols,
      )
      await client.query('COMMIT')
      return records
    } catch (e) {
      broken = e as Error
      await client.query('ROLLBACK').catch(() => undefined)
      throw e
    } finally {
      // A connection that failed mid-transaction is not reused.
      client.release(broken && !(broken as { code?: string }).code ? broken : undefined)
    }
  }

  async byPairing(pairingId: string): Promise<LedgerRecord[]> {
    const r = await this.pool.query<Row>('SELECT seq, receipt_id, pairing_id, body, prev_hash, hash FROM ledger WHERE pairing_id = $1 ORDER BY seq', [pairingId])
    return r.rows.map(rowToRecord)
  }

  /** Rows oldest first, read a page at a time. */
  private async *rows(): AsyncIterable<Row> {
    let after = 0
    for (;;) {
      const r = await this.pool.query<Row>('SELECT seq, receipt_id, pairing_id, body, prev_hash, hash FROM ledger WHERE seq > $1 ORDER BY seq LIMIT $2', [after, PAGE])
      for (const row of r.rows) yield row
      if (r.rows.length < PAGE) return
      after = Number(r.rows[r.rows.length - 1].seq)
    }
  }

  async *records(): AsyncIterable<LedgerRecord> {
    for await (const row of this.rows()) yield rowToRecord(row)
  }

  async verify(): Promise<VerifyResult> {
    const source = this.rows()
    async function* checked(): AsyncIterable<LedgerRecord | { seq: number; broken: string }> {
      for await (const row of source) {
        const seq = Number(row.seq)
        let rec: LedgerRecord
        try {
          rec = rowToRecord(row)
        } catch {
          yield { seq, broken: 'record body is not valid JSON' }
          return
        }
        if (rec.seq !== seq || rec.receipt_id !== row.receipt_id || rec.pairing_id !== row.pairing_id || rec.prev_hash !== row.prev_hash) {
          yield { ...rec, hash: '' }
          return
        }
        yield rec
      }
    }
    return verifyChain(checked())
  }

  /** Waits for queued appends, then closes the pool. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.idle
    await this.pool.end()
  }
}

/** The URL with any password masked. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.href
  } catch {
    return '(unparsable URL)'
  }
}

function rowToRecord(row: Row): LedgerRecord {
  const body = JSON.parse(row.body) as Omit<LedgerRecord, 'hash'>
  return { ...body, hash: row.hash }
}

async function migrate(client: pg.PoolClient, migrations: Migration[]): Promise<void> {
  await client.query('BEGIN')
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK})`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version    integer PRIMARY KEY,
         name       text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    )
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version))
    const known = new Set(migrations.map((m) => m.version))
    const unknown = [...done].filter((v) => !known.has(v))
    if (unknown.length) throw new Error(`the database has ledger schema version(s) ${unknown.join(', ')}, newer than this service knows: upgrade the service`)
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue
      await client.query(m.sql)
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name])
    }
    await client.query('COMMIT')
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw e
  }
}

async function checkExisting(client: pg.PoolClient): Promise<void> {
  const r = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t")
  if (!r.rows[0]?.t) throw new Error('no ledger in this database (no schema_migrations table)')
  const v = await client.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations WHERE version = 1')
  if (Number(v.rows[0].n) === 0) throw new Error('no ledger in this database (migration 1 not applied)')
}
