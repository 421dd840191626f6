// RFC 8628 device authorization grant over the same pairings, so a standard device-flow
// client can pair a TV: the device_code stands for the pairing, the access token is the TV token.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import {
  DEVICE_ID_PATTERN,
  DeviceAuthorizationRequestSchema,
  DeviceAuthorizationResponseSchema,
  OAUTH_DEVICE_CODE_GRANT,
  OAuthErrorSchema,
  PATHS,
  TokenRequestSchema,
  TokenResponseSchema,
  formatUserCode,
  qrUrl,
} from '../../core/protocol'
import { hasDeviceSignature, verifyDevice } from '../auth/device'
import { recordAttempt } from '../auth/failures'
import { acceptForms } from '../plugins/bodyParsers'
import { safeEqual } from '../crypto'
import { ApiError, OAuthError } from '../errors'
import { displayName } from '../validation'

interface DeviceAuthBody {
  client_id?: string
  client_secret?: string
  scope?: string
  device_name?: string
}
interface TokenBody {
  grant_type: string
  device_code?: string
  client_id?: string
  client_secret?: string
}

const oauthErrors = { '4xx': OAuthErrorSchema, '5xx': OAuthErrorSchema }
const form = ['application/x-www-form-urlencoded']

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1) or the form body. */
function clientCredentials(req: FastifyRequest, body: { client_id?: string; client_secret?: string }): { id?: string; secret?: string } {
  const auth = req.headers.authorization
  if (auth && /^Basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8')
    const i = decoded.indexOf(':')
    if (i < 0) throw new OAuthError(401, 'invalid_client', 'Malformed Basic credentials.', { headers: { 'www-authenticate': 'Basic' } })
    const id = safeDecode(decoded.slice(0, i))
    if (body.client_id !== undefined && body.client_id !== id) throw new OAuthError(400, 'invalid_request', 'client_id differs from the authenticated client.')
    return { id, secret: safeDecode(decoded.slice(i + 1)) }
  }
  return { id: body.client_id, secret: body.client_secret }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    throw new OAuthError(401, 'invalid_client', 'Malformed client credentials.')
  }
}

/** RFC 6749 §3.2 / RFC 8628 §3.1: parameters come form-encoded. */
async function formOnly(req: FastifyRequest): Promise<void> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? ''))
    throw new OAuthError(400, 'invalid_request', 'Send the parameters as application/x-www-form-urlencoded.')
}

