// The consent ledger (DESIGN.md §4): append-only and hash-chained. A withdrawal is a new
// record, never an update. `append` resolves only once the record is durable.
import { createHash } from 'node:crypto'
import { canonicalJson, type Notice, type Scope } from '../../core/protocol'

export type LedgerKind = 'consent' | 'withdrawal'
export type LedgerDecision = 'granted' | 'denied' | 'withdrawn'

export interface LedgerEntry {
  kind: LedgerKind
  receipt_id: string
  pairing_id: string
  /** HMAC of the request's Idempotency-Key. */
  decision_id: string
  /** The TV the decision was taken on: its device id, hashed (HMAC). */
  subject: { device_id_hash: string; device_name: string }
  /** Who asked: the paired phone. */
  requester: { phone_name: string }
  decisions: Partial<Record<Scope, LedgerDecision>>
  /** For a withdrawal: the consent receipt it withdraws from. */
  refers_to: string | null
  notice: Notice
  collection_method: 'tv-remote'
  screen_id: string
  app_version: string
  firmware_version: string | null
  /** RFC 3339, service clock. */
  server_time: string
  /** RFC 3339, as reported by the TV. */
  device_time: string
}

export interface LedgerRecord extends LedgerEntry {
  seq: number
  prev_hash: string
  hash: string
}

export interface BadRecord {
  seq: number
  receipt_id: string | null
  reason: string
}

export interface VerifyResult {
  ok: boolean
  count: number
  head_hash: string
  first_bad?: BadRecord
}

export interface LedgerStore {
  /** Appends and resolves with the stored record (the receipt) once it is durable. */
  append(entry: LedgerEntry): Promise<LedgerRecord>
  /** Records of one pairing, oldest first. */
  byPairing(pairingId: string): Promise<LedgerRecord[]>
  /** Every record, oldest first. */
  records(): AsyncIterable<LedgerRecord>
  /** Checks the chain from the genesis; names the first bad record. */
  verify(): Promise<VerifyResult>
  close(): Promise<void>
}

export const GENESIS_HASH = '0'.repeat(64)

/** hash = SHA-256(prev_hash ‖ canonical JSON of the record without `hash`). */
export function recordHash(record: Omit<LedgerRecord, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...body } = record
  return hashOfCanonical(record.prev_hash, canonicalJson(body))
}

/** The same hash from the record's canonical JSON text (computed once when appending). */
export function hashOfCanonical(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update(canonical).digest('hex')
}

/** Verifies records given oldest first. */
export async function verifyChain(records: AsyncIterable<LedgerRecord | { seq: number; broken: string }>): Promise<VerifyResult> {
  let prev = GENESIS_HASH
  let expectedSeq = 1
  let count = 0
  for await (const r of records) {
    if ('broken' in r) return { ok: false, count, head_hash: prev, first_bad: { seq: r.seq, receipt_id: null, reason: r.broken } }
    const bad = (reason: string): VerifyResult => ({ ok: false, count, head_hash: prev, first_bad: { seq: r.seq, receipt_id: r.receipt_id ?? null, reason } })
    if (r.seq !== expectedSeq) return bad(`sequence gap: expected ${expectedSeq}`)
    if (r.prev_hash !== prev) return bad('prev_hash does not match the previous record')
    if (recordHash(r) !== r.hash) return bad('hash does not match the record content')
    prev = r.hash
    expectedSeq++
    count++
  }
  return { ok: true, count, head_hash: prev }
}
