// What `verify` checks, the same for every backend: the chain from the genesis (sequence, links,
// each record's HMAC under the ledger key), the signed checkpoints against the chain (a tail cut
// off, a history rewritten and re-chained), and the uniqueness rules (one consent per pairing,
// one record per request). Each problem has a stable code and names the record at fault.
import { checkpointSigned, type Checkpoint } from './ledger-checkpoints'
import {
  chainHash,
  GENESIS_HASH,
  ledgerKeyCheck,
  unkeyedHash,
  type LedgerProblem,
  type LedgerProblemCode,
  type LedgerRecord,
  type VerifyResult,
} from './ledger'

/** A ledger row as stored: its columns and the canonical body text that was hashed. */
export interface StoredRow {
  seq: number
  receipt_id: string
  pairing_id: string
  kind: string
  body: string
  prev_hash: string
  hash: string
}

export interface Duplicate {
  code: 'duplicate_consent' | 'duplicate_request'
  /** The later record of the two. */
  seq: number
  receipt_id: string
  /** The earlier one. */
  first_seq: number
}

export interface VerifyInput {
  /** Every row, by seq. */
  rows: AsyncIterable<StoredRow>
  checkpoints: Checkpoint[]
  /** Where stored checkpoints could not be read (e.g. `line 4 of …`). */
  unreadableCheckpoints: string[]
  /** Records that break the uniqueness rules (only asked when every body could be read). */
  duplicates: () => Promise<Duplicate[]>
  /** The key check stored with the ledger, if any. */
  keyCheck: string | null
}

function problem(code: LedgerProblemCode, seq: number | null, receiptId: string | null, message: string): LedgerProblem {
  return { code, seq, receipt_id: receiptId, message }
}

/** Verifies a ledger; without a key, record MACs and checkpoint signatures go unchecked (`keyed: false`). */
export async function verifyLedger(input: VerifyInput, key: Buffer | null): Promise<VerifyResult> {
  const problems: LedgerProblem[] = []
  const wrongKey = !!key && input.keyCheck !== null && input.keyCheck !== ledgerKeyCheck(key)
  if (wrongKey) problems.push(problem('key_mismatch', null, null, 'the ledger was written under another ledger key: record MACs and checkpoint signatures cannot be checked with this one'))
  const macKey = wrongKey ? null : key
  for (const where of input.unreadableCheckpoints) problems.push(problem('checkpoint_unreadable', null, null, `no checkpoint at ${where}`))

  const valid: Checkpoint[] = []
  for (const c of input.checkpoints) {
    if (macKey && !checkpointSigned(macKey, c)) problems.push(problem('checkpoint_invalid', c.count, null, `the checkpoint of ${c.at} (${c.count} record(s)) is not signed with the ledger key: forged or altered`))
    else valid.push(c)
  }
  const byCount = new Map<number, Checkpoint[]>()
  for (const c of valid) byCount.set(c.count, [...(byCount.get(c.count) ?? []), c])

  let prev = GENESIS_HASH
  let count = 0
  let total = 0
  let unkeyed = 0
  let keyedSeen = false
  let broken: LedgerProblem | null = null
  let newest: Checkpoint | null = null
  for await (const row of input.rows) {
    total++
    if (broken) continue
    const bad = (code: LedgerProblemCode, message: string) => (broken = problem(code, row.seq, row.receipt_id ?? null, message))
    let rec: LedgerRecord
    try {
      rec = { ...(JSON.parse(row.body) as Omit<LedgerRecord, 'hash'>), hash: row.hash }
    } catch {
      bad('record_unreadable', 'the record body is not valid JSON')
      continue
    }
    if (rec.seq !== row.seq || rec.receipt_id !== row.receipt_id || rec.pairing_id !== row.pairing_id || rec.kind !== row.kind || rec.prev_hash !== row.prev_hash) {
      bad('record_mismatch', 'the stored columns disagree with the record body')
      continue
    }
    if (row.seq !== count + 1) {
      bad('sequence_gap', `expected record #${count + 1}: a record is missing or was inserted`)
      continue
    }
    if (row.prev_hash !== prev) {
      bad('chain_broken', 'prev_hash does not match the previous record')
      continue
    }
    const legacy = unkeyedHash(row.prev_hash, row.body) === row.hash
    if (legacy) {
      if (keyedSeen) {
        bad('unkeyed_after_keyed', 'chained with plain SHA-256 after keyed records: written without the ledger key')
        continue
      }
      unkeyed++
    } else if (macKey && chainHash(macKey, row.prev_hash, row.body) !== row.hash) {
      bad('hash_mismatch', 'the hash is not the HMAC of the record under the ledger key: the record was edited or forged')
      continue
    } else keyedSeen = true
    prev = row.hash
    count++
    for (const c of byCount.get(row.seq) ?? []) {
      if (c.head_hash === row.hash) newest = c
      else problems.push(problem('checkpoint_mismatch', row.seq, row.receipt_id, `the checkpoint of ${c.at} has another hash for this record: the history was rewritten and re-chained`))
    }
  }
  if (broken) problems.push(broken)

  const beyond = valid.filter((c) => c.count > total).sort((a, b) => b.count - a.count)[0]
  if (beyond)
    problems.push(problem('truncated', total + 1, null, `the ledger ends at record #${total}, but the checkpoint of ${beyond.at} counted ${beyond.count}: record(s) #${total + 1}–#${beyond.count} are gone`))
  if (total > 0 && valid.length === 0 && input.checkpoints.length === 0)
    problems.push(problem('checkpoint_missing', null, null, 'the ledger has records but no checkpoint: they were removed, or the ledger was written without a key'))

  if ((broken as LedgerProblem | null)?.code !== 'record_unreadable')
    for (const d of await input.duplicates())
      problems.push(
        problem(
          d.code,
          d.seq,
          d.receipt_id,
          d.code === 'duplicate_consent' ? `a second consent for the pairing of record #${d.first_seq}` : `the same request (pairing, kind, decision_id) as record #${d.first_seq}`,
        ),
      )

  problems.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity))
  const firstBad = problems.find((p) => p.seq !== null)
  return {
    ok: problems.length === 0,
    count,
    head_hash: prev,
    total,
    keyed: !!macKey,
    unkeyed_records: unkeyed,
    checkpoint: newest ? { count: newest.count, head_hash: newest.head_hash, at: newest.at } : null,
    ...(firstBad ? { first_bad: firstBad } : {}),
    problems,
  }
}

/**
 * The query behind `duplicates` (SQLite and PostgreSQL alike): every record after the first of
 * its pairing's consents, or after the first with its (pairing, kind, decision_id).
 * `decisionId` is the SQL expression of a row's decision_id.
 */
export function duplicatesSql(decisionId: string): string {
  return `SELECT code, seq, receipt_id, first_seq FROM (
      SELECT 'duplicate_consent' AS code, seq, receipt_id, min(seq) OVER (PARTITION BY pairing_id) AS first_seq FROM ledger WHERE kind = 'consent'
      UNION ALL
      SELECT 'duplicate_request' AS code, seq, receipt_id, min(seq) OVER (PARTITION BY pairing_id, kind, ${decisionId}) AS first_seq FROM ledger
    ) d WHERE seq > first_seq ORDER BY seq, code`
}
