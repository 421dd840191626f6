// The paired phone asks the TV for provisioning consent on a set of scopes.
import { SCOPES, type PairingStatus, type Scope } from '../../core/protocol'
import type { PairingRecord } from '../storage/live'
import type { ServiceDeps } from './deps'
import { loadPairing } from './records'
import { stateError } from './refusals'
import { statusEvent, statusOf } from './status'

export async function requestProvisioning(d: ServiceDeps, pairingId: string, scopes: Scope[]): Promise<PairingStatus> {
  const rec = await loadPairing(d, pairingId)
  if (rec.state !== 'claimed') throw stateError(rec, 'A provisioning request can only follow a fresh pairing.')
  const now = d.clock()
  const expiresAt = now + d.config.decisionWindowS * 1000
  const ordered = SCOPES.filter((s) => scopes.includes(s))
  const next: PairingRecord = { ...rec, state: 'consent_pending', scopesRequested: ordered, expiresAt, purgeAt: expiresAt + d.config.retentionS * 1000 }
  const r = await d.live.casPairing(pairingId, rec.version, next, statusEvent('consent_requested', d.clock))
  if (!r.ok || !r.record) throw stateError(await loadPairing(d, pairingId), 'The pairing changed meanwhile.')
  return statusOf(r.record, d.clock())
}
