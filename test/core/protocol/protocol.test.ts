import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  QR_TOKEN_BYTES,
  canonicalJson,
  crockfordEncode,
  formatUserCode,
  normalizeQrToken,
  normalizeUserCode,
  qrTokenFromBytes,
  qrUrl,
  signRequest,
  signingHost,
  signingInput,
  userCodeFromBytes,
} from '../../../src/core/protocol'

describe('Crockford base32', () => {
  it('encodes known vectors', () => {
    expect(crockfordEncode(new Uint8Array([]))).toBe('')
    expect(crockfordEncode(new Uint8Array([0]))).toBe('00')
    expect(crockfordEncode(new Uint8Array([0xff]))).toBe('ZW')
    // "foobar" in RFC 4648 base32 is MZXW6YTBOI; the same bits in Crockford's alphabet:
    expect(crockfordEncode(new TextEncoder().encode('foobar'))).toBe('CSQPYRK1E8')
  })

  it('makes 26-character QR tokens of 130 bits and normalises aliases', () => {
    const bytes = new Uint8Array(QR_TOKEN_BYTES).fill(0xab)
    const t = qrTokenFromBytes(bytes)
    expect(t).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(normalizeQrToken(t.toLowerCase())).toBe(t)
    expect(normalizeQrToken('0O1IL' + t.slice(5))).toBe('00111' + t.slice(5))
    expect(normalizeQrToken(t.slice(1))).toBeNull()
    expect(normalizeQrToken(t.slice(1) + 'U')).toBeNull()
    expect(() => qrTokenFromBytes(new Uint8Array(4))).toThrow()
  })
})

describe('user codes', () => {
  it('draws from the consonant alphabet without bias', () => {
    expect(userCodeFromBytes(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]))).toBe('BCDFGHJK')
    // bytes ≥ 240 are rejected (240 = 12 × 20), 239 maps to 239 % 20 = 19 → Z
    expect(userCodeFromBytes(new Uint8Array([240, 255, 239, 0, 0, 0, 0, 0, 0, 0]))).toBe('ZBBBBBBB')
    expect(userCodeFromBytes(new Uint8Array([250, 250, 1]))).toBeNull()
  })

  it('normalises case, dashes and spaces and refuses other letters', () => {
    expect(normalizeUserCode('wdjb-mjht')).toBe('WDJBMJHT')
    expect(normalizeUserCode(' WDJB MJHT ')).toBe('WDJBMJHT')
    expect(normalizeUserCode('WDJB–MJHT')).toBe('WDJBMJHT')
    expect(normalizeUserCode('WDJB-MJHA')).toBeNull()
    expect(normalizeUserCode('WDJB-MJH')).toBeNull()
    expect(formatUserCode('wdjbmjht')).toBe('WDJB-MJHT')
  })
})

describe('QR URL', () => {
  it('upper-cases scheme and host and keeps the QR alphanumeric set', () => {
    expect(qrUrl('http://localhost:8080', 'ABC')).toBe('HTTP://LOCALHOST:8080/P/ABC')
    expect(qrUrl('https://tv.example.com/', 'ABC')).toBe('HTTPS://TV.EXAMPLE.COM/P/ABC')
    expect(qrUrl('http://localhost:8080', 'ABC')).toMatch(/^[0-9A-Z $%*+\-./:]+$/)
  })
})

describe('device request signing', () => {
  it('builds the exact signing input', () => {
    const bodyHash = createHash('sha256').update('{}').digest('hex')
    expect(signingInput({ method: 'post', host: 'Pair.Example.com', path: '/v1/pairings', timestamp: 1700000000, nonce: 'n'.repeat(16), bodySha256: bodyHash.toUpperCase() })).toBe(
      `POST\npair.example.com\n/v1/pairings\n1700000000\n${'n'.repeat(16)}\n${bodyHash}`,
    )
  })

  it('names the service host as its public URL gives it, default ports left out', () => {
    expect(signingHost('https://Pair.Example.com')).toBe('pair.example.com')
    expect(signingHost('https://pair.example.com:443/base')).toBe('pair.example.com')
    expect(signingHost('http://pair.example.com:80')).toBe('pair.example.com')
    expect(signingHost('http://192.168.1.20:8080/')).toBe('192.168.1.20:8080')
    expect(signingHost('https://pair.example.com:8443')).toBe('pair.example.com:8443')
    expect(signingHost('http://[::1]:8080')).toBe('[::1]:8080')
    expect(signingHost('http://[::1]')).toBe('[::1]')
    for (const url of ['https://Pair.Example.com:443/x', 'http://192.168.1.20:8080/', 'http://[::1]:8080']) expect(signingHost(url)).toBe(new URL(url).host)
    expect(() => signingHost('/relative')).toThrow()
  })

  it('signs with the HMAC the caller supplies', async () => {
    const crypto = {
      sha256Hex: (d: string) => createHash('sha256').update(d).digest('hex'),
      hmacSha256Hex: (k: string, d: string) => createHmac('sha256', k).update(d).digest('hex'),
    }
    const h = await signRequest({ method: 'POST', host: 'pair.example.com', path: '/v1/pairings', body: '{"a":1}', deviceId: 'tv-1', secret: 's3cret', timestamp: 42, nonce: 'abcdefghijklmnop' }, crypto)
    const expected = createHmac('sha256', 's3cret')
      .update(`POST\npair.example.com\n/v1/pairings\n42\nabcdefghijklmnop\n${createHash('sha256').update('{"a":1}').digest('hex')}`)
      .digest('hex')
    expect(h).toEqual({ 'x-miitee-device': 'tv-1', 'x-miitee-timestamp': '42', 'x-miitee-nonce': 'abcdefghijklmnop', 'x-miitee-signature': expected })
  })
})

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined }, e: 'é' })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1,"e":"é"}')
    expect(() => canonicalJson({ x: NaN })).toThrow()
  })
})
