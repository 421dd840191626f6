// The pairing state machine (DESIGN.md §3) over a LiveStore and a LedgerStore. Routes call it;
// it holds no per-process state, so several service processes can share one store.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import {
  COLLECTION_METHOD,
  FINAL_STATES,
  POLL_TOLERANCE,
  SCOPES,
  SLOW_DOWN_INCREMENT,
  canonicalJson,
  formatUserCode,
  normalizeQrToken,
  normalizeUserCode,
  type DecisionRequest,
  type DecisionResponse,
  type Decisions,
  type PairingEventType,
  type PairingState,
  type PairingStatus,
  type Scope,
  type WithdrawalRequest,
  type WithdrawalResponse,
} from '../../core/protocol'
import type { ServiceConfig } from '../config'
import { Hasher, newQrToken, randomToken, safeEqual, sha256Hex, userCodeFrom } from '../crypto'
import { ApiError, OAuthError } from '../errors'
import type { LedgerRecord, LedgerStore } from '../storage/ledger'
import type { LiveStore, NewEvent, PairingRecord, StoredResponse } from '../storage/live'

export type Role = 'tv' | 'phone'

export interface ServiceDeps {
  config: ServiceConfig
  live: LiveStore
  ledger: LedgerStore
  hasher: Hasher
  clock: () => number
  log: Logger
}

export interface CreatedPairing {
  record: PairingRecord
  qrToken: string
  userCode: string
  deviceCode: string
  tvToken: string
}

export interface IdempotentResult extends StoredResponse {
  replayed: boolean
}

const MAX_POLL_INTERVAL = 60
const LOCK_MS = 30_000
// Read once: every status poll consults these, and a binding imported through the protocol's
// index is a chain of getters on each access.
const FINAL: readonly PairingState[] = FINAL_STATES
const PACE_TOLERANCE = POLL_TOLERANCE
const PACE_INCREMENT = SLOW_DOWN_INCREMENT
/** `Authorization: Bearer <token>`; the token follows the 7 characters of `Bearer `. */
const BEARER = /^Bearer [A-Za-z0-9_-]{20,100}$/

/** Final, or not yet past its deadline: the record stands as stored (no expiry to apply). */
function isCurrent(rec: PairingRecord, now: number): boolean {
  return FINAL.includes(rec.state) || now < rec.expiresAt
}

let lastIsoMs = NaN
let lastIso = ''

/** RFC 3339 text of a time; the latest one is kept (status reads ask for the same ms often). */
export function iso(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIso = new Date(ms).toISOString()
    lastIsoMs = ms
  }
  return lastIso
}

/** `expires_at` text per stored record (records are replaced, never changed, so this stays right). */
const expiresIso = new WeakMap<PairingRecord, string>()

export class PairingService {
  constructor(private readonly d: ServiceDeps) {}

  get config(): ServiceConfig {
    return this.d.config
  }

  now(): number {
    return this.d.clock()
  }

  deviceHash(deviceId: string): string {
    return this.d.hasher.hash('device', deviceId)
  }

  // ---- reading ----------------------------------------------------------------------------

  statusOf(rec: PairingRecord): PairingStatus {
    const s: PairingStatus = {
      pairing_id: rec.id,
      state: rec.state,
      expires_at: expiresAt(rec),
      server_time: iso(this.now()),
      interval: rec.interval,
      event_id: rec.eventId,
      tv: { name: rec.tvName },
    }
    if (rec.phoneName !== undefined) s.phone = { name: rec.phoneName }
    if (rec.scopesRequested) s.scopes_requested = [...rec.scopesRequested]
    if (rec.decision) {
      s.decision = { decisions: { ...rec.decision.decisions }, receipt_id: rec.decision.receiptId, recorded_at: iso(rec.decision.recordedAt) }
      if (rec.decision.withdrawn?.length) s.decision.withdrawn = [...rec.decision.withdrawn]
    }
    return s
  }

  private event(type: PairingEventType): NewEvent {
    return { type, data: (rec) => JSON.stringify({ type, status: this.statusOf(rec) }) }
  }

