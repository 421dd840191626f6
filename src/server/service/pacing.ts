// Poll pacing (RFC 8628 §3.5 `slow_down`): each poller of a pairing keeps its interval apart.
import { POLL_TOLERANCE, SLOW_DOWN_INCREMENT } from '../../core/protocol'
import { ApiError } from '../errors'
import type { PairingRecord } from '../storage/live'
import type { ServiceDeps } from './deps'

const MAX_POLL_INTERVAL = 60
// Read once, like FINAL in records.ts: every status poll consults them.
const PACE_TOLERANCE = POLL_TOLERANCE
const PACE_INCREMENT = SLOW_DOWN_INCREMENT

/** Counts a poll by `who`; not ok, with the raised interval, when it came too early. */
export function pace(d: ServiceDeps, rec: PairingRecord, who: string) {
  return d.live.pace(`poll:${rec.id}:${who}`, rec.interval, {
    tolerance: PACE_TOLERANCE,
    increment: PACE_INCREMENT,
    max: MAX_POLL_INTERVAL,
    ttlMs: Math.max(rec.purgeAt - d.clock(), 60_000),
  })
}

/** Pacing of a status read answered at once (a plain poll, or a long-poll with a newer event): 429 `slow_down` when faster than the interval (20% tolerance). */
export async function pacePoll(d: ServiceDeps, rec: PairingRecord, who: string): Promise<number> {
  const r = await pace(d, rec, who)
  if (!r.ok)
    throw new ApiError(429, 'slow_down', `Polling too fast: wait at least ${r.interval} s between polls, or use the events stream or ?wait=.`, {
      interval: r.interval,
      retryAfter: r.interval,
    })
  return r.interval
}
