// In-memory LiveStore: the zero set-up default for one service process.
import type {
  AuthAttempt,
  AuthOutcome,
  CountedLimit,
  CounterResult,
  CreateResult,
  IdempotencyBegin,
  LiveStore,
  NewEvent,
  PaceResult,
  PairingRecord,
  StoredEvent,
  StoredResponse,
  TokenEntry,
  TokenKind,
} from './live'

const MAX_EVENTS_PER_PAIRING = 64
/** Counters held at most (rate limits): a flood of new client addresses cannot grow the heap past it. */
export const MAX_COUNTERS = 100_000

interface PairingSlot {
  record: PairingRecord
  events: StoredEvent[]
  lastEventId: number
}

interface Expiring<T> {
  value: T
  expiresAt: number
}

/** Poll pacing of one key, flat: a status poll reads and updates it on every request. */
interface PaceEntry {
  last: number
  interval: number
  expiresAt: number
}

export class MemoryLiveStore implements LiveStore {
  private readonly pairings = new Map<string, PairingSlot>()
  /**
   * Token hash → entry, one map per kind: a poll's bearer lookup then searches the TV (or phone)
   * tokens only, not a table four times as large, and the key is the hash itself (no joined
   * `kind:hash` string to build and hash on every request).
   */
  private readonly tokens = new Map<TokenKind, Map<string, TokenEntry>>()
  private readonly counters = new Map<string, Expiring<number>>()
  private readonly paces = new Map<string, PaceEntry>()
  private readonly once = new Map<string, number>()
  private readonly idem = new Map<string, Expiring<{ fingerprint: string; response?: StoredResponse }>>()
  private readonly listeners = new Map<string, Set<() => void>>()
  private readonly sweeper: ReturnType<typeof setInterval>
  private lastCounterSweep = -Infinity

