// The consent ledger (DESIGN.md §4): append-only, every record chained to the one before by an
// HMAC under the ledger key (kept outside the database), one consent per pairing and one record
// per request. A withdrawal is a new record, never an update. `append` resolves only once the
// record is durable. docs/ledger.md says what each safeguard protects from.
import { createHash, createHmac } from 'node:crypto'
import { canonicalJson, SCOPES, type Notice, type Scope } from '../../core/protocol'

export type LedgerKind = 'consent' | 'withdrawal'
export type LedgerDecision = 'granted' | 'denied' | 'withdrawn'

export interface LedgerEntry {
  kind: LedgerKind
  receipt_id: string
  pairing_id: string
  /** HMAC of the request's Idempotency-Key: with `pairing_id` and `kind`, names the request. */
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

/** Stable codes of what `verify` finds (docs/ledger.md lists them). */
export type LedgerProblemCode =
  | 'record_unreadable'
  | 'record_mismatch'
  | 'sequence_gap'
  | 'chain_broken'
  | 'hash_mismatch'
  | 'unkeyed_after_keyed'
  | 'duplicate_consent'
  | 'duplicate_request'
  | 'truncated'
  | 'checkpoint_mismatch'
  | 'checkpoint_invalid'
  | 'checkpoint_unreadable'
  | 'checkpoint_missing'
  | 'key_mismatch'

export interface LedgerProblem {
  code: LedgerProblemCode
  /** The record at fault (null when the problem is the ledger's as a whole). */
  seq: number | null
  receipt_id: string | null
  message: string
}

export interface VerifyResult {
  ok: boolean
  /** Records verified from the genesis before the first broken one (all of them when intact). */
  count: number
  /** Hash of the last of those records. */
  head_hash: string
  /** Every record stored, verified or not. */
  total: number
  /** Whether record MACs and checkpoint signatures were checked (a ledger key was given). */
  keyed: boolean
  /** Records chained with plain SHA-256 before the ledger had a key (tamper-evident only through the first keyed record). */
  unkeyed_records: number
  /** The newest checkpoint the chain matches. */
  checkpoint: { count: number; head_hash: string; at: string } | null
  /** The problem at the lowest record. */
  first_bad?: LedgerProblem
  problems: LedgerProblem[]
}

export interface LedgerStore {
  /** Appends and resolves with the stored record (the receipt) once it is durable; rejects with `LedgerConflict` when the ledger refuses the entry. */
  append(entry: LedgerEntry): Promise<LedgerRecord>
  /** Records of one pairing, oldest first. */
  byPairing(pairingId: string): Promise<LedgerRecord[]>
  /**
   * The newest `limit` consents taken on one TV (`subject.device_id_hash`) that granted a scope,
   * newest first, each with the withdrawals that refer to it (oldest first).
   */
  subjectConsents(deviceIdHash: string, limit: number): Promise<SubjectConsent[]>
  /** Every record, oldest first. */
  records(): AsyncIterable<LedgerRecord>
  /** Checks the chain from the genesis, the checkpoints and the uniqueness rules. */
  verify(): Promise<VerifyResult>
  close(): Promise<void>
}

/** A consent of one TV and what withdrew from it since. */
export interface SubjectConsent {
  consent: LedgerRecord
  withdrawals: LedgerRecord[]
}

/** Groups a subject's consents (newest first) with the withdrawals among `records` that refer to them. */
export function withWithdrawals(consents: LedgerRecord[], records: LedgerRecord[]): SubjectConsent[] {
  return consents.map((consent) => ({ consent, withdrawals: records.filter((r) => r.kind === 'withdrawal' && r.refers_to === consent.receipt_id) }))
}

export const GENESIS_HASH = '0'.repeat(64)

/** The record hash: HMAC-SHA256(key, label ‖ prev_hash ‖ canonical JSON without `hash`); without a key the unkeyed SHA-256 of earlier ledgers. */
export function chainHash(key: Buffer | null, prevHash: string, canonical: string): string {
  if (!key) return unkeyedHash(prevHash, canonical)
  return createHmac('sha256', key).update('miitee-ledger-record\0').update(prevHash).update(canonical).digest('hex')
}

/** SHA-256(prev_hash ‖ canonical JSON): how records were chained before the ledger had a key. */
export function unkeyedHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update(canonical).digest('hex')
}

