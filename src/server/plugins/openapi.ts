// The OpenAPI document, generated from the route schemas and served at /openapi.json.
import swagger from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { PATHS } from '../../core/protocol'

export default fp(async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Miitee TV pairing service',
        version: '1.0.0',
        description:
          'TVs and phones pair here, and provisioning consent decisions are recorded in a hash-chained ledger. ' +
          'Errors are `{ error, message, field? }` with a stable code; OAuth endpoints follow RFC 6749/8628.',
      },
      components: {
        securitySchemes: {
          tvToken: { type: 'http', scheme: 'bearer', description: 'TV token from pairing creation (or the OAuth access token)' },
          phoneToken: { type: 'http', scheme: 'bearer', description: 'Phone token from the claim' },
          deviceSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Miitee-Signature',
            description: 'HMAC-SHA256 hex over METHOD\\nHOST\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256(body) (HOST: the issuer\'s host), with X-Miitee-Device, X-Miitee-Timestamp, X-Miitee-Nonce',
          },
        },
      },
    },
  })
  app.after(() => {
    app.get(PATHS.openapi, { schema: { hide: true } }, async (_req, reply) => {
      reply.type('application/json; charset=utf-8')
      return app.swagger()
    })
  })
})
