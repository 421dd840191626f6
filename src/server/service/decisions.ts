// The TV records the viewer's decision on each requested scope: first in the ledger, then on
// the live pairing.
import { randomUUID } from 'node:crypto'
import { SCOPES, type DecisionRequest, type DecisionResponse, type Decisions, type Scope } from '../../core/protocol'
import { safeEqual } from '../crypto'
import { ApiError } from '../errors'
import type { StoredResponse } from '../storage/live'
import type { ServiceDeps } from './deps'
import { recordedOn, withConsentLock } from './recording'
import { loadPairing, updatePairing } from './records'
import { stateError } from './refusals'
import { iso } from './status'

/** `keyHash`: the Idempotency-Key's HMAC, from `runIdempotent`; `auth.deviceHash` when the TV signed as its device. */
export function decide(d: ServiceDeps, pairingId: string, keyHash: string, body: DecisionRequest, auth: { deviceHash?: string } = {}): Promise<StoredResponse> {
  return withConsentLock(d, pairingId, 'Another decision for this pairing is being recorded.', async () => {
    const rec = await loadPairing(d, pairingId)
    if (auth.deviceHash !== undefined && !safeEqual(auth.deviceHash, rec.deviceHash)) throw new ApiError(403, 'forbidden', 'This pairing belongs to another device.')
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
    const now = d.clock()
    const receipt = await d.ledger.append({
      kind: 'consent',
      receipt_id: randomUUID(),
      pairing_id: pairingId,
      decision_id: keyHash,
      subject: { device_id_hash: rec.deviceHash, device_name: rec.tvName },
      requester: { phone_name: rec.phoneName ?? '' },
      decisions: orderedDecisions(body.decisions),
      refers_to: null,
      notice: { ...body.notice },
      ...recordedOn(body, now),
    })
    const state = Object.values(body.decisions).includes('granted') ? 'granted' : 'denied'
    const decision = { decisions: orderedDecisions(body.decisions) as Decisions, receiptId: receipt.receipt_id, recordedAt: now }
    const until = now + d.config.retentionS * 1000
    await updatePairing(d, pairingId, (r) => ({ ...r, state, decision, expiresAt: until, purgeAt: until }), 'decided')
    const res: DecisionResponse = {
      receipt_id: receipt.receipt_id,
      pairing_id: pairingId,
      state,
      decisions: decision.decisions,
      recorded_at: iso(now),
      ledger_hash: receipt.hash,
    }
    return { status: 201, body: res }
  })
}

function orderedDecisions(d: Partial<Record<Scope, string>>): Partial<Record<Scope, 'granted' | 'denied'>> {
  const out: Partial<Record<Scope, 'granted' | 'denied'>> = {}
  for (const s of SCOPES) if (d[s] !== undefined) out[s] = d[s] as 'granted' | 'denied'
  return out
}
