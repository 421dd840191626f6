// A pairing record as a Redis hash: one JSON-encoded field per member. Fields whose names
// start with `_` belong to the store (the token keys of the pairing) and are not record members.
import type { PairingRecord } from '../live'

export type RecordFields = Record<string, string>

/** One hash field per record member, JSON-encoded (absent members have no field). */
export function encodeRecord(rec: PairingRecord): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(rec)) if (v !== undefined) out.push(k, JSON.stringify(v))
  return out
}

export function decodeRecord(h: RecordFields): PairingRecord {
  const rec: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(h)) if (!k.startsWith('_')) rec[k] = JSON.parse(v)
  return rec as unknown as PairingRecord
}
