// The keyed hashes of a device id that every signed request needs (its nonce key, its failure
// counter, its pairings' device hash), remembered for the devices that have a credential: those
// ids come from the configuration, and the cache is bounded besides.
import type { Hasher } from '../crypto'

/** Entries kept per server key; past it the cache starts over (a credential list that large only recomputes). */
export const MAX_CACHED_HASHES = 50_000

const caches = new WeakMap<Hasher, Map<string, string>>()

/** `hasher.hash(kind, deviceId)`, computed once per id when `known` (the id has a credential). */
export function deviceIdHash(hasher: Hasher, kind: string, deviceId: string, known: boolean): string {
  if (!known) return hasher.hash(kind, deviceId)
  let cache = caches.get(hasher)
  if (!cache) caches.set(hasher, (cache = new Map()))
  const key = `${kind}\0${deviceId}`
  let h = cache.get(key)
  if (h === undefined) {
    if (cache.size >= MAX_CACHED_HASHES) cache.clear()
    h = hasher.hash(kind, deviceId)
    cache.set(key, h)
  }
  return h
}
