// The refusals more than one use case answers with.
import { ApiError } from '../errors'
import type { PairingRecord } from '../storage/live'

export function rateLimited(ms: number, message: string): ApiError {
  const s = Math.max(1, Math.ceil(ms / 1000))
  return new ApiError(429, 'rate_limited', message, { retryAfter: s })
}

/** The pairing is not in a state that allows the request. */
export function stateError(rec: PairingRecord, message: string): ApiError {
  if (rec.state === 'expired') return new ApiError(410, 'expired', 'This pairing has expired.')
  if (rec.state === 'revoked') return new ApiError(410, 'pairing_revoked', 'This pairing was cancelled.')
  return new ApiError(409, 'invalid_state', `${message} (state: ${rec.state})`)
}
