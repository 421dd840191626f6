// The compiled policy document model: produced at build time from Markdown by the
// policy compiler, consumed by the TV reader, the phone page and the consent ledger.
// Plain data only (JSON round-trips), so every program can load it without the compiler.

export const POLICY_MODEL_SCHEMA_VERSION = 1

export interface PolicyDocument {
  schema: typeof POLICY_MODEL_SCHEMA_VERSION
  /** Stable policy id, e.g. "miitee-privacy-policy". */
  id: string
  /** Policy version as authored (front matter), e.g. "2024-02-29". */
  version: string
  /** ISO date the policy takes effect. */
  effectiveDate: string
  /** BCP 47 tag of the policy text, e.g. "zh-CN". */
  locale: string
  title: string
  /** Sections in reading order: the summary first, then the full text (its intro, then 一…十). */
  sections: PolicySection[]
  /** Lowercase hex SHA-256 of the canonical JSON of this document without `sha256` (see canonical.ts). */
  sha256: string
}

export type PolicyPart = 'summary' | 'full'

export interface PolicySection {
  /** Stable id used by routes and the contents list, e.g. "summary", "full-intro", "s1".."s10". */
  id: string
  part: PolicyPart
  /** Chinese ordinal as in the text ("一"…"十"), absent for the summary and the full text's intro. */
  ordinal?: string
  /** Heading as shown in the contents list and the reader's header. */
  title: string
  blocks: Block[]
  /**
   * Lowercase hex SHA-256 of the canonical JSON of this section without `sha256`
   * (sectionHashes.ts): set by the compiler, kept with an acceptance to tell which sections changed.
   * Absent in documents compiled before section hashes.
   */
  sha256?: string
}

export type Block = HeadingBlock | ParagraphBlock | ListBlock | TableBlock | SdkBlock

export interface HeadingBlock {
  type: 'heading'
  /** 2 = sub-heading inside a section (Markdown `###`), 3 = minor heading (`####`). */
  level: 2 | 3
  text: string
}

export interface ParagraphBlock {
  type: 'paragraph'
  text: string
  /** Whether the authored text marks the paragraph as emphasised (bold clauses). */
  strong?: boolean
  /** URLs and e-mail addresses found in the text, in order (the reader shows each as a QR). */
  links?: Link[]
}

export interface ListBlock {
  type: 'list'
  /**
   * True when the items are numbered. Every item of an ordered list carries its own numbering
   * (a Markdown "1." marker is written back into the item), so renderers print items as they are
   * and draw a bullet only for unordered lists.
   */
  ordered: boolean
  /** Items as authored, including their own numbering when the text carries it ("1.", "（1）"). Paragraphs of one item are joined by "\n". */
  items: string[]
  links?: Link[]
}

export interface TableBlock {
  type: 'table'
  columns: string[]
  /** Each row has exactly columns.length cells; a cell may hold several lines joined by "\n". Empty string = empty cell. */
  rows: string[][]
  /** URLs and e-mail addresses found in the cells, in reading order (row by row). */
  links?: Link[]
}

/** Which standard SDK field a line is; labels vary in the seed ("收集数据类型" / "收集个人信息类型", "隐私协议地址" / "隐私政策链接"). */
export type SdkFieldKey = 'name' | 'vendor' | 'dataCollected' | 'permissions' | 'purpose' | 'policyUrl' | 'integration'

export interface SdkField {
  /** "integration" is the 接入方式 line (how the SDK is embedded). */
  key: SdkFieldKey
  /** The label exactly as authored, e.g. "第三方名称" (without the colon; shown as `label:value`). */
  label: string
  value: string
}

/** One third-party SDK entry, rendered as a card. Fields keep the authored order; missing ones are simply absent. */
export interface SdkEntry {
  /** SDK名称 */
  name: string
  /** All fields, the name field included (it comes first). */
  fields: SdkField[]
  links?: Link[]
}

export interface SdkBlock {
  type: 'sdk'
  entries: SdkEntry[]
}

export interface Link {
  kind: 'url' | 'email'
  /** As written in the text. */
  text: string
  /** Target to encode in a QR: the URL, or "mailto:" + address. */
  href: string
}
