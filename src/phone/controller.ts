// Runs the state machine against the service: claims, the provisioning request and following
// the pairing live (event stream over fetch, long-poll where streaming is missing), retrying
// with backoff whatever fails for a reason that goes away, and saying so.
import type { PairingEvent } from '../core/protocol/schemas'
import { Api, StreamUnsupported, toPhoneError } from './api'
import { isTransient, retryDelay, type PhoneError } from './errors'
import type { Route } from './route'
import { linkKey, SessionStore } from './session'
import { SseParser } from './sse'
import { resumeInfo, shouldWatch } from './derived'
import { reduce } from './reduce'
import { initialState, type Action, type State } from './state'
import { checkUserCode } from './usercode'

export interface ControllerEnv {
  api: Api
  sessions: SessionStore
  phoneName: () => string
  now?: () => number
  random?: () => number
  /** Whether fetch can read a response body as a stream (else: long-poll). */
  streaming?: boolean
  /** No data on the event stream for this long (heartbeats included) means the connection is dead. */
  streamIdleMs?: number
  /** Seconds a long-poll waits (≤ 25). */
  longPollS?: number
}

export type Listener = (state: State, prev: State) => void

class Cancelled extends Error {}

export class Controller {
  state: State
  /** The phone token: in memory, and kept for a reload only sealed (session.ts). */
  private token = ''
  private link = ''
  /** What was last given to the session store. */
  private saved = ''
  private readonly listeners: Listener[] = []
  private claimBusy = false
  private requestBusy = false
  private watchAbort: AbortController | null = null
  private wakers = new Set<() => void>()
  private readonly now: () => number
  private readonly random: () => number
  streaming: boolean

  constructor(
    private readonly route: Route,
    private readonly env: ControllerEnv,
  ) {
    this.state = initialState(route.kind === 'link' ? 'code' : 'qr')
    this.now = env.now ?? (() => Date.now())
    this.random = env.random ?? Math.random
    this.streaming = env.streaming ?? true
  }

  subscribe(fn: Listener): void {
    this.listeners.push(fn)
  }

  /**
   * Reads the link (or what this tab kept for it) and starts; resolves once the first screen is
   * shown. A link this tab used but cannot resume is not presented again.
   */
  start(): Promise<void> {
    const r = this.route
    if (r.kind === 'bad-qr') {
      this.dispatch({ type: 'invalid-link' })
      return Promise.resolve()
    }
    this.link = linkKey(r.kind === 'qr' ? r : { kind: 'link' })
    return this.env.sessions.find(this.link).then((found) => {
      if (found.kind === 'session') {
        this.token = found.session.token
        return this.dispatch({ type: 'resumed', info: found.session })
      }
      if (found.kind === 'used') return this.dispatch({ type: 'used-here' })
      if (r.kind === 'qr') return this.dispatch({ type: 'claim-start' })
      this.dispatch({ type: 'show-code', input: r.code })
      if (r.code && checkUserCode(r.code).ok) this.dispatch({ type: 'code-submit', now: this.now() })
    })
  }

  dispatch(action: Action): void {
    const prev = this.state
    const next = reduce(prev, action)
    if (next === prev) return
    this.state = next
    this.persist()
    for (const fn of this.listeners) fn(next, prev)
    this.effects()
  }

  /** Cuts the current wait before a retry short ("Retry now", back online, page visible again). */
  retryNow(): void {
    for (const w of [...this.wakers]) w()
  }

  /** A typed-code pairing that ended: start over with another code. */
  newCode(): void {
    this.stopWatching()
    this.env.sessions.forget(this.link)
    this.token = ''
    this.saved = ''
    this.dispatch({ type: 'new-code' })
  }

  stop(): void {
    this.stopWatching()
    this.retryNow()
  }

  /** Keeps what a reload resumes, when it changed (sealing takes a moment: not on every action). */
  private persist(): void {
    if (!this.link || !this.token) return
    const info = resumeInfo(this.state)
    if (!info) return
    const key = JSON.stringify(info)
    if (key === this.saved) return
    this.saved = key
    void this.env.sessions.save(this.link, info, this.token)
  }

