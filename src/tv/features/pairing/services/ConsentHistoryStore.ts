import type { Decisions, DeviceConsent, Scope } from '../../../../core/protocol'
import { readJson, type KeyValueStore } from '../../../services/KeyValueStore'

/** A consent given from this TV, kept so the viewer can see and withdraw it (PIPL art. 15). */
export interface ConsentRecord {
  pairingId: string
  receiptId: string
  phoneName: string
  decisions: Decisions
  policyVersion: string
  decidedAt: string
  /** Scopes withdrawn since (a withdrawal is its own ledger event on the service). */
  withdrawn: Scope[]
}

const KEY = 'consent-history'

export class ConsentHistoryStore {
  constructor(private readonly store: KeyValueStore) {}

  all(): ConsentRecord[] {
    return readJson<ConsentRecord[]>(this.store, KEY) ?? []
  }

  add(record: ConsentRecord): void {
    const rest = this.all().filter((r) => r.pairingId !== record.pairingId)
    this.store.set(KEY, JSON.stringify([record, ...rest].slice(0, 50)))
  }

  /**
   * Rebuilds the list from the consents the service holds for this TV (the ledger is the truth:
   * a cleared TV gets its history back); records it does not list (an unsigned dev TV's) stay.
   */
  mergeFromService(consents: DeviceConsent[]): void {
    const fromService: ConsentRecord[] = consents.map((c) => ({
      pairingId: c.pairing_id,
      receiptId: c.receipt_id,
      phoneName: c.phone_name,
      decisions: c.decisions,
      policyVersion: c.policy_version,
      decidedAt: c.recorded_at,
      withdrawn: c.withdrawn,
    }))
    const listed = new Set(fromService.map((r) => r.pairingId))
    const merged = [...fromService, ...this.all().filter((r) => !listed.has(r.pairingId))].sort((a, b) => b.decidedAt.localeCompare(a.decidedAt))
    this.store.set(KEY, JSON.stringify(merged.slice(0, 50)))
  }

  markWithdrawn(pairingId: string, scopes: Scope[]): void {
    this.store.set(
      KEY,
      JSON.stringify(this.all().map((r) => (r.pairingId === pairingId ? { ...r, withdrawn: [...new Set([...r.withdrawn, ...scopes])] } : r))),
    )
  }

  /** Scopes of a record still granted (granted and not withdrawn). */
  static activeScopes(r: ConsentRecord): Scope[] {
    return (Object.keys(r.decisions) as Scope[]).filter((s) => r.decisions[s] === 'granted' && !r.withdrawn.includes(s))
  }
}
