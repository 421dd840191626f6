// Policy compiler: Markdown source → PolicyDocument (src/core/policy/model.ts), at build time.
//
// Source conventions (see policy/*.md):
//
//   ---                                front matter, first line of the file: `key: value` lines
//   id: miitee-privacy-policy          id, version, effectiveDate (YYYY-MM-DD) and locale, all required
//   version: 2024-02-29
//   effectiveDate: 2024-02-29
//   locale: zh-CN
//   ---
//   # Title                            the document title, once, before any section
//   ## 摘要: {#summary part=summary}   a section: explicit id; `part` on the first section of each part
//   ## 一、… {#s1}                     later sections inherit the part; "一、" gives the ordinal
//   ### sub-heading / #### minor       heading blocks (level 2 / 3)
//   paragraphs, `-` and `1.` lists     a `1.` marker is written back into the item ("1.在…")
//   GFM pipe tables                    `<br>` separates lines inside a cell
//   ```sdk                             third-party SDK entries: `label:value` lines, entries
//   SDK名称:…                          separated by a blank line, each starting with SDK名称
//   ```
//
// Anything else (HTML, block quotes, other code blocks, images, rules, nested lists) is rejected
// with a PolicyCompileError naming the file and the 1-based line.

import { createHash } from 'node:crypto'
import MarkdownIt, { type Token } from 'markdown-it'
import { canonicalJson } from '../../src/core/policy/canonical'
import { findLinks } from '../../src/core/policy/links'
import {
  POLICY_MODEL_SCHEMA_VERSION,
  type Block,
  type HeadingBlock,
  type Link,
  type ListBlock,
  type ParagraphBlock,
  type PolicyDocument,
  type PolicyPart,
  type PolicySection,
  type SdkBlock,
  type SdkEntry,
  type SdkField,
  type SdkFieldKey,
  type TableBlock,
} from '../../src/core/policy/model'

export const POLICY_ERROR_CODES = [
  'POLICY_BAD_FRONT_MATTER',
  'POLICY_BAD_TITLE',
  'POLICY_BAD_SECTION_ATTRS',
  'POLICY_DUPLICATE_SECTION',
  'POLICY_EMPTY_SECTION',
  'POLICY_MISSING_PART',
  'POLICY_CONTENT_OUTSIDE_SECTION',
  'POLICY_UNKNOWN_BLOCK',
  'POLICY_UNCLOSED_TABLE',
  'POLICY_RAGGED_TABLE',
  'POLICY_BAD_TABLE',
  'POLICY_UNCLOSED_FENCE',
  'POLICY_BAD_SDK_ENTRY',
  'POLICY_BAD_LINK',
  'POLICY_EMPTY_BLOCK',
] as const

export type PolicyErrorCode = (typeof POLICY_ERROR_CODES)[number]

export class PolicyCompileError extends Error {
  readonly code: PolicyErrorCode
  readonly file: string
  /** 1-based line of the source file. */
  readonly line: number
  /** The message without the `file:line: ` prefix. */
  readonly reason: string

