// Following the pairing live: the event stream read over fetch (with Last-Event-ID, and a
// watchdog that cuts a stream silent for too long), reconnecting after a clean end, and
// long-polling instead where a response body cannot be streamed.
import type { PairingEvent } from '../core/protocol/schemas'
import { StreamUnsupported, toPhoneError, type Api } from './api'
import { shouldWatch } from './derived'
import { isTransient, retryDelay } from './errors'
import { Cancelled, type Retrier } from './retry'
import { SseParser } from './sse'
import type { Action, State } from './state'

/** What the watcher reads and drives (the controller). */
export interface WatchHost {
  state(): State
  dispatch(action: Action): void
  /** The phone token. */
  token(): string
  now(): number
}

export interface WatchOptions {
  /** Whether fetch can read a response body as a stream (else: long-poll). */
  streaming: boolean
  /** No data on the event stream for this long (heartbeats included) means the connection is dead. */
  streamIdleMs: number
  /** Seconds a long-poll waits (≤ 25). */
  longPollS: number
}

export class PairingWatcher {
  /** Cleared for good once the event stream turns out not to be readable here. */
  streaming: boolean
  private abort: AbortController | null = null

  constructor(
    private readonly host: WatchHost,
    private readonly api: Api,
    private readonly retry: Retrier,
    private readonly opts: WatchOptions,
  ) {
    this.streaming = opts.streaming
  }

  get active(): boolean {
    return this.abort !== null
  }

  start(): void {
    const ac = new AbortController()
    this.abort = ac
    void this.loop(ac.signal).finally(() => {
      if (this.abort === ac) {
        this.abort = null
        // Something may still need following (e.g. the loop ended on an error another screen recovers from).
      }
    })
  }

  stop(): void {
    this.abort?.abort()
    this.abort = null
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const host = this.host
    let attempt = 0
    while (!signal.aborted && shouldWatch(host.state())) {
      const p = host.state().pairing
      if (!p) return
      try {
        if (this.streaming) {
          const gotEvents = await this.streamOnce(p.id, signal)
          if (gotEvents) attempt = 0
          // The stream ended cleanly (service restarting, proxy timeout): reconnect soon.
          if (!signal.aborted && shouldWatch(host.state())) await this.retry.sleep(retryDelay(attempt++, this.retry.random(), undefined, { baseMs: 500, capMs: 15_000 }), signal)
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
        if (!isTransient(error)) return host.dispatch({ type: 'failed', op: 'watch', error, now: host.now() })
        try {
          await this.retry.backoff(attempt++, error, signal)
        } catch {
          return
        }
      }
    }
  }

  /** One event-stream connection, until it ends; true when it delivered an event. */
  private async streamOnce(pairingId: string, signal: AbortSignal): Promise<boolean> {
    const host = this.host
    const ac = new AbortController()
    const onAbort = () => ac.abort()
    signal.addEventListener('abort', onAbort)
    let idle: ReturnType<typeof setTimeout> | undefined
    let stalled = false
    const arm = () => {
      if (idle) clearTimeout(idle)
      idle = setTimeout(() => {
        stalled = true
        ac.abort()
      }, this.opts.streamIdleMs)
    }
    let got = false
    try {
      const eventId = host.state().pairing?.eventId ?? 0
      const last = eventId > 0 ? String(eventId) : ''
      const res = await this.api.openEvents(pairingId, host.token(), last, ac.signal)
      host.dispatch({ type: 'connected' })
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
            host.dispatch({ type: 'status', status: ev.status, now: host.now() })
          }
        }
        if (!shouldWatch(host.state())) {
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
    const host = this.host
    const after = host.state().pairing?.eventId ?? 0
    const status = await this.api.waitStatus(pairingId, host.token(), after, this.opts.longPollS, signal)
    host.dispatch({ type: 'connected' })
    host.dispatch({ type: 'status', status, now: host.now() })
  }
}
