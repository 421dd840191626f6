// `npm run ledger -- verify [--data-dir D | --database-url URL]`: checks the chain, the
// checkpoints and the uniqueness rules, exit 0 (intact) or 1 (naming each problem by code and
// record). `npm run ledger -- export [--out FILE] [...]`: writes every record as a consent
// receipt (fields after Kantara CR v1.1 / ISO/IEC TS 27560). `npm run ledger -- migrate
// [--database-url URL] [--grant-to ROLE]`: applies the PostgreSQL migrations as the connecting
// (owner) role and leaves ROLE, the service's, only SELECT and INSERT. The ledger is the SQLite
// file in the data directory, or the PostgreSQL one of DATABASE_URL (as the service chooses).
// The ledger key is LEDGER_KEY, else derived from SERVER_SECRET or DATA_DIR/server-secret.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import pg from 'pg'
import { deriveLedgerKey, SECRET_FILE } from './crypto'
import { receiptsDocument } from './receipts'
import type { LedgerStore, VerifyResult } from './storage/ledger'
import { grantServiceRole, migrate } from './storage/migrations/pg-migrate'
import { LEDGER_FILE } from './storage/open-ledger'
import { PgLedgerStore } from './storage/pg-ledger'
import { SqliteLedgerStore } from './storage/sqlite-ledger'

const USAGE = `usage:
  npm run ledger -- verify [--data-dir DIR | --database-url URL]
  npm run ledger -- export [--out FILE] [--data-dir DIR | --database-url URL]
  npm run ledger -- migrate [--database-url URL] [--grant-to ROLE]
The ledger is in PostgreSQL when --database-url or $DATABASE_URL is given (and no --data-dir),
otherwise in DIR/ledger.sqlite; DIR defaults to $DATA_DIR or ./data. The ledger key is
$LEDGER_KEY, else the one derived from $SERVER_SECRET or DIR/server-secret.`

interface Args {
  cmd?: string
  dataDir: string
  databaseUrl?: string
  out?: string
  grantTo?: string
}

const VALUED: Record<string, keyof Args> = { '--data-dir': 'dataDir', '--database-url': 'databaseUrl', '--out': 'out', '--grant-to': 'grantTo' }

function parseArgs(argv: string[]): Args {
  const got: Partial<Record<keyof Args, string>> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const eq = a.indexOf('=')
    const name = eq > 0 ? a.slice(0, eq) : a
    if (VALUED[name]) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i]
      if (!v) fail(`${name} needs a value`)
      got[VALUED[name]] = v
    } else if (!got.cmd && !a.startsWith('-')) got.cmd = a
    else fail(`unknown argument ${a}`)
  }
  if (got.dataDir !== undefined && got.databaseUrl !== undefined) fail('give --data-dir or --database-url, not both')
  const databaseUrl = got.databaseUrl ?? (got.dataDir === undefined ? process.env.DATABASE_URL?.trim() || undefined : undefined)
  return { cmd: got.cmd, dataDir: resolve(got.dataDir ?? (process.env.DATA_DIR || 'data')), databaseUrl, out: got.out, grantTo: got.grantTo }
}

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(code)
}

/** The ledger key from the environment or the data directory (never created here), or null. */
function ledgerKey(dataDir: string): Buffer | null {
  const hex = (v: string | undefined, name: string): Buffer | null => {
    const t = v?.trim()
    if (!t) return null
    if (!/^[0-9a-fA-F]{64}$/.test(t)) fail(`${name} must be 64 hex digits`)
    return Buffer.from(t, 'hex')
  }
  const own = hex(process.env.LEDGER_KEY, 'LEDGER_KEY')
  if (own) return own
  const server = hex(process.env.SERVER_SECRET, 'SERVER_SECRET') ?? (existsSync(join(dataDir, SECRET_FILE)) ? hex(readFileSync(join(dataDir, SECRET_FILE), 'utf8'), join(dataDir, SECRET_FILE)) : null)
  return server ? deriveLedgerKey(server) : null
}

