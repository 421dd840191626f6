// What the phone page keeps for a reload, with the real WebCrypto of Node (crypto.subtle) and an
// in-memory key store in place of IndexedDB: nothing secret in the stored bytes, a sealed
// round trip, one non-extractable key per tab, and nothing kept where crypto.subtle is missing.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { linkKey, SessionStore, type KeyValue, type Sealer } from '../../src/phone/session'
import { tabSealer, type KeyStore, type WebCrypto } from '../../src/phone/tab-key'

const QR_TOKEN = '0123456789ABCDEFGHJKMNPQRS'
const PHONE_TOKEN = 'phone-token-0123456789abcdefghij'
const INFO = { pairingId: 'p_abcdefghijklmnopqrstuv', tvName: '客厅电视', userCode: 'WDJB-MJHT', confirmed: false, mismatch: false }
const crypto = globalThis.crypto as unknown as WebCrypto
const subtle = globalThis.crypto.subtle

/** sessionStorage of one tab. */
class MemoryStorage implements KeyValue {
  map = new Map<string, string>()
  get length() {
    return this.map.size
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null
  }
  getItem(k: string) {
    return this.map.get(k) ?? null
  }
  setItem(k: string, v: string) {
    this.map.set(k, v)
  }
  removeItem(k: string) {
    this.map.delete(k)
  }
  /** Everything kept, names and values, as one text. */
  dump(): string {
    return [...this.map].map(([k, v]) => `${k}=${v}`).join('\n')
  }
}

/** The origin's IndexedDB, reduced to what the tab keys need. */
class MemoryKeyStore implements KeyStore {
  keys = new Map<string, CryptoKey>()
  async get(id: string) {
    return this.keys.get(id) ?? null
  }
  async put(id: string, key: CryptoKey) {
    this.keys.set(id, key)
  }
}

function tab(storage = new MemoryStorage(), keys: KeyStore = new MemoryKeyStore(), c: WebCrypto | null = crypto) {
  const sealer = tabSealer(storage, keys, c)
  // As main.ts: links are named through the page's crypto.subtle where it has one.
  return { storage, keys, sealer, sessions: new SessionStore(storage, sealer, c?.subtle ?? null) }
}

/** The QR link's name, as node:crypto computes it. */
const QR = `qr.${createHash('sha256').update(QR_TOKEN).digest('hex')}`

function noSecrets(text: string): void {
  for (const secret of [QR_TOKEN, QR_TOKEN.toLowerCase(), PHONE_TOKEN, INFO.userCode, INFO.userCode.replace('-', '')]) expect(text).not.toContain(secret)
}

