// The only bodies the service reads: JSON everywhere (secure-json-parse, prototype keys
// refused), and form-encoded parameters only where the protocol says a form is posted (the
// OAuth endpoints: RFC 6749 §3.2, RFC 8628 §3.1). A form is what a cross-site page can post
// without a preflight, so no JSON route takes one. Both keep the raw bytes for request signatures.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import sjson from 'secure-json-parse'
import { ApiError } from '../errors'

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body bytes as received (for signatures). */
    rawBody?: Buffer
  }
}

export default fp(
  async function bodyParsers(app: FastifyInstance) {
    app.decorateRequest('rawBody', undefined)
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
  },
  { name: 'body-parsers' },
)

/** Adds the form parser to `app`'s own context: call it inside the route plugin whose routes take forms. */
export function acceptForms(app: FastifyInstance): void {
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
}
