// The consent gate's "policy changed" line (section 八): which sections changed since the
// version the viewer accepted, by title while the line fits, else by short name, else by count.
import { ordinalNumber, sectionLabel, type PolicyDocument, type PolicySection } from '../../core/policy'
import type { StringKey, UiLanguage } from '../i18n/strings'
import type { PolicyChanges } from '../services/PolicyAcceptanceStore'

type Translate = (key: StringKey, vars?: Record<string, string | number>) => string

export interface ChangeNotice {
  /** The line drawn on the gate. */
  shown: string
  /** What voice guidance says: in English the sections by number, not by their Chinese titles. */
  spoken: string
  /** The changed section ids; null when the acceptance could not tell which. */
  sectionIds: string[] | null
}

/** The notice for `changes` (null: nothing changed, no notice); `fits` says whether a line fits the gate. */
export function policyChangeNotice(doc: PolicyDocument, changes: PolicyChanges | null, lang: UiLanguage, t: Translate, fits: (line: string) => boolean): ChangeNotice | null {
  if (!changes) return null
  const sections = (changes.sections ?? []).map((id) => doc.sections.find((s) => s.id === id)).filter((s): s is PolicySection => !!s)
  if (sections.length === 0) {
    // An acceptance kept without section hashes, or only the version or date changed.
    const generic = t('policyChanged')
    return { shown: generic, spoken: generic, sectionIds: changes.sections }
  }
  const list = (names: string[]) =>
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(t('listSeparator'))}${t('listLastSeparator')}${names[names.length - 1]}`
  const byTitle = t('policyChangedSections', { sections: list(sections.map((s) => t('sectionQuoted', { title: sectionLabel(s) }))) })
  const byName = t('policyChangedSections', { sections: list(sections.map((s) => shortName(s, t))) })
  const byCount = t('policyChangedCount', { count: sections.length })
  const shown = [byTitle, byName].find(fits) ?? byCount
  return { shown, spoken: lang === 'zh-CN' ? byTitle : byName, sectionIds: sections.map((s) => s.id) }
}

/** "第八节" / "section 8"; the summary and the unnumbered introduction by what they are. */
function shortName(s: PolicySection, t: Translate): string {
  const n = s.ordinal ? ordinalNumber(s.ordinal) : null
  if (s.ordinal && n !== null) return t('sectionShortNumbered', { ordinal: s.ordinal, n })
  return t(s.part === 'summary' ? 'sectionShortSummary' : 'sectionShortIntro')
}