  constructor(code: PolicyErrorCode, file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`)
    this.name = 'PolicyCompileError'
    this.code = code
    this.file = file
    this.line = line
    this.reason = reason
  }
}

/** SDK entry labels, as the policy words them, and the standard field each one is. */
export const SDK_LABELS: Readonly<Record<string, SdkFieldKey>> = {
  SDK名称: 'name',
  第三方名称: 'vendor',
  收集个人信息类型: 'dataCollected',
  收集数据类型: 'dataCollected',
  调用权限: 'permissions',
  使用目的: 'purpose',
  隐私政策链接: 'policyUrl',
  隐私协议地址: 'policyUrl',
  接入方式: 'integration',
}

const FRONT_MATTER_KEYS = ['id', 'version', 'effectiveDate', 'locale'] as const
type FrontMatterKey = (typeof FRONT_MATTER_KEYS)[number]

const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const VERSION_RE = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/
const LOCALE_RE = /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$/
const SECTION_ID_RE = /^[a-z][a-z0-9-]*$/
const ATTRS_RE = /\s*\{([^{}]*)\}\s*$/
const ORDINAL_RE = /^([一二三四五六七八九十百]+)、/
/** An item that carries its own numbering: "1.", "1、", "一、", "(1)", "（一）". */
const NUMBERING_RE = /^(?:(?:\d+|[一二三四五六七八九十百]+)[.、．)）]|[(（](?:\d+|[一二三四五六七八九十百]+)[)）])/
/** CJK, kana, Hangul and full-width forms: no space is needed next to these. */
const WIDE_RE = /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]/
const BR_RE = /^<br\s*\/?>$/i

const md = new MarkdownIt('default', { html: true, linkify: false, typographer: false })

export function compilePolicy(source: string, fileName: string): PolicyDocument {
  return new Compiler(source, fileName).run()
}

/** The SHA-256 (lowercase hex) a document must carry: over canonicalJson of the document without `sha256`. */
export function policySha256(doc: Omit<PolicyDocument, 'sha256'> | PolicyDocument): string {
  const { sha256: _omit, ...rest } = doc as PolicyDocument
  return createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex')
}

interface InlineText {
  text: string
  links: Link[]
  /** The whole text is inside one **strong** span. */
  strong: boolean
}

interface OpenSection {
  section: PolicySection
  line: number
  /** A heading block still waiting for content: its level and line. */
  pendingHeading?: { level: number; line: number }
}

class Compiler {
  private readonly lines: string[]
  private title?: string
  private readonly sections: PolicySection[] = []
  private current?: OpenSection
  private part?: PolicyPart
  private readonly ids = new Map<string, number>()
  private readonly titles = new Map<string, number>()

  constructor(
    source: string,
    private readonly file: string,
  ) {
    this.lines = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n')
  }

  private fail(code: PolicyErrorCode, line: number, reason: string): never {
    throw new PolicyCompileError(code, this.file, line, reason)
  }

  run(): PolicyDocument {
    const { meta, bodyStart } = this.frontMatter()
    // Front matter lines become blank lines, so Markdown token lines stay file lines.
    const body = this.lines.map((l, i) => (i < bodyStart ? '' : l)).join('\n')
    const tokens = md.parse(body, {})
    for (let i = 0; i < tokens.length; ) {
      const end = closeIndex(tokens, i)
      this.topLevel(tokens, i, end)
      i = end + 1
    }
    this.closeSection()
    const lastLine = this.lastContentLine()
    if (this.title === undefined) this.fail('POLICY_BAD_TITLE', lastLine, 'the document has no title (a `# ` heading)')
    for (const part of ['summary', 'full'] as const) {
      if (!this.sections.some((s) => s.part === part)) {
        this.fail('POLICY_MISSING_PART', lastLine, `the document has no "${part}" part (declare it with {#id part=${part}} on a ## section)`)
      }
    }
    const doc: Omit<PolicyDocument, 'sha256'> = {
      schema: POLICY_MODEL_SCHEMA_VERSION,
      id: meta.id,
      version: meta.version,
      effectiveDate: meta.effectiveDate,
      locale: meta.locale,
      title: this.title,
      sections: this.sections,
    }
    return { ...doc, sha256: policySha256(doc) }
  }

  // ---- front matter -------------------------------------------------------------------------

