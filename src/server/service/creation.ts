// A TV creates a pairing: fresh QR token, user code, device_code and TV token, only their
// hashes stored.
import { randomBytes } from 'node:crypto'
import { BEARER_TOKEN_BYTES, QR_TOKEN_BYTES, qrTokenFromBytes } from '../../core/protocol'
import { deviceIdHash } from '../auth/deviceHashes'
import { userCodeFrom } from '../crypto'
import { ApiError } from '../errors'
import type { PairingRecord } from '../storage/live'
import type { ServiceDeps } from './deps'
import { rateLimited } from './refusals'
import { statusEvent } from './status'

const PAIRING_ID_BYTES = 16

/** The random parts of a new pairing, drawn from one call to the generator. */
function freshSecrets(): { id: string; qrToken: string; deviceCode: string } {
  const b = randomBytes(PAIRING_ID_BYTES + QR_TOKEN_BYTES + BEARER_TOKEN_BYTES)
  return {
    id: `p_${b.subarray(0, PAIRING_ID_BYTES).toString('base64url')}`,
    qrToken: qrTokenFromBytes(b.subarray(PAIRING_ID_BYTES, PAIRING_ID_BYTES + QR_TOKEN_BYTES)),
    deviceCode: b.subarray(PAIRING_ID_BYTES + QR_TOKEN_BYTES).toString('base64url'),
  }
}

export interface CreatedPairing {
  record: PairingRecord
  qrToken: string
  userCode: string
  deviceCode: string
  tvToken: string
}

export async function createPairing(d: ServiceDeps, deviceId: string, deviceName: string): Promise<CreatedPairing> {
  const cfg = d.config
  const h = d.hasher
  // The same value as authentication.ts deviceHash, remembered per device with a credential.
  const device = deviceIdHash(h, 'device', deviceId, cfg.deviceCredentials.has(deviceId))
  // The device is authenticated by now; its creation limit is counted in the same store step as
  // the first attempt's write (a retry after a taken hash counts no more).
  const limit = { key: `limit:create:${device}`, max: cfg.limits.pairingsPerDevice, windowMs: cfg.limits.pairingsPerDeviceWindowS * 1000 }
  for (let attempt = 0; attempt < 8; attempt++) {
    const now = d.clock()
    const { id, qrToken, deviceCode } = freshSecrets()
    const userCode = userCodeFrom(h.deriveBytes('user_code', qrToken))
    const tvToken = h.derive('tv_token', deviceCode)
    const expiresAt = now + cfg.pairingTtlS * 1000
    const record: PairingRecord = {
      id,
      version: 1,
      state: 'created',
      createdAt: now,
      expiresAt,
      purgeAt: expiresAt + cfg.retentionS * 1000,
      deviceHash: device,
      tvName: deviceName,
      interval: cfg.pollIntervalS,
      eventId: 1,
    }
    const r = await d.live.createPairing(
      record,
      [
        { kind: 'qr', hash: h.hash('qr', qrToken) },
        { kind: 'user_code', hash: h.hash('user_code', userCode) },
        { kind: 'tv', hash: h.hash('tv', tvToken) },
        { kind: 'device_code', hash: h.hash('device_code', deviceCode) },
      ],
      statusEvent('status', d.clock),
      attempt === 0 ? limit : undefined,
    )
    // The store keeps the record as given (event id 1): no read back, a round trip less.
    if (r.ok) return { record, qrToken, userCode, deviceCode, tvToken }
    if (r.limited) throw rateLimited(r.limited.resetAt - d.clock(), 'This device created too many pairings; try again later.')
  }
  throw new ApiError(503, 'unavailable', 'Could not allocate a unique code; try again.')
}
