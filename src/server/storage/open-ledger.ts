// The service's ledger as its configuration chooses it: PostgreSQL when DATABASE_URL is set,
// otherwise SQLite in DATA_DIR; chained under LEDGER_KEY, or a key derived from the server key.
import { join } from 'node:path'
import type { Logger } from 'pino'
import { ConfigError, type ServiceConfig } from '../config'
import { deriveLedgerKey } from '../crypto'
import { LedgerKeyMismatch, type LedgerStore } from './ledger'
import { PgLedgerStore } from './pg-ledger'
import { SqliteLedgerStore } from './sqlite-ledger'

export const LEDGER_FILE = 'ledger.sqlite'

/** The ledger key: LEDGER_KEY, else derived from the server key. */
export function ledgerKeyOf(config: ServiceConfig, serverKey: Buffer): Buffer {
  return config.ledgerKey ?? deriveLedgerKey(serverKey)
}

/** Opens the configured ledger; what it cannot open is a ConfigError naming the variable to fix. */
export async function openLedger(config: ServiceConfig, serverKey: Buffer, log: Logger): Promise<LedgerStore> {
  const key = ledgerKeyOf(config, serverKey)
  const onProblem = (message: string) => log.error({ ledger: 'tampering' }, message)
  const keyError = (e: unknown) => (e instanceof LedgerKeyMismatch ? new ConfigError('LEDGER_KEY', e.message) : e)
  if (config.databaseUrl) {
    const url = config.databaseUrl
    return PgLedgerStore.open(url, { key, onProblem, onWarning: (m) => log.warn(m), onError: (e) => log.warn({ err: e }, 'storage connection error') }).catch((e: Error) => {
      const err = keyError(e)
      throw err instanceof ConfigError ? err : new ConfigError('DATABASE_URL', e.message)
    })
  }
  try {
    return new SqliteLedgerStore(join(config.dataDir, LEDGER_FILE), { key, onProblem })
  } catch (e) {
    throw keyError(e)
  }
}
