// The server-key HMAC behind every stored hash: Hasher must give the very bytes of createHmac
// over `kind ‖ 0 ‖ value`, or stored hashes (SQLite ledger, Redis) would stop matching.
import { createHmac, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Hasher } from '../../src/server/crypto'

const reference = (key: Buffer, kind: string, value: string) => createHmac('sha256', key).update(kind).update('\0').update(value).digest('base64url')

describe('Hasher.hash', () => {
  it('equals HMAC-SHA256(key, kind ‖ 0 ‖ value) for every kind of input, in any order', () => {
    const key = randomBytes(32)
    const h = new Hasher(key)
    const values = [
      '',
      'a',
      randomBytes(32).toString('base64url'), // a bearer token
      'WDJBMJHT',
      '流量 蓝牙 😀 é',
      '\ud800 lone surrogate \udc00',
      'x'.repeat(340),
      'x'.repeat(341),
      'y'.repeat(5000),
      '漢'.repeat(400),
    ]
    for (let i = 0; i < 300; i++) values.push(randomBytes(i % 97).toString(i % 3 ? 'base64url' : 'latin1'))
    for (const kind of ['tv', 'phone', 'qr', 'user_code', 'device_code', 'device', 'idem', 'server-key-check', ''])
      for (const v of values) expect(h.hash(kind, v), `${kind} / ${v.length}`).toBe(reference(key, kind, v))
    // a long value, then a short one: no state carries over between calls
    h.hash('tv', 'z'.repeat(300))
    expect(h.hash('tv', 'short')).toBe(reference(key, 'tv', 'short'))
  })

  it('matches createHmac with keys of other lengths', () => {
    for (const len of [1, 16, 63, 64, 65, 128]) {
      const key = randomBytes(len)
      const token = randomBytes(32).toString('base64url')
      expect(new Hasher(key).hash('tv', token)).toBe(reference(key, 'tv', token))
    }
  })

  it('gives the hashes already stored under a fixed key', () => {
    const h = new Hasher(Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex'))
    expect(h.hash('tv', 'miitee')).toBe('pVYVjoswh47IhYhE-Cvqg1fyz9cRY-qEyP0g7BoVYcA')
    expect(h.hash('user_code', 'WDJBMJHT')).toBe('8N45sNF9qIyvS60wKNhTi0EhY9AS6KdpJXTMd8ItXrk')
    expect(h.derive('tv_token', 'miitee')).toBe('EGQNPBXDCFc4nRrF9XPz69Tz6YRbDWvtAQg8sxYKC6Q')
    expect(h.deriveBytes('user_code', 'miitee').toString('hex')).toBe('a5aa27caf2378686eee98c678cdf38a179f00382eed7c6502a0b76c1c38f4de2')
  })
})
