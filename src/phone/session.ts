// What survives a reload, and how it is kept: nothing secret in clear. A reload resumes with the
// phone token instead of presenting the one-time QR token again (which would cancel the pairing).
//
// sessionStorage (this tab only, gone when the tab closes) holds one record per link, under
// `miitee.phone.session.qr.<SHA-256 of the QR token, hex>` or `miitee.phone.session.typed` (the
// tab's typed-code slot): `{"v":2,"sealed":"<base64 of iv ‖ AES-GCM ciphertext>"}`. The sealed
// text is the phone token with what the page shows on resuming (pairing id, TV name, user code,
// answers so far), encrypted under this tab's non-extractable key (tab-key.ts) and bound to the
// record's name. The QR token, the phone token and the user code are never written.
//
// Where no key can be had (no crypto.subtle outside a secure context, no IndexedDB), the token
// stays in memory and the record is only `{"v":2}`: it says this tab used the link, so a reload
// says so instead of presenting the QR token again. The same marker is written at once on a
// claim, before the sealed record is ready.
import { sha256Hex } from './sha256'
import type { ResumeInfo } from './state'

const PREFIX = 'miitee.phone.'
const RECORD = `${PREFIX}session.`
/** Names of the former records, which held the QR token in the name and the phone token in clear. */
const LEGACY_LINK = `${PREFIX}link.`
const LEGACY_PAIRING = `${PREFIX}pairing.`
const VERSION = 2

export interface StoredSession extends ResumeInfo {
  token: string
}

export type Found =
  /** Resume with this. */
  | { kind: 'session'; session: StoredSession }
  /** This tab used the link but cannot resume (the token was kept in memory only, or cannot be opened). */
  | { kind: 'used' }
  /** A link this tab has not used. */
  | { kind: 'none' }

export interface KeyValue {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
  /** For finding the former records to convert (Storage has them). */
  readonly length?: number
  key?(index: number): string | null
}

/** Encrypts and decrypts short texts, binding each to `aad` (the record's name). */
export interface Sealer {
  seal(plain: string, aad: string): Promise<string>
  /** null when the text cannot be opened (another key, damaged, another name). */
  open(sealed: string, aad: string): Promise<string | null>
}

export type LinkRoute = { kind: 'qr'; token: string } | { kind: 'link' }

/** The name a link is kept under: the QR token's SHA-256 (through `subtle` where there is one), or the one typed-code slot of this tab. */
export function linkKey(route: LinkRoute, subtle?: SubtleCrypto | null): Promise<string> {
  return route.kind === 'qr' ? sha256Hex(route.token, subtle).then((hash) => `qr.${hash}`) : Promise.resolve('typed')
}

const NONE: Found = { kind: 'none' }
const USED: Found = { kind: 'used' }
const MARKER = JSON.stringify({ v: VERSION })

function isSession(s: unknown): s is StoredSession {
  const o = s as StoredSession | null
  return (
    !!o &&
    typeof o.token === 'string' &&
    o.token !== '' &&
    typeof o.pairingId === 'string' &&
    typeof o.tvName === 'string' &&
    typeof o.userCode === 'string' &&
    typeof o.confirmed === 'boolean' &&
    typeof o.mismatch === 'boolean'
  )
}

export class SessionStore {
  private readonly sealer: Promise<Sealer | null>
  /** Writes in order, so the newest state is what stays. */
  private queue: Promise<void> = Promise.resolve()
  /** Bumped by forget(): a sealed write started before it is dropped. */
  private readonly generation = new Map<string, number>()

  /**
   * `sealer`: this tab's (tab-key.ts), or null (or a promise of null) to keep the token in
   * memory only; `subtle`: the page's, for naming links. The store is usable at once; reads wait
   * for the sealer and for the former records to be converted.
   */
  constructor(
    private readonly storage: KeyValue | null,
    sealer: Sealer | null | Promise<Sealer | null> = null,
    private readonly subtle: SubtleCrypto | null = null,
  ) {
    this.sealer = Promise.resolve(sealer).then(
      (s) => s,
      () => null,
    )
    void this.enqueue(() => this.convertLegacy())
  }

  /** The name `route`'s link is kept under (linkKey). */
  linkKey(route: LinkRoute): Promise<string> {
    return linkKey(route, this.subtle)
  }

