// What the page reads off a state: time left by the service's clock, the answer per scope,
// whether to keep following the pairing live, and what a reload resumes from.
import { FINAL_STATES, SCOPES, type Scope } from '../core/protocol/constants'
import type { Pairing, ResumeInfo, State } from './state'

/** Milliseconds left before the pairing's current deadline, by the service's clock. */
export function remainingMs(p: Pairing, pageNow: number): number {
  return Math.max(0, p.expiresAt - (pageNow + p.clockOffset))
}

export type ScopeOutcome = 'granted' | 'denied' | 'withdrawn'

/** The answer for each requested scope, in protocol order. */
export function scopeOutcomes(p: Pairing): { scope: Scope; outcome: ScopeOutcome }[] {
  return SCOPES.filter((s) => p.scopes.includes(s) || p.decisions[s] !== undefined).map((scope) => ({
    scope,
    outcome: p.withdrawn.includes(scope) ? 'withdrawn' : p.decisions[scope] === 'granted' ? 'granted' : 'denied',
  }))
}

export type ResultKind = 'granted' | 'partial' | 'denied' | 'withdrawn'

export function resultKind(p: Pairing): ResultKind {
  const o = scopeOutcomes(p)
  if (o.some((x) => x.outcome === 'withdrawn')) return 'withdrawn'
  if (o.length > 0 && o.every((x) => x.outcome === 'granted')) return 'granted'
  if (o.some((x) => x.outcome === 'granted')) return 'partial'
  return 'denied'
}

/** Whether the page should keep following the pairing live (a granted consent can still be withdrawn). */
export function shouldWatch(state: State): boolean {
  const p = state.pairing
  if (!p) return false
  if (state.screen.name === 'ended') return false
  if (p.state === 'granted') return scopeOutcomes(p).some((x) => x.outcome === 'granted')
  return !FINAL_STATES.includes(p.state)
}

/** The information to keep for a reload, or null when there is nothing to resume. */
export function resumeInfo(state: State): ResumeInfo | null {
  const p = state.pairing
  if (!p) return null
  const mismatch = state.screen.name === 'ended' && state.screen.reason === 'mismatch'
  return { pairingId: p.id, tvName: p.tvName, userCode: p.userCode, confirmed: state.confirmed, mismatch }
}
