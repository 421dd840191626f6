// Device credential check: HMAC-SHA256 over method, the service's host, path, timestamp, nonce
// and body hash (src/core/protocol/signing.ts). Stale timestamps and replayed nonces are refused,
// nonces being remembered in the LiveStore for the skew window. An unknown device and a wrong
// signature get the same answer, so the answers do not tell which device ids exist; failures are
// limited per device (failures.ts). Dev mode opens registration only: an unsigned request is let
// in where the route says it registers a device (`openInDev`), nowhere else.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { DEVICE_HEADERS, DEVICE_ID_PATTERN, NONCE_PATTERN, signingHost, signingInput } from '../../core/protocol'
import type { ServiceConfig } from '../config'
import { sha256Hex, type Hasher } from '../crypto'
import { ApiError } from '../errors'
import type { LiveStore } from '../storage/live'
import { deviceIdHash } from './deviceHashes'
import { recordAttempt } from './failures'

export const DEV_DEVICE_ID = 'dev-device'

/** The key an unknown device's signature is checked against, so it costs what a known one does. */
const NO_SECRET = '\0no-credential-for-this-device'

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

export function hasDeviceSignature(req: FastifyRequest): boolean {
  return header(req, DEVICE_HEADERS.signature) !== undefined
}

export interface DeviceAuthDeps {
  config: ServiceConfig
  live: LiveStore
  hasher: Hasher
  clock: () => number
  /** The service's public URL: its host is part of what the device signs. */
  publicUrl: () => string
}

export interface VerifyOptions {
  /** The route registers a device (creates a pairing): in dev mode an unsigned request is let in. */
  openInDev?: boolean
  /** Device id of an unsigned dev-mode registration without X-Miitee-Device. */
  devFallbackId?: string
}

/** The HMAC-SHA256 a device sends, as lowercase or uppercase hex. */
const SIGNATURE_HEX = /^[0-9a-f]{64}$/i

/** Whether `signature` is the HMAC of `input` under `key`: compared in constant time as 32 bytes. */
function signatureMatches(key: string, input: string, signature: string): boolean {
  const expected = createHmac('sha256', key).update(input).digest()
  // A malformed header is compared against the expected value all the same, so its answer takes as long.
  const given = SIGNATURE_HEX.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(32)
  return timingSafeEqual(expected, given) && SIGNATURE_HEX.test(signature)
}

const mismatch = () => new ApiError(401, 'invalid_signature', 'The request signature does not match a device credential of this service.')

/** The authenticated device id of a signed request (or, in dev mode on a registering route, an unsigned one). */
export async function verifyDevice(req: FastifyRequest, d: DeviceAuthDeps, opts: VerifyOptions = {}): Promise<string> {
  const deviceId = header(req, DEVICE_HEADERS.device)
  const signature = header(req, DEVICE_HEADERS.signature)
  if (signature === undefined) {
    if (d.config.dev && opts.openInDev) {
      const id = deviceId ?? opts.devFallbackId ?? DEV_DEVICE_ID
      if (!DEVICE_ID_PATTERN.test(id)) throw new ApiError(400, 'invalid_request', 'X-Miitee-Device must be 1–128 characters from [A-Za-z0-9._:-].')
      return id
    }
    throw new ApiError(401, 'unauthorized', 'This request must be signed with the device credential (X-Miitee-Device, -Timestamp, -Nonce, -Signature).')
  }
  if (!deviceId || !DEVICE_ID_PATTERN.test(deviceId)) throw new ApiError(401, 'invalid_signature', 'X-Miitee-Device must be 1–128 characters from [A-Za-z0-9._:-].')
  // Everything a client can check for itself comes before the credential, so known and unknown
  // devices get the same answers.
  const ts = header(req, DEVICE_HEADERS.timestamp) ?? ''
  if (!/^\d{1,12}$/.test(ts)) throw new ApiError(401, 'stale_timestamp', 'X-Miitee-Timestamp must be Unix time in seconds.')
  const skew = Math.abs(Math.floor(d.clock() / 1000) - Number(ts))
  if (skew > d.config.signatureSkewS) throw new ApiError(401, 'stale_timestamp', `The request timestamp is more than ${d.config.signatureSkewS} s away from the service clock.`)
  const nonce = header(req, DEVICE_HEADERS.nonce) ?? ''
  if (!NONCE_PATTERN.test(nonce)) throw new ApiError(401, 'invalid_signature', 'X-Miitee-Nonce must be 16–64 characters from [A-Za-z0-9_-].')
  const secret = d.config.deviceCredentials.get(deviceId)
  const input = signingInput({
    method: req.method,
    host: signingHost(d.publicUrl()),
    path: req.url,
    timestamp: ts,
    nonce,
    bodySha256: sha256Hex(req.rawBody ?? Buffer.alloc(0)),
  })
  const valid = signatureMatches(secret ?? NO_SECRET, input, signature) && secret !== undefined
  // The store refuses a throttled device before it looks at `valid`, so the signature checked
  // above tells a throttled guesser nothing; the nonce is remembered only for a valid signature.
  const nonceKey = valid ? { key: `nonce:${deviceIdHash(d.hasher, 'device', deviceId, true)}:${nonce}`, ttlMs: 2 * d.config.signatureSkewS * 1000 } : undefined
  const r = await recordAttempt(d, deviceId, valid, nonceKey)
  if (r.outcome === 'failed') throw mismatch()
  if (r.outcome === 'replayed') throw new ApiError(401, 'replayed_nonce', 'This nonce was already used: the request looks replayed.')
  return deviceId
}
