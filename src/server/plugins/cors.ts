// CORS for TV apps served from another origin (config.tvOrigins, `TV_ORIGINS`): a listed origin
// gets itself echoed in Access-Control-Allow-Origin, its preflights are answered and may be
// cached; any other origin, and a request without one, gets no CORS header at all. The API
// authenticates with bearer tokens and device signatures, never cookies, so credentials are
// never allowed. Every response varies on Origin, so a shared cache never hands one origin's
// answer to another.
import fastifyCors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { IDEMPOTENCY_KEY_HEADER } from '../../core/protocol/constants'

/** Seconds a browser may reuse a preflight answer for the same URL. */
export const PREFLIGHT_MAX_AGE_S = 600

/** Request headers the TV sends: its token, the JSON body, the idempotency key, SSE resume, the device signature. */
export const CORS_REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  IDEMPOTENCY_KEY_HEADER,
  'Last-Event-ID',
  'X-Miitee-Device',
  'X-Miitee-Timestamp',
  'X-Miitee-Nonce',
  'X-Miitee-Signature',
]

/** Response headers the TV reads beyond the CORS-safelisted ones (the outbox honours Retry-After). */
export const CORS_EXPOSED_HEADERS = ['Retry-After', 'Idempotent-Replayed']

export interface CorsOptions {
  origins: string[]
}

export default fp(async function cors(app: FastifyInstance, opts: CorsOptions) {
  const allowed = new Set(opts.origins)
  await app.register(fastifyCors, {
    // false: no CORS header at all, and a preflight falls through to 404.
    origin: (origin: string | undefined, cb: (err: Error | null, allow: string | false) => void) => cb(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: PREFLIGHT_MAX_AGE_S,
    // @fastify/cors documents that some smart TV engines fail a 204 preflight answer.
    optionsSuccessStatus: 200,
    strictPreflight: true,
  })
})
