// Who is asking: bearer tokens resolved to a pairing and a role, and the hash that stands for a
// device id everywhere it is kept.
import { ApiError } from '../errors'
import type { ServiceDeps } from './deps'

export type Role = 'tv' | 'phone'

/** `Authorization: Bearer <token>`; the token follows the 7 characters of `Bearer `. */
const BEARER = /^Bearer [A-Za-z0-9_-]{20,100}$/

export function deviceHash(d: ServiceDeps, deviceId: string): string {
  return d.hasher.hash('device', deviceId)
}

/** Resolves a bearer token to its pairing and role; 401 when it is not one of `roles` for `pairingId`. */
export async function authenticate(
  d: ServiceDeps,
  authorization: string | undefined,
  pairingId: string | null,
  roles: Role[],
): Promise<{ pairingId: string; role: Role }> {
  if (authorization === undefined || !BEARER.test(authorization)) throw unauthorized('A bearer token is required (Authorization: Bearer <token>).')
  const token = authorization.slice(7)
  for (const role of roles) {
    const entry = await d.live.getToken(role, d.hasher.hash(role, token))
    if (entry && (pairingId === null || entry.pairingId === pairingId)) return { pairingId: entry.pairingId, role }
  }
  throw unauthorized('The token is not valid for this pairing.')
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } })
}
