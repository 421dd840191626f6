// One error shape for the whole API: `{ error, message, field? }` with a stable code (OAuth
// endpoints: `{ error, error_description }`). Messages never echo request content.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ApiError, OAuthError } from '../errors'

declare module 'fastify' {
  interface FastifyRequest {
    /** Stable error code of the response, for the access log. */
    errorCode?: string
  }
  interface FastifyContextConfig {
    /** OAuth 2.0 endpoint: errors as `{ error, error_description }`. */
    oauth?: boolean
  }
}

interface AjvError {
  instancePath?: string
  keyword?: string
  message?: string
  params?: { additionalProperty?: string; missingProperty?: string }
}

function fieldOf(e: AjvError): string {
  const base = e.instancePath ?? ''
  if (e.keyword === 'additionalProperties' && e.params?.additionalProperty) return `${base}/${e.params.additionalProperty}`
  if (e.keyword === 'required' && e.params?.missingProperty) return `${base}/${e.params.missingProperty}`
  return base || '/'
}

function describe(e: AjvError, context: string): string {
  const where = context === 'body' ? '' : ` in the ${context}`
  if (e.keyword === 'additionalProperties') return `Unknown field ${fieldOf(e)}${where}.`
  if (e.keyword === 'required') return `Missing required field ${fieldOf(e)}${where}.`
  return `Field ${fieldOf(e)}${where} ${e.message ?? 'is invalid'}.`
}

export function toApiError(err: FastifyError & { validation?: AjvError[]; validationContext?: string }): ApiError {
  if (err instanceof ApiError) return err
  if (err.validation && err.validation.length) {
    const e = err.validation[0]
    return new ApiError(400, 'invalid_request', describe(e, err.validationContext ?? 'body'), { field: fieldOf(e) })
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'body_too_large', 'The request body is too large.')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'Unsupported Content-Type: send application/json.')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'invalid_json', 'The body is empty or not valid JSON.')
  }
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) return new ApiError(status, status === 404 ? 'not_found' : 'invalid_request', 'The request is not valid.')
  return new ApiError(500, 'internal_error', 'Something went wrong on our side; try again.')
}

function send(req: FastifyRequest, reply: FastifyReply, err: ApiError | OAuthError): void {
  req.errorCode = err.code
  const headers = err.extra.headers ?? {}
  for (const [k, v] of Object.entries(headers)) reply.header(k, v)
  if (err instanceof ApiError && err.extra.retryAfter !== undefined) reply.header('retry-after', String(err.extra.retryAfter))
  reply.code(err.status).type('application/json; charset=utf-8').send(err.body())
}

export default fp(async function errors(app: FastifyInstance) {
  app.decorateRequest('errorCode', undefined)
  app.setErrorHandler((error: FastifyError & { validation?: AjvError[]; validationContext?: string }, req, reply) => {
    if (error instanceof OAuthError) return send(req, reply, error)
    const api = toApiError(error)
    if (api.status >= 500) req.log.error({ reqId: req.id, err: error }, 'request failed')
    if (req.routeOptions.config?.oauth) {
      const code = api.status === 413 || api.code === 'invalid_json' || api.code === 'unsupported_media_type' || api.code === 'invalid_request' ? 'invalid_request' : undefined
      if (code) return send(req, reply, new OAuthError(400, code, api.message))
    }
    send(req, reply, api)
  })
  app.setNotFoundHandler((req, reply) => {
    send(req, reply, new ApiError(404, 'not_found', `No route for ${req.method} on this path.`))
  })
})
