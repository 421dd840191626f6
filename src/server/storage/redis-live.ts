// LiveStore on Redis (ioredis), for several service processes sharing live state. Same
// semantics as MemoryLiveStore; layout and atomicity are described in ./redis/scripts.ts:
// pairings are hashes whose TTL is their lifetime + poll interval + a grace period, secrets are
// indexed by their hashes, compare-and-set and the event append run in one Lua script,
// counters/pacing/set-once keys/idempotency entries are single keys with PX, and each
// pairing's events are a Redis Stream whose ids are the integer event ids (`<id>-0`).
// Pub/sub only wakes waiters: what they send is always re-read from the stream.
import type Redis from 'ioredis'
import { openRedis, ScriptRunner, type RedisConnectOptions } from './redis/client'
import { decodeRecord, encodeRecord, type RecordFields } from './redis/record-fields'
import * as S from './redis/scripts'
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

/** Kept past the pairing's own purge time before Redis frees it (ms). */
export const GRACE_MS = 60_000
const PREFIX_PATTERN = /^[A-Za-z0-9:_.{}-]{0,64}$/

export interface RedisLiveOptions extends RedisConnectOptions {
  /** Prefix of every key and channel (default `miitee:`). */
  prefix?: string
  /** The service clock (ms since the epoch). */
  clock?: () => number
}

export class RedisLiveStore implements LiveStore {
  private readonly scripts: ScriptRunner
  private readonly prefix: string
  private readonly now: () => number
  /** channel → wake-up callbacks of this process. */
  private readonly listeners = new Map<string, Set<() => void>>()
  private closed = false

  private constructor(
    readonly client: Redis,
    private readonly sub: Redis,
    opts: RedisLiveOptions,
  ) {
    this.prefix = opts.prefix ?? 'miitee:'
    this.now = opts.clock ?? Date.now
    this.scripts = new ScriptRunner(client)
    sub.on('message', (channel: string) => this.wake(channel))
    // The connection is ready before the store exists, so any 'ready' is a reconnection:
    // ioredis has just sent the subscriptions again. Once a PING sent after them is answered
    // they are in place; then every listener re-reads, for events may have come meanwhile.
    sub.on('ready', () => {
      const wakeAll = () => {
        for (const ch of this.listeners.keys()) this.wake(ch)
      }
      sub.ping().then(wakeAll, wakeAll)
    })
  }

  /** Connects (a command connection and a subscriber connection) and checks Redis answers. */
  static async connect(url: string, opts: RedisLiveOptions = {}): Promise<RedisLiveStore> {
    if (!PREFIX_PATTERN.test(opts.prefix ?? '')) throw new Error('the Redis key prefix may only hold [A-Za-z0-9:_.{}-], up to 64 characters')
    const client = await openRedis(url, opts)
    let sub: Redis
    try {
      sub = await openRedis(url, opts)
    } catch (e) {
      client.disconnect()
      throw e
    }
    return new RedisLiveStore(client, sub, opts)
  }

  // ---- keys -------------------------------------------------------------------------------

  private pairingKey(id: string): string {
    return `${this.prefix}p:${id}`
  }
  private streamKey(id: string): string {
    return `${this.prefix}e:${id}`
  }
  private tokenKey(kind: TokenKind, hash: string): string {
    return `${this.prefix}t:${kind}:${hash}`
  }
  private channel(id: string): string {
    return `${this.prefix}w:${id}`
  }

  /** TTL of a pairing's keys: until its purge time, plus its poll interval and a grace period. */
  private pairingTtl(rec: PairingRecord, now: number): number {
    return Math.max(1, rec.purgeAt - now) + rec.interval * 1000 + GRACE_MS
  }

  // ---- pairings ---------------------------------------------------------------------------

  async createPairing(record: PairingRecord, tokens: { kind: TokenKind; hash: string }[], event: NewEvent, limit?: CountedLimit): Promise<CreateResult> {
    const now = this.now()
    const stored: PairingRecord = { ...record, eventId: 1 }
    const fields = encodeRecord(stored)
    const keys = [this.pairingKey(record.id), this.streamKey(record.id)]
    if (limit) keys.push(this.counterKey(limit.key))
    for (const t of tokens) keys.push(this.tokenKey(t.kind, t.hash))
    const r = (await this.scripts.run(S.CREATE, keys, [
      now,
      this.pairingTtl(stored, now),
      stored.purgeAt,
      record.id,
      event.type,
      event.data(stored, 1),
      limit ? limit.max : '',
      limit ? limit.windowMs : 0,
      limit ? now + limit.windowMs : 0,
      fields.length / 2,
      ...fields,
    ])) as (number | string)[]
    if (r[0] === 1) return { ok: true }
    if (r[0] === 2) return { ok: false, limited: { count: Number(r[1]), resetAt: Number(r[2]) } }
    return { ok: false }
  }

