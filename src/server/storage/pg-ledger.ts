// LedgerStore on PostgreSQL (pg), shared by every service process. Same records and chain as
// SqliteLedgerStore. Appends of all processes are serialised by a transaction-level advisory
// lock taken before the chain head is read, so entries are admitted (one consent per pairing,
// one record per request) against everything committed before them; the unique indexes of
// migration 2 refuse what slips past. Within a process, concurrent appends are committed
// together (one commit, one WAL flush per group) with a signed checkpoint of the new head.
// `synchronous_commit` is on in each append transaction, so an append resolves only once
// PostgreSQL has flushed the commit to disk. Migrations: ./migrations/pg-migrate.ts.
import pg from 'pg'
import { asCheckpoint, checkpointSigned, signCheckpoint, type Checkpoint } from './ledger-checkpoints'
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
import { PG_DECISION_ID, PG_LEDGER_MIGRATIONS, PG_SUBJECT, type Migration } from './migrations/pg-ledger'
import { checkExisting, checkpointPowers, migrate } from './migrations/pg-migrate'

/** Advisory lock key of appends (any 64-bit number the database does not use otherwise). */
export const APPEND_LOCK = '7261746531303031'
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
  kind: string
  body: string
  prev_hash: string
  hash: string
}

export interface PgLedgerOptions {
  /** Open an existing ledger only (the CLI): no migration runs, nothing is written; a database without one is an error. */
  existing?: boolean
  /** Longest group of appends committed together. */
  maxBatch?: number
  /** Connections in the pool. */
  poolSize?: number
  connectTimeoutMs?: number
  migrations?: Migration[]
  /** The ledger key (see SqliteLedgerOptions.key). */
  key?: Buffer | null
  onError?: (err: Error) => void
  /** Told what opening found wrong with the ledger (it still opens; the evidence stays for `verify`). */
  onProblem?: (message: string) => void
  /** Told when the service's role could change checkpoints (docs/ledger.md says how to set roles up). */
  onWarning?: (message: string) => void
}

export class PgLedgerStore implements LedgerStore {
  private queue: Pending[] = []
  private running = false
  private closed = false
  private idle: Promise<void> = Promise.resolve()
  private markIdle: () => void = () => {}
  private readonly maxBatch: number
  private readonly key: Buffer | null

  private constructor(
    readonly pool: pg.Pool,
    opts: PgLedgerOptions,
  ) {
    this.maxBatch = opts.maxBatch ?? 512
    this.key = opts.key ?? null
  }

