// What survives a reload: the phone token, kept in sessionStorage (this tab only, gone when the
// tab closes) under the pairing's id, and which pairing a link led to. A reload resumes with the
// token instead of presenting the one-time QR token again (which would cancel the pairing).
import type { ResumeInfo } from './state'

const PREFIX = 'miitee.phone.'

export interface StoredSession extends ResumeInfo {
  v: 1
  token: string
}

export interface KeyValue {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** The key a link leads through: the QR token, or the one typed-code slot of this tab. */
export function linkKey(route: { kind: 'qr'; token: string } | { kind: 'link' }): string {
  return route.kind === 'qr' ? `qr.${route.token}` : 'typed'
}

export class SessionStore {
  constructor(private readonly storage: KeyValue | null) {}

  private get(key: string): string | null {
    try {
      return this.storage ? this.storage.getItem(PREFIX + key) : null
    } catch {
      return null
    }
  }

  private set(key: string, value: string | null): void {
    try {
      if (!this.storage) return
      if (value === null) this.storage.removeItem(PREFIX + key)
      else this.storage.setItem(PREFIX + key, value)
    } catch {
      // storage full or disabled: a reload will then start over, which is safe for typed codes
    }
  }

  find(link: string): StoredSession | null {
    const id = this.get(`link.${link}`)
    if (!id) return null
    const raw = this.get(`pairing.${id}`)
    if (!raw) return null
    try {
      const s = JSON.parse(raw) as StoredSession
      if (s && s.v === 1 && s.pairingId === id && typeof s.token === 'string') return s
    } catch {
      // damaged: ignore
    }
    return null
  }

  save(link: string, info: ResumeInfo, token: string): void {
    const s: StoredSession = { v: 1, token, ...info }
    this.set(`pairing.${info.pairingId}`, JSON.stringify(s))
    this.set(`link.${link}`, info.pairingId)
  }

  forget(link: string): void {
    const id = this.get(`link.${link}`)
    if (id) this.set(`pairing.${id}`, null)
    this.set(`link.${link}`, null)
  }
}
