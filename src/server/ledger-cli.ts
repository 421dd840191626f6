// `npm run ledger -- verify [--data-dir D | --database-url URL]`: checks the hash chain, exit 0
// (intact) or 1 (naming the first bad record). `npm run ledger -- export [--out FILE] [...]`:
// writes every record as a consent receipt (fields after Kantara CR v1.1 / ISO/IEC TS 27560).
// The ledger is the SQLite file in the data directory, or the PostgreSQL one of DATABASE_URL
// (as the service chooses); --data-dir / --database-url say which explicitly.
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { LEDGER_FILE } from './app'
import { receiptsDocument } from './receipts'
import type { LedgerStore } from './storage/ledger'
import { PgLedgerStore } from './storage/pg-ledger'
import { SqliteLedgerStore } from './storage/sqlite-ledger'

const USAGE = `usage:
  npm run ledger -- verify [--data-dir DIR | --database-url URL]
  npm run ledger -- export [--out FILE] [--data-dir DIR | --database-url URL]
The ledger is in PostgreSQL when --database-url or $DATABASE_URL is given (and no --data-dir),
otherwise in DIR/ledger.sqlite; DIR defaults to $DATA_DIR or ./data`

function parseArgs(argv: string[]): { cmd?: string; dataDir: string; databaseUrl?: string; out?: string } {
  let cmd: string | undefined
  let dataDir: string | undefined
  let databaseUrl: string | undefined
  let out: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--data-dir' || a === '--out' || a === '--database-url') {
      const v = argv[++i]
      if (!v) fail(`${a} needs a value`)
      if (a === '--data-dir') dataDir = v
      else if (a === '--database-url') databaseUrl = v
      else out = v
    } else if (a.startsWith('--data-dir=')) dataDir = a.slice(11)
    else if (a.startsWith('--database-url=')) databaseUrl = a.slice(15)
    else if (a.startsWith('--out=')) out = a.slice(6)
    else if (!cmd && !a.startsWith('-')) cmd = a
    else fail(`unknown argument ${a}`)
  }
  if (dataDir !== undefined && databaseUrl !== undefined) fail('give --data-dir or --database-url, not both')
  if (dataDir === undefined && databaseUrl === undefined) databaseUrl = process.env.DATABASE_URL?.trim() || undefined
  return { cmd, dataDir: resolve(dataDir ?? (process.env.DATA_DIR || 'data')), databaseUrl, out }
}

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(code)
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (args.cmd !== 'verify' && args.cmd !== 'export') fail(args.cmd ? `unknown command ${args.cmd}` : 'no command given')
  let ledger: LedgerStore
  if (args.databaseUrl) {
    try {
      ledger = await PgLedgerStore.open(args.databaseUrl, { existing: true, poolSize: 2 })
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
    ledger = new SqliteLedgerStore(file, { existing: true })
  }
  try {
    const result = await ledger.verify()
    if (args.cmd === 'verify') {
      if (result.ok) {
        process.stdout.write(`ledger OK: ${result.count} record(s), head ${result.head_hash}\n`)
        return
      }
      const bad = result.first_bad!
      process.stdout.write(
        `ledger BROKEN at record #${bad.seq}${bad.receipt_id ? ` (receipt ${bad.receipt_id})` : ''}: ${bad.reason}; ${result.count} record(s) before it are intact\n`,
      )
      process.exitCode = 1
      return
    }
    const records = []
    for await (const r of ledger.records()) records.push(r)
    const doc = receiptsDocument(records, result, new Date())
    const text = `${JSON.stringify(doc, null, 2)}\n`
    if (args.out) {
      writeFileSync(args.out, text)
      process.stderr.write(`wrote ${records.length} receipt(s) to ${args.out}${result.ok ? '' : ' (WARNING: the chain does not verify)'}\n`)
    } else process.stdout.write(text)
  } finally {
    await ledger.close()
  }
}

main().catch((e) => {
  process.stderr.write(`ledger: ${(e as Error).message}\n`)
  process.exit(2)
})
