import { describe, expect, it } from 'vitest'
import { linkKey, SessionStore, type KeyValue } from '../../src/phone/session'

class MemoryStorage implements KeyValue {
  map = new Map<string, string>()
  getItem(k: string) {
    return this.map.get(k) ?? null
  }
  setItem(k: string, v: string) {
    this.map.set(k, v)
  }
  removeItem(k: string) {
    this.map.delete(k)
  }
}

const INFO = { pairingId: 'p_abcdefghijklmnopqrstuv', tvName: '客厅电视', userCode: 'WDJB-MJHT', confirmed: false, mismatch: false }

describe('session kept for a reload', () => {
  it('finds the pairing a link led to, with its phone token, keyed by the pairing', () => {
    const storage = new MemoryStorage()
    const s = new SessionStore(storage)
    const link = linkKey({ kind: 'qr', token: 'TOKEN' })
    expect(s.find(link)).toBeNull()
    s.save(link, INFO, 'phone-token')
    expect([...storage.map.keys()].sort()).toEqual(['miitee.phone.link.qr.TOKEN', `miitee.phone.pairing.${INFO.pairingId}`])
    expect(new SessionStore(storage).find(link)).toEqual({ v: 1, token: 'phone-token', ...INFO })
    expect(s.find(linkKey({ kind: 'qr', token: 'OTHER' }))).toBeNull()
    expect(s.find(linkKey({ kind: 'link' }))).toBeNull()
  })

  it('updates in place and forgets', () => {
    const storage = new MemoryStorage()
    const s = new SessionStore(storage)
    s.save('typed', INFO, 't1')
    s.save('typed', { ...INFO, confirmed: true }, 't1')
    expect(s.find('typed')?.confirmed).toBe(true)
    s.forget('typed')
    expect(s.find('typed')).toBeNull()
    expect(storage.map.size).toBe(0)
  })

  it('ignores damaged entries and storage that throws (private mode)', () => {
    const storage = new MemoryStorage()
    storage.setItem('miitee.phone.link.typed', 'p_x')
    storage.setItem('miitee.phone.pairing.p_x', '{not json')
    expect(new SessionStore(storage).find('typed')).toBeNull()
    storage.setItem('miitee.phone.pairing.p_x', JSON.stringify({ v: 1, pairingId: 'p_other', token: 't' }))
    expect(new SessionStore(storage).find('typed')).toBeNull()
    const throwing: KeyValue = {
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('quota')
      },
      removeItem: () => {
        throw new Error('denied')
      },
    }
    const s = new SessionStore(throwing)
    expect(() => s.save('typed', INFO, 't')).not.toThrow()
    expect(s.find('typed')).toBeNull()
    expect(new SessionStore(null).find('typed')).toBeNull()
  })
})
