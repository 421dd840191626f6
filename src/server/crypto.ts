// Secrets of the service: the server key (kept in DATA_DIR, mode 0600) behind every stored
// hash, random token generation and constant-time comparison.
import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
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

const SHA256_BLOCK = 64
/** Room for `kind \0 value` in the one-shot path (UTF-8: at most 3 bytes per UTF-16 unit). */
const ONE_SHOT_MESSAGE_BYTES = 1024
/** One-shot digests (`crypto.hash`, Node ≥ 20.12); on older releases `Hasher` keeps `createHmac`. */
const oneShot = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined

/** HMAC-SHA256 under the server key, domain-separated by `kind`: what the stores keep. */
export class Hasher {
  /** `key ⊕ ipad` followed by room for the message, and `key ⊕ opad` followed by the inner digest. */
  private readonly inner: Buffer | null
  private readonly outer: Buffer | null
  /** Views of `inner` by length (a bearer token always has the same one), made once each. */
  private readonly views: Buffer[] = []

  constructor(private readonly key: Buffer) {
    if (oneShot && key.length <= SHA256_BLOCK) {
      this.inner = Buffer.alloc(SHA256_BLOCK + ONE_SHOT_MESSAGE_BYTES, 0)
      this.outer = Buffer.alloc(SHA256_BLOCK + 32, 0)
      for (let i = 0; i < SHA256_BLOCK; i++) {
        this.inner[i] = (key[i] ?? 0) ^ 0x36
        this.outer[i] = (key[i] ?? 0) ^ 0x5c
      }
    } else {
      this.inner = null
      this.outer = null
    }
  }

  /**
   * HMAC-SHA256(key, kind ‖ 0x00 ‖ value), base64url. Every status poll hashes its bearer token,
   * and `createHmac` sets up an OpenSSL HMAC context per call (several µs under load), so short
   * inputs take RFC 2104 spelled out over two one-shot SHA-256 digests with the padded keys
   * prepared once: the same bytes as `createHmac` (the tests compare both). The message bytes are
   * wiped from the scratch buffer straight after.
   */
  hash(kind: string, value: string): string {
    const inner = this.inner
    const outer = this.outer
    if (oneShot && inner && outer && (kind.length + 1 + value.length) * 3 <= ONE_SHOT_MESSAGE_BYTES) {
      let end = SHA256_BLOCK + inner.write(kind, SHA256_BLOCK, 'utf8')
      inner[end++] = 0
      end += inner.write(value, end, 'utf8')
      const innerDigest = oneShot('sha256', (this.views[end] ??= inner.subarray(0, end)), 'binary')
      inner.fill(0, SHA256_BLOCK, end)
      outer.write(innerDigest, SHA256_BLOCK, 'binary')
      const mac = oneShot('sha256', outer, 'base64url')
      outer.fill(0, SHA256_BLOCK)
      return mac
    }
    return createHmac('sha256', this.key).update(kind).update('\0').update(value).digest('base64url')
  }

  /** A value derived from a secret (e.g. the TV token from the device_code): base64url, 256 bits. */
  derive(kind: string, value: string): string {
    return createHmac('sha256', this.key).update(`derive:${kind}`).update('\0').update(value).digest('base64url')
  }

  /** Derived bytes (e.g. the user code of a QR token). */
  deriveBytes(kind: string, value: string): Buffer {
    return createHmac('sha256', this.key).update(`derive:${kind}`).update('\0').update(value).digest()
  }
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
