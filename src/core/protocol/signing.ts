// Device credential: HMAC-SHA256 over `METHOD\nHOST\nPATH\nTIMESTAMP\nNONCE\nSHA256(body)`.
// HOST names the deployment the request is meant for, so a request signed for one service does
// not verify on another that shares the device credentials (a staging copy, a second region).
// The core has no crypto API: each side supplies SHA-256 and HMAC (the server node:crypto,
// the TV WebCrypto), and this module only builds the exact bytes that get signed.
import { DEVICE_HEADERS } from './constants'

/** Seconds a signed request's timestamp may differ from the service clock. */
export const SIGNATURE_MAX_SKEW = 300
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/

export interface SigningParts {
  method: string
  /**
   * The service's host as its public URL names it (`host[:port]`, the port only when not the
   * scheme's default, e.g. `pair.example.com` or `192.168.1.20:8080`); see `signingHost`.
   */
  host: string
  /** Path with query string exactly as sent on the request line, e.g. `/v1/pairings`. */
  path: string
  /** Unix time in whole seconds. */
  timestamp: number | string
  nonce: string
  /** Lowercase hex SHA-256 of the raw request body (of the empty string when there is none). */
  bodySha256: string
}

export function signingInput(p: SigningParts): string {
  return `${p.method.toUpperCase()}\n${p.host.toLowerCase()}\n${p.path}\n${p.timestamp}\n${p.nonce}\n${p.bodySha256.toLowerCase()}`
}

/**
 * The HOST of the signing input for a service at `serviceUrl` (its public URL, as the OAuth
 * metadata's `issuer` gives it): the URL's host, lower case, default ports left out.
 */
export function signingHost(serviceUrl: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(serviceUrl)
  if (!m) throw new Error(`not an absolute URL: ${serviceUrl}`)
  const scheme = m[1].toLowerCase()
  const authority = m[2].slice(m[2].lastIndexOf('@') + 1).toLowerCase()
  const port = /:(\d+)$/.exec(authority)
  if (port && ((scheme === 'http' && port[1] === '80') || (scheme === 'https' && port[1] === '443'))) return authority.slice(0, -port[0].length)
  return authority
}

export interface SigningCrypto {
  /** Lowercase hex SHA-256 of UTF-8 text. */
  sha256Hex(data: string): string | Promise<string>
  /** Lowercase hex HMAC-SHA256 of UTF-8 text with a UTF-8 key. */
  hmacSha256Hex(key: string, data: string): string | Promise<string>
}

export interface SignRequestInput {
  method: string
  /** The service's host (`signingHost` of its public URL). */
  host: string
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
    signingInput({ method: input.method, host: input.host, path: input.path, timestamp: input.timestamp, nonce: input.nonce, bodySha256 }),
  )
  return {
    [DEVICE_HEADERS.device]: input.deviceId,
    [DEVICE_HEADERS.timestamp]: String(input.timestamp),
    [DEVICE_HEADERS.nonce]: input.nonce,
    [DEVICE_HEADERS.signature]: signature,
  }
}
