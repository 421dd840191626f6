// The TV withdraws granted scopes: a new ledger record that refers to the consent (never an
// update), then the live pairing shows it. The ledger refuses a withdrawal of what is not
// granted, and answers a retry whose stored answer is gone with the record it made.
import { randomUUID } from 'node:crypto'
import { SCOPES, type Scope, type WithdrawalRequest, type WithdrawalResponse } from '../../core/protocol'
import { safeEqual } from '../crypto'
import { ApiError } from '../errors'
import { activeScopes, LedgerConflict, type LedgerRecord } from '../storage/ledger'
import type { StoredResponse } from '../storage/live'
import type { ServiceDeps } from './deps'
import { runIdempotent, type IdempotentResult } from './idempotency'
import { checkOwnTv, noteLapsedLease, recordedOn, sameScreen, withConsentLock } from './recording'
import { updatePairing } from './records'

const OTHER_DEVICE = 'This consent was given on another device.'

/** The withdrawal once per Idempotency-Key: the TV's ownership is checked first, before any stored answer is replayed. */
export function withdrawOnce(d: ServiceDeps, pairingId: string, key: string | undefined, body: WithdrawalRequest, auth: { deviceHash?: string }): Promise<IdempotentResult> {
  return runIdempotent(d, `withdrawal:${pairingId}`, key, body, (keyHash) => withdraw(d, pairingId, keyHash, body, auth), () => checkOwnTv(d, pairingId, auth.deviceHash, OTHER_DEVICE))
}

/** `keyHash`: the Idempotency-Key's HMAC, from `runIdempotent`; `auth.deviceHash` when the TV signed as its device. */
export function withdraw(d: ServiceDeps, pairingId: string, keyHash: string, body: WithdrawalRequest, auth: { deviceHash?: string }): Promise<StoredResponse> {
  return withConsentLock(d, pairingId, 'Another change to this consent is being recorded.', async (lease) => {
    const records = await d.ledger.byPairing(pairingId)
    // Newest first: a ledger from before one consent per pairing was enforced may hold several.
    const consents = records.filter((r) => r.kind === 'consent').reverse()
    if (consents.length === 0) throw new ApiError(409, 'nothing_to_withdraw', 'No consent is recorded for this pairing.')
    if (auth.deviceHash !== undefined && !safeEqual(auth.deviceHash, consents[0].subject.device_id_hash)) throw new ApiError(403, 'forbidden', OTHER_DEVICE)
    const done = records.find((r) => r.kind === 'withdrawal' && r.decision_id === keyHash)
    if (done) return settle(d, done, body)
    const consent = consents.find((c) => activeScopes(c, records).length > 0) ?? consents[0]
    const active = activeScopes(consent, records)
    const scopes = body.scopes ? SCOPES.filter((s) => body.scopes?.includes(s)) : active
    if (scopes.length === 0) throw new ApiError(409, 'nothing_to_withdraw', 'No granted scope is left to withdraw.')
    for (const s of scopes) if (!active.includes(s)) throw new ApiError(409, 'nothing_to_withdraw', `${s} is not granted (or already withdrawn).`, { field: '/scopes' })
    const decisions: Partial<Record<Scope, 'withdrawn'>> = {}
    for (const s of scopes) decisions[s] = 'withdrawn'
    let receipt: LedgerRecord
    try {
      receipt = await d.ledger.append({
        kind: 'withdrawal',
        receipt_id: randomUUID(),
        pairing_id: pairingId,
        decision_id: keyHash,
        subject: consent.subject,
        requester: consent.requester,
        decisions,
        refers_to: consent.receipt_id,
        notice: consent.notice,
        ...recordedOn(body, d.clock()),
      })
    } catch (e) {
      if (e instanceof LedgerConflict && e.code === 'duplicate_request' && e.existing) return settle(d, e.existing, body)
      if (e instanceof LedgerConflict && e.code === 'not_withdrawable') throw new ApiError(409, 'nothing_to_withdraw', 'What this asks to withdraw was withdrawn meanwhile.', { field: '/scopes' })
      throw e
    }
    noteLapsedLease(d, lease, pairingId, 'withdrawal')
    return settle(d, receipt, body)
  })
}

/** Shows a recorded withdrawal on the live pairing and answers with its receipt; 422 when the request is another than the one that made it. */
async function settle(d: ServiceDeps, withdrawal: LedgerRecord, body: WithdrawalRequest): Promise<StoredResponse> {
  const withdrawn = SCOPES.filter((s) => withdrawal.decisions[s] === 'withdrawn')
  if (!sameScreen(withdrawal, body) || (body.scopes && SCOPES.some((s) => body.scopes?.includes(s) !== withdrawn.includes(s))))
    throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.', { field: '/' })
  const live = await d.live.getPairing(withdrawal.pairing_id)
  // A retry after the pairing already shows it changes nothing (and tells nobody again).
  if (live?.decision && !withdrawn.every((s) => live.decision?.withdrawn?.includes(s)))
    await updatePairing(
      d,
      withdrawal.pairing_id,
      (r) => (r.decision ? { ...r, decision: { ...r.decision, withdrawn: SCOPES.filter((s) => withdrawn.includes(s) || r.decision?.withdrawn?.includes(s)) } } : r),
      'withdrawn',
    )
  const res: WithdrawalResponse = {
    receipt_id: withdrawal.receipt_id,
    pairing_id: withdrawal.pairing_id,
    refers_to: withdrawal.refers_to ?? '',
    withdrawn,
    recorded_at: withdrawal.server_time,
    ledger_hash: withdrawal.hash,
  }
  return { status: 201, body: res }
}
