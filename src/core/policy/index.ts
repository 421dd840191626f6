// Helpers for programs that consume a compiled policy document (TV reader, phone page,
// service, ledger). Pure TypeScript over the plain data of model.ts.

import { canonicalJson } from './canonical'
import {
  POLICY_MODEL_SCHEMA_VERSION,
  type Block,
  type Link,
  type PolicyDocument,
  type PolicyPart,
  type PolicySection,
  type SdkField,
} from './model'

export * from './model'
export { canonicalJson, CanonicalJsonError } from './canonical'
export { findLinks, linksOf, type FoundLink } from './links'
export { changedSectionIds, ordinalNumber, parseSectionHashes, sectionHashes, sectionHashInput, type SectionHashes } from './sectionHashes'

/** One line of static/policy/index.json (a JSON array of these). */
export interface PolicyIndexEntry {
  id: string
  locale: string
  version: string
  sha256: string
  /** Path of the compiled document relative to the static root, e.g. "policy/miitee-privacy-policy.zh-CN.json". */
  path: string
}

export function sectionById(doc: PolicyDocument, id: string): PolicySection | undefined {
  return doc.sections.find((s) => s.id === id)
}

export function sectionsOfPart(doc: PolicyDocument, part: PolicyPart): PolicySection[] {
  return doc.sections.filter((s) => s.part === part)
}

/** Title for a contents list or header: the authored title without a trailing colon ("摘要:" → "摘要"). */
export function sectionLabel(section: PolicySection): string {
  return section.title.replace(/[:：]\s*$/, '').trim()
}

/** An SDK field as one line of text, the way the policy writes it: "第三方名称:腾讯". */
export function sdkFieldText(field: SdkField): string {
  return `${field.label}:${field.value}`
}

/**
 * The texts of a block in reading order: a heading or paragraph is one text; a list gives its
 * items; a table gives its column names, then its cells row by row (empty cells included as "");
 * an SDK block gives every field of every entry as "label:value".
 */
export function blockTexts(block: Block): string[] {
  switch (block.type) {
    case 'heading':
    case 'paragraph':
      return [block.text]
    case 'list':
      return [...block.items]
    case 'table':
      return [...block.columns, ...block.rows.flat()]
    case 'sdk':
      return block.entries.flatMap((e) => e.fields.map(sdkFieldText))
    default:
      return assertNever(block)
  }
}

/** A block as plain text, one line per text (empty cells dropped). */
export function plainText(block: Block): string {
  return blockTexts(block)
    .filter((t) => t !== '')
    .join('\n')
}

/** Every text of the document in reading order: the title, then each section's title and blocks. */
export function documentTexts(doc: PolicyDocument): string[] {
  const out = [doc.title]
  for (const section of doc.sections) {
    out.push(section.title)
    for (const block of section.blocks) out.push(...blockTexts(block))
  }
  return out
}

export interface LocatedLink extends Link {
  sectionId: string
}

/** The links of a block in reading order. */
export function blockLinks(block: Block): Link[] {
  switch (block.type) {
    case 'heading':
      return []
    case 'paragraph':
    case 'list':
    case 'table':
      return block.links ?? []
    case 'sdk':
      return block.entries.flatMap((e) => e.links ?? [])
    default:
      return assertNever(block)
  }
}

/** Every URL and e-mail link of the document in reading order, with the section it appears in. */
export function documentLinks(doc: PolicyDocument): LocatedLink[] {
  return doc.sections.flatMap((s) => s.blocks.flatMap((b) => blockLinks(b).map((l) => ({ ...l, sectionId: s.id }))))
}

/** The exact string whose SHA-256 (lowercase hex) is `doc.sha256`. */
export function policyHashInput(doc: PolicyDocument): string {
  const { sha256: _omit, ...rest } = doc
  return canonicalJson(rest)
}

/**
 * Structural check of a value loaded from JSON; returns the problems found (empty = valid).
 * It does not recompute the hash (that needs SHA-256: see policyHashInput).
 */
