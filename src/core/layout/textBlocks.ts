// Text blocks on the page flow: section titles, headings, paragraphs and list items, pre-broken
// into lines and split between lines (no single line left alone at a page bottom or top when it
// can be helped), with the QR codes of their links under them.

import type { FontSpec } from '../text/glyphWidths'
import type { BrokenText } from '../text/lineBreaker'
import type { HeadingBlock, ListBlock, ParagraphBlock, PolicySection } from '../policy/model'
import type { LayoutContext } from './layoutContext'
import type { PageFlow } from './pageFlow'
import type { QrCodes } from './qr'
import type { TextItem, TextRole } from './types'

/** Bullet drawn for items of unordered lists. */
export const LIST_BULLET = '•'

/** Title of a section as the reader shows it: the ordinal prefixed ("一、…") unless the title has it. */
export function sectionHeading(section: PolicySection): string {
  return section.ordinal && !section.title.startsWith(section.ordinal) ? `${section.ordinal}、${section.title}` : section.title
}

interface LineRun {
  role: TextRole
  lines: string[]
  starts: number[]
  font: FontSpec
  lineHeight: number
  indent: number
  block: number
  base: number
  marker?: string
}

const NO_LINES: BrokenText = { lines: [], starts: [] }

export class TextBlocks {
  /** Broken lines of paragraphs and list items (computed once per block and pagination). */
  private readonly paragraphPlans = new Map<ParagraphBlock, BrokenText>()
  private readonly listPlans = new Map<ListBlock, BrokenText[]>()

  constructor(
    private readonly ctx: LayoutContext,
    private readonly flow: PageFlow,
    private readonly qr: QrCodes,
  ) {}

  /** Flows pre-broken lines down the pages, splitting between lines. */
  private flowLines(a: LineRun) {
    const { ctx, flow } = this
    const lh = a.lineHeight
    const total = a.lines.length
    const perItem = Math.max(1, Math.floor(ctx.maxItemH / lh))
    let i = 0
    while (i < total) {
      const rem = total - i
      let n = Math.floor(flow.room() / lh)
      if (n >= rem) n = rem
      else {
        // No single line left at the bottom of this page or alone at the top of the next.
        if (!flow.empty && (n < 2 || (rem - n === 1 && n < 3))) {
          flow.newPage()
          continue
        }
        if (rem - n === 1) n -= 1
      }
      n = Math.max(1, Math.min(n, perItem))
      const item: TextItem = {
        kind: 'text',
        role: a.role,
        x: a.indent,
        y: 0,
        width: ctx.W - a.indent,
        height: n * lh,
        anchor: flow.anchor(a.block, a.base + a.starts[i]),
        lines: a.lines.slice(i, i + n),
        font: a.font,
        lineHeight: lh,
        continued: i > 0,
      }
      if (a.marker !== undefined && i === 0) item.marker = a.marker
      flow.put(item)
      i += n
    }
  }

  sectionTitle(section: PolicySection) {
    const { ctx } = this
    const font = ctx.fonts.section
    const { lines, starts } = ctx.lines(sectionHeading(section), ctx.W, font)
    this.flowLines({ role: 'section-title', lines, starts, font, lineHeight: ctx.m.sectionTitleLineHeight, indent: 0, block: -1, base: 0 })
    this.flow.lockGap(ctx.m.sectionTitleGap)
  }

  /** Height of the part of a text block that must stay with a heading above it. */
  leadHeight(b: HeadingBlock | ParagraphBlock | ListBlock): number {
    const m = this.ctx.m
    if (b.type === 'heading') {
      return (b.level === 2 ? m.headingLineHeight : m.subheadingLineHeight) + m.headingGapAfter + 2 * m.bodyLineHeight
    }
    // What flowLines will not split: up to three lines whole, else the first two.
    const first = b.type === 'paragraph' ? this.paragraphLines(b) : this.listLines(b).find((l) => l.lines.length > 0)
    const n = first ? first.lines.length : 0
    return (n <= 3 ? n : 2) * m.bodyLineHeight
  }

  /** A heading, kept with the start of what follows it (`leadOfNext`) when that start fits on a page at all. */
  heading(b: HeadingBlock, block: number, leadOfNext: () => number) {
    if (b.text.trim() === '') return
    const { ctx, flow } = this
    const m = ctx.m
    const font = b.level === 2 ? ctx.fonts.heading : ctx.fonts.subheading
    const lh = b.level === 2 ? m.headingLineHeight : m.subheadingLineHeight
    const { lines, starts } = ctx.lines(b.text, ctx.W, font)
    flow.gap(m.headingGapBefore)
    const need = lines.length * lh + m.headingGapAfter + leadOfNext()
    if (!flow.empty && flow.room() < need && need <= ctx.maxItemH) flow.newPage()
    this.flowLines({ role: 'heading', lines, starts, font, lineHeight: lh, indent: 0, block, base: 0 })
    flow.lockGap(m.headingGapAfter)
  }

  private paragraphFont(b: ParagraphBlock): FontSpec {
    return b.strong === true ? this.ctx.fonts.bodyBold : this.ctx.fonts.body
  }

  private paragraphLines(b: ParagraphBlock): BrokenText {
    let t = this.paragraphPlans.get(b)
    if (!t) {
      t = b.text.trim() === '' ? NO_LINES : this.ctx.lines(b.text, this.ctx.W, this.paragraphFont(b))
      this.paragraphPlans.set(b, t)
    }
    return t
  }

  private listLines(b: ListBlock): BrokenText[] {
    let t = this.listPlans.get(b)
    if (!t) {
      const { ctx } = this
      t = b.items.map((text) => (text.trim() === '' ? NO_LINES : ctx.lines(text, ctx.W - ctx.m.listIndent, ctx.fonts.body)))
      this.listPlans.set(b, t)
    }
    return t
  }

  paragraph(b: ParagraphBlock, block: number) {
    const { text, links } = b
    if (text.trim() === '') return
    const { ctx, flow } = this
    const { lines, starts } = this.paragraphLines(b)
    flow.gap(ctx.m.paragraphGap)
    this.flowLines({ role: 'paragraph', lines, starts, font: this.paragraphFont(b), lineHeight: ctx.m.bodyLineHeight, indent: 0, block, base: 0 })
    flow.gap(ctx.m.paragraphGap)
    this.qr.row(links, block, text.length)
  }

  list(b: ListBlock, block: number) {
    const { items, ordered, links } = b
    const { ctx, flow } = this
    const m = ctx.m
    const broken = this.listLines(b)
    let base = 0
    flow.gap(m.paragraphGap)
    items.forEach((text, k) => {
      const itemBase = base
      base += text.length + 1
      if (text.trim() === '') return
      const { lines, starts } = broken[k]
      // Items of ordered lists carry their own numbering; unordered ones get a bullet.
      const marker = ordered ? undefined : LIST_BULLET
      flow.gap(m.listItemGap)
      this.flowLines({
        role: 'list-item',
        lines,
        starts,
        font: ctx.fonts.body,
        lineHeight: m.bodyLineHeight,
        indent: m.listIndent,
        block,
        base: itemBase,
        marker,
      })
      flow.setGap(m.listItemGap)
    })
    flow.gap(m.paragraphGap)
    this.qr.row(links, block, Math.max(0, base - 1))
  }
}
