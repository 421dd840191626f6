// The service calls the page makes, over fetch, same origin. Errors come out as HttpError
// (the service answered) or NetworkError (it did not).
import { PATHS, type Scope } from '../core/protocol/constants'
import type { ClaimRequest, ClaimResponse, PairingStatus } from '../core/protocol/schemas'
import type { PolicyIndexEntry } from '../core/policy/index'
import { isPolicyDocument } from '../core/policy/index'
import type { PolicyDocument } from '../core/policy/model'
import { mapHttpError, parseRetryAfter, type ErrorBodyLike, type PhoneError } from './errors'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBodyLike | null,
    readonly retryAfterS: number | undefined,
  ) {
    super(`HTTP ${status}${body && typeof body.error === 'string' ? ` ${body.error}` : ''}`)
  }
}

export class NetworkError extends Error {}

/** The service sent something that is not an event stream (a proxy in the way, an old engine). */
export class StreamUnsupported extends Error {}

export function toPhoneError(e: unknown): PhoneError {
  if (e instanceof HttpError) return mapHttpError(e.status, e.body, e.retryAfterS)
  return { kind: 'unreachable' }
}

export interface CallOptions {
  token?: string
  body?: unknown
  signal?: AbortSignal
  timeoutMs?: number
  headers?: Record<string, string>
}

/**
 * A signal that aborts when `signal` aborts or after `ms`. `settled()` stops the timer once the
 * answer has started (a stream may then run as long as it likes); the link to `signal` stays, so
 * aborting it still cuts a body being read, until `release()`.
 */
export function deadline(signal: AbortSignal | undefined, ms: number): { signal: AbortSignal; settled: () => void; release: () => void; timedOut: () => boolean } {
  const ac = new AbortController()
  let expired = false
  const timer = setTimeout(() => {
    expired = true
    ac.abort()
  }, ms)
  const onAbort = () => ac.abort()
  if (signal) {
    if (signal.aborted) ac.abort()
    else signal.addEventListener('abort', onAbort, { once: true })
  }
  return {
    signal: ac.signal,
    settled: () => clearTimeout(timer),
    release: () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    },
    timedOut: () => expired,
  }
}

export class Api {
  /** `prefix`: the path before `/P/…` or `/link` ("" at the root). */
  constructor(
    readonly prefix: string,
    private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  url(path: string): string {
    return this.prefix + path
  }

  /** The response (status checked) and `release`, to call once its body has been read. */
  async fetch(path: string, init: RequestInit, o: CallOptions): Promise<{ res: Response; release: () => void }> {
    const d = deadline(o.signal, o.timeoutMs ?? 15_000)
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers }
    if (o.token) headers.authorization = `Bearer ${o.token}`
    if (o.body !== undefined) headers['content-type'] = 'application/json'
    let res: Response
    try {
      res = await this.fetchFn(this.url(path), {
        ...init,
        headers,
        body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
        signal: d.signal,
        cache: 'no-store',
        credentials: 'same-origin',
        referrerPolicy: 'no-referrer',
      })
    } catch (e) {
      d.release()
      if (o.signal?.aborted) throw e
      throw new NetworkError(d.timedOut() ? 'timed out' : String((e as Error)?.message ?? e))
    }
    d.settled()
    if (!res.ok) {
      let body: ErrorBodyLike | null = null
      try {
        body = (await res.json()) as ErrorBodyLike
      } catch {
        body = null
      }
      d.release()
      throw new HttpError(res.status, body, parseRetryAfter(res.headers.get('retry-after'), Date.now()))
    }
    return { res, release: d.release }
  }

  async json<T>(method: string, path: string, o: CallOptions = {}): Promise<T> {
    const { res, release } = await this.fetch(path, { method }, o)
    try {
      return (await res.json()) as T
    } catch {
      if (o.signal?.aborted) throw new NetworkError('aborted')
      // A cut connection mid-body looks like a network failure.
      throw new NetworkError('incomplete response')
    } finally {
      release()
    }
  }

  claim(body: ClaimRequest, signal?: AbortSignal): Promise<ClaimResponse> {
    return this.json<ClaimResponse>('POST', PATHS.claims, { body, signal })
  }

  requestProvisioning(pairingId: string, token: string, scopes: Scope[], signal?: AbortSignal): Promise<PairingStatus> {
    return this.json<PairingStatus>('POST', PATHS.provisioningRequest(pairingId), { token, body: { scopes }, signal })
  }

  /** Long-poll: answers at the first event newer than `after`, or after `wait` seconds. */
  waitStatus(pairingId: string, token: string, after: number, wait: number, signal?: AbortSignal): Promise<PairingStatus> {
    return this.json<PairingStatus>('GET', `${PATHS.pairing(pairingId)}?wait=${wait}&after=${after}`, { token, signal, timeoutMs: (wait + 10) * 1000 })
  }

  /** The event stream response (status checked); the caller reads the body. */
  async openEvents(pairingId: string, token: string, lastEventId: string, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/event-stream' }
    if (lastEventId) headers['last-event-id'] = lastEventId
    // `signal` belongs to this one stream: its link to the request is never released, so
    // aborting it (idle watchdog, stop) always cuts the body.
    const { res } = await this.fetch(PATHS.events(pairingId), { method: 'GET' }, { token, signal, headers, timeoutMs: 20_000 })
    const type = res.headers.get('content-type') ?? ''
    if (!res.body || typeof res.body.getReader !== 'function' || type.indexOf('text/event-stream') < 0) {
      try {
        await res.body?.cancel()
      } catch {
        // nothing to release
      }
      throw new StreamUnsupported(type || 'no body')
    }
    return res
  }

  /** The compiled policy: the first document of /policy/index.json (the policy's own locale). */
  async policy(signal?: AbortSignal): Promise<PolicyDocument> {
    const index = await this.json<PolicyIndexEntry[]>('GET', '/policy/index.json', { signal })
    if (!Array.isArray(index) || index.length === 0) throw new Error('empty policy index')
    const entry = index.find((e) => e.locale === 'zh-CN') ?? index[0]
    if (!/^policy\/[A-Za-z0-9._-]+\.json$/.test(entry.path)) throw new Error('unexpected policy path')
    const doc = await this.json<unknown>('GET', `/${entry.path}`, { signal })
    if (!isPolicyDocument(doc)) throw new Error('not a policy document')
    return doc
  }
}