describe('session kept for a reload', () => {
  it('names a QR link by the SHA-256 of its token, never the token, with crypto.subtle and without', async () => {
    expect(await linkKey({ kind: 'qr', token: QR_TOKEN }, subtle)).toBe(QR)
    expect(await linkKey({ kind: 'qr', token: QR_TOKEN })).toBe(QR)
    expect(await new SessionStore(null, null, subtle).linkKey({ kind: 'qr', token: QR_TOKEN })).toBe(QR)
    expect(await new SessionStore(null).linkKey({ kind: 'qr', token: QR_TOKEN })).toBe(QR)
    expect(await linkKey({ kind: 'link' }, subtle)).toBe('typed')
    expect(await linkKey({ kind: 'link' })).toBe('typed')
  })

  it('keeps only iv + AES-GCM ciphertext: no QR token, phone token or user code in the stored bytes', async () => {
    const t = tab()
    expect(await t.sessions.find(QR)).toEqual({ kind: 'none' })
    await t.sessions.save(QR, INFO, PHONE_TOKEN)
    const names = [...t.storage.map.keys()].sort()
    expect(names).toEqual(['miitee.phone.session.' + QR, 'miitee.phone.tabkey'])
    noSecrets(t.storage.dump())
    const rec = JSON.parse(t.storage.getItem('miitee.phone.session.' + QR)!)
    expect(Object.keys(rec).sort()).toEqual(['sealed', 'v'])
    expect(rec.v).toBe(2)
    const bytes = Buffer.from(rec.sealed, 'base64')
    noSecrets(bytes.toString('latin1'))
    noSecrets(bytes.toString('utf8'))
    const plain = JSON.stringify({ ...INFO, token: PHONE_TOKEN })
    // 12 bytes of iv, the ciphertext, a 16-byte tag.
    expect(bytes.length).toBe(12 + Buffer.byteLength(plain) + 16)

    // Decrypted with the tab's key (iv first, the record's name as associated data): the session.
    const key = [...(t.keys as MemoryKeyStore).keys.values()][0]
    const opened = await subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: new TextEncoder().encode('miitee.phone.session.' + QR) },
      key,
      bytes.subarray(12),
    )
    expect(JSON.parse(new TextDecoder().decode(opened))).toEqual({ ...INFO, token: PHONE_TOKEN })

    // A reload: a new store over the same tab storage and key store resumes.
    const reload = tab(t.storage, t.keys)
    expect(await reload.sessions.find(QR)).toEqual({ kind: 'session', session: { ...INFO, token: PHONE_TOKEN } })
    expect(await reload.sessions.resumable()).toBe(true)
    expect(await reload.sessions.find(await linkKey({ kind: 'qr', token: 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ' }))).toEqual({ kind: 'none' })
    expect(await reload.sessions.find('typed')).toEqual({ kind: 'none' })
  })

  it('seals afresh each time (random iv)', async () => {
    const t = tab()
    await t.sessions.save('typed', INFO, PHONE_TOKEN)
    const a = t.storage.getItem('miitee.phone.session.typed')
    await t.sessions.save('typed', INFO, PHONE_TOKEN)
    expect(t.storage.getItem('miitee.phone.session.typed')).not.toBe(a)
  })

  it('one non-extractable AES-GCM key per tab, found again after a reload; another tab cannot open it', async () => {
    const keys = new MemoryKeyStore()
    const a = tab(new MemoryStorage(), keys)
    await a.sessions.save(QR, INFO, PHONE_TOKEN)
    expect(keys.keys.size).toBe(1)
    const [id, key] = [...keys.keys][0]
    expect(a.storage.getItem('miitee.phone.tabkey')).toBe(id)
    expect(key.extractable).toBe(false)
    expect(key.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 })
    expect(key.usages.sort()).toEqual(['decrypt', 'encrypt'])
    await expect(subtle.exportKey('raw', key)).rejects.toThrow()

    // Reloads reuse the tab's key.
    await tab(a.storage, keys).sealer
    expect(keys.keys.size).toBe(1)

    // Another tab of the same origin: its own key; the first tab's record (copied over) does not
    // open there, and is taken as a link used, not as a fresh one.
    const b = tab(new MemoryStorage(), keys)
    await b.sealer
    expect(keys.keys.size).toBe(2)
    b.storage.setItem('miitee.phone.session.' + QR, a.storage.getItem('miitee.phone.session.' + QR)!)
    expect(await b.sessions.find(QR)).toEqual({ kind: 'used' })
  })

  it('a record changed, or moved under another link, does not open (and still counts as used)', async () => {
    const t = tab()
    await t.sessions.save(QR, INFO, PHONE_TOKEN)
    const name = 'miitee.phone.session.' + QR
    const rec = JSON.parse(t.storage.getItem(name)!)
    t.storage.setItem('miitee.phone.session.typed', JSON.stringify(rec))
    expect(await t.sessions.find('typed')).toEqual({ kind: 'used' })
    const bytes = Buffer.from(rec.sealed, 'base64')
    bytes[20] ^= 1
    t.storage.setItem(name, JSON.stringify({ v: 2, sealed: bytes.toString('base64') }))
    expect(await t.sessions.find(QR)).toEqual({ kind: 'used' })
    t.storage.setItem(name, '{not json')
    expect(await t.sessions.find(QR)).toEqual({ kind: 'used' })
  })

  it('the key is gone (another browser session, site data cleared): used, not fresh', async () => {
    const t = tab()
    await t.sessions.save(QR, INFO, PHONE_TOKEN)
    const reload = tab(t.storage, new MemoryKeyStore())
    expect(await reload.sessions.find(QR)).toEqual({ kind: 'used' })
  })

  it('updates in place and forgets; a save still being sealed when forgotten is dropped', async () => {
    const t = tab()
    await t.sessions.save('typed', INFO, 't1')
    await t.sessions.save('typed', { ...INFO, confirmed: true }, 't1')
    const found = await t.sessions.find('typed')
    expect(found.kind === 'session' && found.session.confirmed).toBe(true)
    t.sessions.forget('typed')
    expect(await t.sessions.find('typed')).toEqual({ kind: 'none' })
    const pending = t.sessions.save('typed', INFO, 't2')
    t.sessions.forget('typed')
    await pending
    expect(t.storage.getItem('miitee.phone.session.typed')).toBeNull()
  })

  it('marks the link used at once, before the sealed record is written', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const real = (await tabSealer(new MemoryStorage(), new MemoryKeyStore(), crypto))!
    const slow: Sealer = { seal: async (p, a) => (await gate, real.seal(p, a)), open: (s, a) => real.open(s, a) }
    const storage = new MemoryStorage()
    const s = new SessionStore(storage, slow)
    const saved = s.save(QR, INFO, PHONE_TOKEN)
    expect(storage.getItem('miitee.phone.session.' + QR)).toBe('{"v":2}')
    // A reload now: the link is not presented again.
    expect(await new SessionStore(storage, slow).find(QR)).toEqual({ kind: 'used' })
    release()
    await saved
    expect((await s.find(QR)).kind).toBe('session')
  })

  it('converts records of the former format (token in clear) and removes them', async () => {
    const storage = new MemoryStorage()
    storage.setItem(`miitee.phone.link.qr.${QR_TOKEN}`, INFO.pairingId)
    storage.setItem(`miitee.phone.pairing.${INFO.pairingId}`, JSON.stringify({ v: 1, token: PHONE_TOKEN, ...INFO }))
    storage.setItem('miitee.phone.link.typed', 'p_other')
    storage.setItem('miitee.phone.locale', 'en-US')
    const t = tab(storage)
    expect(await t.sessions.find(QR)).toEqual({ kind: 'session', session: { ...INFO, token: PHONE_TOKEN } })
    // The typed slot pointed at nothing usable: it counts as used.
    expect(await t.sessions.find('typed')).toEqual({ kind: 'used' })
    expect([...storage.map.keys()].filter((k) => /\.(link|pairing)\./.test(k))).toEqual([])
    expect(storage.getItem('miitee.phone.locale')).toBe('en-US')
    noSecrets(storage.dump())
  })

  it('ignores storage that throws (private mode)', async () => {
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
    const t = tab(throwing as MemoryStorage)
    await expect(t.sessions.save('typed', INFO, 't')).resolves.toBeUndefined()
    expect(await t.sessions.find('typed')).toEqual({ kind: 'none' })
    expect(await t.sessions.resumable()).toBe(false)
    expect(await new SessionStore(null).find('typed')).toEqual({ kind: 'none' })
  })
})

