// What every pairing use case works with. The use cases keep no per-process state, so several
// service processes can share one store.
import type { Logger } from 'pino'
import type { ServiceConfig } from '../config'
import type { Hasher } from '../crypto'
import type { LedgerStore } from '../storage/ledger'
import type { LiveStore } from '../storage/live'

export interface ServiceDeps {
  config: ServiceConfig
  live: LiveStore
  ledger: LedgerStore
  hasher: Hasher
  clock: () => number
  log: Logger
}
