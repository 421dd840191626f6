// Reading and changing a live pairing record: its deadline is applied as it is read (an
// overdue pairing becomes `expired`), and changes go through compare-and-set with retries.
import { FINAL_STATES, type PairingEventType, type PairingState } from '../../core/protocol'
import { ApiError } from '../errors'
import type { PairingRecord } from '../storage/live'
import type { ServiceDeps } from './deps'
import { statusEvent } from './status'

// Read once: every status poll consults these, and a binding imported through the protocol's
// index is a chain of getters on each access.
export const FINAL: readonly PairingState[] = FINAL_STATES

/** Final, or not yet past its deadline: the record stands as stored (no expiry to apply). */
function isCurrent(rec: PairingRecord, now: number): boolean {
  return FINAL.includes(rec.state) || now < rec.expiresAt
}

/** The pairing with its deadline applied (an overdue one becomes `expired`), or null. */
export async function findPairing(d: ServiceDeps, id: string): Promise<PairingRecord | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rec = await d.live.getPairing(id)
    if (!rec) return null
    const now = d.clock()
    if (isCurrent(rec, now)) return rec
    const next: PairingRecord = { ...rec, state: 'expired', expiresAt: now, purgeAt: now + d.config.retentionS * 1000 }
    const r = await d.live.casPairing(id, rec.version, next, statusEvent('expired', d.clock))
    if (r.ok && r.record) return r.record
  }
  return d.live.getPairing(id)
}

/** The pairing with its deadline applied; 404 when there is none. */
export async function loadPairing(d: ServiceDeps, id: string): Promise<PairingRecord> {
  // The first read of `findPairing`, inline: a live or final pairing (every status poll but the
  // one that finds it overdue) costs one store read and no further hop.
  const first = await d.live.getPairing(id)
  const rec = first && isCurrent(first, d.clock()) ? first : first && (await findPairing(d, id))
  if (!rec) throw new ApiError(404, 'not_found', 'No such pairing (it may have ended and been forgotten).')
  return rec
}

/** Applies `change` with compare-and-set, retrying on concurrent changes; no-op when the pairing is gone. */
export async function updatePairing(
  d: ServiceDeps,
  pairingId: string,
  change: (r: PairingRecord) => PairingRecord,
  type: PairingEventType,
): Promise<PairingRecord | null> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const rec = await d.live.getPairing(pairingId)
    if (!rec) return null
    const r = await d.live.casPairing(pairingId, rec.version, change(rec), statusEvent(type, d.clock))
    if (r.ok && r.record) return r.record
  }
  d.log.error({ pairing: pairingId }, 'could not apply a recorded change to the live pairing')
  return null
}

/**
 * Applies `change` with compare-and-set only while the pairing is in one of `from`, retrying on
 * concurrent changes; null when it is not (or is gone). A recorded decision moves the pairing
 * out of `consent_pending` this way, so nothing recorded later can overwrite it.
 */
export async function transitionPairing(
  d: ServiceDeps,
  pairingId: string,
  from: readonly PairingState[],
  change: (r: PairingRecord) => PairingRecord,
  type: PairingEventType,
): Promise<PairingRecord | null> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const rec = await d.live.getPairing(pairingId)
    if (!rec || !from.includes(rec.state)) return null
    const r = await d.live.casPairing(pairingId, rec.version, change(rec), statusEvent(type, d.clock))
    if (r.ok && r.record) return r.record
  }
  d.log.error({ pairing: pairingId }, 'could not apply a recorded change to the live pairing')
  return null
}