  /** Whether a reload can resume: false when the token is kept in memory only. */
  async resumable(): Promise<boolean> {
    return this.storage !== null && (await this.sealer) !== null
  }

  private get(link: string): string | null {
    try {
      return this.storage ? this.storage.getItem(RECORD + link) : null
    } catch {
      return null
    }
  }

  private set(link: string, value: string | null): void {
    try {
      if (!this.storage) return
      if (value === null) this.storage.removeItem(RECORD + link)
      else this.storage.setItem(RECORD + link, value)
    } catch {
      // storage full or disabled: a reload will then start over
    }
  }

  async find(link: string): Promise<Found> {
    await this.queue
    const raw = this.get(link)
    if (raw === null) return NONE
    try {
      const rec = JSON.parse(raw) as { v?: number; sealed?: unknown } | null
      if (!rec || rec.v !== VERSION || typeof rec.sealed !== 'string') return USED
      const sealer = await this.sealer
      const plain = sealer ? await sealer.open(rec.sealed, RECORD + link) : null
      if (plain === null) return USED
      const s = JSON.parse(plain) as unknown
      return isSession(s) ? { kind: 'session', session: s } : USED
    } catch {
      // damaged: the link was used here all the same
      return USED
    }
  }

  /**
   * Keeps what a reload resumes. At once: the marker that this tab used the link; then, once
   * sealed, the record itself (nothing more where there is no key).
   */
  save(link: string, info: ResumeInfo, token: string): Promise<void> {
    if (!this.storage) return Promise.resolve()
    if (this.get(link) === null) this.set(link, MARKER)
    const generation = this.generation.get(link) ?? 0
    const plain = JSON.stringify({ ...info, token })
    return this.enqueue(() => this.seal(link, plain, generation))
  }

  /** Writes the sealed record, unless the link was forgotten since (`generation`). */
  private async seal(link: string, plain: string, generation: number): Promise<void> {
    const sealer = await this.sealer
    if (!sealer) return
    const sealed = await sealer.seal(plain, RECORD + link)
    if ((this.generation.get(link) ?? 0) === generation) this.set(link, JSON.stringify({ v: VERSION, sealed }))
  }

  forget(link: string): void {
    this.generation.set(link, (this.generation.get(link) ?? 0) + 1)
    this.set(link, null)
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(op).catch(() => {
      // could not seal: the marker stays, so a reload says the link was used
    })
    this.queue = next
    return next
  }

  /** Records of the former format (QR token in the name, phone token in clear): converted, then removed. */
  private async convertLegacy(): Promise<void> {
    const s = this.storage
    if (!s || typeof s.length !== 'number' || typeof s.key !== 'function') return
    const sealing: (() => Promise<void>)[] = []
    try {
      const names: string[] = []
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i)
        if (k && (k.indexOf(LEGACY_LINK) === 0 || k.indexOf(LEGACY_PAIRING) === 0)) names.push(k)
      }
      for (const name of names) {
        if (name.indexOf(LEGACY_LINK) !== 0) continue
        const old = name.slice(LEGACY_LINK.length)
        const link = old === 'typed' ? 'typed' : old.indexOf('qr.') === 0 ? await this.linkKey({ kind: 'qr', token: old.slice(3) }) : null
        if (!link) continue
        const id = s.getItem(name)
        let prev: unknown = null
        try {
          prev = id ? JSON.parse(s.getItem(LEGACY_PAIRING + id) ?? 'null') : null
        } catch {
          prev = null
        }
        if (this.get(link) === null) this.set(link, MARKER)
        if (isSession(prev) && prev.pairingId === id) {
          const { pairingId, tvName, userCode, confirmed, mismatch, token } = prev
          const plain = JSON.stringify({ pairingId, tvName, userCode, confirmed, mismatch, token })
          const generation = this.generation.get(link) ?? 0
          sealing.push(() => this.seal(link, plain, generation))
        }
      }
      for (const name of names) s.removeItem(name)
    } catch {
      // storage unavailable: nothing to convert
    }
    for (const job of sealing) {
      await job().catch(() => {
        // could not seal: the marker stays, so a reload says the link was used
      })
    }
  }
}
