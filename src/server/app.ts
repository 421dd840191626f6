// buildApp(config, deps) → a fastify instance with every route of the pairing service.
// Clock, stores and the log destination are injectable so tests run over real HTTP on port 0.
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { DestinationStream, Logger } from 'pino'
import sjson from 'secure-json-parse'
import { ConfigError, type ServiceConfig } from './config'
import type { AppContext } from './context'
import { Hasher, loadOrCreateServerSecret } from './crypto'
import { ApiError } from './errors'
import { createLogger, maskUrl } from './logger'
import errorsPlugin from './plugins/errors'
import openapiPlugin from './plugins/openapi'
import securityPlugin from './plugins/security'
import eventRoutes, { SseHub } from './routes/events'
import oauthRoutes from './routes/oauth'
import pageRoutes from './routes/pages'
import pairingRoutes from './routes/pairings'
import { PairingService } from './service/pairings'
import type { LedgerStore } from './storage/ledger'
import type { LiveStore } from './storage/live'
import { MemoryLiveStore } from './storage/memory-live'
import { PgLedgerStore } from './storage/pg-ledger'
import { RedisLiveStore } from './storage/redis-live'
import { SqliteLedgerStore } from './storage/sqlite-ledger'

export const LEDGER_FILE = 'ledger.sqlite'

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

export type App = FastifyInstance & { ctx: AppContext }

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
    if (deps.ledger) ledger = deps.ledger
    else if (config.databaseUrl)
      ledger = await PgLedgerStore.open(config.databaseUrl, { onError: storeError }).catch((e: Error) => {
        throw new ConfigError('DATABASE_URL', e.message)
      })
    else ledger = new SqliteLedgerStore(join(config.dataDir, LEDGER_FILE))
  } catch (e) {
    if (ownLive) await live.close()
    throw e
  }

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (pino's redaction makes each one costly): lines carry reqId.
    childLoggerFactory: (logger) => logger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  })

  let listeningUrl: string | null = null
  const publicUrl = () => {
    if (config.publicUrl) return config.publicUrl
    if (listeningUrl) return listeningUrl
    const addr = app.server.address() as AddressInfo | null
    return `http://localhost:${addr?.port ?? config.port}`
  }
  app.addHook('onListen', async () => {
    listeningUrl = publicUrl()
  })

  const svc = new PairingService({ config, live, ledger, hasher, clock, log: logger })
  const hub = new SseHub(config.heartbeatMs, (ids) => {
    for (const id of ids) svc.tick(id).catch((e) => logger.warn({ err: e }, 'pairing deadline check failed'))
  })
  const ctx: AppContext = { config, live, ledger, hasher, clock, svc, hub, publicUrl }

  app.decorateRequest('rawBody', undefined)
  app.decorateRequest('errorCode', undefined)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const buf = body as Buffer
    req.rawBody = buf
    if (buf.length === 0) return done(new ApiError(400, 'invalid_json', 'The body is empty; send a JSON object.'), undefined)
    try {
      done(null, sjson.parse(buf.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' }))
    } catch {
      done(new ApiError(400, 'invalid_json', 'The body is not valid JSON.'), undefined)
    }
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (req, body, done) => {
    const buf = body as Buffer
    req.rawBody = buf
    const out: Record<string, string> = {}
    for (const [k, v] of new URLSearchParams(buf.toString('utf8'))) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') return done(new ApiError(400, 'invalid_request', 'Forbidden parameter name.'), undefined)
      if (Object.prototype.hasOwnProperty.call(out, k)) return done(new ApiError(400, 'invalid_request', `Parameter ${k} is repeated.`), undefined)
      out[k] = v
    }
    done(null, out)
  })

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
  await app.register(errorsPlugin)
  await app.register(openapiPlugin)
  await app.register(pairingRoutes, { ctx })
  await app.register(eventRoutes, { ctx })
  await app.register(oauthRoutes, { ctx })
  await app.register(pageRoutes, { ctx })

  app.addHook('preClose', async () => {
    hub.closeAll()
  })
  app.addHook('onClose', async () => {
    if (ownLedger) await ledger.close()
    if (ownLive) await live.close()
  })

  return Object.assign(app, { ctx }) as unknown as App
}
