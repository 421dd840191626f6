// What the pairing screen shows, as the session holds it: the phase, the code, the phone, and
// what went wrong (a code that could not be fetched, a service out of reach, a pairing ended).
import type { CreatePairingResponse, Decisions, Scope } from '../../../../core/protocol'
import { PairingApiError } from './PairingApi'

export type PairPhase = 'loading' | 'waiting' | 'claimed' | 'consent' | 'sending' | 'recorded' | 'not-recorded' | 'window-closed' | 'error'

/**
 * Why the previous pairing is over, told above the fresh code: the service no longer knows it
 * (it restarted, losing its live state), or it cancelled it because its QR code was used twice.
 */
export interface PairNotice {
  kind: 'ended' | 'cancelled'
  phoneName: string
}

/** Why no code could be fetched: no answer (or 5xx) from the service, or a refusal (its error code). */
export type CodeTrouble = { kind: 'unreachable' } | { kind: 'refused'; code: string }

export interface PairView {
  phase: PairPhase
  pairing: CreatePairingResponse | null
  /** Local clock time (ms) at which the shown code expires, corrected by the service clock. */
  expiresAtMs: number
  phoneName?: string
  scopes?: Scope[]
  decisions?: Decisions
  /** The service's decision deadline in local ms (its clock corrected): unanswered then, the request ends and nothing is granted. */
  decideByMs?: number
  retrying?: boolean
  error?: string
  /** Phase 'error': what went wrong fetching a code. */
  trouble?: CodeTrouble
  /** Local ms of the next try: of the code fetch (phase 'error'), or of following (`offline`). */
  retryAtMs?: number
  /** The service cannot be reached while a code or a claim is followed. */
  offline?: boolean
  notice?: PairNotice
}


export function describeError(err: unknown): string {
  return err instanceof PairingApiError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)
}

/** No answer, or the service's own trouble (5xx, 408, 429), is "cannot be reached"; any other answer is a refusal. */
export function troubleOf(err: unknown): CodeTrouble {
  if (err instanceof PairingApiError && err.status > 0 && err.status < 500 && err.status !== 408 && err.status !== 429) return { kind: 'refused', code: err.code }
  return { kind: 'unreachable' }
}