  private frontMatter(): { meta: Record<FrontMatterKey, string>; bodyStart: number } {
    const bad = (line: number, reason: string): never => this.fail('POLICY_BAD_FRONT_MATTER', line, reason)
    if (this.lines[0]?.trim() !== '---') {
      bad(1, 'the file must start with front matter: a `---` line, `key: value` lines (id, version, effectiveDate, locale), a `---` line')
    }
    const close = this.lines.findIndex((l, i) => i > 0 && l.trim() === '---')
    if (close < 0) bad(1, 'front matter is not closed: add a `---` line after it')
    const meta: Partial<Record<FrontMatterKey, string>> = {}
    for (let i = 1; i < close; i++) {
      const raw = this.lines[i].trim()
      const line = i + 1
      if (raw === '' || raw.startsWith('#')) continue
      const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$/.exec(raw)
      if (!m) bad(line, `expected \`key: value\`, got ${JSON.stringify(raw)}`)
      const key = m![1]
      if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) {
        bad(line, `unknown front matter key "${key}" (known: ${FRONT_MATTER_KEYS.join(', ')})`)
      }
      const k = key as FrontMatterKey
      if (meta[k] !== undefined) bad(line, `duplicate front matter key "${key}"`)
      const value = unquote(m![2].trim())
      if (value === '') bad(line, `front matter key "${key}" has no value`)
      const problem = checkMeta(k, value)
      if (problem) bad(line, `${key}: ${problem}`)
      meta[k] = value
    }
    for (const k of FRONT_MATTER_KEYS) {
      if (meta[k] === undefined) bad(close + 1, `front matter lacks "${k}"`)
    }
    return { meta: meta as Record<FrontMatterKey, string>, bodyStart: close + 1 }
  }

  // ---- blocks -------------------------------------------------------------------------------

  private topLevel(tokens: Token[], i: number, end: number): void {
    const t = tokens[i]
    const line = lineOf(t)
    if (t.type === 'heading_open' && t.tag === 'h1') return this.docTitle(tokens[i + 1], line)
    if (this.title === undefined) this.fail('POLICY_BAD_TITLE', line, 'the document must start with its title (a `# ` heading) after the front matter')
    switch (t.type) {
      case 'heading_open': {
        const level = Number(t.tag.slice(1))
        if (level === 2) return this.openSection(tokens[i + 1], line)
        if (level === 3 || level === 4) return this.heading(tokens[i + 1], level === 3 ? 2 : 3, line)
        return this.fail('POLICY_UNKNOWN_BLOCK', line, `${'#'.repeat(level)} headings are not supported (use ## sections, ### and #### headings)`)
      }
      case 'paragraph_open':
        return this.add(this.paragraph(tokens[i + 1], line), line)
      case 'bullet_list_open':
      case 'ordered_list_open':
        return this.add(this.list(tokens, i, end), line)
      case 'table_open':
        return this.add(this.table(tokens, i, end), line)
      case 'fence':
        if (t.info.trim() === 'sdk') return this.add(this.sdk(t), line)
        return this.fail('POLICY_UNKNOWN_BLOCK', line, `\`\`\`${t.info.trim()} code blocks are not supported (only \`\`\`sdk blocks)`)
      case 'code_block':
        return this.fail('POLICY_UNKNOWN_BLOCK', line, 'indented code blocks are not supported (is the line indented by 4 spaces?)')
      case 'html_block':
        return this.fail('POLICY_UNKNOWN_BLOCK', line, 'HTML blocks are not supported')
      case 'blockquote_open':
        return this.fail('POLICY_UNKNOWN_BLOCK', line, 'block quotes are not supported')
      case 'hr':
        return this.fail('POLICY_UNKNOWN_BLOCK', line, 'horizontal rules are not supported')
      default:
        return this.fail('POLICY_UNKNOWN_BLOCK', line, `unsupported Markdown (${t.type})`)
    }
  }

  private docTitle(inline: Token, line: number): void {
    if (this.title !== undefined) this.fail('POLICY_BAD_TITLE', line, 'a second document title (`# ` heading): use ## for sections')
    const { text, links } = this.inline(inline, line)
    if (links.length) this.fail('POLICY_BAD_LINK', line, 'links are not allowed in headings')
    if (text === '') this.fail('POLICY_BAD_TITLE', line, 'the document title is empty')
    this.title = text
  }

  private openSection(inline: Token, line: number): void {
    this.closeSection()
    const badAttrs = (reason: string): never => this.fail('POLICY_BAD_SECTION_ATTRS', line, reason)
    const raw = inline.content
    const m = ATTRS_RE.exec(raw)
    if (!m) badAttrs('a section heading needs an id: `## title {#id}`')
    let id: string | undefined
    let part: PolicyPart | undefined
    for (const attr of m![1].trim().split(/\s+/).filter(Boolean)) {
      if (attr.startsWith('#')) {
        if (id !== undefined) badAttrs('a section has one id')
        id = attr.slice(1)
        if (!SECTION_ID_RE.test(id)) badAttrs(`bad section id "${id}" (lowercase letters, digits and "-", starting with a letter)`)
        continue
      }
      const kv = /^([A-Za-z]+)=(.*)$/.exec(attr)
      if (!kv || kv[1] !== 'part') badAttrs(`unknown section attribute "${attr}" (known: #id, part=summary|full)`)
      if (kv![2] !== 'summary' && kv![2] !== 'full') badAttrs(`part must be "summary" or "full", got "${kv![2]}"`)
      part = kv![2] as PolicyPart
    }
    if (id === undefined) badAttrs('a section heading needs an id: `## title {#id}`')
    if (part === undefined) {
      if (this.part === undefined) badAttrs('the first section must declare its part: {#id part=summary}')
      part = this.part
    } else if (this.part === 'full' && part === 'summary') {
      badAttrs('the summary part must come before the full text')
    }
    this.part = part
    const { text: title, links } = this.inline(md.parseInline(raw.slice(0, m!.index), {})[0], line)
    if (links.length) this.fail('POLICY_BAD_LINK', line, 'links are not allowed in headings')
    if (title === '') badAttrs('the section title is empty')
    const firstId = this.ids.get(id!)
    if (firstId !== undefined) this.fail('POLICY_DUPLICATE_SECTION', line, `duplicate section id "${id}" (first at line ${firstId})`)
    const firstTitle = this.titles.get(title)
    if (firstTitle !== undefined) this.fail('POLICY_DUPLICATE_SECTION', line, `duplicate section title "${title}" (first at line ${firstTitle})`)
    this.ids.set(id!, line)
    this.titles.set(title, line)
    const section: PolicySection = { id: id!, part: part!, title, blocks: [] }
    const ordinal = ORDINAL_RE.exec(title)?.[1]
    if (ordinal) section.ordinal = ordinal
    this.current = { section, line }
  }

  private closeSection(): void {
    const open = this.current
    if (!open) return
    if (open.pendingHeading) this.fail('POLICY_EMPTY_SECTION', open.pendingHeading.line, 'a heading with nothing under it')
    if (open.section.blocks.length === 0) this.fail('POLICY_EMPTY_SECTION', open.line, `section "${open.section.title}" is empty`)
    this.sections.push(open.section)
    this.current = undefined
  }

  private heading(inline: Token, level: 2 | 3, line: number): void {
    if (ATTRS_RE.test(inline.content) && /\{\s*[#.]|=/.test(ATTRS_RE.exec(inline.content)![0])) {
      this.fail('POLICY_BAD_SECTION_ATTRS', line, 'attributes are only allowed on ## section headings')
    }
    const { text, links } = this.inline(inline, line)
    if (links.length) this.fail('POLICY_BAD_LINK', line, 'links are not allowed in headings')
    if (text === '') this.fail('POLICY_EMPTY_BLOCK', line, 'empty heading')
    const open = this.requireSection(line)
    if (open.pendingHeading && open.pendingHeading.level >= level) {
      this.fail('POLICY_EMPTY_SECTION', open.pendingHeading.line, 'a heading with nothing under it')
    }
    const block: HeadingBlock = { type: 'heading', level, text }
    open.section.blocks.push(block)
    open.pendingHeading = { level, line }
  }

  private add(block: Block, line: number): void {
    const open = this.requireSection(line)
    open.section.blocks.push(block)
    open.pendingHeading = undefined
  }

  private requireSection(line: number): OpenSection {
    if (!this.current) this.fail('POLICY_CONTENT_OUTSIDE_SECTION', line, 'content before the first ## section')
    return this.current!
  }

  private paragraph(inline: Token, line: number): ParagraphBlock {
    this.noStrayTableRows(inline)
    const { text, links, strong } = this.inline(inline, line)
    if (text === '') this.fail('POLICY_EMPTY_BLOCK', line, 'empty paragraph')
    const block: ParagraphBlock = { type: 'paragraph', text }
    if (strong) block.strong = true
    if (links.length) block.links = links
    return block
  }

  /** A paragraph line starting with "|" is a table that did not parse (or was broken by a blank line). */
  private noStrayTableRows(inline: Token): void {
    if (!inline.map) return
    for (let l = inline.map[0]; l < inline.map[1]; l++) {
      if (this.lines[l].trim().startsWith('|')) {
        this.fail(
          'POLICY_UNCLOSED_TABLE',
          l + 1,
          'table row outside a table: a table is a header row, a delimiter row (| --- |) with as many cells, then rows, with no blank line inside',
        )
      }
    }
  }

  private list(tokens: Token[], i: number, end: number): ListBlock {
    const open = tokens[i]
    const markdownOrdered = open.type === 'ordered_list_open'
    const start = Number(open.attrGet('start') ?? 1)
    const items: string[] = []
    const links: Link[] = []
    for (let j = i + 1; j < end; ) {
      const itemOpen = tokens[j]
      const itemEnd = closeIndex(tokens, j)
      const itemLine = lineOf(itemOpen)
      const paragraphs: string[] = []
      for (let k = j + 1; k < itemEnd; ) {
        const t = tokens[k]
        if (t.type !== 'paragraph_open') {
          const what = t.type.replace(/_open$/, '').replace(/_/g, ' ')
          this.fail('POLICY_UNKNOWN_BLOCK', lineOf(t, itemLine), `only paragraphs are supported inside list items (found a ${what})`)
        }
        const inline = tokens[k + 1]
        this.noStrayTableRows(inline)
        const r = this.inline(inline, lineOf(t))
        if (r.text !== '') paragraphs.push(r.text)
        links.push(...r.links)
        k = closeIndex(tokens, k) + 1
      }
      if (paragraphs.length === 0) this.fail('POLICY_EMPTY_BLOCK', itemLine, 'empty list item')
      let text = paragraphs.join('\n')
      if (markdownOrdered) {
        const marker = `${itemOpen.info || String(start + items.length)}${itemOpen.markup}`
        text = marker + (WIDE_RE.test(text[0]) ? '' : ' ') + text
      }
      items.push(text)
      j = itemEnd + 1
    }
    const block: ListBlock = {
      type: 'list',
      ordered: markdownOrdered || items.every((it) => NUMBERING_RE.test(it)),
      items,
    }
    if (links.length) block.links = links
    return block
  }

  private table(tokens: Token[], i: number, end: number): TableBlock {
    const open = tokens[i]
    const [from, to] = open.map!
    const header = this.lines[from]
    const width = splitRow(header).length
    const piped = header.trim().startsWith('|')
    for (let l = from + 2; l < to; l++) {
      const row = this.lines[l]
      if (piped && !row.trim().startsWith('|')) {
        this.fail('POLICY_UNCLOSED_TABLE', l + 1, 'the table is not closed: this line has no leading "|" (end a table with a blank line)')
      }
      const n = splitRow(row).length
      if (n !== width) this.fail('POLICY_RAGGED_TABLE', l + 1, `table row has ${n} cell${n === 1 ? '' : 's'}, the header has ${width}`)
    }
    const columns: string[] = []
    const rows: string[][] = []
    const links: Link[] = []
    let row: string[] = []
    let rowLine = from + 1
    let inHead = false
    for (let j = i + 1; j < end; j++) {
      const t = tokens[j]
      if (t.type === 'thead_open') inHead = true
      else if (t.type === 'thead_close') inHead = false
      else if (t.type === 'tr_open') {
        rowLine = lineOf(t, rowLine)
        row = []
      } else if (t.type === 'tr_close') {
        if (!inHead) rows.push(row)
      } else if (t.type === 'inline') {
        const r = this.inline(t, rowLine)
        const cell = r.text
          .split('\n')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .join('\n')
        if (inHead) {
          if (cell === '') this.fail('POLICY_BAD_TABLE', rowLine, `table column ${columns.length + 1} has no name`)
          columns.push(cell)
        } else {
          row.push(cell)
          links.push(...r.links)
        }
      }
    }
    if (rows.length === 0) this.fail('POLICY_BAD_TABLE', from + 1, 'the table has no rows')
    const block: TableBlock = { type: 'table', columns, rows }
    if (links.length) block.links = links
    return block
  }

  private sdk(t: Token): SdkBlock {
    const fenceLine = lineOf(t)
    const [from, to] = t.map!
    const closer = to - 1 > from ? this.lines[to - 1].trim() : ''
    const fenceChar = t.markup[0]
    if (!(closer.length >= t.markup.length && [...closer].every((c) => c === fenceChar))) {
      this.fail('POLICY_UNCLOSED_FENCE', fenceLine, `the ${t.markup}sdk block is not closed`)
    }
    const bad = (line: number, reason: string): never => this.fail('POLICY_BAD_SDK_ENTRY', line, reason)
    const entries: SdkEntry[] = []
    let fields: SdkField[] | undefined
    const finish = () => {
      if (!fields) return
      const entry: SdkEntry = { name: fields[0].value, fields }
      const links = fields.flatMap((f) => plainLinks(f.value))
      if (links.length) entry.links = links
      entries.push(entry)
      fields = undefined
    }
    t.content.split('\n').forEach((raw, k) => {
      const line = fenceLine + 1 + k
      const s = raw.trim()
      if (s === '') return finish()
      const m = /^([^:：]+?)\s*[:：]\s*(.*)$/.exec(s)
      if (!m) bad(line, `expected \`label:value\` (e.g. SDK名称:…), got ${JSON.stringify(s)}`)
      const label = m![1].trim()
      const value = m![2].trim()
      const key = Object.prototype.hasOwnProperty.call(SDK_LABELS, label) ? SDK_LABELS[label] : undefined
      if (!key) bad(line, `unknown SDK field "${label}" (known: ${Object.keys(SDK_LABELS).join(', ')})`)
      if (value === '') bad(line, `SDK field "${label}" has no value`)
      if (!fields) {
        if (key !== 'name') bad(line, 'an SDK entry must start with its SDK名称 line')
        fields = []
      } else if (fields.some((f) => f.key === key)) {
        const more = key === 'name' ? ' (separate SDK entries with a blank line)' : ''
        bad(line, `SDK entry "${fields[0].value}" has a second "${label}" field${more}`)
      }
      fields!.push({ key: key!, label, value })
    })
    finish()
    if (entries.length === 0) bad(fenceLine, 'empty sdk block')
    return { type: 'sdk', entries }
  }

  // ---- inline -------------------------------------------------------------------------------

  /** Text of an inline token: markup removed, `<br>` → "\n", soft breaks joined (no space next to CJK). */
  private inline(tok: Token, firstLine: number): InlineText {
    const children = tok.children ?? []
    let line = firstLine
    let text = ''
    const linkSpans: Array<{ start: number; end: number; link: Link }> = []
    let linkStart = -1
    let linkHref = ''
    for (let k = 0; k < children.length; k++) {
      const c = children[k]
      switch (c.type) {
        case 'text':
        case 'code_inline':
          text += c.content
          break
        case 'softbreak': {
          const next = children[k + 1]?.content?.[0] ?? ''
          const prev = text[text.length - 1] ?? ''
          text += WIDE_RE.test(prev) || WIDE_RE.test(next) ? '' : ' '
          line++
          break
        }
        case 'hardbreak':
          text += '\n'
          line++
          break
        case 'html_inline':
          if (!BR_RE.test(c.content.trim())) this.fail('POLICY_UNKNOWN_BLOCK', line, `inline HTML ${c.content} is not supported (only <br>)`)
          text += '\n'
          break
        case 'strong_open':
        case 'strong_close':
        case 'em_open':
        case 'em_close':
          break
        case 'link_open': {
          linkHref = String(c.attrGet('href') ?? '')
          if (!/^(https?:\/\/|mailto:)/i.test(linkHref)) this.fail('POLICY_BAD_LINK', line, `link target must be http(s) or mailto: ${linkHref}`)
          linkStart = text.length
          break
        }
        case 'link_close': {
          const label = text.slice(linkStart)
          const kind = /^mailto:/i.test(linkHref) ? 'email' : 'url'
          linkSpans.push({ start: linkStart, end: text.length, link: { kind, text: label, href: linkHref } })
          break
        }
        case 'image':
          this.fail('POLICY_UNKNOWN_BLOCK', line, 'images are not supported')
          break
        case 's_open':
        case 's_close':
          this.fail('POLICY_UNKNOWN_BLOCK', line, 'strikethrough is not supported')
          break
        default:
          this.fail('POLICY_UNKNOWN_BLOCK', line, `unsupported inline Markdown (${c.type})`)
      }
    }
    const found = findLinks(text)
      .filter((f) => !linkSpans.some((s) => f.index < s.end && f.index + f.text.length > s.start))
      .map((f) => ({ index: f.index, link: { kind: f.kind, text: f.text, href: f.href } as Link }))
    const links = [...found, ...linkSpans.map((s) => ({ index: s.start, link: s.link }))]
      .sort((a, b) => a.index - b.index)
      .map((x) => x.link)
    return { text: text.trim(), links, strong: wholeStrong(children) }
  }

  private lastContentLine(): number {
    for (let i = this.lines.length - 1; i >= 0; i--) if (this.lines[i].trim() !== '') return i + 1
    return 1
  }
}

// ---- helpers --------------------------------------------------------------------------------

function plainLinks(text: string): Link[] {
  return findLinks(text).map(({ kind, text: t, href }) => ({ kind, text: t, href }))
}

/** Index of the token closing the block opened at `i` (or `i` itself for a self-contained token). */
function closeIndex(tokens: Token[], i: number): number {
  const t = tokens[i]
  if (t.nesting !== 1) return i
  for (let j = i + 1; j < tokens.length; j++) {
    if (tokens[j].nesting === -1 && tokens[j].level === t.level) return j
  }
  return tokens.length - 1
}

function lineOf(t: Token, fallback = 1): number {
  return t.map ? t.map[0] + 1 : fallback
}

/** Cells of a pipe-table source line: outer pipes dropped, split at unescaped "|". */
function splitRow(line: string): string[] {
  let s = line.trim()
  if (s.startsWith('|')) s = s.slice(1)
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1)
  const cells: string[] = []
  let cell = ''
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]
    if (ch === '\\' && i + 1 < s.length) {
      cell += ch + s[++i]
    } else if (ch === '|') {
      cells.push(cell)
      cell = ''
    } else {
      cell += ch
    }
  }
  cells.push(cell)
  return cells
}

/** True when the inline children are exactly one **strong** span (whitespace aside). */
function wholeStrong(children: Token[]): boolean {
  const kids = children.filter((c) => !(c.type === 'text' && c.content.trim() === ''))
  if (kids.length < 2 || kids[0].type !== 'strong_open' || kids[kids.length - 1].type !== 'strong_close') return false
  let depth = 0
  for (let k = 0; k < kids.length; k++) {
    if (kids[k].type === 'strong_open') depth++
    if (kids[k].type === 'strong_close') depth--
    if (depth === 0 && k < kids.length - 1) return false
  }
  return true
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1)
  return v
}

function checkMeta(key: FrontMatterKey, value: string): string | undefined {
  switch (key) {
    case 'id':
      return ID_RE.test(value) ? undefined : `"${value}" is not an id (lowercase letters, digits, single "-")`
    case 'version':
      return VERSION_RE.test(value) ? undefined : `"${value}" is not a version (letters, digits, ".", "-", "+", "_")`
    case 'locale':
      return LOCALE_RE.test(value) ? undefined : `"${value}" is not a BCP 47 tag like zh-CN`
    case 'effectiveDate':
      return isIsoDate(value) ? undefined : `"${value}" is not a date YYYY-MM-DD`
  }
}

function isIsoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}
