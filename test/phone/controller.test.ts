// The controller against a scripted fetch: one claim per QR token (a reload resumes with the
// phone token), retries with backoff that the page shows, the event stream with Last-Event-ID,
// the long-poll fallback, a session that is gone, and a reload where the token could only be kept
// in memory (no crypto.subtle): the QR token is not presented again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Api } from '../../src/phone/api'
import { Controller } from '../../src/phone/controller'
import type { Route } from '../../src/phone/route'
import { linkKey, SessionStore, type KeyValue, type Sealer } from '../../src/phone/session'
import type { State } from '../../src/phone/state'
import { claimResponse, PAIRING_ID, status } from './fixtures'

const TOKEN = '0123456789ABCDEFGHJKMNPQRS'
const QR: Route = { kind: 'qr', token: TOKEN, prefix: '' }

class MemoryStorage implements KeyValue {
  map = new Map<string, string>()
  getItem = (k: string) => this.map.get(k) ?? null
  setItem = (k: string, v: string) => void this.map.set(k, v)
  removeItem = (k: string) => void this.map.delete(k)
}

/**
 * A stand-in for the tab's AES-GCM sealer (tested with real WebCrypto in session.test.ts) that
 * settles in microtasks, so fake timers drive everything: the text stays here, the storage gets
 * an opaque handle.
 */
class MemorySealer implements Sealer {
  private texts = new Map<string, string>()
  async seal(plain: string, aad: string) {
    const handle = `h${this.texts.size}`
    this.texts.set(`${aad}|${handle}`, plain)
    return handle
  }
  async open(sealed: string, aad: string) {
    return this.texts.get(`${aad}|${sealed}`) ?? null
  }
}

interface Call {
  method: string
  path: string
  headers: Record<string, string>
  body: any
  signal?: AbortSignal
}

type Handler = (c: Call) => Response | Promise<Response>

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

/** An event stream that sends `frames` and then stays open until aborted (or ends when `end`). */
function stream(frames: string, signal: AbortSignal | undefined, end = false): Response {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(frames))
      if (end) c.close()
      else signal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')))
    },
  })
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } })
}

