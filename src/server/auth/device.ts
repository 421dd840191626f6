// Device credential check for session creation: HMAC-SHA256 over method, path, timestamp,
// nonce and body hash (src/core/protocol/signing.ts); stale timestamps and replayed nonces
// are refused, nonces being remembered in the LiveStore for the skew window.
import type { FastifyRequest } from 'fastify'
import { DEVICE_HEADERS, DEVICE_ID_PATTERN, NONCE_PATTERN, signingInput } from '../../core/protocol'
import type { ServiceConfig } from '../config'
import { hmacSha256Hex, safeEqual, sha256Hex, type Hasher } from '../crypto'
import { ApiError } from '../errors'
import type { LiveStore } from '../storage/live'

export const DEV_DEVICE_ID = 'dev-device'

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
}

/** The authenticated device id of a signed request; in dev mode an unsigned request is let in. */
export async function verifyDevice(req: FastifyRequest, d: DeviceAuthDeps, devFallbackId?: string): Promise<string> {
  const deviceId = header(req, DEVICE_HEADERS.device)
  const signature = header(req, DEVICE_HEADERS.signature)
  if (signature === undefined) {
    if (d.config.dev) {
      const id = deviceId ?? devFallbackId ?? DEV_DEVICE_ID
      if (!DEVICE_ID_PATTERN.test(id)) throw new ApiError(400, 'invalid_request', 'X-Miitee-Device must be 1–128 characters from [A-Za-z0-9._:-].')
      return id
    }
    throw new ApiError(401, 'unauthorized', 'This request must be signed with the device credential (X-Miitee-Device, -Timestamp, -Nonce, -Signature).')
  }
  if (!deviceId || !DEVICE_ID_PATTERN.test(deviceId)) throw new ApiError(401, 'unknown_device', 'X-Miitee-Device is missing or malformed.')
  const secret = d.config.deviceCredentials.get(deviceId)
  if (secret === undefined) throw new ApiError(401, 'unknown_device', 'This device has no credential on this service.')
  const ts = header(req, DEVICE_HEADERS.timestamp) ?? ''
  if (!/^\d{1,12}$/.test(ts)) throw new ApiError(401, 'stale_timestamp', 'X-Miitee-Timestamp must be Unix time in seconds.')
  const skew = Math.abs(Math.floor(d.clock() / 1000) - Number(ts))
  if (skew > d.config.signatureSkewS) throw new ApiError(401, 'stale_timestamp', `The request timestamp is more than ${d.config.signatureSkewS} s away from the service clock.`)
  const nonce = header(req, DEVICE_HEADERS.nonce) ?? ''
  if (!NONCE_PATTERN.test(nonce)) throw new ApiError(401, 'invalid_signature', 'X-Miitee-Nonce must be 16–64 characters from [A-Za-z0-9_-].')
  const input = signingInput({ method: req.method, path: req.url, timestamp: ts, nonce, bodySha256: sha256Hex(req.rawBody ?? Buffer.alloc(0)) })
  if (!safeEqual(hmacSha256Hex(secret, input), signature.toLowerCase())) throw new ApiError(401, 'invalid_signature', 'The request signature does not match.')
  const fresh = await d.live.putOnce(`nonce:${d.hasher.hash('device', deviceId)}:${nonce}`, 2 * d.config.signatureSkewS * 1000)
  if (!fresh) throw new ApiError(401, 'replayed_nonce', 'This nonce was already used: the request looks replayed.')
  return deviceId
}