/** A value stored with the ledger that tells whether a key is the one it was written under (and reveals nothing of it). */
export function ledgerKeyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('miitee-ledger-key-check').digest('hex')
}

export class LedgerKeyMismatch extends Error {}

export type LedgerConflictCode = 'duplicate_request' | 'consent_exists' | 'no_consent' | 'not_withdrawable'

/** The ledger refuses an entry; `existing` is the record it conflicts with, when there is one. */
export class LedgerConflict extends Error {
  constructor(
    readonly code: LedgerConflictCode,
    readonly existing: LedgerRecord | null,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Whether `entry` may join a ledger whose records of the same pairing are `same` (oldest
 * first): one record per request (pairing, kind, decision_id), one consent per pairing, and a
 * withdrawal only of scopes its consent granted and nothing withdrew since.
 */
export function admission(entry: LedgerEntry, same: LedgerRecord[]): LedgerConflict | null {
  const dup = same.find((r) => r.kind === entry.kind && r.decision_id === entry.decision_id)
  if (dup) return new LedgerConflict('duplicate_request', dup, `request already recorded as receipt ${dup.receipt_id}`)
  if (entry.kind === 'consent') {
    const consent = same.find((r) => r.kind === 'consent')
    return consent ? new LedgerConflict('consent_exists', consent, `pairing ${entry.pairing_id} already has consent ${consent.receipt_id}`) : null
  }
  const consent = same.find((r) => r.kind === 'consent' && r.receipt_id === entry.refers_to)
  if (!consent) return new LedgerConflict('no_consent', null, `no consent ${entry.refers_to} in pairing ${entry.pairing_id}`)
  const active = activeScopes(consent, same)
  const scopes = SCOPES.filter((s) => entry.decisions[s] !== undefined)
  if (scopes.length === 0 || scopes.some((s) => entry.decisions[s] !== 'withdrawn' || !active.includes(s)))
    return new LedgerConflict('not_withdrawable', consent, `withdrawal of ${scopes.join(', ') || 'nothing'} from ${consent.receipt_id}, which has ${active.join(', ') || 'nothing'} granted`)
  return null
}

/** Scopes granted by `consent` and not withdrawn since. */
export function activeScopes(consent: LedgerRecord, records: LedgerRecord[]): Scope[] {
  const withdrawn = new Set<Scope>()
  for (const r of records) if (r.kind === 'withdrawal' && r.refers_to === consent.receipt_id) for (const s of SCOPES) if (r.decisions[s] === 'withdrawn') withdrawn.add(s)
  return SCOPES.filter((s) => consent.decisions[s] === 'granted' && !withdrawn.has(s))
}

/** A record ready to insert: its columns and the canonical text that was hashed. */
export interface ChainedRow {
  record: LedgerRecord
  /** Canonical JSON of the record without `hash`: the stored body. */
  body: string
}

/**
 * Admits `entries` in order against the stored records of their pairings (`stored`, grouped by
 * pairing) and those admitted before them, and chains the admitted ones after `head`. Each
 * entry gets its record or its conflict; `rows` are what to insert, in order.
 */
export function chainBatch(
  entries: LedgerEntry[],
  stored: Map<string, LedgerRecord[]>,
  head: { seq: number; hash: string },
  key: Buffer | null,
): { rows: ChainedRow[]; results: (LedgerRecord | LedgerConflict)[] } {
  let seq = head.seq
  let prev = head.hash
  const rows: ChainedRow[] = []
  const admitted = new Map<string, LedgerRecord[]>()
  const results = entries.map((entry): LedgerRecord | LedgerConflict => {
    const same = [...(stored.get(entry.pairing_id) ?? []), ...(admitted.get(entry.pairing_id) ?? [])]
    const conflict = admission(entry, same)
    if (conflict) return conflict
    seq++
    const unhashed = { ...entry, seq, prev_hash: prev }
    const body = canonicalJson(unhashed)
    const record = { ...unhashed, hash: chainHash(key, prev, body) }
    rows.push({ record, body })
    admitted.set(entry.pairing_id, [...(admitted.get(entry.pairing_id) ?? []), record])
    prev = record.hash
    return record
  })
  return { rows, results }
}