describe('without crypto.subtle or IndexedDB: the token stays in memory', () => {
  // As on http://192.168.x.y (not a secure context): getRandomValues exists, subtle does not.
  const insecure: WebCrypto = { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) }

  it('no crypto.subtle: no key, nothing stored but the marker that the link was used', async () => {
    const t = tab(new MemoryStorage(), new MemoryKeyStore(), insecure)
    expect(await t.sealer).toBeNull()
    expect(await t.sessions.resumable()).toBe(false)
    await t.sessions.save(QR, INFO, PHONE_TOKEN)
    expect([...t.storage.map]).toEqual([['miitee.phone.session.' + QR, '{"v":2}']])
    expect((t.keys as MemoryKeyStore).keys.size).toBe(0)
    noSecrets(t.storage.dump())
    // A reload cannot resume, and knows the link was used here.
    expect(await tab(t.storage, t.keys, insecure).sessions.find(QR)).toEqual({ kind: 'used' })
  })

  it('no IndexedDB, no crypto at all, or a key store that fails, forgets or hangs: the same', async () => {
    const failing: KeyStore = { get: async () => null, put: async () => Promise.reject(new Error('DataCloneError')) }
    const forgetting: KeyStore = { get: async () => null, put: async () => {} }
    const hanging: KeyStore = { get: () => new Promise(() => {}), put: () => new Promise(() => {}) }
    const storage = new MemoryStorage()
    storage.setItem('miitee.phone.tabkey', 'abc')
    for (const sealer of [
      tabSealer(storage, null, crypto),
      tabSealer(storage, new MemoryKeyStore(), null),
      tabSealer(null, new MemoryKeyStore(), crypto),
      tabSealer(storage, failing, crypto),
      tabSealer(storage, forgetting, crypto),
      tabSealer(storage, hanging, crypto, 50),
    ]) {
      expect(await sealer).toBeNull()
      const s = new MemoryStorage()
      await new SessionStore(s, sealer).save(QR, INFO, PHONE_TOKEN)
      expect([...s.map.values()]).toEqual(['{"v":2}'])
    }
  })
})
