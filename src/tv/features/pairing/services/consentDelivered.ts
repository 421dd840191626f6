// What happens once the service acknowledged a decision or a withdrawal, wherever it was sent
// from: the TV's copy of its consents follows, and firmware starts or stops what was granted.
import type { DecisionResponse, Scope, WithdrawalRequest } from '../../../../core/protocol'
import { log } from '../../../qa/testHook'
import type { PlatformBridge, ProvisioningGrant } from '../../../platform/PlatformBridge'
import type { ConsentHistoryStore } from './ConsentHistoryStore'
import type { OutboxEvent } from './ConsentOutbox'

export function onConsentDelivered(e: OutboxEvent, history: ConsentHistoryStore, bridge: PlatformBridge): void {
  if (e.type !== 'delivered') return
  if (e.entry.kind === 'decision') {
    const res = e.body as DecisionResponse
    const granted = (Object.keys(res.decisions) as Scope[]).filter((s) => res.decisions[s] === 'granted')
    const phoneName = e.entry.meta?.phoneName ?? ''
    const policyVersion = e.entry.meta?.policyVersion ?? ''
    // Only a consent can be withdrawn: an answer that granted nothing is not listed.
    if (!granted.length) return
    history.add({ pairingId: res.pairing_id, receiptId: res.receipt_id, phoneName, decisions: res.decisions, policyVersion, decidedAt: res.recorded_at, withdrawn: [] })
    startProvisioning(bridge, granted, { pairingId: res.pairing_id, receiptId: res.receipt_id, phoneName, decisions: res.decisions })
  } else {
    const body = e.entry.body as WithdrawalRequest
    const scopes = body.scopes ?? []
    history.markWithdrawn(e.entry.pairingId, scopes)
    void bridge.provisioningWithdrawn?.(scopes, e.entry.pairingId)
  }
}

/** Hands the granted scopes to firmware (`onProvisioning`, or a bridge's older `provisioningAuthorized`). */
function startProvisioning(bridge: PlatformBridge, scopes: Scope[], grant: ProvisioningGrant): void {
  const start = bridge.onProvisioning ?? bridge.provisioningAuthorized
  if (!start) return log(`provisioning not started: the platform bridge has no onProvisioning (${scopes.join(',')})`)
  Promise.resolve()
    .then(() => start.call(bridge, scopes, grant))
    .catch((err: unknown) => log(`provisioning failed to start: ${err instanceof Error ? err.message : String(err)}`))
}
