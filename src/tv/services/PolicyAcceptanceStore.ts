import type { PolicyDocument } from '../../core/policy/model'
import { changedSectionIds, parseSectionHashes, sectionHashes, type SectionHashes } from '../../core/policy/sectionHashes'
import { readJson, type KeyValueStore } from './KeyValueStore'

/**
 * What the viewer agreed to: enough to tell later whether the policy materially changed
 * (section 八) and in which sections, without keeping any of its text.
 */
export interface PolicyAcceptance {
  policyId: string
  version: string
  sha256: string
  locale: string
  acceptedAt: string
  /** Each section's hash (id → SHA-256) in the accepted version; absent in acceptances stored before them. */
  sections?: SectionHashes
}

/** How the policy differs from the version accepted: the changed section ids, or null when that cannot be told. */
export interface PolicyChanges {
  /** Ids of the sections that changed (or are new), in reading order; null for an acceptance without section hashes. */
  sections: string[] | null
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

  /** What changed since the accepted version; null when nothing did or nothing of this policy was accepted. */
  changes(doc: PolicyDocument): PolicyChanges | null {
    const a = this.current()
    if (!a || a.policyId !== doc.id || a.sha256 === doc.sha256) return null
    const accepted = parseSectionHashes(a.sections)
    return { sections: accepted ? changedSectionIds(doc, accepted) : null }
  }

  accept(doc: PolicyDocument, now: Date = new Date()): PolicyAcceptance {
    const record: PolicyAcceptance = {
      policyId: doc.id,
      version: doc.version,
      sha256: doc.sha256,
      locale: doc.locale,
      acceptedAt: now.toISOString(),
    }
    const sections = sectionHashes(doc)
    if (sections) record.sections = sections
    this.store.set(KEY, JSON.stringify(record))
    return record
  }

  clear(): void {
    this.store.remove(KEY)
  }
}