  async getPairing(id: string): Promise<PairingRecord | null> {
    const h = (await this.client.hgetall(this.pairingKey(id))) as RecordFields
    if (h.purgeAt === undefined || Number(h.purgeAt) <= this.now()) return null
    return decodeRecord(h)
  }

  async casPairing(id: string, expectedVersion: number, next: PairingRecord, event?: NewEvent): Promise<{ ok: boolean; record?: PairingRecord; event?: StoredEvent }> {
    // The event payload is built from the record as it will be stored, event id included. The
    // caller's record carries the event id it read; should the stored one differ, the script
    // says so and the payload is built again (a round trip more, never a wrong payload).
    let baseEventId = next.eventId
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.now()
      const eventId = baseEventId + (event ? 1 : 0)
      const record: PairingRecord = { ...next, version: expectedVersion + 1, eventId }
      const data = event ? event.data(record, eventId) : ''
      const { eventId: _e, ...rest } = record
      const fields = encodeRecord(rest as PairingRecord)
      const r = (await this.scripts.run(
        S.CAS,
        [this.pairingKey(id), this.streamKey(id)],
        [now, expectedVersion, baseEventId, this.pairingTtl(record, now), record.purgeAt, this.channel(id), event ? 1 : 0, event?.type ?? '', data, fields.length / 2, ...fields],
      )) as number[]
      if (r[0] === 0) return { ok: false }
      if (r[0] === -1) {
        baseEventId = Number(r[1])
        continue
      }
      const stored: PairingRecord = { ...record, eventId: Number(r[1]) }
      if (!event) return { ok: true, record: stored }
      return { ok: true, record: stored, event: { id: stored.eventId, type: event.type, data, at: now } }
    }
    throw new Error(`pairing ${id}: its event id kept changing under the same version`)
  }

  // ---- token index ------------------------------------------------------------------------

  async addToken(kind: TokenKind, hash: string, pairingId: string): Promise<boolean> {
    const r = await this.scripts.run(S.ADD_TOKEN, [this.tokenKey(kind, hash), this.pairingKey(pairingId)], [this.now(), pairingId, GRACE_MS])
    return r === 1
  }

  async getToken(kind: TokenKind, hash: string): Promise<TokenEntry | null> {
    const [pid, used, purge] = await this.client.hmget(this.tokenKey(kind, hash), 'pid', 'used', 'purge')
    if (pid === null || purge === null || Number(purge) <= this.now()) return null
    return { pairingId: pid, used: used === '1' }
  }

  async useToken(kind: TokenKind, hash: string): Promise<{ pairingId: string; firstUse: boolean } | null> {
    const r = (await this.scripts.run(S.USE_TOKEN, [this.tokenKey(kind, hash)], [this.now()])) as [string, number] | null
    return r ? { pairingId: r[0], firstUse: r[1] === 1 } : null
  }

  // ---- events -----------------------------------------------------------------------------

  async events(pairingId: string, afterId: number): Promise<StoredEvent[]> {
    const from = Math.max(0, Math.floor(afterId)) + 1
    const entries = (await this.scripts.run(S.EVENTS, [this.pairingKey(pairingId), this.streamKey(pairingId)], [this.now(), `${from}-0`])) as [
      string,
      string[],
    ][]
    return entries.map(([sid, kv]) => {
      const f: Record<string, string> = {}
      for (let i = 0; i + 1 < kv.length; i += 2) f[kv[i]] = kv[i + 1]
      return { id: Number(sid.slice(0, sid.indexOf('-'))), type: f.type as StoredEvent['type'], data: f.data, at: Number(f.at) }
    })
  }

  subscribe(pairingId: string, onWake: () => void): () => void {
    const ch = this.channel(pairingId)
    let set = this.listeners.get(ch)
    if (!set) {
      this.listeners.set(ch, (set = new Set()))
      // Until Redis confirms the subscription a message could pass unseen: wake the listeners
      // once it is in place, so they re-read whatever came meanwhile.
      this.sub.subscribe(ch).then(
        () => this.wake(ch),
        () => this.wake(ch),
      )
    }
    set.add(onWake)
    return () => {
      const s = this.listeners.get(ch)
      if (!s || !s.delete(onWake) || s.size > 0) return
      this.listeners.delete(ch)
      if (!this.closed) this.sub.unsubscribe(ch).catch(() => undefined)
    }
  }

  private wake(channel: string): void {
    const set = this.listeners.get(channel)
    if (!set) return
    for (const fn of [...set]) safeCall(fn)
  }

  // ---- limits, pacing, set-once keys -----------------------------------------------------------

  private counterKey(key: string): string {
    return `${this.prefix}c:${key}`
  }

  async incr(key: string, windowMs: number): Promise<CounterResult> {
    const now = this.now()
    const r = (await this.scripts.run(S.INCR, [this.counterKey(key)], [now, windowMs, now + windowMs])) as [number, string]
    return { count: Number(r[0]), resetAt: Number(r[1]) }
  }

  async peek(key: string): Promise<CounterResult> {
    const now = this.now()
    const [n, reset] = await this.client.hmget(this.counterKey(key), 'n', 'reset')
    return n !== null && reset !== null && Number(reset) > now ? { count: Number(n), resetAt: Number(reset) } : { count: 0, resetAt: now }
  }

  async pace(key: string, intervalS: number, opts: { tolerance: number; increment: number; max: number; ttlMs: number }): Promise<PaceResult> {
    const now = this.now()
    const r = (await this.scripts.run(
      S.PACE,
      [`${this.prefix}q:${key}`],
      [now, intervalS, opts.tolerance, opts.increment, opts.max, opts.ttlMs, now + opts.ttlMs],
    )) as [number, string]
    return { ok: r[0] === 1, interval: Number(r[1]) }
  }

  async authAttempt(a: AuthAttempt): Promise<AuthOutcome> {
    const now = this.now()
    const keys = [this.counterKey(a.failureKey)]
    if (a.nonce) keys.push(this.onceKey(a.nonce.key))
    const ttl = a.nonce?.ttlMs ?? 0
    const r = (await this.scripts.run(S.AUTH_ATTEMPT, keys, [now, a.maxFailures, a.failureWindowMs, now + a.failureWindowMs, a.valid ? 1 : 0, ttl, now + ttl])) as string[]
    if (r[0] === 'throttled') return { outcome: 'throttled', resetAt: Number(r[1]) }
    if (r[0] === 'failed' || r[0] === 'replayed') return { outcome: r[0] }
    return { outcome: 'ok' }
  }

  private onceKey(key: string): string {
    return `${this.prefix}o:${key}`
  }

  async putOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now()
    return (await this.scripts.run(S.PUT_ONCE, [this.onceKey(key)], [now, ttlMs, now + ttlMs])) === 1
  }

  async release(key: string): Promise<void> {
    await this.client.del(this.onceKey(key))
  }

  // ---- idempotency ------------------------------------------------------------------------

  async idempotencyBegin(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin> {
    const now = this.now()
    const r = (await this.scripts.run(S.IDEM_BEGIN, [`${this.prefix}i:${key}`], [now, ttlMs, now + ttlMs, fingerprint])) as string[]
    if (r[0] === 'done') return { state: 'done', fingerprint: r[1], response: JSON.parse(r[2]) as StoredResponse }
    if (r[0] === 'in_flight') return { state: 'in_flight', fingerprint: r[1] }
    return { state: 'new' }
  }

  async idempotencyComplete(key: string, response: StoredResponse, ttlMs: number): Promise<void> {
    await this.scripts.run(S.IDEM_COMPLETE, [`${this.prefix}i:${key}`], [ttlMs, this.now() + ttlMs, JSON.stringify(response)])
  }

  async idempotencyAbort(key: string): Promise<void> {
    await this.scripts.run(S.IDEM_ABORT, [`${this.prefix}i:${key}`], [])
  }

  // ---- sharing checks and shutdown --------------------------------------------------------------

  /**
   * Every process sharing this Redis must hash with the same server key: the first one to
   * start records a fingerprint of its key, the others compare theirs with it.
   */
  async ensureSameSecret(fingerprint: string): Promise<boolean> {
    const key = `${this.prefix}server-key-check`
    if (await this.client.set(key, fingerprint, 'NX')) return true
    return (await this.client.get(key)) === fingerprint
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.listeners.clear()
    await Promise.allSettled([this.sub.quit(), this.client.quit()])
    this.sub.disconnect()
    this.client.disconnect()
  }
}

function safeCall(fn: () => void): void {
  try {
    fn()
  } catch {
    // a listener's failure is its own
  }
}
