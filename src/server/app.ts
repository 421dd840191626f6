// buildApp(config, deps) → a fastify instance with every route of the pairing service.
// Clock, stores and the log destination are injectable so tests run over real HTTP on port 0.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { DestinationStream, Logger } from 'pino'
import { ConfigError, trustProxyOption, type ServiceConfig } from './config'
import { Hasher, loadOrCreateServerSecret } from './crypto'
import { createLogger, maskUrl } from './logger'
import bodyParsersPlugin from './plugins/bodyParsers'
import corsPlugin from './plugins/cors'
import errorsPlugin from './plugins/errors'
import openapiPlugin from './plugins/openapi'
import securityPlugin from './plugins/security'
import servicesPlugin from './plugins/services'
import deviceRoutes from './routes/devices'
import eventRoutes from './routes/events'
import oauthRoutes from './routes/oauth'
import pageRoutes from './routes/pages'
import pairingRoutes from './routes/pairings'
import type { LedgerStore } from './storage/ledger'
import type { LiveStore } from './storage/live'
import { MemoryLiveStore } from './storage/memory-live'
import { openLedger } from './storage/open-ledger'
import { RedisLiveStore } from './storage/redis-live'

export { LEDGER_FILE } from './storage/open-ledger'

export interface AppDeps {
  /** Milliseconds since the epoch (default Date.now). */
  clock?: () => number
  live?: LiveStore
  ledger?: LedgerStore
  /** Server key behind every stored hash (default: DATA_DIR/server-secret). */
  secret?: Buffer
  logger?: Logger
  /** Where log lines go when no logger is given (default stdout). */
  logStream?: DestinationStream
}

/** The service's fastify instance; its shared services are decorations (plugins/services.ts). */
export type App = FastifyInstance

export async function buildApp(config: ServiceConfig, deps: AppDeps = {}): Promise<App> {
  const clock = deps.clock ?? Date.now
  const logger = deps.logger ?? createLogger({ level: config.logLevel, stream: deps.logStream })
  const secret = deps.secret ?? config.serverSecret ?? loadOrCreateServerSecret(config.dataDir)
  const hasher = new Hasher(secret)
  const ownLive = !deps.live
  const ownLedger = !deps.ledger
  // Backends: REDIS_URL / DATABASE_URL choose the shared ones, otherwise memory and SQLite.
  const storeError = (e: unknown) => logger.warn({ err: e }, 'storage connection error')
  let live: LiveStore
  if (deps.live) live = deps.live
  else if (config.redisUrl) {
    const redis = await RedisLiveStore.connect(config.redisUrl, { clock, onError: storeError }).catch((e: Error) => {
      throw new ConfigError('REDIS_URL', e.message)
    })
    let sameKey: boolean
    try {
      sameKey = await redis.ensureSameSecret(hasher.hash('server-key-check', 'miitee'))
    } catch (e) {
      await redis.close()
      throw new ConfigError('REDIS_URL', (e as Error).message)
    }
    if (!sameKey) {
      await redis.close()
      throw new ConfigError(
        'SERVER_SECRET',
        'this process hashes with another server key than the processes already sharing REDIS_URL: give every process the same SERVER_SECRET (or the same DATA_DIR/server-secret)',
      )
    }
    live = redis
  } else live = new MemoryLiveStore(clock)
  let ledger: LedgerStore
  try {
    ledger = deps.ledger ?? (await openLedger(config, secret, logger))
  } catch (e) {
    if (ownLive) await live.close()
    throw e
  }

  const c = config.connections
  const app = Fastify({
    // Every connection ends: a request must arrive whole in time (a slow body or a silent
    // half-header is cut), a silent connection is closed, and so is an unused keep-alive one.
    requestTimeout: c.requestTimeoutMs,
    connectionTimeout: c.idleTimeoutMs,
    keepAliveTimeout: c.keepAliveTimeoutMs,
    // Node checks the request and header deadlines on this period (30 s by default).
    http: { headersTimeout: c.headersTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(5000, Math.floor(Math.min(c.requestTimeoutMs, c.headersTimeoutMs) / 4))) },
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (pino's redaction makes each one costly): lines carry reqId.
    childLoggerFactory: (logger) => logger,
    bodyLimit: config.bodyLimit,
    trustProxy: trustProxyOption(config.trustProxy),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  })

  // Past this many, new connections are dropped: descriptors stay for the ledger and the stores.
  app.server.maxConnections = c.maxConnections

  await app.register(bodyParsersPlugin)
  await app.register(servicesPlugin, { config, live, ledger, hasher, clock, log: logger })

  // One access-log line per request, URL masked, never a body.
  if (logger.isLevelEnabled('info'))
    app.addHook('onResponse', (req, reply, done) => {
      req.log.info(
        { reqId: req.id, method: req.method, url: maskUrl(req.url), status: reply.statusCode, error: req.errorCode, ms: Math.round(reply.elapsedTime) },
        'request',
      )
      done()
    })

  await app.register(securityPlugin, { https: (config.publicUrl ?? '').startsWith('https:') })
  await app.register(corsPlugin, { origins: config.tvOrigins })
  await app.register(errorsPlugin)
  await app.register(openapiPlugin)
  await app.register(pairingRoutes)
  await app.register(eventRoutes)
  await app.register(deviceRoutes)
  await app.register(oauthRoutes)
  await app.register(pageRoutes)

  app.addHook('onClose', async () => {
    if (ownLedger) await ledger.close()
    if (ownLive) await live.close()
  })

  return app
}
