import type { PolicyDocument } from '../../core/policy/model'
import { readJson, type KeyValueStore } from './KeyValueStore'

/** What the viewer agreed to: enough to tell later whether the policy materially changed (section 八). */
export interface PolicyAcceptance {
  policyId: string
  version: string
  sha256: string
  locale: string
  acceptedAt: string
}

const KEY = 'policy-acceptance'

export class PolicyAcceptanceStore {
  constructor(private readonly store: KeyValueStore) {}

  current(): PolicyAcceptance | null {
    return readJson<PolicyAcceptance>(this.store, KEY)
  }

  /** True only when the stored acceptance is for exactly this policy content. */
  isAccepted(doc: PolicyDocument): boolean {
    const a = this.current()
    return !!a && a.policyId === doc.id && a.sha256 === doc.sha256
  }

  /** Accepted some earlier content of the same policy: the gate says it changed. */
  acceptedEarlierVersion(doc: PolicyDocument): boolean {
    const a = this.current()
    return !!a && a.policyId === doc.id && a.sha256 !== doc.sha256
  }

  accept(doc: PolicyDocument, now: Date = new Date()): PolicyAcceptance {
    const record: PolicyAcceptance = {
      policyId: doc.id,
      version: doc.version,
      sha256: doc.sha256,
      locale: doc.locale,
      acceptedAt: now.toISOString(),
    }
    this.store.set(KEY, JSON.stringify(record))
    return record
  }

  clear(): void {
    this.store.remove(KEY)
  }
}