  private effects(): void {
    const s = this.state.screen
    if ((s.name === 'claiming' || (s.name === 'code' && s.busy)) && !this.claimBusy) void this.claim()
    if (s.name === 'choose' && s.busy && !this.requestBusy) void this.requestProvisioning()
    if (shouldWatch(this.state) && this.token) {
      if (!this.watchAbort) this.watch()
    } else if (this.watchAbort) this.stopWatching()
  }

  /** Waits `ms`, or less when retryNow() is called; throws Cancelled when `signal` aborts. */
  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer)
        this.wakers.delete(done)
        signal?.removeEventListener('abort', aborted)
        resolve()
      }
      const aborted = () => {
        clearTimeout(timer)
        this.wakers.delete(done)
        reject(new Cancelled())
      }
      const timer = setTimeout(done, ms)
      this.wakers.add(done)
      if (signal) {
        if (signal.aborted) return aborted()
        signal.addEventListener('abort', aborted, { once: true })
      }
    })
  }

  /** Runs `op` until it succeeds or fails for good; transient failures are shown and retried. */
  private async withRetry<T>(op: () => Promise<T>, signal?: AbortSignal): Promise<{ ok: true; value: T } | { ok: false; error: PhoneError }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const value = await op()
        this.dispatch({ type: 'connected' })
        return { ok: true, value }
      } catch (e) {
        if (signal?.aborted || e instanceof Cancelled) throw new Cancelled()
        const error = toPhoneError(e)
        if (!isTransient(error)) return { ok: false, error }
        await this.backoff(attempt, error, signal)
      }
    }
  }

  private async backoff(attempt: number, error: PhoneError, signal?: AbortSignal): Promise<void> {
    const retryAfter = error.kind === 'server' || error.kind === 'slow_down' ? error.retryAfterS : undefined
    const ms = retryDelay(attempt, this.random(), retryAfter)
    this.dispatch({ type: 'retrying', attempt: attempt + 1, retryAt: this.now() + ms, cause: error.kind === 'unreachable' ? 'unreachable' : 'server' })
    await this.sleep(ms, signal)
  }

  // ---- claim --------------------------------------------------------------------------------

  private async claim(): Promise<void> {
    this.claimBusy = true
    try {
      const s = this.state.screen
      const phone_name = this.env.phoneName()
      let body: { qr_token: string; phone_name: string } | { user_code: string; phone_name: string }
      if (this.route.kind === 'qr') body = { qr_token: this.route.token, phone_name }
      else {
        const check = checkUserCode(s.name === 'code' ? s.input : '')
        if (!check.ok) return
        body = { user_code: check.code, phone_name }
      }
      // A lost answer to a QR claim cannot be told from a claim that never arrived: retrying
      // presents the token again, which the service answers by cancelling (qr_token_reused) — safe.
      const r = await this.withRetry(() => this.env.api.claim(body))
      if (!r.ok) return this.dispatch({ type: 'failed', op: 'claim', error: r.error, now: this.now() })
      this.token = r.value.phone_token
      this.dispatch({ type: 'claimed', claim: r.value, now: this.now() })
      this.persist()
      this.effects()
    } catch (e) {
      if (!(e instanceof Cancelled)) throw e
    } finally {
      this.claimBusy = false
    }
  }

  // ---- provisioning request ------------------------------------------------------------------

  private async requestProvisioning(): Promise<void> {
    const s = this.state.screen
    const p = this.state.pairing
    if (s.name !== 'choose' || !p) return
    this.requestBusy = true
    try {
      const r = await this.withRetry(() => this.env.api.requestProvisioning(p.id, this.token, s.selected))
      if (r.ok) this.dispatch({ type: 'status', status: r.value, now: this.now() })
      else this.dispatch({ type: 'failed', op: 'request', error: r.error, now: this.now() })
    } catch (e) {
      if (!(e instanceof Cancelled)) throw e
    } finally {
      this.requestBusy = false
    }
  }

  // ---- following the pairing --------------------------------------------------------------------

  private stopWatching(): void {
    this.watchAbort?.abort()
    this.watchAbort = null
  }

  private watch(): void {
    const ac = new AbortController()
    this.watchAbort = ac
    void this.watchLoop(ac.signal).finally(() => {
      if (this.watchAbort === ac) {
        this.watchAbort = null
        // Something may still need following (e.g. the loop ended on an error another screen recovers from).
      }
    })
  }

  private async watchLoop(signal: AbortSignal): Promise<void> {
    let attempt = 0
    while (!signal.aborted && shouldWatch(this.state)) {
      const p = this.state.pairing
      if (!p) return
      try {
        if (this.streaming) {
          const gotEvents = await this.streamOnce(p.id, signal)
          if (gotEvents) attempt = 0
          // The stream ended cleanly (service restarting, proxy timeout): reconnect soon.
          if (!signal.aborted && shouldWatch(this.state)) await this.sleep(retryDelay(attempt++, this.random(), undefined, { baseMs: 500, capMs: 15_000 }), signal)
        } else {
          await this.pollOnce(p.id, signal)
          attempt = 0
        }
      } catch (e) {
        if (signal.aborted || e instanceof Cancelled) return
        if (e instanceof StreamUnsupported) {
          this.streaming = false
          continue
        }
        const error = toPhoneError(e)
        if (!isTransient(error)) return this.dispatch({ type: 'failed', op: 'watch', error, now: this.now() })
        try {
          await this.backoff(attempt++, error, signal)
        } catch {
          return
        }
      }
    }
  }

  /** One event-stream connection, until it ends; true when it delivered an event. */
  private async streamOnce(pairingId: string, signal: AbortSignal): Promise<boolean> {
    const ac = new AbortController()
    const onAbort = () => ac.abort()
    signal.addEventListener('abort', onAbort)
    const idleMs = this.env.streamIdleMs ?? 45_000
    let idle: ReturnType<typeof setTimeout> | undefined
    let stalled = false
    const arm = () => {
      if (idle) clearTimeout(idle)
      idle = setTimeout(() => {
        stalled = true
        ac.abort()
      }, idleMs)
    }
    let got = false
    try {
      const last = this.state.pairing && this.state.pairing.eventId > 0 ? String(this.state.pairing.eventId) : ''
      const res = await this.env.api.openEvents(pairingId, this.token, last, ac.signal)
      this.dispatch({ type: 'connected' })
      arm()
      const reader = (res.body as ReadableStream<Uint8Array>).getReader()
      const decoder = new TextDecoder()
      const parser = new SseParser()
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>
        try {
          chunk = await reader.read()
        } catch (e) {
          if (signal.aborted) throw new Cancelled()
          throw stalled ? new Error('event stream stalled') : e
        }
        if (chunk.done) break
        arm()
        for (const m of parser.feed(decoder.decode(chunk.value, { stream: true }))) {
          let ev: PairingEvent | null = null
          try {
            ev = JSON.parse(m.data) as PairingEvent
          } catch {
            ev = null
          }
          if (ev && ev.status && typeof ev.status.state === 'string') {
            got = true
            this.dispatch({ type: 'status', status: ev.status, now: this.now() })
          }
        }
        if (!shouldWatch(this.state)) {
          ac.abort()
          break
        }
      }
      return got
    } catch (e) {
      if (signal.aborted) throw new Cancelled()
      throw e
    } finally {
      if (idle) clearTimeout(idle)
      signal.removeEventListener('abort', onAbort)
    }
  }

  /** One long-poll. */
  private async pollOnce(pairingId: string, signal: AbortSignal): Promise<void> {
    const after = this.state.pairing?.eventId ?? 0
    const status = await this.env.api.waitStatus(pairingId, this.token, after, this.env.longPollS ?? 25, signal)
    this.dispatch({ type: 'connected' })
    this.dispatch({ type: 'status', status, now: this.now() })
  }
}
