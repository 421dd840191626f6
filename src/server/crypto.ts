// Secrets of the service: the server key (kept in DATA_DIR, mode 0600) behind every stored
// hash, random token generation and constant-time comparison.
import { createHash, createHmac, randomBytes, timingSafeEqual, type Hmac } from 'node:crypto'
import { chmodSync, closeSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { BEARER_TOKEN_BYTES, QR_TOKEN_BYTES, qrTokenFromBytes, userCodeFromBytes, type SigningCrypto } from '../core/protocol'

export const SECRET_FILE = 'server-secret'

/** Reads the server key from `dataDir`, creating it (32 random bytes, mode 0600) on first start. */
export function loadOrCreateServerSecret(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const file = join(dataDir, SECRET_FILE)
  // Written to a private temporary file and linked into place: a process starting at the same
  // moment sees either no key or the whole key, never a half-written one.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  const fd = openSync(tmp, 'wx', 0o600)
  try {
    writeSync(fd, randomBytes(32).toString('hex'))
  } finally {
    closeSync(fd)
  }
  try {
    linkSync(tmp, file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  } finally {
    unlinkSync(tmp)
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
  const hex = readFileSync(file, 'utf8').trim()
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file} is not a 32-byte hex key`)
  return Buffer.from(hex, 'hex')
}

/** HMAC-SHA256 under the server key, domain-separated by `kind`: what the stores keep. */
export class Hasher {
  constructor(private readonly key: Buffer) {}

  /** HMAC-SHA256(key, kind ‖ 0x00 ‖ value), base64url. */
  hash(kind: string, value: string): string {
    return this.mac(kind, value).digest('base64url')
  }

  /** A value derived from a secret (e.g. the TV token from the device_code): base64url, 256 bits. */
  derive(kind: string, value: string): string {
    return this.mac(`derive:${kind}`, value).digest('base64url')
  }

  /** Derived bytes (e.g. the user code of a QR token). */
  deriveBytes(kind: string, value: string): Buffer {
    return this.mac(`derive:${kind}`, value).digest()
  }

  private mac(label: string, value: string): Hmac {
    return createHmac('sha256', this.key).update(label).update('\0').update(value)
  }
}

/**
 * The ledger key when LEDGER_KEY is not set: derived from the server key, so processes that
 * share one share it. A separate LEDGER_KEY lets an auditor verify without the server key.
 */
export function deriveLedgerKey(serverKey: Buffer): Buffer {
  return createHmac('sha256', serverKey).update('miitee-ledger-key').digest()
}

export function randomToken(bytes = BEARER_TOKEN_BYTES): string {
  return randomBytes(bytes).toString('base64url')
}

export function newQrToken(): string {
  return qrTokenFromBytes(randomBytes(QR_TOKEN_BYTES))
}

/** The user code derived from bytes (rejection sampling; 32 bytes always suffice in practice). */
export function userCodeFrom(bytes: Buffer): string {
  const code = userCodeFromBytes(bytes)
  if (code) return code
  return userCodeFrom(Buffer.concat([bytes, createHash('sha256').update(bytes).digest()]))
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

export function hmacSha256Hex(key: string | Buffer, data: string | Buffer): string {
  return createHmac('sha256', key).update(data).digest('hex')
}

/** Constant-time string equality (lengths are compared through fixed-size digests). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db) && a.length === b.length
}

export const nodeSigningCrypto: SigningCrypto = {
  sha256Hex: (data) => sha256Hex(data),
  hmacSha256Hex: (key, data) => hmacSha256Hex(key, data),
}
