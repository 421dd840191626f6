import { PATHS } from '../../../../core/protocol/constants'
import { pairingSettled } from '../../../../core/protocol/settled'
import type { PairingStatus } from '../../../../core/protocol'
import { appLifecycle } from '../../../services/AppLifecycle'
import { PairingApiError, type PairingApi } from './PairingApi'

/** Answers after which following the pairing is pointless. */
const GONE = [401, 403, 404, 410]

export type StatusListener = (status: PairingStatus) => void

/** How following goes: reaching the service, or not (and when the next try is, in local ms). */
export type FollowHealth = { reachable: true } | { reachable: false; retryAtMs: number }

export interface FollowerOptions {
  preferSse?: boolean
  /** The service no longer knows the pairing or our token (e.g. it restarted and lost its live state). */
  onGone?: (httpStatus: number) => void
  /** Called as following starts failing (with the next try's time) and as it reaches the service again. */
  onHealth?: (health: FollowHealth) => void
}

/** Longest wait between two tries while the service cannot be reached. */
const RETRY_CAP_MS = 8_000

/**
 * Follows one pairing live: server-sent events read through fetch streaming (EventSource cannot
 * send the bearer token), resuming with Last-Event-ID; where streaming is missing or fails,
 * long-poll. Every message carries the full status, so a missed event never leaves us stale.
 */
export class PairingFollower {
  private stopped = false
  private lastEventId = 0
  /** The latest status says nothing more will happen. */
  private settled = false
  private abort: AbortController | null = null
  mode: 'sse' | 'long-poll' | 'idle' = 'idle'

  constructor(
    private readonly api: PairingApi,
    private readonly pairingId: string,
    private readonly tvToken: string,
    private readonly onStatus: StatusListener,
    private readonly opts: FollowerOptions = {},
  ) {}

  /** Hidden (AppLifecycle): the stream is closed and nothing is polled until the app is visible. */
  private paused = false
  private wake: (() => void) | null = null
  private leaveLifecycle: (() => void) | null = null

  start(): void {
    this.leaveLifecycle = appLifecycle().join({
      pause: () => {
        this.paused = true
        this.abort?.abort()
      },
      resume: () => {
        this.paused = false
        this.wake?.()
      },
    })
    void this.loop()
  }

  stop(): void {
    this.stopped = true
    this.leaveLifecycle?.()
    this.abort?.abort()
    this.wake?.()
  }

  /** While hidden: waits for visible, then re-reads the status once (what changed meanwhile) before following again. */
  private async whilePaused(): Promise<void> {
    await new Promise<void>((resolve) => (this.wake = resolve))
    this.wake = null
    if (this.stopped || this.paused) return
    try {
      await this.longPoll(0)
    } catch {
      /* the stream that follows catches up through Last-Event-ID */
    }
  }

  private canStream(): boolean {
    return this.opts.preferSse !== false && typeof fetch === 'function' && typeof ReadableStream === 'function' && typeof AbortController === 'function'
  }

  private async loop(): Promise<void> {
    let failures = 0
    while (!this.stopped) {
      if (this.paused) {
        await this.whilePaused()
        continue
      }
      try {
        if (this.canStream() && failures < 2) await this.stream()
        else await this.longPoll()
        failures = 0
      } catch {
        if (this.stopped) return
        if (this.paused) continue
        failures++
        // Half fixed, half jitter: tries spread out, and the wait told to the viewer is never 0.
        const ceiling = Math.min(RETRY_CAP_MS, 1000 * 2 ** Math.min(failures - 1, 4))
        const wait = ceiling / 2 + (ceiling / 2) * Math.random()
        this.opts.onHealth?.({ reachable: false, retryAtMs: Date.now() + wait })
        await delay(wait)
      }
    }
  }

  private async stream(): Promise<void> {
    this.mode = 'sse'
    this.abort = new AbortController()
    const headers: Record<string, string> = { authorization: `Bearer ${this.tvToken}`, accept: 'text/event-stream' }
    if (this.lastEventId) headers['last-event-id'] = String(this.lastEventId)
    const res = await fetch(`${this.api.baseUrl}${PATHS.events(this.pairingId)}`, { headers, signal: this.abort.signal })
    if (GONE.includes(res.status) || res.status === 204) {
      // The pairing is over or no longer ours (204: settled, and we saw its last event): nothing more will come.
      this.stopped = true
      if (res.status !== 204) this.opts.onGone?.(res.status)
      return
    }
    if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`)
    this.opts.onHealth?.({ reachable: true })
    const reader = res.body.getReader()
    const decoder = new TextDecoder()
    let buffer = ''
    for (;;) {
      const { value, done } = await reader.read()
      if (done) {
        // The service ends a stream once the pairing is settled: following it further is pointless.
        if (this.settled) this.stopped = true
        return
      }
      buffer += decoder.decode(value, { stream: true })
      let cut: number
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        this.handleFrame(buffer.slice(0, cut))
        buffer = buffer.slice(cut + 2)
      }
    }
  }

  private handleFrame(frame: string) {
    let data = ''
    let id: number | null = null
    for (const line of frame.split('\n')) {
      if (line.startsWith('id:')) id = Number(line.slice(3).trim())
      else if (line.startsWith('data:')) data += line.slice(5).trim()
    }
    if (id !== null && !Number.isNaN(id)) this.lastEventId = Math.max(this.lastEventId, id)
    if (!data) return
    const msg = JSON.parse(data) as { status?: PairingStatus }
    if (msg.status) {
      this.settled = pairingSettled(msg.status)
      this.lastEventId = Math.max(this.lastEventId, msg.status.event_id)
      this.onStatus(msg.status)
    }
  }

  private async longPoll(wait?: number): Promise<void> {
    this.mode = 'long-poll'
    let status: PairingStatus
    try {
      status = await this.api.waitStatus(this.pairingId, this.tvToken, this.lastEventId, wait)
    } catch (err) {
      if (err instanceof PairingApiError && GONE.includes(err.status)) {
        this.stopped = true
        this.opts.onGone?.(err.status)
        return
      }
      throw err
    }
    if (this.stopped) return
    this.opts.onHealth?.({ reachable: true })
    if (status.event_id > this.lastEventId || this.lastEventId === 0) {
      this.lastEventId = status.event_id
      this.onStatus(status)
    }
  }
}

function delay(ms: number) {
  return new Promise((r) => setTimeout(r, ms))
}
