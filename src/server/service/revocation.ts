// A pairing secret presented by a second claimant means someone else saw the TV's screen: a
// pairing still under way is cancelled. The change is a compare-and-set from a live state made
// while holding the pairing's consent lock, so it never lands between a decision's ledger append
// and its state change, and it never replaces a final state.
import { ApiError } from '../errors'
import type { PairingRecord } from '../storage/live'
import type { ServiceDeps } from './deps'
import { withConsentLock } from './recording'
import { FINAL, findPairing } from './records'
import { statusEvent } from './status'

/** How long a revocation waits for a decision being recorded to finish. */
export const REVOKE_LOCK_WAIT_MS = 5_000
const LOCK_RETRY_MS = 25

export interface Revocation {
  /** True when this call cancelled the pairing. */
  revoked: boolean
  /** The pairing as it stands afterwards (null when it is gone). */
  record: PairingRecord | null
}

/**
 * Cancels the pairing unless it has ended; says whether this call did and how the pairing stands.
 * 503 `unavailable` (retry shortly) when a decision being recorded holds the lock too long: it
 * may yet land, and a revocation now would contradict what the TV is told.
 */
export async function revokeForSafety(d: ServiceDeps, pairingId: string, why: string): Promise<Revocation> {
  const deadline = d.clock() + REVOKE_LOCK_WAIT_MS
  const started = Date.now()
  for (;;) {
    try {
      return await withConsentLock(d, pairingId, 'A decision for this pairing is being recorded.', () => revokeLive(d, pairingId, why))
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'decision_in_progress') throw e
    }
    // Either clock ends the wait: the service clock may stand still (tests), real time never does.
    if (d.clock() >= deadline || Date.now() - started >= REVOKE_LOCK_WAIT_MS)
      throw new ApiError(503, 'unavailable', 'A decision for this pairing is being recorded; try again in a moment.', { retryAfter: 2 })
    await new Promise((r) => setTimeout(r, LOCK_RETRY_MS))
  }
}

async function revokeLive(d: ServiceDeps, pairingId: string, why: string): Promise<Revocation> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const rec = await findPairing(d, pairingId)
    if (!rec || FINAL.includes(rec.state)) return { revoked: false, record: rec }
    const now = d.clock()
    const next: PairingRecord = { ...rec, state: 'revoked', expiresAt: now, purgeAt: now + d.config.retentionS * 1000 }
    const r = await d.live.casPairing(pairingId, rec.version, next, statusEvent('revoked', d.clock))
    if (r.ok && r.record) {
      d.log.warn({ pairing: pairingId }, `pairing revoked: ${why}`)
      return { revoked: true, record: r.record }
    }
  }
  return { revoked: false, record: await findPairing(d, pairingId) }
}
