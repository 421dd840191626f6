// What decisions and withdrawals share: one change to a pairing's consent at a time, and the
// ledger fields that say where and when a record was made.
import { COLLECTION_METHOD } from '../../core/protocol'
import { ApiError } from '../errors'
import type { LedgerEntry } from '../storage/ledger'
import type { ServiceDeps } from './deps'
import { iso } from './status'

/** How long a decision or withdrawal in progress holds its pairing's lock. */
const LOCK_MS = 30_000

/** Runs `fn` holding the pairing's consent lock; 409 `decision_in_progress` (with `busyMessage`) when another holds it. */
export async function withConsentLock<T>(d: ServiceDeps, pairingId: string, busyMessage: string, fn: () => Promise<T>): Promise<T> {
  const lock = `lock:decision:${pairingId}`
  if (!(await d.live.putOnce(lock, LOCK_MS))) throw new ApiError(409, 'decision_in_progress', busyMessage)
  try {
    return await fn()
  } finally {
    await d.live.release(lock)
  }
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