  constructor(
    private readonly now: () => number = Date.now,
    sweepMs = 30_000,
    private readonly maxCounters = MAX_COUNTERS,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepMs)
    this.sweeper.unref()
  }

  async createPairing(record: PairingRecord, tokens: { kind: TokenKind; hash: string }[], event: NewEvent, limit?: CountedLimit): Promise<CreateResult> {
    if (limit) {
      const c = this.count(limit.key, limit.windowMs)
      if (c.count > limit.max) return { ok: false, limited: c }
    }
    if (this.pairings.has(record.id)) return { ok: false }
    for (const t of tokens) if (this.liveToken(t.kind, t.hash)) return { ok: false }
    for (const t of tokens) this.tokensOf(t.kind).set(t.hash, { pairingId: record.id, used: false })
    const stored = { ...record, eventId: 1 }
    const ev: StoredEvent = { id: 1, type: event.type, data: event.data(stored, 1), at: this.now() }
    this.pairings.set(record.id, { record: stored, events: [ev], lastEventId: 1 })
    return { ok: true }
  }

  // getPairing, getToken and pace run on every status poll. They are plain functions returning
  // a settled promise rather than `async` ones, which would add a suspended frame per call; none
  // of them can throw.

  /** Records are immutable values: a change replaces the whole record, so no copy is needed. */
  getPairing(id: string): Promise<PairingRecord | null> {
    const slot = this.slot(id)
    return Promise.resolve(slot ? slot.record : null)
  }

  async casPairing(id: string, expectedVersion: number, next: PairingRecord, event?: NewEvent) {
    const slot = this.slot(id)
    if (!slot || slot.record.version !== expectedVersion) return { ok: false }
    const record = { ...next, version: expectedVersion + 1, eventId: slot.lastEventId + (event ? 1 : 0) }
    slot.record = record
    let stored: StoredEvent | undefined
    if (event) {
      const eid = record.eventId
      stored = { id: eid, type: event.type, data: event.data(record, eid), at: this.now() }
      slot.lastEventId = eid
      slot.events.push(stored)
      if (slot.events.length > MAX_EVENTS_PER_PAIRING) slot.events.shift()
      this.wake(id)
    }
    return { ok: true, record, event: stored }
  }

  async addToken(kind: TokenKind, hash: string, pairingId: string): Promise<boolean> {
    if (this.liveToken(kind, hash)) return false
    this.tokensOf(kind).set(hash, { pairingId, used: false })
    return true
  }

  getToken(kind: TokenKind, hash: string): Promise<TokenEntry | null> {
    const t = this.liveToken(kind, hash)
    return Promise.resolve(t ? { pairingId: t.pairingId, used: t.used } : null)
  }

  async useToken(kind: TokenKind, hash: string) {
    const t = this.liveToken(kind, hash)
    if (!t) return null
    const firstUse = !t.used
    t.used = true
    return { pairingId: t.pairingId, firstUse }
  }

  async events(pairingId: string, afterId: number): Promise<StoredEvent[]> {
    const slot = this.slot(pairingId)
    if (!slot) return []
    return slot.events.filter((e) => e.id > afterId)
  }

  subscribe(pairingId: string, onWake: () => void): () => void {
    let set = this.listeners.get(pairingId)
    if (!set) this.listeners.set(pairingId, (set = new Set()))
    set.add(onWake)
    return () => {
      const s = this.listeners.get(pairingId)
      if (!s) return
      s.delete(onWake)
      if (s.size === 0) this.listeners.delete(pairingId)
    }
  }

  async incr(key: string, windowMs: number): Promise<CounterResult> {
    return this.count(key, windowMs)
  }

  private count(key: string, windowMs: number): CounterResult {
    const now = this.now()
    const c = this.counters.get(key)
    if (!c || c.expiresAt <= now) {
      if (!c && this.counters.size >= this.maxCounters && !this.freeCounter(now)) return { count: Number.MAX_SAFE_INTEGER, resetAt: now + windowMs }
      this.counters.set(key, { value: 1, expiresAt: now + windowMs })
      return { count: 1, resetAt: now + windowMs }
    }
    c.value++
    return { count: c.value, resetAt: c.expiresAt }
  }

  async peek(key: string): Promise<CounterResult> {
    return this.peekNow(key)
  }

  private peekNow(key: string): CounterResult {
    const now = this.now()
    const c = this.counters.get(key)
    return c && c.expiresAt > now ? { count: c.value, resetAt: c.expiresAt } : { count: 0, resetAt: now }
  }

  async authAttempt(a: AuthAttempt): Promise<AuthOutcome> {
    const failures = this.peekNow(a.failureKey)
    if (failures.count >= a.maxFailures) return { outcome: 'throttled', resetAt: failures.resetAt }
    if (!a.valid) {
      this.count(a.failureKey, a.failureWindowMs)
      return { outcome: 'failed' }
    }
    if (a.nonce && !this.setOnce(a.nonce.key, a.nonce.ttlMs)) return { outcome: 'replayed' }
    return { outcome: 'ok' }
  }

  /** Counters held now (expired ones included until swept). */
  counterCount(): number {
    return this.counters.size
  }

  /** Drops expired counters (at most once a second); true when there is room for a new one. */
  private freeCounter(now: number): boolean {
    if (now - this.lastCounterSweep >= 1000) {
      this.lastCounterSweep = now
      for (const [k, c] of this.counters) if (c.expiresAt <= now) this.counters.delete(k)
    }
    return this.counters.size < this.maxCounters
  }

  pace(key: string, intervalS: number, opts: { tolerance: number; increment: number; max: number; ttlMs: number }): Promise<PaceResult> {
    const now = this.now()
    const p = this.paces.get(key)
    if (!p || p.expiresAt <= now) {
      this.paces.set(key, { last: now, interval: intervalS, expiresAt: now + opts.ttlMs })
      return Promise.resolve({ ok: true, interval: intervalS })
    }
    p.interval = Math.max(p.interval, intervalS)
    const ok = now - p.last >= p.interval * 1000 * (1 - opts.tolerance)
    if (!ok) p.interval = Math.min(opts.max, p.interval + opts.increment)
    p.last = now
    p.expiresAt = now + opts.ttlMs
    return Promise.resolve({ ok, interval: p.interval })
  }

  async putOnce(key: string, ttlMs: number): Promise<boolean> {
    return this.setOnce(key, ttlMs)
  }

  private setOnce(key: string, ttlMs: number): boolean {
    const now = this.now()
    const exp = this.once.get(key)
    if (exp !== undefined && exp > now) return false
    this.once.set(key, now + ttlMs)
    return true
  }

  async release(key: string): Promise<void> {
    this.once.delete(key)
  }

  async idempotencyBegin(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin> {
    const now = this.now()
    const e = this.idem.get(key)
    if (e && e.expiresAt > now) {
      if (e.value.response) return { state: 'done', fingerprint: e.value.fingerprint, response: e.value.response }
      return { state: 'in_flight', fingerprint: e.value.fingerprint }
    }
    this.idem.set(key, { value: { fingerprint }, expiresAt: now + ttlMs })
    return { state: 'new' }
  }

  async idempotencyComplete(key: string, response: StoredResponse, ttlMs: number): Promise<void> {
    const e = this.idem.get(key)
    if (!e) return
    e.value.response = response
    e.expiresAt = this.now() + ttlMs
  }

  async idempotencyAbort(key: string): Promise<void> {
    const e = this.idem.get(key)
    if (e && !e.value.response) this.idem.delete(key)
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper)
    this.listeners.clear()
  }

  /** Drops everything past its time. */
  sweep(): void {
    const now = this.now()
    for (const [id, slot] of this.pairings) if (slot.record.purgeAt <= now) this.pairings.delete(id)
    for (const tokens of this.tokens.values()) for (const [k, t] of tokens) if (!this.pairings.has(t.pairingId)) tokens.delete(k)
    for (const [k, c] of this.counters) if (c.expiresAt <= now) this.counters.delete(k)
    for (const [k, p] of this.paces) if (p.expiresAt <= now) this.paces.delete(k)
    for (const [k, exp] of this.once) if (exp <= now) this.once.delete(k)
    for (const [k, e] of this.idem) if (e.expiresAt <= now) this.idem.delete(k)
  }

  private slot(id: string): PairingSlot | undefined {
    const slot = this.pairings.get(id)
    if (slot && slot.record.purgeAt <= this.now()) {
      this.pairings.delete(id)
      return undefined
    }
    return slot
  }

  private tokensOf(kind: TokenKind): Map<string, TokenEntry> {
    let tokens = this.tokens.get(kind)
    if (!tokens) this.tokens.set(kind, (tokens = new Map()))
    return tokens
  }

  private liveToken(kind: TokenKind, hash: string): TokenEntry | undefined {
    const tokens = this.tokens.get(kind)
    const t = tokens?.get(hash)
    if (t && !this.slot(t.pairingId)) {
      tokens?.delete(hash)
      return undefined
    }
    return t
  }

  private wake(pairingId: string): void {
    const set = this.listeners.get(pairingId)
    if (!set) return
    for (const fn of [...set]) {
      try {
        fn()
      } catch {
        // a listener's failure is its own
      }
    }
  }
}
