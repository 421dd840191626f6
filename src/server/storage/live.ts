// Live state of the pairing service: pairings and their secret indexes, rate-limit counters,
// poll pacing, idempotency entries, one-shot keys (nonces, locks) and each pairing's event log.
// Every method is async and atomic on its own so a Redis implementation (hashes with TTL,
// SET NX PX, Lua for compare-and-set, Streams for events, pub/sub as a wake-up) can replace the
// in-memory one without touching the routes. Keys and token hashes only, never raw secrets.
import type { Decisions, PairingEventType, PairingState, Scope } from '../../core/protocol'

export interface PairingDecisionRecord {
  decisions: Decisions
  receiptId: string
  recordedAt: number
  withdrawn?: Scope[]
}

export interface PairingRecord {
  id: string
  /** Compare-and-set version: bumped by every successful `casPairing`. */
  version: number
  state: PairingState
  createdAt: number
  /** Deadline of the current state (ms since epoch). */
  expiresAt: number
  /** When the store may forget the pairing (ms since epoch). */
  purgeAt: number
  /** HMAC of the device id. */
  deviceHash: string
  tvName: string
  /** Seconds between plain polls advertised to clients. */
  interval: number
  /** Id of the newest event (kept by the store). */
  eventId: number
  phoneName?: string
  /** The secret the phone claimed with: a second claimant with either one cancels the pairing unless both typed the code. */
  claimedWith?: 'qr' | 'user_code'
  scopesRequested?: Scope[]
  decision?: PairingDecisionRecord
}

export type TokenKind = 'qr' | 'user_code' | 'tv' | 'phone' | 'device_code'

export interface TokenEntry {
  pairingId: string
  used: boolean
}

export interface StoredEvent {
  /** Monotonically increasing per pairing, from 1. */
  id: number
  type: PairingEventType
  /** JSON text of the event payload. */
  data: string
  at: number
}

export interface NewEvent {
  type: PairingEventType
  /** Builds the payload from the record as stored and the event id it gets. */
  data: (record: PairingRecord, eventId: number) => string
}

export interface StoredResponse {
  status: number
  body: unknown
}

export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'in_flight'; fingerprint: string }
  | { state: 'done'; fingerprint: string; response: StoredResponse }

export interface CounterResult {
  count: number
  /** ms since epoch when the window restarts. */
  resetAt: number
}

/** A per-key limit counted in the same step as the write it guards (fixed window, as `incr`). */
export interface CountedLimit {
  key: string
  /** The write is refused once the count in the window exceeds this. */
  max: number
  windowMs: number
}

/** How a pairing creation went: `limited` carries the counter when the limit refused it. */
export type CreateResult = { ok: true } | { ok: false; limited?: CounterResult }

/** One device authentication attempt, decided by the store in one step. */
export interface AuthAttempt {
  /** The failure counter of the device (fixed window, as `incr`). */
  failureKey: string
  /** The attempt is refused, unchecked and uncounted, while the window holds this many failures. */
  maxFailures: number
  failureWindowMs: number
  /** Whether the credential checked out: false counts a failure. */
  valid: boolean
  /** Set once when the credential is valid (SET NX PX): a replay finds it set. */
  nonce?: { key: string; ttlMs: number }
}

export type AuthOutcome = { outcome: 'ok' } | { outcome: 'failed' } | { outcome: 'replayed' } | { outcome: 'throttled'; resetAt: number }

export interface PaceResult {
  ok: boolean
  /** Interval in force after this poll, seconds. */
  interval: number
}

export interface LiveStore {
  /**
   * Stores a new pairing, its token indexes and its first event; not ok when the id or a token
   * hash is taken. With `limit`, first counts one against it and stores nothing when over.
   */
  createPairing(record: PairingRecord, tokens: { kind: TokenKind; hash: string }[], event: NewEvent, limit?: CountedLimit): Promise<CreateResult>
  getPairing(id: string): Promise<PairingRecord | null>
  /** Replaces the pairing when its version is still `expectedVersion` and appends `event`. */
  casPairing(id: string, expectedVersion: number, next: PairingRecord, event?: NewEvent): Promise<{ ok: boolean; record?: PairingRecord; event?: StoredEvent }>
  /** Adds a token index entry living as long as the pairing; false when the hash exists. */
  addToken(kind: TokenKind, hash: string, pairingId: string): Promise<boolean>
  getToken(kind: TokenKind, hash: string): Promise<TokenEntry | null>
  /** Marks a one-time token used, atomically; tells whether this call was the first use. */
  useToken(kind: TokenKind, hash: string): Promise<{ pairingId: string; firstUse: boolean } | null>
  /** Events with id > afterId, oldest first (the log keeps the latest ones only). */
  events(pairingId: string, afterId: number): Promise<StoredEvent[]>
  /** Calls `onWake` after any event is appended to the pairing; returns the unsubscribe. */
  subscribe(pairingId: string, onWake: () => void): () => void
  /**
   * Fixed-window counter: increments and returns the count in the current window. A store that
   * bounds how many counters it holds answers a new key, while full, as over any limit.
   */
  incr(key: string, windowMs: number): Promise<CounterResult>
  /** The count in a counter's current window without counting (0 when it has none). */
  peek(key: string): Promise<CounterResult>
  /**
   * Poll pacing (RFC 8628 §3.5): a poll earlier than interval × (1 − tolerance) after the
   * previous one is refused and raises the interval by `increment` (up to `max`).
   */
  pace(key: string, intervalS: number, opts: { tolerance: number; increment: number; max: number; ttlMs: number }): Promise<PaceResult>
  /** Throttle check, failure count and nonce of one authentication, atomically (see AuthAttempt). */
  authAttempt(a: AuthAttempt): Promise<AuthOutcome>
  /** Sets `key` if absent (SET NX PX): true when this call set it. */
  putOnce(key: string, ttlMs: number): Promise<boolean>
  release(key: string): Promise<void>
  /** Starts an idempotent request, or tells how an earlier one with this key stands. */
  idempotencyBegin(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyBegin>
  idempotencyComplete(key: string, response: StoredResponse, ttlMs: number): Promise<void>
  idempotencyAbort(key: string): Promise<void>
  close(): Promise<void>
}
