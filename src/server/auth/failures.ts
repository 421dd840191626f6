// Failed device authentications (a bad signature, a wrong client_secret) are limited per device
// id, so neither can be guessed at speed. Known ids count on their own; unknown ids share a
// bounded set of buckets (a keyed hash of the id), so a flood of made-up ids neither fills the
// store nor answers differently from a real id. The throttle check, the failure count and the
// nonce of one attempt are one store operation (LiveStore.authAttempt): one round trip, and no
// attempt can slip in between the check and the count.
import type { ServiceConfig } from '../config'
import type { Hasher } from '../crypto'
import { ApiError } from '../errors'
import type { AuthOutcome, LiveStore } from '../storage/live'
import { deviceIdHash } from './deviceHashes'

/** Buckets shared by ids that have no credential (hex digits of the bucket key: 16^4). */
const UNKNOWN_BUCKET_HEX = 4

export interface FailureDeps {
  config: ServiceConfig
  live: LiveStore
  hasher: Hasher
  clock: () => number
}

function counterKey(d: FailureDeps, deviceId: string): string {
  const known = d.config.deviceCredentials.has(deviceId)
  const h = deviceIdHash(d.hasher, 'device-auth-failures', deviceId, known)
  return known ? `limit:authfail:${h}` : `limit:authfail:unknown:${h.slice(0, UNKNOWN_BUCKET_HEX)}`
}

function throttled(resetAt: number, now: number): ApiError {
  const s = Math.max(1, Math.ceil((resetAt - now) / 1000))
  return new ApiError(429, 'rate_limited', `Too many failed authentications for this device: try again in ${s} s.`, { retryAfter: s })
}

/**
 * Records one authentication of `deviceId` whose credential was (`valid`) or was not checked
 * out, setting `nonceKey` once when it was. Throws 429 `rate_limited` while the device is over
 * its failure budget (whatever the credential), and otherwise returns the outcome: `failed`
 * and `replayed` are the caller's to answer.
 */
export async function recordAttempt(d: FailureDeps, deviceId: string, valid: boolean, nonce?: { key: string; ttlMs: number }): Promise<Exclude<AuthOutcome, { outcome: 'throttled' }>> {
  const r = await d.live.authAttempt({
    failureKey: counterKey(d, deviceId),
    maxFailures: d.config.limits.authFailuresPerDevice,
    failureWindowMs: d.config.limits.authFailuresWindowS * 1000,
    valid,
    nonce,
  })
  if (r.outcome === 'throttled') throw throttled(r.resetAt, d.clock())
  return r
}
