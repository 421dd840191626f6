// Failed device authentications (a bad signature, a wrong client_secret) are limited per device
// id, so neither can be guessed at speed. Known ids count on their own; unknown ids share a
// bounded set of buckets (a keyed hash of the id), so a flood of made-up ids neither fills the
// store nor answers differently from a real id.
import type { ServiceConfig } from '../config'
import type { Hasher } from '../crypto'
import { ApiError } from '../errors'
import type { LiveStore } from '../storage/live'

/** Buckets shared by ids that have no credential (hex digits of the bucket key: 16^4). */
const UNKNOWN_BUCKET_HEX = 4

export interface FailureDeps {
  config: ServiceConfig
  live: LiveStore
  hasher: Hasher
  clock: () => number
}

function counterKey(d: FailureDeps, deviceId: string): string {
  const h = d.hasher.hash('device-auth-failures', deviceId)
  return d.config.deviceCredentials.has(deviceId) ? `limit:authfail:${h}` : `limit:authfail:unknown:${h.slice(0, UNKNOWN_BUCKET_HEX)}`
}

function throttled(resetAt: number, now: number): ApiError {
  const s = Math.max(1, Math.ceil((resetAt - now) / 1000))
  return new ApiError(429, 'rate_limited', `Too many failed authentications for this device: try again in ${s} s.`, { retryAfter: s })
}

/** 429 `rate_limited` while `deviceId` is over its failure budget: checked before any credential is. */
export async function assertNotThrottled(d: FailureDeps, deviceId: string): Promise<void> {
  const c = await d.live.peek(counterKey(d, deviceId))
  if (c.count >= d.config.limits.authFailuresPerDevice) throw throttled(c.resetAt, d.clock())
}

/** Counts one failed authentication of `deviceId`. */
export async function countFailure(d: FailureDeps, deviceId: string): Promise<void> {
  await d.live.incr(counterKey(d, deviceId), d.config.limits.authFailuresWindowS * 1000)
}