  /** The pairing with its deadline applied (an overdue one becomes `expired`), or null. */
  async find(id: string): Promise<PairingRecord | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const rec = await this.d.live.getPairing(id)
      if (!rec) return null
      const now = this.now()
      if (isCurrent(rec, now)) return rec
      const next: PairingRecord = { ...rec, state: 'expired', expiresAt: now, purgeAt: now + this.config.retentionS * 1000 }
      const r = await this.d.live.casPairing(id, rec.version, next, this.event('expired'))
      if (r.ok && r.record) return r.record
    }
    return this.d.live.getPairing(id)
  }

  async load(id: string): Promise<PairingRecord> {
    // The first read of `find`, inline: a live or final pairing (every status poll but the one
    // that finds it overdue) costs one store read and no further hop.
    const first = await this.d.live.getPairing(id)
    const rec = first && isCurrent(first, this.now()) ? first : first && (await this.find(id))
    if (!rec) throw new ApiError(404, 'not_found', 'No such pairing (it may have ended and been forgotten).')
    return rec
  }

  /** Resolves a bearer token to its pairing and role; 401 when it is not one of `roles` for `pairingId`. */
  async authenticate(authorization: string | undefined, pairingId: string | null, roles: Role[]): Promise<{ pairingId: string; role: Role }> {
    if (authorization === undefined || !BEARER.test(authorization)) throw unauthorized('A bearer token is required (Authorization: Bearer <token>).')
    const token = authorization.slice(7)
    for (const role of roles) {
      const entry = await this.d.live.getToken(role, this.d.hasher.hash(role, token))
      if (entry && (pairingId === null || entry.pairingId === pairingId)) return { pairingId: entry.pairingId, role }
    }
    throw unauthorized('The token is not valid for this pairing.')
  }

  /** Plain-poll pacing: 429 `slow_down` when polled faster than the interval (20% tolerance). */
  async pacePoll(rec: PairingRecord, who: string): Promise<number> {
    const r = await this.pace(rec, who)
    if (!r.ok)
      throw new ApiError(429, 'slow_down', `Polling too fast: wait at least ${r.interval} s between polls, or use the events stream or ?wait=.`, {
        interval: r.interval,
        retryAfter: r.interval,
      })
    return r.interval
  }

  private pace(rec: PairingRecord, who: string) {
    return this.d.live.pace(`poll:${rec.id}:${who}`, rec.interval, {
      tolerance: PACE_TOLERANCE,
      increment: PACE_INCREMENT,
      max: MAX_POLL_INTERVAL,
      ttlMs: Math.max(rec.purgeAt - this.now(), 60_000),
    })
  }

  // ---- TV: create -------------------------------------------------------------------------

  async create(deviceId: string, deviceName: string): Promise<CreatedPairing> {
    const cfg = this.config
    const deviceHash = this.deviceHash(deviceId)
    const lim = await this.d.live.incr(`limit:create:${deviceHash}`, cfg.limits.pairingsPerDeviceWindowS * 1000)
    if (lim.count > cfg.limits.pairingsPerDevice) throw rateLimited(lim.resetAt - this.now(), 'This device created too many pairings; try again later.')
    for (let attempt = 0; attempt < 8; attempt++) {
      const now = this.now()
      const qrToken = newQrToken()
      const userCode = userCodeFrom(this.d.hasher.deriveBytes('user_code', qrToken))
      const deviceCode = randomToken()
      const tvToken = this.d.hasher.derive('tv_token', deviceCode)
      const expiresAt = now + cfg.pairingTtlS * 1000
      const record: PairingRecord = {
        id: `p_${randomToken(16)}`,
        version: 1,
        state: 'created',
        createdAt: now,
        expiresAt,
        purgeAt: expiresAt + cfg.retentionS * 1000,
        deviceHash,
        tvName: deviceName,
        interval: cfg.pollIntervalS,
        eventId: 1,
      }
      const h = this.d.hasher
      const ok = await this.d.live.createPairing(
        record,
        [
          { kind: 'qr', hash: h.hash('qr', qrToken) },
          { kind: 'user_code', hash: h.hash('user_code', userCode) },
          { kind: 'tv', hash: h.hash('tv', tvToken) },
          { kind: 'device_code', hash: h.hash('device_code', deviceCode) },
        ],
        this.event('status'),
      )
      if (ok) return { record: (await this.d.live.getPairing(record.id)) ?? record, qrToken, userCode, deviceCode, tvToken }
    }
    throw new ApiError(503, 'unavailable', 'Could not allocate a unique code; try again.')
  }

  // ---- phone: claim -----------------------------------------------------------------------

  async claim(input: { qrToken?: string; userCode?: string; phoneName: string; ip: string }) {
    const cfg = this.config
    const L = cfg.limits
    if ((input.qrToken === undefined) === (input.userCode === undefined))
      throw new ApiError(400, 'invalid_request', 'Send exactly one of qr_token and user_code.', { field: input.qrToken === undefined ? '/user_code' : '/qr_token' })
    const ipLim = await this.d.live.incr(`limit:claim:ip:${input.ip}`, L.claimsPerIpWindowS * 1000)
    if (ipLim.count > L.claimsPerIp) throw rateLimited(ipLim.resetAt - this.now(), 'Too many pairing attempts from this network; wait a few minutes.')
    const globalLim = await this.d.live.incr('limit:claim:global', L.claimsGlobalWindowS * 1000)
    if (globalLim.count > L.claimsGlobal) throw rateLimited(globalLim.resetAt - this.now(), 'The service is receiving too many pairing attempts; try again shortly.')

    const h = this.d.hasher
    let pairingId: string
    let userCode: string
    if (input.qrToken !== undefined) {
      const token = normalizeQrToken(input.qrToken)
      if (!token) throw new ApiError(404, 'invalid_code', 'This pairing link is not valid. Scan the code on the TV again.', { field: '/qr_token' })
      const used = await this.d.live.useToken('qr', h.hash('qr', token))
      if (!used) throw new ApiError(404, 'invalid_code', 'This pairing link is not valid or has ended. Scan the code on the TV again.', { field: '/qr_token' })
      pairingId = used.pairingId
      userCode = userCodeFrom(h.deriveBytes('user_code', token))
      if (!used.firstUse) {
        await this.countPairingClaim(pairingId)
        await this.revoke(pairingId)
        throw new ApiError(409, 'qr_token_reused', 'This code was already used, so the pairing has been cancelled for safety. Start again on the TV.', { field: '/qr_token' })
      }
    } else {
      const code = normalizeUserCode(input.userCode as string)
      if (!code) throw new ApiError(400, 'invalid_code', 'A code has 8 letters from BCDFGHJKLMNPQRSTVWXZ, like WDJB-MJHT.', { field: '/user_code' })
      const entry = await this.d.live.getToken('user_code', h.hash('user_code', code))
      if (!entry) throw new ApiError(404, 'invalid_code', 'No TV shows this code. Check the code on the TV screen.', { field: '/user_code' })
      pairingId = entry.pairingId
      userCode = code
    }
    await this.countPairingClaim(pairingId)

    const rec = await this.load(pairingId)
    this.assertClaimable(rec)
    const phoneToken = randomToken()
    await this.d.live.addToken('phone', h.hash('phone', phoneToken), pairingId)
    const now = this.now()
    const expiresAt = now + cfg.claimedTtlS * 1000
    const next: PairingRecord = { ...rec, state: 'claimed', phoneName: input.phoneName, expiresAt, purgeAt: expiresAt + cfg.retentionS * 1000 }
    const r = await this.d.live.casPairing(pairingId, rec.version, next, this.event('claimed'))
    if (!r.ok || !r.record) {
      this.assertClaimable(await this.load(pairingId))
      throw new ApiError(409, 'already_claimed', 'Another phone has just paired with this TV.')
    }
    return {
      pairing_id: pairingId,
      phone_token: phoneToken,
      tv_name: r.record.tvName,
      user_code: formatUserCode(userCode),
      state: r.record.state,
      expires_at: iso(r.record.expiresAt),
      server_time: iso(this.now()),
    }
  }

  private async countPairingClaim(pairingId: string): Promise<void> {
    const lim = await this.d.live.incr(`limit:claim:pairing:${pairingId}`, (this.config.pairingTtlS + this.config.claimedTtlS) * 1000)
    if (lim.count > this.config.limits.claimsPerPairing) throw rateLimited(lim.resetAt - this.now(), 'Too many attempts to pair with this TV; start again on the TV.')
  }

  private assertClaimable(rec: PairingRecord): void {
    if (rec.state === 'created') return
    if (rec.state === 'expired') throw new ApiError(410, 'expired', 'This code has expired. Ask the TV for a new one.')
    if (rec.state === 'revoked') throw new ApiError(410, 'pairing_revoked', 'This pairing was cancelled. Start again on the TV.')
    throw new ApiError(409, 'already_claimed', 'A phone has already paired with this TV using this code.')
  }

  async revoke(pairingId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const rec = await this.find(pairingId)
      if (!rec || FINAL.includes(rec.state)) return
      const now = this.now()
      const next: PairingRecord = { ...rec, state: 'revoked', expiresAt: now, purgeAt: now + this.config.retentionS * 1000 }
      if ((await this.d.live.casPairing(pairingId, rec.version, next, this.event('revoked'))).ok) {
        this.d.log.warn({ pairing: pairingId }, 'pairing revoked: QR token presented twice')
        return
      }
    }
  }

  // ---- phone: provisioning request -----------------------------------------------------------

  async requestProvisioning(pairingId: string, scopes: Scope[]): Promise<PairingStatus> {
    const rec = await this.load(pairingId)
    if (rec.state !== 'claimed') throw stateError(rec, 'A provisioning request can only follow a fresh pairing.')
    const now = this.now()
    const expiresAt = now + this.config.decisionWindowS * 1000
    const ordered = SCOPES.filter((s) => scopes.includes(s))
    const next: PairingRecord = { ...rec, state: 'consent_pending', scopesRequested: ordered, expiresAt, purgeAt: expiresAt + this.config.retentionS * 1000 }
    const r = await this.d.live.casPairing(pairingId, rec.version, next, this.event('consent_requested'))
    if (!r.ok || !r.record) throw stateError(await this.load(pairingId), 'The pairing changed meanwhile.')
    return this.statusOf(r.record)
  }

  // ---- idempotency ------------------------------------------------------------------------

  /**
   * Runs `fn` once per (pairing, Idempotency-Key) and payload (draft-ietf-httpapi-idempotency-key-header).
   * `fn` gets the key's HMAC (the ledger's decision id), computed once here.
   */
  async idempotent(scope: string, key: string | undefined, payload: unknown, fn: (keyHash: string) => Promise<StoredResponse>): Promise<IdempotentResult> {
    const keyHash = this.d.hasher.hash('idem', parseIdempotencyKey(key))
    const storeKey = `idem:${scope}:${keyHash}`
    const fingerprint = sha256Hex(canonicalJson(payload))
    const ttl = this.config.retentionS * 1000
    // In flight, the entry is a short lease: a process that dies mid-request must not block the
    // client's retries for the whole retention; the stored response then keeps the full retention.
    const begin = await this.d.live.idempotencyBegin(storeKey, fingerprint, Math.min(ttl, LOCK_MS))
    if (begin.state !== 'new') {
      if (begin.fingerprint !== fingerprint)
        throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.', { field: '/' })
      if (begin.state === 'in_flight') throw new ApiError(409, 'request_in_flight', 'A request with this Idempotency-Key is still being processed; retry shortly.')
      return { ...begin.response, replayed: true }
    }
    try {
      const res = await fn(keyHash)
      await this.d.live.idempotencyComplete(storeKey, res, ttl)
      return { ...res, replayed: false }
    } catch (e) {
      await this.d.live.idempotencyAbort(storeKey)
      throw e
    }
  }

  // ---- TV: decision -----------------------------------------------------------------------

  /** `keyHash`: the Idempotency-Key's HMAC, from `idempotent`. */
  async decide(pairingId: string, keyHash: string, body: DecisionRequest, auth: { deviceHash?: string } = {}): Promise<StoredResponse> {
    const lock = `lock:decision:${pairingId}`
    if (!(await this.d.live.putOnce(lock, LOCK_MS))) throw new ApiError(409, 'decision_in_progress', 'Another decision for this pairing is being recorded.')
    try {
      const rec = await this.load(pairingId)
      if (auth.deviceHash !== undefined && !safeEqual(auth.deviceHash, rec.deviceHash))
        throw new ApiError(403, 'forbidden', 'This pairing belongs to another device.')
      if (rec.state === 'expired' && rec.scopesRequested)
        throw new ApiError(410, 'decision_window_closed', 'The time to decide on this request has passed; the phone must ask again.')
      if (rec.state === 'granted' || rec.state === 'denied') throw new ApiError(409, 'already_decided', 'A decision for this request is already recorded.')
      if (rec.state !== 'consent_pending') throw stateError(rec, 'There is no pending provisioning request to decide.')
      const requested = rec.scopesRequested ?? []
      for (const s of SCOPES) {
        const has = body.decisions[s] !== undefined
        if (has && !requested.includes(s)) throw new ApiError(400, 'invalid_scopes', `The phone did not ask for ${s}.`, { field: `/decisions/${s}` })
        if (!has && requested.includes(s)) throw new ApiError(400, 'invalid_scopes', `A decision on ${s} is required: each requested scope is decided separately.`, { field: `/decisions/${s}` })
      }
      const now = this.now()
      const receipt = await this.d.ledger.append({
        kind: 'consent',
        receipt_id: randomUUID(),
        pairing_id: pairingId,
        decision_id: keyHash,
        subject: { device_id_hash: rec.deviceHash, device_name: rec.tvName },
        requester: { phone_name: rec.phoneName ?? '' },
        decisions: orderedDecisions(body.decisions),
        refers_to: null,
        notice: { ...body.notice },
        collection_method: COLLECTION_METHOD,
        screen_id: body.screen_id,
        app_version: body.app_version,
        firmware_version: body.firmware_version ?? null,
        server_time: iso(now),
        device_time: body.device_time,
      })
      const state = Object.values(body.decisions).includes('granted') ? 'granted' : 'denied'
      const decision = { decisions: orderedDecisions(body.decisions) as Decisions, receiptId: receipt.receipt_id, recordedAt: now }
      await this.update(pairingId, (r) => ({ ...r, state, decision, expiresAt: now + this.config.retentionS * 1000, purgeAt: now + this.config.retentionS * 1000 }), 'decided')
      const res: DecisionResponse = {
        receipt_id: receipt.receipt_id,
        pairing_id: pairingId,
        state,
        decisions: decision.decisions,
        recorded_at: iso(now),
        ledger_hash: receipt.hash,
      }
      return { status: 201, body: res }
    } finally {
      await this.d.live.release(lock)
    }
  }

  /** Applies `change` with compare-and-set, retrying on concurrent changes; no-op when the pairing is gone. */
  private async update(pairingId: string, change: (r: PairingRecord) => PairingRecord, type: PairingEventType): Promise<PairingRecord | null> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const rec = await this.d.live.getPairing(pairingId)
      if (!rec) return null
      const r = await this.d.live.casPairing(pairingId, rec.version, change(rec), this.event(type))
      if (r.ok && r.record) return r.record
    }
    this.d.log.error({ pairing: pairingId }, 'could not apply a recorded change to the live pairing')
    return null
  }

  // ---- TV: withdrawal ---------------------------------------------------------------------

  /** `keyHash`: the Idempotency-Key's HMAC, from `idempotent`. */
  async withdraw(pairingId: string, keyHash: string, body: WithdrawalRequest, auth: { deviceHash?: string }): Promise<StoredResponse> {
    const lock = `lock:decision:${pairingId}`
    if (!(await this.d.live.putOnce(lock, LOCK_MS))) throw new ApiError(409, 'decision_in_progress', 'Another change to this consent is being recorded.')
    try {
      const records = await this.d.ledger.byPairing(pairingId)
      const consent = [...records].reverse().find((r) => r.kind === 'consent')
      if (!consent) throw new ApiError(409, 'nothing_to_withdraw', 'No consent is recorded for this pairing.')
      if (auth.deviceHash !== undefined && auth.deviceHash !== consent.subject.device_id_hash)
        throw new ApiError(403, 'forbidden', 'This consent was given on another device.')
      const active = activeScopes(consent, records)
      const scopes = body.scopes ? SCOPES.filter((s) => body.scopes?.includes(s)) : active
      if (scopes.length === 0) throw new ApiError(409, 'nothing_to_withdraw', 'No granted scope is left to withdraw.')
      for (const s of scopes) if (!active.includes(s)) throw new ApiError(409, 'nothing_to_withdraw', `${s} is not granted (or already withdrawn).`, { field: '/scopes' })
      const now = this.now()
      const decisions: Partial<Record<Scope, 'withdrawn'>> = {}
      for (const s of scopes) decisions[s] = 'withdrawn'
      const receipt = await this.d.ledger.append({
        kind: 'withdrawal',
        receipt_id: randomUUID(),
        pairing_id: pairingId,
        decision_id: keyHash,
        subject: consent.subject,
        requester: consent.requester,
        decisions,
        refers_to: consent.receipt_id,
        notice: consent.notice,
        collection_method: COLLECTION_METHOD,
        screen_id: body.screen_id,
        app_version: body.app_version,
        firmware_version: body.firmware_version ?? null,
        server_time: iso(now),
        device_time: body.device_time,
      })
      await this.update(
        pairingId,
        (r) => (r.decision ? { ...r, decision: { ...r.decision, withdrawn: SCOPES.filter((s) => scopes.includes(s) || r.decision?.withdrawn?.includes(s)) } } : r),
        'withdrawn',
      )
      const res: WithdrawalResponse = {
        receipt_id: receipt.receipt_id,
        pairing_id: pairingId,
        refers_to: consent.receipt_id,
        withdrawn: scopes,
        recorded_at: iso(now),
        ledger_hash: receipt.hash,
      }
      return { status: 201, body: res }
    } finally {
      await this.d.live.release(lock)
    }
  }

  // ---- OAuth 2.0 device authorization grant ----------------------------------------------------

  async tokenGrant(deviceCode: string, clientId: string | undefined) {
    const h = this.d.hasher
    const entry = /^[A-Za-z0-9_-]{20,100}$/.test(deviceCode) ? await this.d.live.getToken('device_code', h.hash('device_code', deviceCode)) : null
    if (!entry) throw new OAuthError(400, 'invalid_grant', 'Unknown or expired device_code.')
    const rec = await this.find(entry.pairingId)
    if (!rec) throw new OAuthError(400, 'expired_token', 'The device_code has expired.')
    if (clientId !== undefined && this.deviceHash(clientId) !== rec.deviceHash) throw new OAuthError(400, 'invalid_grant', 'The device_code was issued to another client.')
    if (entry.used) throw new OAuthError(400, 'invalid_grant', 'The device_code was already exchanged.')
    const pace = await this.pace(rec, 'oauth')
    if (!pace.ok) throw new OAuthError(400, 'slow_down', `Polling too fast: wait ${pace.interval} s between requests.`, { interval: pace.interval })
    if (rec.state === 'created') throw new OAuthError(400, 'authorization_pending', 'Waiting for a phone to scan the code or enter the user code.')
    if (rec.state === 'expired') throw new OAuthError(400, 'expired_token', 'The device_code has expired; start again.')
    if (rec.state === 'revoked') throw new OAuthError(400, 'access_denied', 'The pairing was cancelled.')
    const used = await this.d.live.useToken('device_code', h.hash('device_code', deviceCode))
    if (!used?.firstUse) throw new OAuthError(400, 'invalid_grant', 'The device_code was already exchanged.')
    return {
      access_token: h.derive('tv_token', deviceCode),
      token_type: 'Bearer' as const,
      expires_in: Math.max(1, Math.floor((rec.purgeAt - this.now()) / 1000)),
      pairing_id: rec.id,
    }
  }

  /** Pairing deadline check for waiters (SSE, long-poll): expires the pairing when overdue. */
  async tick(pairingId: string): Promise<void> {
    await this.find(pairingId)
  }
}