async function runMigrate(args: Args): Promise<void> {
  if (!args.databaseUrl) fail('migrate is for a PostgreSQL ledger: give --database-url or $DATABASE_URL (the SQLite ledger migrates when the service opens it)')
  const client = new pg.Client({ connectionString: args.databaseUrl })
  await client.connect()
  try {
    await migrate(client)
    if (args.grantTo) await grantServiceRole(client, args.grantTo)
    process.stdout.write(`ledger schema up to date${args.grantTo ? `; ${args.grantTo} may read and append, nothing else` : ''}\n`)
  } finally {
    await client.end()
  }
}

function report(result: VerifyResult): string {
  const lines: string[] = []
  const bad = result.first_bad
  if (result.ok) lines.push(`ledger OK: ${result.count} record(s), head ${result.head_hash}`)
  else if (bad) lines.push(`ledger BROKEN at record #${bad.seq}${bad.receipt_id ? ` (receipt ${bad.receipt_id})` : ''}: ${bad.code}: ${bad.message}; ${Math.min(result.count, (bad.seq ?? 1) - 1)} record(s) before it are intact`)
  else lines.push(`ledger BROKEN: ${result.problems[0].code}: ${result.problems[0].message}`)
  if (!result.ok) for (const p of result.problems) lines.push(`  ${p.code}${p.seq !== null ? ` at record #${p.seq}` : ''}${p.receipt_id ? ` (receipt ${p.receipt_id})` : ''}: ${p.message}`)
  if (result.checkpoint) lines.push(`checkpoint: ${result.checkpoint.count} record(s) at ${result.checkpoint.at}${result.total > result.checkpoint.count ? `; ${result.total - result.checkpoint.count} record(s) after it` : ''}`)
  if (result.unkeyed_records) lines.push(`note: the first ${result.unkeyed_records} record(s) were chained with plain SHA-256, before the ledger had a key`)
  if (!result.keyed)
    lines.push('warning: no ledger key, so record MACs and checkpoint signatures were not checked (set LEDGER_KEY, or SERVER_SECRET / --data-dir for the key derived from the server key)')
  return `${lines.join('\n')}\n`
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (args.cmd === 'migrate') return runMigrate(args)
  if (args.cmd !== 'verify' && args.cmd !== 'export') fail(args.cmd ? `unknown command ${args.cmd}` : 'no command given')
  const key = ledgerKey(args.dataDir)
  let ledger: LedgerStore
  if (args.databaseUrl) {
    try {
      ledger = await PgLedgerStore.open(args.databaseUrl, { existing: true, poolSize: 2, key })
    } catch (e) {
      process.stderr.write(`no ledger at DATABASE_URL: ${(e as Error).message}\n`)
      process.exit(1)
    }
  } else {
    const file = join(args.dataDir, LEDGER_FILE)
    if (!existsSync(file)) {
      process.stderr.write(`no ledger at ${file}\n`)
      process.exit(1)
    }
    ledger = new SqliteLedgerStore(file, { existing: true, key })
  }
  try {
    const result = await ledger.verify()
    if (args.cmd === 'verify') {
      process.stdout.write(report(result))
      if (!result.ok) process.exitCode = 1
      return
    }
    const records = []
    for await (const r of ledger.records()) records.push(r)
    const doc = receiptsDocument(records, result, new Date())
    const text = `${JSON.stringify(doc, null, 2)}\n`
    if (args.out) {
      writeFileSync(args.out, text)
      process.stderr.write(`wrote ${records.length} receipt(s) to ${args.out}${result.ok ? '' : ' (WARNING: the ledger does not verify)'}\n`)
    } else process.stdout.write(text)
  } finally {
    await ledger.close()
  }
}

main().catch((e) => {
  process.stderr.write(`ledger: ${(e as Error).message}\n`)
  process.exit(2)
})
