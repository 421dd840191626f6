// Persistent key/value storage. The browser default is localStorage; OEM firmware can
// hand in its own (the platform bridge) so consent survives a cleared browser profile.
export interface KeyValueStore {
  get(key: string): string | null
  set(key: string, value: string): void
  remove(key: string): void
  clear(): void
}

const PREFIX = 'miitee.'

export class LocalStorageStore implements KeyValueStore {
  constructor(private readonly storage: Storage = window.localStorage) {}
  get(key: string) {
    return this.storage.getItem(PREFIX + key)
  }
  set(key: string, value: string) {
    this.storage.setItem(PREFIX + key, value)
  }
  remove(key: string) {
    this.storage.removeItem(PREFIX + key)
  }
  clear() {
    const mine: string[] = []
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i)
      if (k && k.startsWith(PREFIX)) mine.push(k)
    }
    mine.forEach((k) => this.storage.removeItem(k))
  }
}

export class MemoryStore implements KeyValueStore {
  private readonly map = new Map<string, string>()
  get(key: string) {
    return this.map.has(key) ? (this.map.get(key) as string) : null
  }
  set(key: string, value: string) {
    this.map.set(key, value)
  }
  remove(key: string) {
    this.map.delete(key)
  }
  clear() {
    this.map.clear()
  }
}

export function readJson<T>(store: KeyValueStore, key: string): T | null {
  const raw = store.get(key)
  if (raw == null) return null
  try {
    return JSON.parse(raw) as T
  } catch {
    // A corrupt entry is treated as absent rather than crashing the app at boot.
    return null
  }
}
