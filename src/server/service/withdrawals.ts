// The TV withdraws granted scopes: a new ledger record that refers to the consent (never an
// update), then the live pairing shows it.
import { randomUUID } from 'node:crypto'
import { SCOPES, type Scope, type WithdrawalRequest, type WithdrawalResponse } from '../../core/protocol'
import { ApiError } from '../errors'
import type { LedgerRecord } from '../storage/ledger'
import type { StoredResponse } from '../storage/live'
import type { ServiceDeps } from './deps'
import { recordedOn, withConsentLock } from './recording'
import { updatePairing } from './records'
import { iso } from './status'

/** `keyHash`: the Idempotency-Key's HMAC, from `runIdempotent`; `auth.deviceHash` when the TV signed as its device. */
export function withdraw(d: ServiceDeps, pairingId: string, keyHash: string, body: WithdrawalRequest, auth: { deviceHash?: string }): Promise<StoredResponse> {
  return withConsentLock(d, pairingId, 'Another change to this consent is being recorded.', async () => {
    const records = await d.ledger.byPairing(pairingId)
    const consent = [...records].reverse().find((r) => r.kind === 'consent')
    if (!consent) throw new ApiError(409, 'nothing_to_withdraw', 'No consent is recorded for this pairing.')
    if (auth.deviceHash !== undefined && auth.deviceHash !== consent.subject.device_id_hash)
      throw new ApiError(403, 'forbidden', 'This consent was given on another device.')
    const active = activeScopes(consent, records)
    const scopes = body.scopes ? SCOPES.filter((s) => body.scopes?.includes(s)) : active
    if (scopes.length === 0) throw new ApiError(409, 'nothing_to_withdraw', 'No granted scope is left to withdraw.')
    for (const s of scopes) if (!active.includes(s)) throw new ApiError(409, 'nothing_to_withdraw', `${s} is not granted (or already withdrawn).`, { field: '/scopes' })
    const now = d.clock()
    const decisions: Partial<Record<Scope, 'withdrawn'>> = {}
    for (const s of scopes) decisions[s] = 'withdrawn'
    const receipt = await d.ledger.append({
      kind: 'withdrawal',
      receipt_id: randomUUID(),
      pairing_id: pairingId,
      decision_id: keyHash,
      subject: consent.subject,
      requester: consent.requester,
      decisions,
      refers_to: consent.receipt_id,
      notice: consent.notice,
      ...recordedOn(body, now),
    })
    await updatePairing(
      d,
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
  })
}

/** Scopes granted by `consent` and not withdrawn since. */
export function activeScopes(consent: LedgerRecord, records: LedgerRecord[]): Scope[] {
  const withdrawn = new Set<Scope>()
  for (const r of records) if (r.kind === 'withdrawal' && r.refers_to === consent.receipt_id) for (const s of SCOPES) if (r.decisions[s] === 'withdrawn') withdrawn.add(s)
  return SCOPES.filter((s) => consent.decisions[s] === 'granted' && !withdrawn.has(s))
}