function frame(id: number, type: string, st: object): string {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify({ type, status: st })}\n\n`
}

let SEALER: Sealer = new MemorySealer()

function setup(route: Route, handler: Handler, storage = new MemoryStorage(), streaming = true, sealer: Sealer | null = SEALER) {
  const calls: Call[] = []
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]))
    const c: Call = { method: init?.method ?? 'GET', path: String(input), headers, body: init?.body ? JSON.parse(String(init.body)) : undefined, signal: init?.signal ?? undefined }
    calls.push(c)
    return handler(c)
  }) as typeof fetch
  const ctl = new Controller(route, {
    api: new Api(route.prefix, fetchFn),
    sessions: new SessionStore(storage, sealer),
    phoneName: () => 'Pixel 8',
    random: () => 0,
    streaming,
    streamIdleMs: 60_000,
  })
  const states: State[] = []
  ctl.subscribe((s) => states.push(s))
  return { ctl, calls, states, storage }
}

beforeEach(() => {
  SEALER = new MemorySealer()
  vi.useFakeTimers({ shouldAdvanceTime: false })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('controller', () => {
  it('claims once with the QR token; a reload resumes with the phone token instead of claiming again', async () => {
    const handler: Handler = (c) => {
      if (c.path === '/v1/claims') return json(201, claimResponse())
      if (c.path === `/v1/pairings/${PAIRING_ID}/events`) return stream(frame(2, 'status', status()), c.signal)
      return json(404, { error: 'not_found' })
    }
    const a = setup(QR, handler)
    a.ctl.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(a.ctl.state.screen).toEqual({ name: 'confirm' })
    expect(a.calls.filter((c) => c.path === '/v1/claims')).toHaveLength(1)
    expect(a.calls[0].body).toEqual({ qr_token: TOKEN, phone_name: 'Pixel 8' })
    a.ctl.dispatch({ type: 'confirm', matches: true })
    // (Sealing the new state takes a moment.)
    await vi.advanceTimersByTimeAsync(0)
    a.ctl.stop()

    // "Reload": a new page with the same tab storage.
    const b = setup(QR, handler, a.storage)
    b.ctl.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(b.calls.filter((c) => c.path === '/v1/claims')).toHaveLength(0)
    const ev = b.calls.find((c) => c.path.endsWith('/events'))!
    expect(ev.headers.authorization).toBe(`Bearer ${claimResponse().phone_token}`)
    // Confirmed before the reload: straight back to choosing.
    expect(b.ctl.state.screen).toMatchObject({ name: 'choose' })
    b.ctl.stop()
  })

  it('retries an unreachable service with growing waits, shows each retry, and recovers', async () => {
    let down = 2
    const { ctl, calls, states } = setup(QR, (c) => {
      if (c.path === '/v1/claims') {
        if (down-- > 0) throw new TypeError('Failed to fetch')
        return json(201, claimResponse())
      }
      return new Promise<Response>(() => {})
    })
    ctl.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(ctl.state.net).toMatchObject({ kind: 'retrying', attempt: 1, cause: 'unreachable' })
    expect(ctl.state.screen).toEqual({ name: 'claiming' })
    await vi.advanceTimersByTimeAsync(499)
    expect(calls.filter((c) => c.path === '/v1/claims')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(ctl.state.net).toMatchObject({ kind: 'retrying', attempt: 2 })
    // The second wait is longer (random() = 0: half of 2 s).
    await vi.advanceTimersByTimeAsync(999)
    expect(calls.filter((c) => c.path === '/v1/claims')).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(ctl.state.screen).toEqual({ name: 'confirm' })
    expect(ctl.state.net).toEqual({ kind: 'ok' })
    expect(states.filter((s) => s.net.kind === 'retrying').map((s) => (s.net as { attempt: number }).attempt)).toEqual([1, 2])
    ctl.stop()
  })

  it('"Retry now" cuts the wait short', async () => {
    let down = 1
    const { ctl, calls } = setup(QR, (c) => {
      if (c.path === '/v1/claims') {
        if (down-- > 0) return json(503, { error: 'unavailable', message: 'x' })
        return json(201, claimResponse())
      }
      return new Promise<Response>(() => {})
    })
    ctl.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(ctl.state.net).toMatchObject({ kind: 'retrying', cause: 'server' })
    ctl.retryNow()
    await vi.advanceTimersByTimeAsync(0)
    expect(calls.filter((c) => c.path === '/v1/claims')).toHaveLength(2)
    expect(ctl.state.screen).toEqual({ name: 'confirm' })
    ctl.stop()
  })

  it('follows the event stream and reconnects with Last-Event-ID after it ends', async () => {
    let n = 0
    const { ctl, calls } = setup(QR, (c) => {
      if (c.path === '/v1/claims') return json(201, claimResponse())
      if (c.path.endsWith('/provisioning-request')) return json(202, status({ state: 'consent_pending', event_id: 3, scopes_requested: c.body.scopes }))
      if (c.path.endsWith('/events')) {
        n++
        if (n === 1) return stream(frame(2, 'status', status()), undefined, true)
        return stream(
          frame(4, 'decided', status({ state: 'denied', event_id: 4, scopes_requested: ['network'], decision: { decisions: { network: 'denied' }, receipt_id: 'r', recorded_at: '2030-01-01T00:00:01.000Z' } })),
          undefined,
          true,
        )
      }
      return json(404, { error: 'not_found' })
    })
    ctl.start()
    await vi.advanceTimersByTimeAsync(0)
    ctl.dispatch({ type: 'confirm', matches: true })
    ctl.dispatch({ type: 'toggle-scope', scope: 'network', on: true })
    ctl.dispatch({ type: 'request-submit' })
    await vi.advanceTimersByTimeAsync(0)
    expect(ctl.state.screen).toEqual({ name: 'waiting' })
    await vi.advanceTimersByTimeAsync(2000)
    const streams = calls.filter((c) => c.path.endsWith('/events'))
    expect(streams.length).toBe(2)
    expect(streams[0].headers['last-event-id']).toBeUndefined()
    expect(streams[1].headers['last-event-id']).toBe('3')
    expect(streams[1].headers.accept).toBe('text/event-stream')
    expect(ctl.state.screen).toEqual({ name: 'result' })
    expect(ctl.state.pairing?.decisions).toEqual({ network: 'denied' })
    // Denied is final: nothing more to follow.
    await vi.advanceTimersByTimeAsync(60_000)
    expect(calls.filter((c) => c.path.endsWith('/events')).length).toBe(2)
  })

  it('a stream that goes silent (no heartbeat) is cut by the watchdog and reopened; stop() cuts it too', async () => {
    const streams: Call[] = []
    const { ctl } = setup(QR, (c) => {
      if (c.path === '/v1/claims') return json(201, claimResponse())
      if (c.path.endsWith('/events')) {
        streams.push(c)
        return stream(frame(2, 'status', status()), c.signal)
      }
      return json(404, { error: 'not_found' })
    })
    ctl.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(streams).toHaveLength(1)
    expect(streams[0].signal?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(60_000)
    // Cut after 60 s of silence, reopened after a short pause, resuming after the last event.
    expect(streams[0].signal?.aborted).toBe(true)
    expect(ctl.state.net).toMatchObject({ kind: 'retrying', cause: 'unreachable' })
    await vi.advanceTimersByTimeAsync(1000)
    expect(streams).toHaveLength(2)
    expect(streams[1].headers['last-event-id']).toBe('2')
    expect(ctl.state.net).toEqual({ kind: 'ok' })
    ctl.stop()
    expect(streams[1].signal?.aborted).toBe(true)
  })

  it('long-polls (?wait=25&after=<last event>) where the response body cannot be streamed', async () => {
    const polls: string[] = []
    const { ctl } = setup(
      QR,
      (c) => {
        if (c.path === '/v1/claims') return json(201, claimResponse())
        if (c.path.includes('?wait=')) {
          polls.push(c.path)
          return json(200, polls.length === 1 ? status({ event_id: 2 }) : status({ state: 'revoked', event_id: 3 }))
        }
        return json(404, { error: 'not_found' })
      },
      new MemoryStorage(),
      false,
    )
    ctl.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(polls).toEqual([`/v1/pairings/${PAIRING_ID}?wait=25&after=0`, `/v1/pairings/${PAIRING_ID}?wait=25&after=2`])
    expect(ctl.state.screen).toEqual({ name: 'ended', reason: 'cancelled' })
  })

  it('switches to long-poll when the stream answer has no readable body', async () => {
    const paths: string[] = []
    const { ctl } = setup(QR, (c) => {
      paths.push(c.path)
      if (c.path === '/v1/claims') return json(201, claimResponse())
      if (c.path.endsWith('/events')) return new Response('not a stream', { status: 200, headers: { 'content-type': 'text/html' } })
      if (c.path.includes('?wait=')) return json(200, status({ state: 'expired', event_id: 3 }))
      return json(404, { error: 'not_found' })
    })
    ctl.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(paths.some((p) => p.includes('?wait=25'))).toBe(true)
    expect(ctl.streaming).toBe(false)
    expect(ctl.state.screen).toEqual({ name: 'ended', reason: 'expired' })
  })

  it('a session the service no longer knows (401) ends as "gone" without retrying', async () => {
    const storage = new MemoryStorage()
    await new SessionStore(storage, SEALER).save(await linkKey(QR), { pairingId: PAIRING_ID, tvName: 'TV', userCode: 'WDJB-MJHT', confirmed: false, mismatch: false }, 'old-token-0123456789abcdef')
    const { ctl, calls } = setup(QR, () => json(401, { error: 'unauthorized', message: 'x' }), storage)
    ctl.start()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(ctl.state.screen).toEqual({ name: 'ended', reason: 'gone' })
    expect(calls).toHaveLength(1)
  })

  it('a typed code from /link?code= is sent at once, normalised', async () => {
    const { ctl, calls } = setup({ kind: 'link', code: 'wdjb mjht', prefix: '/svc' }, (c) => {
      if (c.path === '/svc/v1/claims') return json(201, claimResponse())
      return new Promise<Response>(() => {})
    })
    ctl.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/svc/v1/claims', body: { user_code: 'WDJBMJHT', phone_name: 'Pixel 8' } })
    expect(ctl.state.screen).toEqual({ name: 'confirm' })
    ctl.stop()
  })
  it('without a key (no crypto.subtle): the token stays in memory; a reload says the link was used here and does not claim again', async () => {
    const handler: Handler = (c) => {
      if (c.path === '/v1/claims') return json(201, claimResponse())
      if (c.path.endsWith('/events')) return stream(frame(2, 'status', status()), c.signal)
      return json(404, { error: 'not_found' })
    }
    const storage = new MemoryStorage()
    const a = setup(QR, handler, storage, true, null)
    a.ctl.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(a.ctl.state.screen).toEqual({ name: 'confirm' })
    // The page goes on with the token it holds in memory.
    expect(a.calls.find((c) => c.path.endsWith('/events'))?.headers.authorization).toBe(`Bearer ${claimResponse().phone_token}`)
    // Kept: only that this tab used the link.
    expect([...storage.map]).toEqual([[`miitee.phone.session.${await linkKey(QR)}`, '{"v":2}']])
    a.ctl.stop()

    const b = setup(QR, handler, storage, true, null)
    b.ctl.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(b.ctl.state.screen).toEqual({ name: 'ended', reason: 'used_here' })
    expect(b.calls).toHaveLength(0)
  })

  it('without a key, a typed-code tab reloaded says so and offers a new code', async () => {
    const route: Route = { kind: 'link', code: 'WDJB-MJHT', prefix: '' }
    const handler: Handler = (c) => (c.path === '/v1/claims' ? json(201, claimResponse()) : new Promise<Response>(() => {}))
    const storage = new MemoryStorage()
    const a = setup(route, handler, storage, true, null)
    a.ctl.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(a.ctl.state.screen).toEqual({ name: 'confirm' })
    a.ctl.stop()
    const b = setup(route, handler, storage, true, null)
    b.ctl.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(b.ctl.state.screen).toEqual({ name: 'ended', reason: 'used_here' })
    expect(b.calls).toHaveLength(0)
    b.ctl.newCode()
    expect(b.ctl.state.screen).toMatchObject({ name: 'code', input: '' })
    expect(storage.map.size).toBe(0)
  })

  it('a reload while the claim answer is still being sealed does not claim again', async () => {
    const handler: Handler = (c) => (c.path === '/v1/claims' ? json(201, claimResponse()) : new Promise<Response>(() => {}))
    const never: Sealer = { seal: () => new Promise<string>(() => {}), open: async () => null }
    const storage = new MemoryStorage()
    const a = setup(QR, handler, storage, true, never)
    a.ctl.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(a.ctl.state.screen).toEqual({ name: 'confirm' })
    a.ctl.stop()
    const b = setup(QR, handler, storage, true, never)
    b.ctl.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(b.ctl.state.screen).toEqual({ name: 'ended', reason: 'used_here' })
    expect(b.calls).toHaveLength(0)
  })
})
