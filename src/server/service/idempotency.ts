// Idempotent requests (draft-ietf-httpapi-idempotency-key-header): one outcome per
// (scope, Idempotency-Key) and payload, replayed on retries.
import { canonicalJson } from '../../core/protocol'
import { sha256Hex } from '../crypto'
import { ApiError } from '../errors'
import type { StoredResponse } from '../storage/live'
import type { ServiceDeps } from './deps'

export interface IdempotentResult extends StoredResponse {
  replayed: boolean
}

/** How long a request in flight holds its key (at most the retention). */
const IN_FLIGHT_LEASE_MS = 30_000

/**
 * Runs `fn` once per (scope, Idempotency-Key) and payload; `fn` gets the key's HMAC (the
 * ledger's decision id). `authorize` runs first, on every request: a stored answer is replayed
 * only to a caller allowed to make the request.
 */
export async function runIdempotent(
  d: ServiceDeps,
  scope: string,
  key: string | undefined,
  payload: unknown,
  fn: (keyHash: string) => Promise<StoredResponse>,
  authorize: () => Promise<void> = async () => undefined,
): Promise<IdempotentResult> {
  const keyHash = d.hasher.hash('idem', parseIdempotencyKey(key))
  await authorize()
  const storeKey = `idem:${scope}:${keyHash}`
  const fingerprint = sha256Hex(canonicalJson(payload))
  const ttl = d.config.retentionS * 1000
  // In flight, the entry is a short lease: a process that dies mid-request must not block the
  // client's retries for the whole retention; the stored response then keeps the full retention.
  const begin = await d.live.idempotencyBegin(storeKey, fingerprint, Math.min(ttl, IN_FLIGHT_LEASE_MS))
  if (begin.state !== 'new') {
    if (begin.fingerprint !== fingerprint)
      throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.', { field: '/' })
    if (begin.state === 'in_flight') throw new ApiError(409, 'request_in_flight', 'A request with this Idempotency-Key is still being processed; retry shortly.')
    return { ...begin.response, replayed: true }
  }
  let res: StoredResponse
  try {
    res = await fn(keyHash)
  } catch (e) {
    await d.live.idempotencyAbort(storeKey).catch((err: unknown) => d.log.warn({ err }, 'could not free an idempotency key (its lease will lapse)'))
    throw e
  }
  // What `fn` did is recorded in the ledger, where a retry finds it should this store fail now.
  await d.live.idempotencyComplete(storeKey, res, ttl).catch((err: unknown) => d.log.warn({ err }, 'could not store an idempotent response (a retry is answered from the ledger)'))
  return { ...res, replayed: false }
}

/** The key of an `Idempotency-Key` header (a structured-field string or token); 400 when missing or malformed. */
export function parseIdempotencyKey(raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new ApiError(400, 'idempotency_key_missing', 'The Idempotency-Key header is required for this request.')
  const m = /^"([\x20\x21\x23-\x5b\x5d-\x7e]{1,255})"$/.exec(raw) ?? /^([\x21\x23-\x2b\x2d-\x7e]{1,255})$/.exec(raw)
  if (!m) throw new ApiError(400, 'idempotency_key_invalid', 'Idempotency-Key must be 1–255 visible ASCII characters (a structured-field string).')
  return m[1]
}
