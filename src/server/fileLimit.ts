// The process's open-file limit (each connection holds a descriptor), read from Linux's
// /proc/self/limits; elsewhere unknown.
import { readFileSync } from 'node:fs'

/** Descriptors kept back for what is not a client connection: the ledger, Redis, PostgreSQL, logs. */
export const RESERVED_DESCRIPTORS = 128

/** The soft limit on open files (`ulimit -n`), or null when it cannot be read. */
export function openFileLimit(limitsText?: string): number | null {
  let text = limitsText
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8')
    } catch {
      return null
    }
  }
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text)
  if (!m) return null
  return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1])
}

/** MAX_CONNECTIONS when unset: what the open-file limit leaves after the reserve, at most 65,536. */
export function defaultMaxConnections(limit: number | null = openFileLimit()): number {
  if (limit === null) return 1000
  return Math.max(16, Math.min(65_536, limit - RESERVED_DESCRIPTORS))
}