  /** Connects, checks the server answers, applies pending migrations, and checks the key and the newest checkpoint (unless `existing`). */
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
        else {
          await migrate(client, opts.migrations ?? PG_LEDGER_MIGRATIONS)
          await store.claimKey(client)
          if (store.key) await store.checkOnOpen(client, store.key, opts.onProblem ?? (() => undefined))
          const powers = await checkpointPowers(client)
          if (powers && store.key) opts.onWarning?.(`${powers}: checkpoints then protect only from other roles (docs/ledger.md, "PostgreSQL roles")`)
        }
      } finally {
        client.release()
      }
    } catch (e) {
      await pool.end().catch(() => undefined)
      throw e
    }
    return store
  }

  /** Records the key's check on first use; a ledger written under another key (or under one, when none is given) is refused. */
  private async claimKey(client: pg.PoolClient): Promise<void> {
    if (this.key) await client.query("INSERT INTO ledger_meta (name, value) VALUES ('key_check', $1) ON CONFLICT (name) DO NOTHING", [ledgerKeyCheck(this.key)])
    const stored = await storedKeyCheck(client)
    if (!this.key && stored) throw new LedgerKeyMismatch('the ledger in DATABASE_URL is chained under a ledger key: open it with that key (LEDGER_KEY)')
    if (this.key && stored !== ledgerKeyCheck(this.key))
      throw new LedgerKeyMismatch('the ledger in DATABASE_URL was written under another ledger key: give every process the same LEDGER_KEY (or the same server key)')
  }

  /** Compares the newest checkpoint with the ledger (one snapshot), then checkpoints the head if it has none. */
  private async checkOnOpen(client: pg.PoolClient, key: Buffer, onProblem: (message: string) => void): Promise<void> {
    const r = await client.query<{ head: { seq: number; hash: string } | null; cp: Record<string, unknown> | null; at_hash: string | null }>(
      `SELECT h.head, c.cp, (SELECT hash FROM ledger WHERE seq = (c.cp ->> 'count')::bigint) AS at_hash
         FROM (SELECT (SELECT json_build_object('seq', seq, 'hash', hash) FROM ledger ORDER BY seq DESC LIMIT 1) AS head) h,
              (SELECT (SELECT json_build_object('count', record_count::text, 'head_hash', head_hash, 'at', at, 'mac', mac)
                         FROM ledger_checkpoints ORDER BY record_count DESC LIMIT 1) AS cp) c`,
    )
    const { head, cp, at_hash } = r.rows[0]
    const latest = asCheckpoint(cp)
    const headSeq = head ? Number(head.seq) : 0
    if (latest && !checkpointSigned(key, latest)) onProblem(`the newest ledger checkpoint (${latest.at}) is not signed with the ledger key: run \`npm run ledger -- verify\``)
    else if (latest && headSeq < latest.count)
      onProblem(`the ledger holds ${headSeq} record(s) but its checkpoint of ${latest.at} counted ${latest.count}: records were removed; run \`npm run ledger -- verify\``)
    else if (latest && at_hash !== latest.head_hash) onProblem(`record #${latest.count} no longer matches the ledger checkpoint of ${latest.at}: run \`npm run ledger -- verify\``)
    if (head && (latest?.count !== headSeq || latest.head_hash !== head.hash)) await insertCheckpoint(client, signCheckpoint(key, headSeq, head.hash))
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
        let out: (LedgerRecord | LedgerConflict)[]
        try {
          out = await this.commit(batch.map((p) => p.entry))
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
    } finally {
      this.running = false
      this.markIdle()
    }
  }

  private async commit(entries: LedgerEntry[]): Promise<(LedgerRecord | LedgerConflict)[]> {
    const client = await this.pool.connect()
    let broken: Error | undefined
    try {
      const res = (await client.query(
        `BEGIN; SET LOCAL synchronous_commit TO on; SELECT pg_advisory_xact_lock(${APPEND_LOCK}); SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1`,
      )) as unknown as pg.QueryResult[]
      const head = res[res.length - 1].rows[0] as { seq: string; hash: string } | undefined
      const pairings = [...new Set(entries.map((e) => e.pairing_id))]
      const same = await client.query<Row>('SELECT hash, body, pairing_id FROM ledger WHERE pairing_id = ANY($1) ORDER BY seq', [pairings])
      const stored = new Map<string, LedgerRecord[]>()
      for (const row of same.rows) stored.set(row.pairing_id, [...(stored.get(row.pairing_id) ?? []), rowToRecord(row)])
      const { rows, results } = chainBatch(entries, stored, { seq: head ? Number(head.seq) : 0, hash: head?.hash ?? GENESIS_HASH }, this.key)
      if (rows.length) {
        const cols: (string | number)[][] = [[], [], [], [], [], [], []]
        for (const { record: r, body } of rows) for (const [i, v] of [r.seq, r.receipt_id, r.pairing_id, r.kind, body, r.prev_hash, r.hash].entries()) cols[i].push(v)
        await client.query(
          `INSERT INTO ledger (seq, receipt_id, pairing_id, kind, body, prev_hash, hash)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
          cols,
        )
        const last = rows[rows.length - 1].record
        if (this.key) await insertCheckpoint(client, signCheckpoint(this.key, last.seq, last.hash))
      }
      await client.query('COMMIT')
      return results
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
    const r = await this.pool.query<Row>('SELECT hash, body FROM ledger WHERE pairing_id = $1 ORDER BY seq', [pairingId])
    return r.rows.map(rowToRecord)
  }

  async subjectConsents(deviceIdHash: string, limit: number): Promise<SubjectConsent[]> {
    const consents = await this.pool.query<Row>(
      `SELECT hash, body, pairing_id FROM ledger WHERE kind = 'consent' AND ${PG_SUBJECT} = $1
         AND EXISTS (SELECT 1 FROM jsonb_each_text(body::jsonb -> 'decisions') d WHERE d.value = 'granted') ORDER BY seq DESC LIMIT $2`,
      [deviceIdHash, limit],
    )
    if (!consents.rows.length) return []
    const ids = [...new Set(consents.rows.map((r) => r.pairing_id))]
    const withdrawals = await this.pool.query<Row>("SELECT hash, body FROM ledger WHERE kind = 'withdrawal' AND pairing_id = ANY($1) ORDER BY seq", [ids])
    return withWithdrawals(consents.rows.map(rowToRecord), withdrawals.rows.map(rowToRecord))
  }

  /** Rows oldest first, read a page at a time. */
  private async *rows(): AsyncIterable<Row> {
    let after = 0
    for (;;) {
      const r = await this.pool.query<Row>('SELECT seq, receipt_id, pairing_id, kind, body, prev_hash, hash FROM ledger WHERE seq > $1 ORDER BY seq LIMIT $2', [after, PAGE])
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
    async function* rows(): AsyncIterable<StoredRow> {
      for await (const row of source) yield { ...row, seq: Number(row.seq) }
    }
    const hasCheckpoints = (await this.pool.query<{ t: string | null }>("SELECT to_regclass('ledger_checkpoints')::text AS t")).rows[0]?.t
    const checkpoints: Checkpoint[] = []
    const unreadable: string[] = []
    if (hasCheckpoints)
      for (const row of (await this.pool.query('SELECT record_count::text AS count, head_hash, at, mac FROM ledger_checkpoints ORDER BY record_count')).rows) {
        const c = asCheckpoint(row)
        if (c) checkpoints.push(c)
        else unreadable.push(`ledger_checkpoints row ${row.count}`)
      }
    const pool = this.pool
    return verifyLedger(
      {
        rows: rows(),
        checkpoints,
        unreadableCheckpoints: unreadable,
        duplicates: async () =>
          (await pool.query<Duplicate>(duplicatesSql(PG_DECISION_ID))).rows.map((d) => ({ ...d, seq: Number(d.seq), first_seq: Number(d.first_seq) })),
        keyCheck: await storedKeyCheck(this.pool),
      },
      this.key,
    )
  }

  /** Waits for queued appends, then closes the pool. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.idle
    await this.pool.end()
  }
}

async function insertCheckpoint(client: pg.PoolClient, c: Checkpoint): Promise<void> {
  await client.query('INSERT INTO ledger_checkpoints (record_count, head_hash, at, mac) VALUES ($1, $2, $3, $4) ON CONFLICT (record_count) DO NOTHING', [c.count, c.head_hash, c.at, c.mac])
}

/** The key check stored with the ledger (null before migration 2 or before any key). */
async function storedKeyCheck(db: pg.PoolClient | pg.Pool): Promise<string | null> {
  const has = (await db.query<{ t: string | null }>("SELECT to_regclass('ledger_meta')::text AS t")).rows[0]?.t
  if (!has) return null
  return (await db.query<{ value: string }>("SELECT value FROM ledger_meta WHERE name = 'key_check'")).rows[0]?.value ?? null
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

function rowToRecord(row: { hash: string; body: string }): LedgerRecord {
  return { ...(JSON.parse(row.body) as Omit<LedgerRecord, 'hash'>), hash: row.hash }
}
