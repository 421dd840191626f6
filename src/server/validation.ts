// Checks on untrusted text the schemas cannot express, before it reaches the ledger or another
// person's screen: display names are normalised (core/protocol/text.ts), device clocks must name
// a real instant. Each refusal names the field at fault.
import { isRfc3339DateTime, normalizeDisplayName } from '../core/protocol'
import { ApiError } from './errors'

/** The name as stored and shown; 400 `invalid_name` at `field` when there is nothing fit to show. */
export function displayName(raw: string, field: string): string {
  const r = normalizeDisplayName(raw)
  if (!r.ok) throw new ApiError(400, 'invalid_name', `The name ${r.reason}.`, { field })
  return r.name
}

/** 400 `invalid_time` at `field` unless `raw` is an RFC 3339 date-time of a real instant. */
export function deviceTime(raw: string, field = '/device_time'): string {
  if (!isRfc3339DateTime(raw)) throw new ApiError(400, 'invalid_time', 'device_time must be an RFC 3339 date-time that exists, like 2024-05-01T12:00:00.000Z.', { field })
  return raw
}
