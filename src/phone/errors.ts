// Maps what the service answered (or that it could not be reached) to something a person can
// act on. The service's own messages are English and meant for developers: the page keeps only
// the stable error code and says it in the reader's language.

export type PhoneError =
  /** No answer at all: offline, DNS, connection refused, timeout. Retried with backoff. */
  | { kind: 'unreachable' }
  /** The service answered 5xx (overloaded, restarting). Retried with backoff. */
  | { kind: 'server'; retryAfterS?: number }
  /** Too many attempts (429 rate_limited): wait `retryAfterS`. */
  | { kind: 'rate_limited'; retryAfterS: number }
  /** Polling too fast (429 slow_down): transient, wait `retryAfterS`. */
  | { kind: 'slow_down'; retryAfterS: number }
  /** The link, the code or the decision window has expired (410). */
  | { kind: 'expired' }
  /** The QR link was presented a second time: the service cancelled the pairing and told the TV. */
  | { kind: 'used' }
  /** Another phone has already paired with this TV. */
  | { kind: 'taken' }
  /** The pairing was cancelled (410 pairing_revoked). */
  | { kind: 'cancelled' }
  /** The link or the typed code matches no pairing. */
  | { kind: 'invalid_code' }
  /** The phone token is no longer valid or the pairing is forgotten (401, 404). */
  | { kind: 'gone' }
  /** The pairing is not in the state the request needs (409 invalid_state). */
  | { kind: 'invalid_state' }
  /** Anything else: a request the page should not have sent. */
  | { kind: 'unexpected'; status: number; code: string }

export interface ErrorBodyLike {
  error?: unknown
  message?: unknown
  field?: unknown
  interval?: unknown
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), or undefined. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v)
  const at = Date.parse(v)
  if (!isNaN(at)) return Math.max(0, Math.ceil((at - nowMs) / 1000))
  return undefined
}

/** The error a service answer stands for. `body` is the parsed `{ error, message, field? }` when there is one. */
export function mapHttpError(status: number, body: ErrorBodyLike | null | undefined, retryAfterS?: number): PhoneError {
  const code = typeof body?.error === 'string' ? body.error : ''
  const interval = typeof body?.interval === 'number' ? body.interval : undefined
  switch (code) {
    case 'rate_limited':
      return { kind: 'rate_limited', retryAfterS: retryAfterS ?? interval ?? 60 }
    case 'slow_down':
      return { kind: 'slow_down', retryAfterS: retryAfterS ?? interval ?? 5 }
    case 'expired':
    case 'decision_window_closed':
      return { kind: 'expired' }
    case 'qr_token_reused':
      return { kind: 'used' }
    case 'already_claimed':
      return { kind: 'taken' }
    case 'pairing_revoked':
      return { kind: 'cancelled' }
    case 'invalid_code':
      return { kind: 'invalid_code' }
    case 'unauthorized':
    case 'not_found':
      return { kind: 'gone' }
    case 'invalid_state':
      return { kind: 'invalid_state' }
    case 'unavailable':
    case 'internal_error':
      return { kind: 'server', retryAfterS }
  }
  if (status >= 500 || status === 408) return { kind: 'server', retryAfterS }
  if (status === 429) return { kind: 'rate_limited', retryAfterS: retryAfterS ?? 60 }
  if (status === 410) return { kind: 'expired' }
  if (status === 401 || status === 404) return { kind: 'gone' }
  return { kind: 'unexpected', status, code: code || String(status) }
}

/** Errors that go away by themselves: the page keeps retrying and says so. */
export function isTransient(e: PhoneError): boolean {
  return e.kind === 'unreachable' || e.kind === 'server' || e.kind === 'slow_down'
}

export interface BackoffOptions {
  baseMs?: number
  capMs?: number
}

/**
 * Delay before retry number `attempt` (0-based): exponential from `baseMs`, capped at `capMs`, with
 * jitter in [half, full] so many phones do not come back at once, and never shorter than the
 * service's Retry-After.
 */
export function retryDelay(attempt: number, random: number, retryAfterS?: number, o: BackoffOptions = {}): number {
  const base = o.baseMs ?? 1000
  const cap = o.capMs ?? 15_000
  const full = Math.min(cap, base * Math.pow(2, Math.max(0, Math.min(attempt, 30))))
  const jittered = Math.round(full / 2 + (full / 2) * Math.min(1, Math.max(0, random)))
  return Math.max(jittered, (retryAfterS ?? 0) * 1000)
}
