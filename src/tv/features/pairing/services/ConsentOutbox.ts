import { readJson, type KeyValueStore } from '../../../services/KeyValueStore'

/**
 * A consent decision (or withdrawal) waiting to reach the pairing service. It is written to
 * persistent storage before the first send and removed only on success or a final answer, so
 * a network outage or an app restart never loses what the viewer chose.
 */
export interface OutboxEntry {
  /** Idempotency key: the same for every retry, so the service records it once. */
  id: string
  kind: 'decision' | 'withdrawal'
  pairingId: string
  body: unknown
  /** What the TV shows about the entry (phone name, policy version); never secrets. */
  meta?: Record<string, string>
  createdAt: number
  attempts: number
  /** Earliest time (ms epoch) for the next attempt. */
  nextAt: number
  lastError?: string
}

export type SendResult =
  | { outcome: 'delivered'; status: number; body?: unknown }
  /** The service answered for good (e.g. 409 another final state, 410 expired): stop retrying. */
  | { outcome: 'final'; status: number; code?: string }
  | { outcome: 'retry'; reason: string; retryAfterMs?: number }

export interface OutboxTransport {
  send(entry: OutboxEntry): Promise<SendResult>
}

export type OutboxEvent =
  | { type: 'queued'; entry: OutboxEntry }
  | { type: 'sending'; entry: OutboxEntry }
  | { type: 'delivered'; entry: OutboxEntry; status: number; body?: unknown }
  | { type: 'final'; entry: OutboxEntry; status: number; code?: string }
  | { type: 'retrying'; entry: OutboxEntry; delayMs: number; reason: string }

export interface OutboxOptions {
  baseDelayMs?: number
  maxDelayMs?: number
  random?: () => number
  now?: () => number
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

const KEY = 'consent-outbox'

/** Full-jitter exponential backoff: uniform in [0, min(cap, base·2^attempt)]. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * Math.pow(2, Math.max(0, attempt)))
  return Math.floor(random() * ceiling)
}

/** 409 codes that mean "busy right now" (a lock or the same key in flight), not another final state. */
const BUSY_CONFLICTS: ReadonlySet<string> = new Set(['request_in_flight', 'decision_in_progress'])

/** Maps an HTTP answer (or its absence) and its error code to what the outbox does next. */
export function classifyHttp(status: number | null, retryAfter?: string | null, nowMs: number = Date.now(), code?: string): SendResult {
  if (status === null) return { outcome: 'retry', reason: 'network' }
  if (status >= 200 && status < 300) return { outcome: 'delivered', status }
  if (status === 408 || status === 429 || status >= 500 || (status === 409 && code !== undefined && BUSY_CONFLICTS.has(code))) {
    return { outcome: 'retry', reason: code ? `http ${status} ${code}` : `http ${status}`, retryAfterMs: parseRetryAfter(retryAfter, nowMs) }
  }
  return { outcome: 'final', status, ...(code ? { code } : {}) }
}

/** Retry-After as delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

export class ConsentOutbox {
  private readonly base: number
  private readonly cap: number
  private readonly random: () => number
  private readonly now: () => number
  private readonly setTimer: (fn: () => void, ms: number) => unknown
  private readonly clearTimer: (h: unknown) => void
  private timer: unknown = null
  private draining = false
  private listeners: ((e: OutboxEvent) => void)[] = []

  constructor(
    private readonly store: KeyValueStore,
    private readonly transport: OutboxTransport,
    opts: OutboxOptions = {},
  ) {
    this.base = opts.baseDelayMs ?? 500
    this.cap = opts.maxDelayMs ?? 60_000
    this.random = opts.random ?? Math.random
    this.now = opts.now ?? Date.now
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))
  }

  entries(): OutboxEntry[] {
    return readJson<OutboxEntry[]>(this.store, KEY) ?? []
  }

  on(listener: (e: OutboxEvent) => void): () => void {
    this.listeners.push(listener)
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener)
    }
  }

  /** Persists the entry first, then starts delivery. Re-enqueueing the same id is a no-op. */
  enqueue(input: Pick<OutboxEntry, 'id' | 'kind' | 'pairingId' | 'body' | 'meta'>): OutboxEntry {
    const all = this.entries()
    const existing = all.find((e) => e.id === input.id)
    if (existing) return existing
    const entry: OutboxEntry = { ...input, createdAt: this.now(), attempts: 0, nextAt: this.now() }
    this.write([...all, entry])
    this.emit({ type: 'queued', entry })
    this.kick(0)
    return entry
  }

  /** Resume after a restart: deliver whatever is still stored. */
  start(): void {
    this.kick(0)
  }

  stop(): void {
    if (this.timer !== null) this.clearTimer(this.timer)
    this.timer = null
  }

  /** Sends due entries in order (FIFO: a withdrawal never overtakes the decision it withdraws). */
  async drain(): Promise<void> {
    if (this.draining) return
    this.draining = true
    try {
      for (;;) {
        const head = this.entries()[0]
        if (!head) return
        const wait = head.nextAt - this.now()
        if (wait > 0) {
          this.kick(wait)
          return
        }
        this.emit({ type: 'sending', entry: head })
        let result: SendResult
        try {
          result = await this.transport.send(head)
        } catch (err) {
          result = { outcome: 'retry', reason: err instanceof Error ? err.message : 'error' }
        }
        if (result.outcome === 'retry') {
          const delay = Math.max(result.retryAfterMs ?? 0, backoffDelay(head.attempts, this.base, this.cap, this.random))
          const updated = { ...head, attempts: head.attempts + 1, nextAt: this.now() + delay, lastError: result.reason }
          this.replace(updated)
          this.emit({ type: 'retrying', entry: updated, delayMs: delay, reason: result.reason })
          this.kick(delay)
          return
        }
        this.remove(head.id)
        if (result.outcome === 'delivered') this.emit({ type: 'delivered', entry: head, status: result.status, body: result.body })
        else this.emit({ type: 'final', entry: head, status: result.status, code: result.code })
      }
    } finally {
      this.draining = false
    }
  }

  private kick(ms: number) {
    if (this.timer !== null) this.clearTimer(this.timer)
    this.timer = this.setTimer(() => {
      this.timer = null
      void this.drain()
    }, ms)
  }

  private write(all: OutboxEntry[]) {
    this.store.set(KEY, JSON.stringify(all))
  }
  private replace(entry: OutboxEntry) {
    this.write(this.entries().map((e) => (e.id === entry.id ? entry : e)))
  }
  private remove(id: string) {
    this.write(this.entries().filter((e) => e.id !== id))
  }
  private emit(e: OutboxEvent) {
    this.listeners.forEach((l) => l(e))
  }
}
