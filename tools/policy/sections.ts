// The document's structure as the source builds it: the title, then `##` sections (with their id,
// part and ordinal), each holding headings and blocks; checks that ids and titles are unique and
// that no section or heading is left empty.

import type { Block, HeadingBlock, PolicyPart, PolicySection } from '../../src/core/policy/model'
import type { PolicySource } from './errors'
import { inlineText } from './inline'
import { md, type Token } from './markdown'

const SECTION_ID_RE = /^[a-z][a-z0-9-]*$/
const ATTRS_RE = /\s*\{([^{}]*)\}\s*$/
const ORDINAL_RE = /^([一二三四五六七八九十百]+)、/

interface OpenSection {
  section: PolicySection
  line: number
  /** A heading block still waiting for content: its level and line. */
  pendingHeading?: { level: number; line: number }
}

export class SectionBuilder {
  title?: string
  readonly sections: PolicySection[] = []
  private current?: OpenSection
  private part?: PolicyPart
  private readonly ids = new Map<string, number>()
  private readonly titles = new Map<string, number>()

  constructor(private readonly src: PolicySource) {}

  docTitle(inline: Token, line: number): void {
    const src = this.src
    if (this.title !== undefined) src.fail('POLICY_BAD_TITLE', line, 'a second document title (`# ` heading): use ## for sections')
    const { text, links } = inlineText(src, inline, line)
    if (links.length) src.fail('POLICY_BAD_LINK', line, 'links are not allowed in headings')
    if (text === '') src.fail('POLICY_BAD_TITLE', line, 'the document title is empty')
    this.title = text
  }

  openSection(inline: Token, line: number): void {
    this.closeSection()
    const src = this.src
    const badAttrs = (reason: string): never => src.fail('POLICY_BAD_SECTION_ATTRS', line, reason)
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
    const { text: title, links } = inlineText(src, md.parseInline(raw.slice(0, m!.index), {})[0], line)
    if (links.length) src.fail('POLICY_BAD_LINK', line, 'links are not allowed in headings')
    if (title === '') badAttrs('the section title is empty')
    const firstId = this.ids.get(id!)
    if (firstId !== undefined) src.fail('POLICY_DUPLICATE_SECTION', line, `duplicate section id "${id}" (first at line ${firstId})`)
    const firstTitle = this.titles.get(title)
    if (firstTitle !== undefined) src.fail('POLICY_DUPLICATE_SECTION', line, `duplicate section title "${title}" (first at line ${firstTitle})`)
    this.ids.set(id!, line)
    this.titles.set(title, line)
    const section: PolicySection = { id: id!, part: part!, title, blocks: [] }
    const ordinal = ORDINAL_RE.exec(title)?.[1]
    if (ordinal) section.ordinal = ordinal
    this.current = { section, line }
  }

  closeSection(): void {
    const open = this.current
    if (!open) return
    const src = this.src
    if (open.pendingHeading) src.fail('POLICY_EMPTY_SECTION', open.pendingHeading.line, 'a heading with nothing under it')
    if (open.section.blocks.length === 0) src.fail('POLICY_EMPTY_SECTION', open.line, `section "${open.section.title}" is empty`)
    this.sections.push(open.section)
    this.current = undefined
  }

  heading(inline: Token, level: 2 | 3, line: number): void {
    const src = this.src
    if (ATTRS_RE.test(inline.content) && /\{\s*[#.]|=/.test(ATTRS_RE.exec(inline.content)![0])) {
      src.fail('POLICY_BAD_SECTION_ATTRS', line, 'attributes are only allowed on ## section headings')
    }
    const { text, links } = inlineText(src, inline, line)
    if (links.length) src.fail('POLICY_BAD_LINK', line, 'links are not allowed in headings')
    if (text === '') src.fail('POLICY_EMPTY_BLOCK', line, 'empty heading')
    const open = this.requireSection(line)
    if (open.pendingHeading && open.pendingHeading.level >= level) {
      src.fail('POLICY_EMPTY_SECTION', open.pendingHeading.line, 'a heading with nothing under it')
    }
    const block: HeadingBlock = { type: 'heading', level, text }
    open.section.blocks.push(block)
    open.pendingHeading = { level, line }
  }

  /** Adds a content block to the open section (it fills the heading above it, if any). */
  add(block: Block, line: number): void {
    const open = this.requireSection(line)
    open.section.blocks.push(block)
    open.pendingHeading = undefined
  }

  private requireSection(line: number): OpenSection {
    if (!this.current) this.src.fail('POLICY_CONTENT_OUTSIDE_SECTION', line, 'content before the first ## section')
    return this.current!
  }
}
