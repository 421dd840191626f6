// What decisions and withdrawals share: one change to a pairing's consent at a time, the check
// that the TV asking is the pairing's own, and the ledger fields that say where and when a
// record was made.
import { COLLECTION_METHOD } from '../../core/protocol'
import { safeEqual } from '../crypto'
import { ApiError } from '../errors'
import type { LedgerEntry } from '../storage/ledger'
import type { ServiceDeps } from './deps'
import { iso } from './status'

/** How long a decision or withdrawal in progress holds its pairing's lock. */
const LOCK_MS = 30_000

export interface Lease {
  /** Whether the lock may have passed to another request (held longer than its lease). */
  lapsed(): boolean
}

/**
 * Runs `fn` holding the pairing's consent lock; 409 `decision_in_progress` (with `busyMessage`)
 * when another holds it. The lock only spares the ledger needless work: what keeps decisions
 * consistent when a stalled store outlives it is the ledger's own rules and the compare-and-set
 * of the state change, so `fn` may go on past the lease (it is told, to log it).
 */
export async function withConsentLock<T>(d: ServiceDeps, pairingId: string, busyMessage: string, fn: (lease: Lease) => Promise<T>): Promise<T> {
  const lock = `lock:decision:${pairingId}`
  if (!(await d.live.putOnce(lock, LOCK_MS))) throw new ApiError(409, 'decision_in_progress', busyMessage)
  const since = d.clock()
  try {
    return await fn({ lapsed: () => d.clock() - since >= LOCK_MS })
  } finally {
    await d.live.release(lock)
  }
}

/** Logs that a consent change outlived its lock (the ledger was slow): the change still applies only where the ledger and the pairing's state allow it. */
export function noteLapsedLease(d: ServiceDeps, lease: Lease, pairingId: string, what: string): void {
  if (lease.lapsed()) d.log.warn({ pairing: pairingId }, `the ${what} was recorded after its pairing's consent lock had lapsed (slow ledger)`)
}

/**
 * 403 unless `deviceHash` (when the TV signed as its device) is the pairing's own TV: the live
 * pairing's, or once it is forgotten the one its consent names. A bearer TV token was already
 * checked against the pairing. Runs before any stored answer is replayed.
 */
export async function checkOwnTv(d: ServiceDeps, pairingId: string, deviceHash: string | undefined, message: string): Promise<void> {
  if (deviceHash === undefined) return
  const owner = (await d.live.getPairing(pairingId))?.deviceHash ?? (await d.ledger.byPairing(pairingId)).find((r) => r.kind === 'consent')?.subject.device_id_hash
  if (owner !== undefined && !safeEqual(deviceHash, owner)) throw new ApiError(403, 'forbidden', message)
}

type RecordedOn = Pick<LedgerEntry, 'collection_method' | 'screen_id' | 'app_version' | 'firmware_version' | 'server_time' | 'device_time'>

/** The ledger fields of a record made on the TV screen described by `body`, at `now` on the service clock. */
export function recordedOn(body: { screen_id: string; app_version: string; firmware_version?: string; device_time: string }, now: number): RecordedOn {
  return {
    collection_method: COLLECTION_METHOD,
    screen_id: body.screen_id,
    app_version: body.app_version,
    firmware_version: body.firmware_version ?? null,
    server_time: iso(now),
    device_time: body.device_time,
  }
}

/** Whether `record` was made from a request with these screen fields (a retry's, once its stored answer is gone). */
export function sameScreen(record: LedgerEntry, body: { screen_id: string; app_version: string; firmware_version?: string; device_time: string }): boolean {
  const asked = recordedOn(body, 0)
  return record.screen_id === asked.screen_id && record.app_version === asked.app_version && record.firmware_version === asked.firmware_version && record.device_time === asked.device_time
}
