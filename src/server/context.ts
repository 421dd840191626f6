// What the route plugins share: configuration, stores, the pairing service and helpers.
import type { ServiceConfig } from './config'
import type { Hasher } from './crypto'
import type { PairingService } from './service/pairings'
import type { LedgerStore } from './storage/ledger'
import type { LiveStore } from './storage/live'
import type { SseHub } from './routes/events'

export interface AppContext {
  config: ServiceConfig
  live: LiveStore
  ledger: LedgerStore
  hasher: Hasher
  clock: () => number
  svc: PairingService
  hub: SseHub
  /** Base URL of QR links and OAuth metadata, without a trailing slash. */
  publicUrl: () => string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body bytes as received (for signatures). */
    rawBody?: Buffer
    /** Stable error code of the response, for the access log. */
    errorCode?: string
  }
  interface FastifyContextConfig {
    /** OAuth 2.0 endpoint: errors as `{ error, error_description }`. */
    oauth?: boolean
  }
}
