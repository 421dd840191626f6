// The status document of a pairing (what polls, long-polls and every event carry).
import type { PairingEventType, PairingStatus } from '../../core/protocol'
import type { NewEvent, PairingRecord } from '../storage/live'

let lastIsoMs = NaN
let lastIso = ''

/** RFC 3339 text of a time; the latest one is kept (status reads ask for the same ms often). */
export function iso(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIso = new Date(ms).toISOString()
    lastIsoMs = ms
  }
  return lastIso
}

/** `expires_at` text per stored record (records are replaced, never changed, so this stays right). */
const expiresIso = new WeakMap<PairingRecord, string>()

function expiresAt(rec: PairingRecord): string {
  let text = expiresIso.get(rec)
  if (text === undefined) {
    text = new Date(rec.expiresAt).toISOString()
    expiresIso.set(rec, text)
  }
  return text
}

export function statusOf(rec: PairingRecord, now: number): PairingStatus {
  const s: PairingStatus = {
    pairing_id: rec.id,
    state: rec.state,
    expires_at: expiresAt(rec),
    server_time: iso(now),
    interval: rec.interval,
    event_id: rec.eventId,
    tv: { name: rec.tvName },
  }
  // While the phone's request waits, its deadline is the state's: both sides count down to it.
  if (rec.state === 'consent_pending') s.decision_deadline = s.expires_at
  if (rec.phoneName !== undefined) s.phone = { name: rec.phoneName }
  if (rec.scopesRequested) s.scopes_requested = [...rec.scopesRequested]
  if (rec.decision) {
    s.decision = { decisions: { ...rec.decision.decisions }, receipt_id: rec.decision.receiptId, recorded_at: iso(rec.decision.recordedAt) }
    if (rec.decision.withdrawn?.length) s.decision.withdrawn = [...rec.decision.withdrawn]
  }
  return s
}

/** The event a change appends: its type and the status of the record as stored. */
export function statusEvent(type: PairingEventType, clock: () => number): NewEvent {
  return { type, data: (rec) => JSON.stringify({ type, status: statusOf(rec, clock()) }) }
}