export function policyDocumentProblems(value: unknown): string[] {
  const problems: string[] = []
  const bad = (where: string, what: string) => problems.push(`${where}: ${what}`)
  if (!isRecord(value)) return ['document: not an object']
  if (value.schema !== POLICY_MODEL_SCHEMA_VERSION) bad('schema', `expected ${POLICY_MODEL_SCHEMA_VERSION}`)
  for (const k of ['id', 'version', 'effectiveDate', 'locale', 'title'] as const) {
    if (!isNonEmptyString(value[k])) bad(k, 'expected a non-empty string')
  }
  if (typeof value.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(value.sha256)) bad('sha256', 'expected 64 lowercase hex digits')
  if (!Array.isArray(value.sections) || value.sections.length === 0) {
    bad('sections', 'expected a non-empty array')
    return problems
  }
  value.sections.forEach((s: unknown, i: number) => {
    const where = `sections[${i}]`
    if (!isRecord(s)) return bad(where, 'not an object')
    if (!isNonEmptyString(s.id)) bad(`${where}.id`, 'expected a non-empty string')
    if (s.part !== 'summary' && s.part !== 'full') bad(`${where}.part`, 'expected "summary" or "full"')
    if (!isNonEmptyString(s.title)) bad(`${where}.title`, 'expected a non-empty string')
    if (s.sha256 !== undefined && (typeof s.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(s.sha256))) bad(`${where}.sha256`, 'expected 64 lowercase hex digits')
    if (!Array.isArray(s.blocks) || s.blocks.length === 0) return bad(`${where}.blocks`, 'expected a non-empty array')
    s.blocks.forEach((b: unknown, j: number) => blockProblems(b, `${where}.blocks[${j}]`, bad))
  })
  return problems
}

export function isPolicyDocument(value: unknown): value is PolicyDocument {
  return policyDocumentProblems(value).length === 0
}

function blockProblems(b: unknown, where: string, bad: (where: string, what: string) => void): void {
  if (!isRecord(b)) return bad(where, 'not an object')
  switch (b.type) {
    case 'heading':
      if (b.level !== 2 && b.level !== 3) bad(`${where}.level`, 'expected 2 or 3')
      if (!isNonEmptyString(b.text)) bad(`${where}.text`, 'expected a non-empty string')
      return
    case 'paragraph':
      if (!isNonEmptyString(b.text)) bad(`${where}.text`, 'expected a non-empty string')
      return
    case 'list':
      if (typeof b.ordered !== 'boolean') bad(`${where}.ordered`, 'expected a boolean')
      if (!Array.isArray(b.items) || b.items.length === 0 || !b.items.every(isNonEmptyString)) {
        bad(`${where}.items`, 'expected non-empty strings')
      }
      return
    case 'table': {
      const cols = b.columns
      if (!Array.isArray(cols) || cols.length === 0 || !cols.every(isNonEmptyString)) {
        return bad(`${where}.columns`, 'expected non-empty strings')
      }
      if (!Array.isArray(b.rows)) return bad(`${where}.rows`, 'expected an array')
      b.rows.forEach((r: unknown, k: number) => {
        if (!Array.isArray(r) || r.length !== cols.length || !r.every((c) => typeof c === 'string')) {
          bad(`${where}.rows[${k}]`, `expected ${cols.length} strings`)
        }
      })
      return
    }
    case 'sdk':
      if (!Array.isArray(b.entries) || b.entries.length === 0) return bad(`${where}.entries`, 'expected a non-empty array')
      b.entries.forEach((e: unknown, k: number) => {
        if (!isRecord(e) || !isNonEmptyString(e.name) || !Array.isArray(e.fields)) {
          bad(`${where}.entries[${k}]`, 'expected {name, fields}')
        }
      })
      return
    default:
      bad(`${where}.type`, `unknown block type ${JSON.stringify(b.type)}`)
  }
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0
}

function assertNever(x: never): never {
  throw new Error(`unexpected block ${JSON.stringify(x)}`)
}
