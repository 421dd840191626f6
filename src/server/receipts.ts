// Consent receipts from ledger records, with field names after the Kantara Initiative
// Consent Receipt v1.1 and ISO/IEC TS 27560 (consent record information structure).
import type { Scope } from '../core/protocol'
import type { LedgerRecord, VerifyResult } from './storage/ledger'

export const SCOPE_PURPOSES: Record<Scope, { service: string; purpose: string; sensitive: boolean }> = {
  bluetooth: { service: 'Bluetooth provisioning', purpose: 'Use Bluetooth on the TV to find and set up the paired phone and accessories.', sensitive: false },
  network: { service: 'Network provisioning', purpose: 'Receive the Wi-Fi network settings from the paired phone and connect the TV.', sensitive: false },
  location: { service: 'Location', purpose: 'Use the approximate location needed for Wi-Fi and Bluetooth scanning.', sensitive: true },
}

export function receipt(r: LedgerRecord) {
  return {
    version: 'KI-CR-v1.1.0',
    receipt_id: r.receipt_id,
    event: r.kind,
    consent_timestamp: r.server_time,
    device_time: r.device_time,
    collection_method: r.collection_method,
    pii_principal_id: r.subject.device_id_hash,
    pii_principal_device: r.subject.device_name,
    requester: r.requester,
    pii_controllers: [{ pii_controller: 'Miitee' }],
    notice: r.notice,
    services: (Object.keys(r.decisions) as Scope[]).map((scope) => ({
      scope,
      service: SCOPE_PURPOSES[scope].service,
      purposes: [{ purpose: SCOPE_PURPOSES[scope].purpose, consent_type: 'EXPLICIT', sensitive: SCOPE_PURPOSES[scope].sensitive }],
      status: r.decisions[scope],
    })),
    refers_to: r.refers_to,
    pairing_id: r.pairing_id,
    decision_id: r.decision_id,
    screen_id: r.screen_id,
    app_version: r.app_version,
    firmware_version: r.firmware_version,
    chain: { seq: r.seq, prev_hash: r.prev_hash, hash: r.hash },
  }
}

export function receiptsDocument(records: LedgerRecord[], verify: VerifyResult, now: Date) {
  return {
    format: 'miitee-consent-receipts/1',
    generated_at: now.toISOString(),
    ledger: {
      records: records.length,
      head_hash: verify.head_hash,
      verified: verify.ok,
      /** Whether record MACs and checkpoint signatures were checked (the ledger key was at hand). */
      keyed: verify.keyed,
      checkpoint: verify.checkpoint,
      first_bad: verify.first_bad ?? null,
      problems: verify.problems,
    },
    receipts: records.map(receipt),
  }
}
