// The server-key HMAC behind every stored hash: the one-shot path of Hasher.hash must give the
// very bytes of createHmac, or stored hashes (SQLite ledger, Redis) would stop matching.
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
      'x'.repeat(340), // around the end of the one-shot room (1024 bytes at 3 per unit)
      'x'.repeat(341),
      'y'.repeat(5000),
      '漢'.repeat(400),
    ]
    for (let i = 0; i < 300; i++) values.push(randomBytes(i % 97).toString(i % 3 ? 'base64url' : 'latin1'))
    for (const kind of ['tv', 'phone', 'qr', 'user_code', 'device_code', 'device', 'idem', 'server-key-check', ''])
      for (const v of values) expect(h.hash(kind, v), `${kind} / ${v.length}`).toBe(reference(key, kind, v))
    // a long value, then a short one: nothing of the first is left in the scratch space
    h.hash('tv', 'z'.repeat(300))
    expect(h.hash('tv', 'short')).toBe(reference(key, 'tv', 'short'))
  })

  it('matches createHmac with keys of other lengths (longer than a block: createHmac itself)', () => {
    for (const len of [1, 16, 63, 64, 65, 128]) {
      const key = randomBytes(len)
      const token = randomBytes(32).toString('base64url')
      expect(new Hasher(key).hash('tv', token)).toBe(reference(key, 'tv', token))
    }
  })
})
