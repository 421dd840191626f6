// When a pairing has nothing more to tell its followers: event streams end there, and clients
// stop following.
import type { Decisions } from './schemas'
import type { PairingState } from './constants'

/** The parts of a pairing status this needs (a full `PairingStatus` fits). */
export interface SettledInput {
  state: PairingState
  decision?: { decisions: Decisions; withdrawn?: readonly string[] }
}

/**
 * True once no further event can come: denied, expired or revoked; or granted with every granted
 * scope withdrawn (while one is still granted, a withdrawal may follow).
 */
export function pairingSettled(s: SettledInput): boolean {
  if (s.state === 'denied' || s.state === 'expired' || s.state === 'revoked') return true
  if (s.state !== 'granted') return false
  const d = s.decision
  if (!d) return false
  const withdrawn = d.withdrawn ?? []
  return !Object.entries(d.decisions).some(([scope, v]) => v === 'granted' && !withdrawn.includes(scope))
}
