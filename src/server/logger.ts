// Structured logs (pino JSON) that never hold a token, code, credential or raw device id:
// headers carrying them are redacted, bodies are never logged, and URLs are masked.
import pino, { type DestinationStream, type Logger } from 'pino'

const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-miitee-device', 'x-miitee-signature', 'x-miitee-nonce', 'idempotency-key']
const SECRET_FIELDS = ['tv_token', 'phone_token', 'device_code', 'user_code', 'qr_token', 'qr_url', 'access_token', 'client_secret', 'client_id', 'verification_uri_complete', 'token', 'secret']

// A safety net only: the service logs neither headers nor bodies. Exact paths, no wildcards,
// because pino applies the redaction to every line.
export const REDACT_PATHS = [
  ...SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`]),
  ...SECRET_FIELDS,
  'body',
  'req.body',
]

/** Query parameters whose values are safe to log. */
const SAFE_QUERY = new Set(['wait', 'after'])

/** The URL with the QR token path segment and every unknown query value masked. */
export function maskUrl(url: string | undefined): string {
  if (!url) return ''
  const q = url.indexOf('?')
  let path = q >= 0 ? url.slice(0, q) : url
  path = path.replace(/^\/p\/[^/?#]*/i, '/P/[redacted]')
  if (q < 0) return path
  const params = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((kv) => {
      const eq = kv.indexOf('=')
      const k = eq >= 0 ? kv.slice(0, eq) : kv
      return SAFE_QUERY.has(k) ? kv : `${k.replace(/[^A-Za-z0-9_.-]/g, '')}=[redacted]`
    })
  return `${path}?${params.join('&')}`
}

export interface LoggerOptions {
  level?: string
  /** Where lines go (default stdout); tests pass a buffer. */
  stream?: DestinationStream
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'miitee-pairing' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string; id?: string; socket?: { remoteAddress?: string } }) => ({
          method: req.method,
          url: maskUrl(req.url),
          remoteAddress: req.ip ?? req.socket?.remoteAddress,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    opts.stream ?? pino.destination({ dest: 1, sync: false }),
  )
}
