// The TV records the viewer's decision on each requested scope: first in the ledger, then on
// the live pairing. The ledger is what was decided: it holds one consent per pairing, and the
// live pairing follows it (also when a store failed between the two, on the TV's retry).
import { randomUUID } from 'node:crypto'
import { canonicalJson, SCOPES, type DecisionRequest, type DecisionResponse, type Decisions, type Scope } from '../../core/protocol'
import { safeEqual } from '../crypto'
import { ApiError } from '../errors'
import { LedgerConflict, type LedgerRecord } from '../storage/ledger'
import type { StoredResponse } from '../storage/live'
import type { ServiceDeps } from './deps'
import { runIdempotent, type IdempotentResult } from './idempotency'
import { checkOwnTv, noteLapsedLease, recordedOn, sameScreen, withConsentLock } from './recording'
import { loadPairing, transitionPairing } from './records'
import { stateError } from './refusals'

const OTHER_DEVICE = 'This pairing belongs to another device.'

/** The decision once per Idempotency-Key: the TV's ownership is checked first, before any stored answer is replayed. */
export function decideOnce(d: ServiceDeps, pairingId: string, key: string | undefined, body: DecisionRequest, auth: { deviceHash?: string } = {}): Promise<IdempotentResult> {
  return runIdempotent(d, `decision:${pairingId}`, key, body, (keyHash) => decide(d, pairingId, keyHash, body, auth), () => checkOwnTv(d, pairingId, auth.deviceHash, OTHER_DEVICE))
}

/** `keyHash`: the Idempotency-Key's HMAC, from `runIdempotent`; `auth.deviceHash` when the TV signed as its device. */
export function decide(d: ServiceDeps, pairingId: string, keyHash: string, body: DecisionRequest, auth: { deviceHash?: string } = {}): Promise<StoredResponse> {
  return withConsentLock(d, pairingId, 'Another decision for this pairing is being recorded.', async (lease) => {
    const rec = await loadPairing(d, pairingId)
    if (auth.deviceHash !== undefined && !safeEqual(auth.deviceHash, rec.deviceHash)) throw new ApiError(403, 'forbidden', OTHER_DEVICE)
    const recorded = (await d.ledger.byPairing(pairingId)).find((r) => r.kind === 'consent')
    if (recorded) return settle(d, recorded, keyHash, body)
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
    let receipt: LedgerRecord
    try {
      receipt = await d.ledger.append({
        kind: 'consent',
        receipt_id: randomUUID(),
        pairing_id: pairingId,
        decision_id: keyHash,
        subject: { device_id_hash: rec.deviceHash, device_name: rec.tvName },
        requester: { phone_name: rec.phoneName ?? '' },
        decisions: orderedDecisions(body.decisions),
        refers_to: null,
        notice: { ...body.notice },
        ...recordedOn(body, d.clock()),
      })
    } catch (e) {
      // Another request's consent (or this one's, by a retry that outlived its lease) came first.
      if (e instanceof LedgerConflict && e.existing?.kind === 'consent') return settle(d, e.existing, keyHash, body)
      throw e
    }
    noteLapsedLease(d, lease, pairingId, 'decision')
    return settle(d, receipt, keyHash, body)
  })
}

/**
 * Answers with the pairing's recorded consent: its receipt to the request that made it (same
 * payload), 409 to any other. First the live pairing catches up with it, changing state only
 * from `consent_pending` (compare-and-set), so a decided pairing is never decided again.
 */
async function settle(d: ServiceDeps, consent: LedgerRecord, keyHash: string, body: DecisionRequest): Promise<StoredResponse> {
  const res = responseOf(consent)
  const recordedAt = Date.parse(consent.server_time)
  const until = recordedAt + d.config.retentionS * 1000
  const decision = { decisions: res.decisions, receiptId: consent.receipt_id, recordedAt }
  await transitionPairing(d, consent.pairing_id, ['consent_pending'], (r) => ({ ...r, state: res.state, decision, expiresAt: until, purgeAt: until }), 'decided')
  if (consent.decision_id !== keyHash) throw new ApiError(409, 'already_decided', 'A decision for this request is already recorded.')
  if (canonicalJson(orderedDecisions(body.decisions)) !== canonicalJson(consent.decisions) || canonicalJson(body.notice) !== canonicalJson(consent.notice) || !sameScreen(consent, body))
    throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.', { field: '/' })
  return { status: 201, body: res }
}

function responseOf(consent: LedgerRecord): DecisionResponse & { state: 'granted' | 'denied' } {
  return {
    receipt_id: consent.receipt_id,
    pairing_id: consent.pairing_id,
    state: Object.values(consent.decisions).includes('granted') ? 'granted' : 'denied',
    decisions: consent.decisions as Decisions,
    recorded_at: consent.server_time,
    ledger_hash: consent.hash,
  }
}

function orderedDecisions(d: Partial<Record<Scope, string>>): Partial<Record<Scope, 'granted' | 'denied'>> {
  const out: Partial<Record<Scope, 'granted' | 'denied'>> = {}
  for (const s of SCOPES) if (d[s] !== undefined) out[s] = d[s] as 'granted' | 'denied'
  return out
}