function expiresAt(rec: PairingRecord): string {
  let text = expiresIso.get(rec)
  if (text === undefined) {
    text = new Date(rec.expiresAt).toISOString()
    expiresIso.set(rec, text)
  }
  return text
}

function orderedDecisions(d: Partial<Record<Scope, string>>): Partial<Record<Scope, 'granted' | 'denied'>> {
  const out: Partial<Record<Scope, 'granted' | 'denied'>> = {}
  for (const s of SCOPES) if (d[s] !== undefined) out[s] = d[s] as 'granted' | 'denied'
  return out
}

/** Scopes granted by `consent` and not withdrawn since. */
export function activeScopes(consent: LedgerRecord, records: LedgerRecord[]): Scope[] {
  const withdrawn = new Set<Scope>()
  for (const r of records) if (r.kind === 'withdrawal' && r.refers_to === consent.receipt_id) for (const s of SCOPES) if (r.decisions[s] === 'withdrawn') withdrawn.add(s)
  return SCOPES.filter((s) => consent.decisions[s] === 'granted' && !withdrawn.has(s))
}

export function parseIdempotencyKey(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new ApiError(400, 'idempotency_key_missing', 'The Idempotency-Key header is required for this request.')
  const m = /^"([\x20\x21\x23-\x5b\x5d-\x7e]{1,255})"$/.exec(raw) ?? /^([\x21\x23-\x2b\x2d-\x7e]{1,255})$/.exec(raw)
  if (!m) throw new ApiError(400, 'idempotency_key_invalid', 'Idempotency-Key must be 1–255 visible ASCII characters (a structured-field string).')
  return m[1]
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } })
}

function rateLimited(ms: number, message: string): ApiError {
  const s = Math.max(1, Math.ceil(ms / 1000))
  return new ApiError(429, 'rate_limited', message, { retryAfter: s })
}

function stateError(rec: PairingRecord, message: string): ApiError {
  if (rec.state === 'expired') return new ApiError(410, 'expired', 'This pairing has expired.')
  if (rec.state === 'revoked') return new ApiError(410, 'pairing_revoked', 'This pairing was cancelled.')
  return new ApiError(409, 'invalid_state', `${message} (state: ${rec.state})`)
}
