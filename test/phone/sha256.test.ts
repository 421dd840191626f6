// SHA-256 of the QR token names its record: Web Crypto's digest where the page has it, and the
// page's own code where it has no crypto.subtle (http on a LAN address); both against node:crypto.
import { createHash, webcrypto } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { sha256Fallback, sha256Hex } from '../../src/phone/sha256'

const subtle = webcrypto.subtle as unknown as SubtleCrypto
const nodeHex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

/** Empty, one block, every length around the one- and two-block padding boundaries, many blocks, non-ASCII. */
const INPUTS = ['', 'abc', '0123456789ABCDEFGHJKMNPQRS', '客厅电视🙂', 'é'.repeat(40), '\u0000\u007f\u0080\uffff', 'x'.repeat(1000), '电视'.repeat(500)]
for (let n = 50; n <= 130; n++) INPUTS.push('a'.repeat(n))

describe('SHA-256 of the QR token', () => {
  it('the fallback matches node:crypto byte for byte', () => {
    for (const s of INPUTS) {
      const bytes = new TextEncoder().encode(s)
      expect(Buffer.from(sha256Fallback(bytes)).toString('hex'), JSON.stringify(s)).toBe(createHash('sha256').update(bytes).digest('hex'))
    }
    // FIPS 180-4's own examples.
    expect(Buffer.from(sha256Fallback(new TextEncoder().encode('abc'))).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(Buffer.from(sha256Fallback(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toString('hex')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    )
  })

  it('the fallback over a million bytes (the length field past 2^20 bits)', () => {
    const big = new Uint8Array(1_000_000).fill(0x61)
    expect(Buffer.from(sha256Fallback(big)).toString('hex')).toBe(createHash('sha256').update(big).digest('hex'))
  })

  it('through crypto.subtle where there is one, and the same hex without it', async () => {
    const digest = vi.spyOn(subtle, 'digest')
    for (const s of INPUTS) {
      expect(await sha256Hex(s, subtle), JSON.stringify(s)).toBe(nodeHex(s))
      expect(await sha256Hex(s, null), JSON.stringify(s)).toBe(nodeHex(s))
      expect(await sha256Hex(s), JSON.stringify(s)).toBe(nodeHex(s))
    }
    expect(digest).toHaveBeenCalledTimes(INPUTS.length)
    digest.mockRestore()
  })

  it('a digest that refuses falls back to the same hex', async () => {
    const refusing = { digest: () => Promise.reject(new DOMException('no', 'NotSupportedError')) } as unknown as SubtleCrypto
    expect(await sha256Hex('客厅电视', refusing)).toBe(nodeHex('客厅电视'))
  })
})