export default async function oauthRoutes(app: FastifyInstance) {
  const svc = app.pairings
  // The only routes that take a form body: this plugin's encapsulated context.
  acceptForms(app)

  /** The client id whose secret this is; guesses are limited per client id, as failed signatures are. */
  async function checkSecret(id: string | undefined, secret: string): Promise<string> {
    const failed = () => new OAuthError(401, 'invalid_client', 'Client authentication failed.', { headers: { 'www-authenticate': 'Basic' } })
    if (id === undefined || !DEVICE_ID_PATTERN.test(id)) throw failed()
    const known = app.config.deviceCredentials.get(id)
    // Compare even for an unknown client so timing does not tell which ids exist.
    const ok = safeEqual(known ?? '\0unknown-client', secret) && known !== undefined
    let outcome: string
    try {
      outcome = (await recordAttempt(app, id, ok)).outcome
    } catch (e) {
      if (e instanceof ApiError) throw new OAuthError(429, 'invalid_client', e.message, { headers: { 'retry-after': String(e.extra.retryAfter ?? 60) } })
      throw e
    }
    if (outcome !== 'ok') throw failed()
    return id
  }

  app.post<{ Body: DeviceAuthBody }>(
    PATHS.deviceAuthorization,
    {
      config: { oauth: true },
      preValidation: formOnly,
      schema: {
        summary: 'Device authorization request (RFC 8628 §3.1)',
        description:
          'client_id is the device id. Authenticate with the device secret (client_secret_basic or client_secret_post) or the device signature headers; open in dev mode.',
        tags: ['oauth'],
        consumes: form,
        body: DeviceAuthorizationRequestSchema,
        response: { 200: DeviceAuthorizationResponseSchema, ...oauthErrors },
      },
    },
    async (req) => {
      const cred = clientCredentials(req, req.body)
      let deviceId: string
      try {
        if (hasDeviceSignature(req)) deviceId = await verifyDevice(req, app)
        else if (cred.secret !== undefined) deviceId = await checkSecret(cred.id, cred.secret)
        else if (app.config.dev && cred.id !== undefined) deviceId = await verifyDevice(req, app, { openInDev: true, devFallbackId: cred.id })
        else throw new OAuthError(401, 'invalid_client', 'Client authentication is required.', { headers: { 'www-authenticate': 'Basic' } })
      } catch (e) {
        if (e instanceof ApiError)
          throw new OAuthError(e.status === 429 ? 429 : 401, 'invalid_client', e.message, e.extra.retryAfter !== undefined ? { headers: { 'retry-after': String(e.extra.retryAfter) } } : {})
        throw e
      }
      if (cred.id !== undefined && cred.id !== deviceId) throw new OAuthError(400, 'invalid_request', 'client_id differs from the signing device.')
      let name = deviceId
      try {
        if (req.body.device_name !== undefined) name = displayName(req.body.device_name, 'device_name')
      } catch (e) {
        throw e instanceof ApiError ? new OAuthError(400, 'invalid_request', `device_name: ${e.message}`) : e
      }
      const p = await svc.create(deviceId, name).catch((e) => {
        if (e instanceof ApiError && e.status === 429) throw new OAuthError(429, 'slow_down', e.message)
        throw e
      })
      const base = app.publicUrl()
      return {
        device_code: p.deviceCode,
        user_code: formatUserCode(p.userCode),
        verification_uri: `${base}${PATHS.link}`,
        verification_uri_complete: qrUrl(base, p.qrToken),
        expires_in: Math.round((p.record.expiresAt - p.record.createdAt) / 1000),
        interval: p.record.interval,
      }
    },
  )

  app.post<{ Body: TokenBody }>(
    PATHS.token,
    {
      config: { oauth: true },
      preValidation: formOnly,
      schema: {
        summary: 'Token request (RFC 8628 §3.4)',
        description: `grant_type=${OAUTH_DEVICE_CODE_GRANT}. Errors: authorization_pending, slow_down, access_denied, expired_token, invalid_grant (HTTP 400).`,
        tags: ['oauth'],
        consumes: form,
        body: TokenRequestSchema,
        response: { 200: TokenResponseSchema, ...oauthErrors },
      },
    },
    async (req, reply) => {
      reply.header('pragma', 'no-cache')
      if (req.body.grant_type !== OAUTH_DEVICE_CODE_GRANT) throw new OAuthError(400, 'unsupported_grant_type', `Only ${OAUTH_DEVICE_CODE_GRANT} is supported.`)
      if (!req.body.device_code) throw new OAuthError(400, 'invalid_request', 'device_code is required.')
      const cred = clientCredentials(req, req.body)
      if (cred.secret !== undefined) await checkSecret(cred.id, cred.secret)
      return svc.tokenGrant(req.body.device_code, cred.id)
    },
  )

  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['ops'], response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }, async () => ({ ok: true }))

  app.get(
    PATHS.oauthMetadata,
    {
      schema: { summary: 'Authorization server metadata (RFC 8414)', tags: ['oauth'] },
    },
    async () => {
      const base = app.publicUrl()
      return {
        issuer: new URL(base).href,
        device_authorization_endpoint: `${base}${PATHS.deviceAuthorization}`,
        token_endpoint: `${base}${PATHS.token}`,
        grant_types_supported: [OAUTH_DEVICE_CODE_GRANT],
        response_types_supported: [],
        token_endpoint_auth_methods_supported: app.config.dev ? ['none', 'client_secret_basic', 'client_secret_post'] : ['client_secret_basic', 'client_secret_post', 'none'],
        service_documentation: `${base}${PATHS.openapi}`,
      }
    },
  )
}
