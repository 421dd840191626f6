// Per-section hashes: what re-consent (policy section 八) compares to say which sections changed
// since the version the viewer accepted, without keeping that version's text. A section's hash is
// the SHA-256 of its normalised form (canonicalJson of the compiled section without `sha256`), so
// reflowing the Markdown changes nothing while any change a viewer could read changes that section
// alone. Pure TypeScript: the compiler hashes with node:crypto, consumers only compare.

import { canonicalJson } from './canonical'
import type { PolicyDocument, PolicySection } from './model'

/** Section id → lowercase hex SHA-256, as kept with an acceptance. */
export type SectionHashes = Record<string, string>

const SHA256_HEX = /^[0-9a-f]{64}$/

/** The exact string whose SHA-256 (lowercase hex) is `section.sha256`. */
export function sectionHashInput(section: PolicySection): string {
  const { sha256: _omit, ...rest } = section
  return canonicalJson(rest)
}

/** Every section's hash by id; null when a section carries none (a document compiled before them). */
export function sectionHashes(doc: PolicyDocument): SectionHashes | null {
  const out: SectionHashes = {}
  for (const s of doc.sections) {
    if (typeof s.sha256 !== 'string' || !SHA256_HEX.test(s.sha256)) return null
    out[s.id] = s.sha256
  }
  return out
}

/** A stored value read back as section hashes, or null when it is not one (absent, or damaged). */
export function parseSectionHashes(value: unknown): SectionHashes | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const out: SectionHashes = {}
  for (const [id, hash] of Object.entries(value as Record<string, unknown>)) {
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) return null
    out[id] = hash
  }
  return out
}

/**
 * Ids of the document's sections, in reading order, that differ from `accepted`: their hash
 * changed or the accepted version had no such section. Null when the document carries no section
 * hashes (nothing can be compared then).
 */
export function changedSectionIds(doc: PolicyDocument, accepted: SectionHashes): string[] | null {
  const now = sectionHashes(doc)
  if (!now) return null
  return doc.sections.filter((s) => accepted[s.id] !== now[s.id]).map((s) => s.id)
}

const DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }

/** A Chinese ordinal as a number ("八" → 8, "十二" → 12, "二十三" → 23), for English UI text; null when it is not one below 100. */
export function ordinalNumber(ordinal: string): number | null {
  const m = /^([一二三四五六七八九]?)(十?)([一二三四五六七八九]?)$/.exec(ordinal)
  if (!m || ordinal === '') return null
  const [, tens, ten, units] = m
  if (!ten) return tens && !units ? DIGITS[tens] : null
  return (tens ? DIGITS[tens] : 1) * 10 + (units ? DIGITS[units] : 0)
}
