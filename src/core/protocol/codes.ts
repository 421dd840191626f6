// Encoding and normalisation of the protocol's codes. Pure: randomness comes from the caller.
import { CROCKFORD_ALPHABET, QR_TOKEN_LENGTH, USER_CODE_ALPHABET, USER_CODE_LENGTH } from './constants'

/** Crockford base32 of `bytes`, most significant bit first, without padding. */
export function crockfordEncode(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (let i = 0; i < bytes.length; i++) {
    buffer = (buffer << 8) | bytes[i]
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += CROCKFORD_ALPHABET[(buffer >>> bits) & 31]
    }
    buffer &= (1 << bits) - 1
  }
  if (bits > 0) out += CROCKFORD_ALPHABET[(buffer << (5 - bits)) & 31]
  return out
}

/** Crockford's decoding aliases: O→0, I/L→1; case-insensitive. Returns null on a bad character. */
export function crockfordNormalize(text: string): string | null {
  let out = ''
  for (const raw of text.toUpperCase()) {
    const c = raw === 'O' ? '0' : raw === 'I' || raw === 'L' ? '1' : raw
    if (c === '-') continue
    if (CROCKFORD_ALPHABET.indexOf(c) < 0) return null
    out += c
  }
  return out
}

/** Bytes needed for a QR token of QR_TOKEN_LENGTH characters (17 bytes = 136 bits, 130 kept). */
export const QR_TOKEN_BYTES = Math.ceil((QR_TOKEN_LENGTH * 5) / 8)

/** The QR token from random bytes (at least QR_TOKEN_BYTES). */
export function qrTokenFromBytes(bytes: Uint8Array): string {
  if (bytes.length < QR_TOKEN_BYTES) throw new Error(`qr token needs ${QR_TOKEN_BYTES} bytes`)
  return crockfordEncode(bytes.subarray(0, QR_TOKEN_BYTES)).slice(0, QR_TOKEN_LENGTH)
}

/** Canonical form of a QR token as typed or scanned (case and Crockford aliases ignored), or null. */
export function normalizeQrToken(text: string): string | null {
  const t = crockfordNormalize(text.trim())
  return t !== null && t.length === QR_TOKEN_LENGTH ? t : null
}

/**
 * A user code from random bytes by rejection sampling (no modulo bias): bytes ≥ 240 are skipped.
 * Returns null when the bytes run out before USER_CODE_LENGTH characters (ask for more bytes).
 */
export function userCodeFromBytes(bytes: Uint8Array): string | null {
  const n = USER_CODE_ALPHABET.length
  const limit = 256 - (256 % n)
  let out = ''
  for (let i = 0; i < bytes.length && out.length < USER_CODE_LENGTH; i++) {
    if (bytes[i] < limit) out += USER_CODE_ALPHABET[bytes[i] % n]
  }
  return out.length === USER_CODE_LENGTH ? out : null
}

/** Normalised user code (uppercase, dashes and spaces removed) or null when it cannot be one. */
export function normalizeUserCode(text: string): string | null {
  const t = text.toUpperCase().replace(/[\s\-\u2010-\u2015]/g, '')
  if (t.length !== USER_CODE_LENGTH) return null
  for (const c of t) if (USER_CODE_ALPHABET.indexOf(c) < 0) return null
  return t
}

/** Display form `XXXX-XXXX`. */
export function formatUserCode(code: string): string {
  const t = normalizeUserCode(code) ?? code
  return `${t.slice(0, 4)}-${t.slice(4)}`
}

/**
 * The QR URL: scheme and host upper-cased so the whole URL stays in the QR alphanumeric set
 * (0-9 A-Z space $ % * + - . / :), which keeps the symbol small.
 */
export function qrUrl(publicUrl: string, token: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]+)(.*)$/i.exec(publicUrl.replace(/\/+$/, ''))
  if (!m) throw new Error('publicUrl must be an absolute URL')
  return `${m[1].toUpperCase()}${m[2]}/P/${token}`
}
