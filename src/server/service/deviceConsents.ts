// The consents taken on one TV, read from the ledger (not from the live pairings, which are
// forgotten after their retention): what lets a TV that lost its local history still show every
// consent it gave, and withdraw it.
import { SCOPES, type DeviceConsent, type DeviceConsentsResponse, type Scope } from '../../core/protocol'
import type { SubjectConsent } from '../storage/ledger'
import type { ServiceDeps } from './deps'
import { iso } from './status'

/** How many consents one answer lists (newest first): more than a TV's settings screen shows. */
export const DEVICE_CONSENTS_LIMIT = 50

export async function deviceConsents(d: ServiceDeps, deviceHash: string): Promise<DeviceConsentsResponse> {
  const found = await d.ledger.subjectConsents(deviceHash, DEVICE_CONSENTS_LIMIT)
  return { consents: found.map(consentOf), server_time: iso(d.clock()) }
}

function consentOf({ consent, withdrawals }: SubjectConsent): DeviceConsent {
  const withdrawn = new Set<Scope>()
  for (const w of withdrawals) for (const s of SCOPES) if (w.decisions[s] === 'withdrawn') withdrawn.add(s)
  const decisions: DeviceConsent['decisions'] = {}
  for (const s of SCOPES) {
    const v = consent.decisions[s]
    if (v === 'granted' || v === 'denied') decisions[s] = v
  }
  return {
    pairing_id: consent.pairing_id,
    receipt_id: consent.receipt_id,
    phone_name: consent.requester.phone_name,
    decisions,
    active: SCOPES.filter((s) => decisions[s] === 'granted' && !withdrawn.has(s)),
    withdrawn: SCOPES.filter((s) => withdrawn.has(s)),
    policy_version: consent.notice.policy_version,
    recorded_at: consent.server_time,
  }
}
