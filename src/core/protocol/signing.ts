// Device credential: HMAC-SHA256 over `METHOD\nPATH\nTIMESTAMP\nNONCE\nSHA256(body)`.
// The core has no crypto API: each side supplies SHA-256 and HMAC (the server node:crypto,
// the TV WebCrypto), and this module only builds the exact bytes that get signed.
import { DEVICE_HEADERS } from './constants'

/** Seconds a signed request's timestamp may differ from the service clock. */
export const SIGNATURE_MAX_SKEW = 300
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/

export interface SigningParts {
  method: string
  /** Path with query string exactly as sent on the request line, e.g. `/v1/pairings`. */
  path: string
  /** Unix time in whole seconds. */
  timestamp: number | string
  nonce: string
  /** Lowercase hex SHA-256 of the raw request body (of the empty string when there is none). */
  bodySha256: string
}

export function signingInput(p: SigningParts): string {
  return `${p.method.toUpperCase()}\n${p.path}\n${p.timestamp}\n${p.nonce}\n${p.bodySha256.toLowerCase()}`
}

export interface SigningCrypto {
  /** Lowercase hex SHA-256 of UTF-8 text. */
  sha256Hex(data: string): string | Promise<string>
  /** Lowercase hex HMAC-SHA256 of UTF-8 text with a UTF-8 key. */
  hmacSha256Hex(key: string, data: string): string | Promise<string>
}

export interface SignRequestInput {
  method: string
  path: string
  body: string
  deviceId: string
  secret: string
  timestamp: number
  nonce: string
}

/** The headers a device adds to a signed request. */
export async function signRequest(input: SignRequestInput, crypto: SigningCrypto): Promise<Record<string, string>> {
  const bodySha256 = await crypto.sha256Hex(input.body)
  const signature = await crypto.hmacSha256Hex(
    input.secret,
    signingInput({ method: input.method, path: input.path, timestamp: input.timestamp, nonce: input.nonce, bodySha256 }),
  )
  return {
    [DEVICE_HEADERS.device]: input.deviceId,
    [DEVICE_HEADERS.timestamp]: String(input.timestamp),
    [DEVICE_HEADERS.nonce]: input.nonce,
    [DEVICE_HEADERS.signature]: signature,
  }
}
