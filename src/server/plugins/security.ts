// Security headers on every response and `Cache-Control: no-store` on everything that is not
// a static asset.
//
// - API responses (JSON, event streams) get the OWASP REST set: a CSP that allows nothing,
//   nosniff, no framing, no referrer, HSTS when served over https.
// - Documents (the TV app, its assets, the phone pages) get helmet's full set with a strict
//   CSP without 'unsafe-inline'.
// Both sets are fixed (no per-request nonces), so they are computed once at start-up and
// replayed rather than rebuilt by helmet on every request.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'

export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // The Lightning boot script (startApp.js) adds one empty <style> element and fills it through
  // the CSSOM (insertRule), which CSP allows: only that empty element is let in, by its hash
  // (SHA-256 of the empty string), never inline style content.
  styleSrc: ["'self'", "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  mediaSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
}

/**
 * The TV app's document policy. Lightning 2 compiles element templates and property accessors
 * with `new Function` (lib/lightning.js), so its pages need 'unsafe-eval'; inline scripts and
 * styles stay forbidden.
 */
export const TV_APP_CSP_DIRECTIVES = { ...CSP_DIRECTIVES, scriptSrc: ["'self'", "'unsafe-eval'"] }

/** The headers helmet sets with this configuration, computed once. */
export function securityHeaders(directives: Record<string, string[]> = CSP_DIRECTIVES): [string, string][] {
  const middleware = helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  })
  const headers = new Map<string, string>()
  const res = {
    setHeader: (k: string, v: string | number | string[]) => headers.set(k, String(v)),
    removeHeader: (k: string) => headers.delete(k),
    getHeader: (k: string) => headers.get(k),
  }
  let error: unknown
  middleware({} as IncomingMessage, res as unknown as ServerResponse, (e?: unknown) => (error = e))
  if (error) throw error
  if (!headers.has('Content-Security-Policy')) throw new Error('helmet did not produce a Content-Security-Policy')
  return [...headers]
}

/** Headers of API responses (JSON and event streams): the event stream route sends them itself. */
export function apiSecurityHeaders(https: boolean): [string, string][] {
  const h: [string, string][] = [
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
  ]
  if (https) h.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'])
  return h
}

export interface SecurityOptions {
  https: boolean
}

/** Sets the document header set on a response (pages and static files call it). */
export function documentHeaderSetter(opts: SecurityOptions, directives: Record<string, string[]> = CSP_DIRECTIVES): (reply: FastifyReply) => void {
  const documents = Object.fromEntries(securityHeaders(directives).filter(([k]) => opts.https || k !== 'Strict-Transport-Security'))
  return (reply) => {
    reply.headers(documents)
  }
}

/** Every response starts with the API set and `no-store`; documents and static files add theirs. */
export default fp(async function security(app: FastifyInstance, opts: SecurityOptions) {
  const api = Object.fromEntries([...apiSecurityHeaders(opts.https), ['Cache-Control', 'no-store']].map(([k, v]) => [k.toLowerCase(), v]))
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(api)
    done()
  })
})
