// RFC 8628 device authorization grant: the token request exchanges the device_code, once,
// for the pairing's TV token as soon as a phone has claimed it.
import { OAuthError } from '../errors'
import { deviceHash } from './authentication'
import type { ServiceDeps } from './deps'
import { pace } from './pacing'
import { findPairing } from './records'

export interface DeviceGrantToken {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  pairing_id: string
}

export async function exchangeDeviceCode(d: ServiceDeps, deviceCode: string, clientId: string | undefined): Promise<DeviceGrantToken> {
  const h = d.hasher
  const entry = /^[A-Za-z0-9_-]{20,100}$/.test(deviceCode) ? await d.live.getToken('device_code', h.hash('device_code', deviceCode)) : null
  if (!entry) throw new OAuthError(400, 'invalid_grant', 'Unknown or expired device_code.')
  const rec = await findPairing(d, entry.pairingId)
  if (!rec) throw new OAuthError(400, 'expired_token', 'The device_code has expired.')
  if (clientId !== undefined && deviceHash(d, clientId) !== rec.deviceHash) throw new OAuthError(400, 'invalid_grant', 'The device_code was issued to another client.')
  if (entry.used) throw new OAuthError(400, 'invalid_grant', 'The device_code was already exchanged.')
  const paced = await pace(d, rec, 'oauth')
  if (!paced.ok) throw new OAuthError(400, 'slow_down', `Polling too fast: wait ${paced.interval} s between requests.`, { interval: paced.interval })
  if (rec.state === 'created') throw new OAuthError(400, 'authorization_pending', 'Waiting for a phone to scan the code or enter the user code.')
  if (rec.state === 'expired') throw new OAuthError(400, 'expired_token', 'The device_code has expired; start again.')
  if (rec.state === 'revoked') throw new OAuthError(400, 'access_denied', 'The pairing was cancelled.')
  const used = await d.live.useToken('device_code', h.hash('device_code', deviceCode))
  if (!used?.firstUse) throw new OAuthError(400, 'invalid_grant', 'The device_code was already exchanged.')
  return {
    access_token: h.derive('tv_token', deviceCode),
    token_type: 'Bearer',
    expires_in: Math.max(1, Math.floor((rec.purgeAt - d.clock()) / 1000)),
    pairing_id: rec.id,
  }
}
