// Paginates a policy document into pages of small, pre-broken items for the TV reader.
//
// - Every section starts on a new page with its title.
// - Paragraphs and list items split between lines (no single line left at a page bottom or top
//   when it can be helped); tables split between rows, with the header row repeated on every page
//   the table continues on; SDK cards never split unless taller than a page.
// - Every item fits the body box and the texture limit (no side over maxTextureSize), so the
//   renderer can draw each item as a few small textures, and a page's textures are bounded by the
//   box whatever the document's length.
// - Widths come from a per-glyph cache; the work is linear in the document's length.

import type {
  Block,
  Link,
  ListBlock,
  ParagraphBlock,
  PolicyDocument,
  PolicySection,
  SdkBlock,
  SdkEntry,
  SdkField,
  TableBlock,
} from '../policy/model'
import type { FontSpec, GlyphMeasurer, GlyphWidthCache } from '../text/glyphWidths'
import { breakText, maxContentWidth, minContentWidth, type BrokenText } from '../text/lineBreaker'
import { TEXT_METRICS } from './metrics'
import type {
  Anchor,
  LayoutOptions,
  Page,
  PageItem,
  Pagination,
  QrItem,
  SdkCardField,
  SdkCardItem,
  TableCell,
  TableRowItem,
  TextItem,
  TextMetrics,
  TextRole,
} from './types'

export { TEXT_METRICS } from './metrics'

export const DEFAULT_MAX_TEXTURE_SIZE = 2048

/** Bullet drawn for items of unordered lists. */
export const LIST_BULLET = '•'

/** Title of a section as the reader shows it: the ordinal prefixed ("一、…") unless the title has it. */
export function sectionHeading(section: PolicySection): string {
  return section.ordinal && !section.title.startsWith(section.ordinal) ? `${section.ordinal}、${section.title}` : section.title
}

/** The name field is the card's title: it is not repeated as a field (unless it says something else). */
export function isNameField(f: SdkField, entry: SdkEntry): boolean {
  return f.key === 'name' && f.value.trim() === entry.name.trim()
}

interface CardPlan {
  entry: SdkEntry
  index: number
  title: string[]
  fields: { index: number; label: string; labelLines: string[]; lines: string[] }[]
}

interface TablePlan {
  xs: number[]
  boxW: number[]
  header: string[][]
  rows: string[][][]
  headerH: number
  /** Header plus what of the first row must stay with it. */
  leadH: number
}

interface SdkPlan {
  cards: CardPlan[]
  cardW: number
  colW: number
  labelW: number
  valueX: number
  valueW: number
  /** Height of the first card (capped by the page). */
  leadH: number
}

class Layout {
  readonly m: TextMetrics
  /** Content width: the body width, capped by the texture limit. */
  readonly W: number
  readonly H: number
  /** Tallest item: the page height, capped by the texture limit. */
  readonly maxItemH: number
  readonly pages: Page[] = []
  private readonly tablePlans = new Map<TableBlock, TablePlan>()
  private readonly sdkPlans = new Map<SdkBlock, SdkPlan>()
  private readonly textPlans = new Map<ParagraphBlock, BrokenText>()
  private readonly listPlans = new Map<ListBlock, BrokenText[]>()
  readonly sectionFirstPage: Record<string, number> = {}
  private page: Page | null = null
  private y = 0
  /** Space owed before the next item (dropped at a page top). */
  private pending = 0
  /** Set after a title or heading: the next item keeps the small gap under it. */
  private gapLocked = false
  private sectionId = ''
  private sectionTitle = ''
  readonly qrSize: number

  readonly fBody: FontSpec
  readonly fBodyBold: FontSpec
  readonly fSection: FontSpec
  readonly fHeading: FontSpec
  readonly fSubheading: FontSpec
  readonly fTable: FontSpec
  readonly fTableBold: FontSpec
  readonly fCard: FontSpec
  readonly fCardLabel: FontSpec
  readonly fCardTitle: FontSpec
  readonly fCaption: FontSpec

  constructor(
    readonly options: LayoutOptions,
    readonly widths: GlyphWidthCache,
  ) {
    const m = TEXT_METRICS[options.textSize]
    if (!m) throw new RangeError(`unknown text size ${String(options.textSize)}`)
    this.m = m
    const maxTex = options.maxTextureSize ?? DEFAULT_MAX_TEXTURE_SIZE
    const { width, height } = options.page
    if (!(maxTex >= 256)) throw new RangeError(`maxTextureSize ${maxTex} is below 256`)
    if (!(width >= 8 * m.bodySize) || !Number.isFinite(width)) {
      throw new RangeError(`body width ${width} is too narrow for text size ${options.textSize} (needs ${8 * m.bodySize})`)
    }
    this.W = Math.floor(Math.min(width, maxTex))
    this.H = height
    this.maxItemH = Math.floor(Math.min(height, maxTex))
    const minH =
      2 * m.sectionTitleLineHeight + m.sectionTitleGap + 2 * m.headingLineHeight + m.headingGapAfter + 2 * m.bodyLineHeight
    if (!(this.maxItemH >= minH) || !Number.isFinite(height)) {
      throw new RangeError(`body height ${height} is too short for text size ${options.textSize} (needs ${minH})`)
    }
    if (!(options.qrSize > 0)) throw new RangeError(`qrSize ${options.qrSize} must be positive`)
    this.qrSize = Math.floor(Math.min(options.qrSize, this.W / 3, this.maxItemH / 2))

    const fam = options.fontFamily
    const font = (size: number, bold: boolean): FontSpec =>
      fam === undefined ? { size, weight: bold ? 'bold' : 'normal' } : { size, weight: bold ? 'bold' : 'normal', family: fam }
    this.fBody = font(m.bodySize, false)
    this.fBodyBold = font(m.bodySize, true)
    this.fSection = font(m.sectionTitleSize, true)
    this.fHeading = font(m.headingSize, true)
    this.fSubheading = font(m.subheadingSize, true)
    this.fTable = font(m.tableSize, false)
    this.fTableBold = font(m.tableSize, true)
    this.fCard = font(m.cardSize, false)
    this.fCardLabel = font(m.cardSize, true)
    this.fCardTitle = font(m.cardTitleSize, true)
    this.fCaption = font(m.captionSize, false)
  }

  private measurer(font: FontSpec): GlyphMeasurer {
    return this.widths.measurer(font)
  }

  private lines(text: string, width: number, font: FontSpec) {
    return breakText(text, width, this.measurer(font))
  }

  // ---- page flow -------------------------------------------------------------------------

  private newPage(): Page {
    const page: Page = { index: this.pages.length, sectionId: this.sectionId, sectionTitle: this.sectionTitle, items: [] }
    this.pages.push(page)
    this.page = page
    this.y = 0
    this.pending = 0
    this.gapLocked = false
    return page
  }

  private get current(): Page {
    return this.page ?? this.newPage()
  }

  private get empty(): boolean {
    return this.current.items.length === 0
  }

  /** Height still free on the page for the next item, after the pending gap. */
  private room(): number {
    return this.H - this.y - (this.empty ? 0 : this.pending)
  }

  private gap(g: number) {
    if (!this.gapLocked) this.pending = Math.max(this.pending, g)
  }

  /** Sets the gap before the next item exactly, and keeps it (used under titles and headings). */
  private lockGap(g: number) {
    this.pending = g
    this.gapLocked = true
  }

  /** Height available to the next item: the room left, capped by the texture limit. */
  private itemRoom(): number {
    return Math.min(this.room(), this.maxItemH)
  }

  /** Places items that share one band of the page (a card and its QR codes, a row of QR codes). */
  private putBand(items: PageItem[], bandHeight: number) {
    const page = this.current
    if (page.items.length > 0) this.y += this.pending
    for (const it of items) {
      it.y += this.y
      page.items.push(it)
    }
    this.y += bandHeight
    this.pending = 0
    this.gapLocked = false
  }

  private put(item: PageItem) {
    item.y = 0
    this.putBand([item], item.height)
  }

  startSection(section: PolicySection) {
    this.sectionId = section.id
    this.sectionTitle = sectionHeading(section)
    if (!this.page || this.page.items.length > 0) this.newPage()
    else {
      this.page.sectionId = this.sectionId
      this.page.sectionTitle = this.sectionTitle
    }
    this.sectionFirstPage[section.id] = this.current.index
  }

  // ---- text ----------------------------------------------------------------------------------

  /** Flows pre-broken lines down the pages, splitting between lines. */
  private flowLines(a: {
    role: TextRole
    lines: string[]
    starts: number[]
    font: FontSpec
    lineHeight: number
    indent: number
    block: number
    base: number
    marker?: string
  }) {
    const lh = a.lineHeight
    const total = a.lines.length
    const perItem = Math.max(1, Math.floor(this.maxItemH / lh))
    let i = 0
    while (i < total) {
      const rem = total - i
      let n = Math.floor(this.room() / lh)
      if (n >= rem) n = rem
      else {
        // No single line left at the bottom of this page or alone at the top of the next.
        if (!this.empty && (n < 2 || (rem - n === 1 && n < 3))) {
          this.newPage()
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
        width: this.W - a.indent,
        height: n * lh,
        anchor: this.anchor(a.block, a.base + a.starts[i]),
        lines: a.lines.slice(i, i + n),
        font: a.font,
        lineHeight: lh,
        continued: i > 0,
      }
      if (a.marker !== undefined && i === 0) item.marker = a.marker
      this.put(item)
      i += n
    }
  }

  private anchor(block: number, offset: number): Anchor {
    return { sectionId: this.sectionId, block, offset }
  }

  sectionTitleItem(section: PolicySection) {
    const { lines, starts } = this.lines(sectionHeading(section), this.W, this.fSection)
    this.flowLines({
      role: 'section-title',
      lines,
      starts,
      font: this.fSection,
      lineHeight: this.m.sectionTitleLineHeight,
      indent: 0,
      block: -1,
      base: 0,
    })
    this.lockGap(this.m.sectionTitleGap)
  }

  /** Height of the part of a block that must stay with a heading above it. */
  private leadHeight(b: Block | undefined): number {
    const m = this.m
    if (!b) return 0
    switch (b.type) {
      case 'heading':
        return (b.level === 2 ? m.headingLineHeight : m.subheadingLineHeight) + m.headingGapAfter + 2 * m.bodyLineHeight
      case 'paragraph':
      case 'list': {
        // What flowLines will not split: up to three lines whole, else the first two.
        const first = b.type === 'paragraph' ? this.paragraphLines(b) : this.listLines(b).find((l) => l.lines.length > 0)
        const n = first ? first.lines.length : 0
        return (n <= 3 ? n : 2) * m.bodyLineHeight
      }
      case 'table':
        return b.columns.length > 0 ? this.tablePlan(b).leadH : 0
      case 'sdk':
        return b.entries.length > 0 ? this.sdkPlan(b).leadH : 0
    }
  }

  private heading(text: string, level: 2 | 3, block: number, next: Block | undefined) {
    if (text.trim() === '') return
    const m = this.m
    const font = level === 2 ? this.fHeading : this.fSubheading
    const lh = level === 2 ? m.headingLineHeight : m.subheadingLineHeight
    const { lines, starts } = this.lines(text, this.W, font)
    this.gap(m.headingGapBefore)
    // Keep the heading with the start of what follows it (when that start fits on a page at all).
    const need = lines.length * lh + m.headingGapAfter + this.leadHeight(next)
    if (!this.empty && this.room() < need && need <= this.maxItemH) this.newPage()
    this.flowLines({ role: 'heading', lines, starts, font, lineHeight: lh, indent: 0, block, base: 0 })
    this.lockGap(m.headingGapAfter)
  }

  private paragraphLines(b: ParagraphBlock): BrokenText {
    let t = this.textPlans.get(b)
    if (!t) {
      t = b.text.trim() === '' ? { lines: [], starts: [] } : this.lines(b.text, this.W, b.strong === true ? this.fBodyBold : this.fBody)
      this.textPlans.set(b, t)
    }
    return t
  }

  private listLines(b: ListBlock): BrokenText[] {
    let t = this.listPlans.get(b)
    if (!t) {
      t = b.items.map((text) => (text.trim() === '' ? { lines: [], starts: [] } : this.lines(text, this.W - this.m.listIndent, this.fBody)))
      this.listPlans.set(b, t)
    }
    return t
  }

  private paragraph(b: ParagraphBlock, block: number) {
    const { text, links } = b
    if (text.trim() === '') return
    const font = b.strong === true ? this.fBodyBold : this.fBody
    const { lines, starts } = this.paragraphLines(b)
    this.gap(this.m.paragraphGap)
    this.flowLines({ role: 'paragraph', lines, starts, font, lineHeight: this.m.bodyLineHeight, indent: 0, block, base: 0 })
    this.gap(this.m.paragraphGap)
    this.qrRow(links, block, text.length)
  }

  private list(b: ListBlock, block: number) {
    const { items, ordered, links } = b
    const m = this.m
    const broken = this.listLines(b)
    let base = 0
    this.gap(m.paragraphGap)
    items.forEach((text, k) => {
      const itemBase = base
      base += text.length + 1
      if (text.trim() === '') return
      const { lines, starts } = broken[k]
      // Items of ordered lists carry their own numbering; unordered ones get a bullet.
      const marker = ordered ? undefined : LIST_BULLET
      this.gap(m.listItemGap)
      this.flowLines({
        role: 'list-item',
        lines,
        starts,
        font: this.fBody,
        lineHeight: m.bodyLineHeight,
        indent: m.listIndent,
        block,
        base: itemBase,
        marker,
      })
      this.pending = m.listItemGap
    })
    this.gap(m.paragraphGap)
    this.qrRow(links, block, Math.max(0, base - 1))
  }

  // ---- QR codes ------------------------------------------------------------------------------

  private uniqueLinks(links: Link[] | undefined): Link[] {
    if (!links || links.length === 0) return []
    const seen = new Set<string>()
    return links.filter((l) => (l.href && !seen.has(l.href) ? (seen.add(l.href), true) : false))
  }

  /** QR codes of a paragraph or list, left to right under it: square, then caption on its right. */
  private qrRow(links: Link[] | undefined, block: number, offset: number) {
    const list = this.uniqueLinks(links)
    if (list.length === 0) return
    const m = this.m
    const size = this.qrSize
    const capFont = this.fCaption
    const capMeasure = this.measurer(capFont)
    const captionW = Math.floor(
      Math.max(1, Math.min(this.W - size - m.qrGap, Math.max(Math.round(size * 1.6), Math.ceil(capMeasure.width(this.options.qrCaption))))),
    )
    const boxW = size + m.qrGap + captionW
    const perRow = Math.max(1, Math.floor((this.W + m.qrGap) / (boxW + m.qrGap)))
    const items: QrItem[] = list.map((link) => {
      const caption = [...this.lines(this.options.qrCaption, captionW, capFont).lines, ...this.lines(link.text, captionW, capFont).lines]
      const maxLines = Math.max(1, Math.floor(this.maxItemH / m.captionLineHeight))
      const shown = caption.slice(0, maxLines)
      return {
        kind: 'qr',
        x: 0,
        y: 0,
        width: boxW,
        height: Math.max(size, shown.length * m.captionLineHeight),
        anchor: this.anchor(block, offset),
        href: link.href,
        caption: shown,
        size,
        captionX: size + m.qrGap,
        captionY: 0,
        captionWidth: captionW,
        captionFont: capFont,
        captionLineHeight: m.captionLineHeight,
      }
    })
    this.gap(m.paragraphGap)
    for (let r = 0; r < items.length; r += perRow) {
      const row = items.slice(r, r + perRow)
      const h = Math.max(...row.map((q) => q.height))
      if (!this.empty && this.room() < h) this.newPage()
      row.forEach((q, k) => (q.x = k * (boxW + m.qrGap)))
      this.putBand(row, h)
      this.pending = m.qrGap
    }
    this.gap(m.blockGap)
  }

  /** QR codes beside a card: stacked squares with the caption under each. */
  private qrColumn(links: Link[], block: number, entry: number, x: number, colW: number): { items: QrItem[]; height: number } {
    const m = this.m
    const size = this.qrSize
    const items: QrItem[] = []
    let y = 0
    for (const link of links) {
      const caption = this.lines(this.options.qrCaption, colW, this.fCaption).lines
      const h = size + Math.floor(m.qrGap / 2) + caption.length * m.captionLineHeight
      items.push({
        kind: 'qr',
        x,
        y,
        width: colW,
        height: h,
        anchor: this.anchor(block, entry),
        href: link.href,
        caption,
        size,
        captionX: 0,
        captionY: size + Math.floor(m.qrGap / 2),
        captionWidth: colW,
        captionFont: this.fCaption,
        captionLineHeight: m.captionLineHeight,
      })
      y += h + m.qrGap
    }
    return { items, height: Math.max(0, y - m.qrGap) }
  }

  // ---- tables --------------------------------------------------------------------------------

  /** Column text widths: proportional to content between each column's min- and max-content width. */
  columnWidths(t: TableBlock): number[] {
    const m = this.m
    const n = t.columns.length
    const pad = m.cellPadding
    const avail = this.W - n * 2 * pad
    const body = this.measurer(this.fTable)
    const bold = this.measurer(this.fTableBold)
    const glyph = m.tableSize
    const minW: number[] = []
    const maxW: number[] = []
    for (let c = 0; c < n; c++) {
      const head = t.columns[c]
      let lo = minContentWidth(head, bold)
      const headW = maxContentWidth(head, bold)
      let bodyW = 0
      for (const row of t.rows) {
        const cell = row[c] ?? ''
        if (cell === '') continue
        lo = Math.max(lo, minContentWidth(cell, body))
        bodyW = Math.max(bodyW, maxContentWidth(cell, body))
      }
      // Preferred width: the widest cell; the header too when it is short, otherwise the header
      // may take two lines. Short columns (up to eight glyphs) are the last to be narrowed.
      // Sensible minimum: the widest unbreakable word, but no column may claim more than 60% as
      // its minimum (its long tokens then break at / . _ and the like), and at least four glyphs
      // (or the whole content if shorter).
      lo = Math.min(lo, 0.6 * avail)
      const hi = Math.max(bodyW, headW <= Math.max(bodyW * 1.2, 6 * glyph) ? headW : Math.ceil(headW / 2) + glyph, glyph, lo)
      // ... and wide enough for the header to take at most about three lines.
      lo = Math.min(Math.max(lo, Math.min(hi, 4 * glyph), Math.ceil(headW / 3) + glyph / 2), hi)
      minW.push(lo)
      maxW.push(hi)
    }
    const midW = minW.map((lo, c) => Math.max(lo, Math.min(maxW[c], 8 * glyph)))
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
    const between = (a: number[], b: number[]) => {
      const sa = sum(a)
      const sb = sum(b)
      return a.map((x, c) => (sb > sa ? x + ((b[c] - x) * (avail - sa)) / (sb - sa) : x))
    }
    let w: number[]
    if (sum(maxW) <= avail) w = maxW.map((x) => (x * avail) / sum(maxW))
    else if (sum(midW) <= avail) w = between(midW, maxW)
    else if (sum(minW) <= avail) w = between(minW, midW)
    else w = minW.map((lo) => (lo * avail) / sum(minW))
    // Whole pixels: round up (a column sized to its longest word must hold it), then take the
    // excess back from the columns with the most room above their minimum.
    const out = w.map((x) => Math.max(1, Math.ceil(x - 1e-9)))
    let excess = sum(out) - Math.floor(avail)
    while (excess > 0) {
      let best = 0
      for (let c = 1; c < n; c++) if (out[c] - minW[c] > out[best] - minW[best]) best = c
      const take = Math.max(1, Math.min(excess, Math.floor(out[best] - minW[best])))
      if (out[best] - take < 1) break
      out[best] -= take
      excess -= take
    }
    return out
  }

  private rowHeight(cells: string[][]): number {
    return Math.max(1, ...cells.map((l) => l.length)) * this.m.tableLineHeight + 2 * Math.floor(this.m.cellPadding / 2)
  }

  /** Column geometry and broken cell lines of a table (computed once per table and pagination). */
  private tablePlan(t: TableBlock): TablePlan {
    let plan = this.tablePlans.get(t)
    if (plan) return plan
    const n = t.columns.length
    const pad = this.m.cellPadding
    const tw = this.columnWidths(t)
    const xs: number[] = []
    const boxW: number[] = []
    let x = 0
    for (let c = 0; c < n; c++) {
      xs.push(x)
      boxW.push(tw[c] + 2 * pad)
      x += tw[c] + 2 * pad
    }
    boxW[n - 1] += Math.max(0, this.W - x) // the last column takes the rounding remainder
    const cellLines = (text: string, c: number, font: FontSpec) => (text === '' ? [] : this.lines(text, tw[c], font).lines)
    const header = t.columns.map((col, c) => cellLines(col, c, this.fTableBold))
    const rows = t.rows.map((row) => t.columns.map((_, c) => cellLines(row[c] ?? '', c, this.fTable)))
    const headerH = this.rowHeight(header)
    // Keep the header with the first row (or, for a row taller than a page, its first two lines).
    const first = rows.length > 0 ? this.rowHeight(rows[0]) : 0
    const firstH = headerH + first <= this.maxItemH ? first : Math.min(first, this.rowHeight([[], []]) + this.m.tableLineHeight)
    plan = { xs, boxW, header, rows, headerH, leadH: headerH + firstH }
    this.tablePlans.set(t, plan)
    return plan
  }

  private table(t: TableBlock, block: number) {
    const n = t.columns.length
    if (n === 0) return
    const m = this.m
    const pad = m.cellPadding
    const padY = Math.floor(pad / 2)
    const lh = m.tableLineHeight
    const { xs, boxW, header, rows, headerH, leadH } = this.tablePlan(t)
    const rowHeight = (cells: string[][]) => this.rowHeight(cells)
    // Repeat the header on continuation pages unless it would take over a third of the page.
    const repeatHeader = headerH <= this.maxItemH / 3
    const makeRow = (cells: string[][], isHeader: boolean, offset: number, repeated: boolean, continued: boolean): TableRowItem => ({
      kind: 'table-row',
      header: isHeader,
      repeated,
      continued,
      x: 0,
      y: 0,
      width: this.W,
      height: rowHeight(cells),
      anchor: this.anchor(block, offset),
      cells: cells.map((lines, c): TableCell => ({ x: xs[c], width: boxW[c], lines })),
      font: isHeader ? this.fTableBold : this.fTable,
      lineHeight: lh,
      padding: pad,
      paddingY: padY,
    })

    this.gap(m.blockGap)
    if (!this.empty && this.room() < leadH) this.newPage()
    this.put(makeRow(header, true, 0, false, false))
    const newPageWithHeader = (offset: number) => {
      this.newPage()
      if (repeatHeader) this.put(makeRow(header, true, offset, true, false))
    }

    rows.forEach((cells, r) => {
      const h = rowHeight(cells)
      if (h <= this.itemRoom()) {
        this.put(makeRow(cells, false, r, false, false))
        return
      }
      if (h <= this.maxItemH - (repeatHeader ? headerH : 0)) {
        newPageWithHeader(r)
        this.put(makeRow(cells, false, r, false, false))
        return
      }
      // A row taller than a page: split its cells between lines.
      const total = Math.max(...cells.map((l) => l.length))
      let from = 0
      while (from < total) {
        let k = Math.floor((this.itemRoom() - 2 * padY) / lh)
        if (k < 2 && !(k >= total - from && k >= 1)) {
          newPageWithHeader(r)
          k = Math.floor((this.itemRoom() - 2 * padY) / lh)
        }
        k = Math.max(1, Math.min(k, total - from))
        const part = cells.map((l) => l.slice(from, from + k))
        this.put(makeRow(part, false, r, false, from > 0))
        from += k
      }
    })
    this.gap(m.blockGap)
    this.qrRow(t.links, block, t.rows.length)
  }

  // ---- SDK cards -----------------------------------------------------------------------------

  /** Card geometry and broken lines of an SDK block (computed once per block and pagination). */
  private sdkPlan(b: SdkBlock): SdkPlan {
    let plan = this.sdkPlans.get(b)
    if (plan) return plan
    const m = this.m
    const entries = b.entries
    const hasLinks = entries.some((e) => this.uniqueLinks(e.links).length > 0)
    const capMeasure = this.measurer(this.fCaption)
    const colW = hasLinks
      ? Math.floor(Math.min(this.W / 3, Math.max(this.qrSize, Math.min(this.qrSize * 1.6, Math.ceil(capMeasure.width(this.options.qrCaption))))))
      : 0
    const cardW = hasLinks ? this.W - colW - m.qrGap : this.W
    const pad = m.cardPadding
    const inner = cardW - 2 * pad
    const labelMeasure = this.measurer(this.fCardLabel)
    let labelW = 0
    for (const e of entries) {
      for (const f of e.fields) if (!isNameField(f, e)) labelW = Math.max(labelW, labelMeasure.width(f.label))
    }
    labelW = Math.floor(Math.min(Math.ceil(labelW), inner * 0.3))
    const valueX = pad + labelW + m.labelGap
    const valueW = cardW - pad - valueX

    const cards: CardPlan[] = entries.map((entry, index) => ({
      entry,
      index,
      title: this.lines(entry.name, inner, this.fCardTitle).lines,
      fields: entry.fields
        .map((f, i) => ({ f, i }))
        .filter(({ f }) => !isNameField(f, entry))
        .map(({ f, i }) => ({
          index: i,
          label: f.label,
          labelLines: this.lines(f.label, Math.max(1, labelW), this.fCardLabel).lines,
          lines: f.value === '' ? [] : this.lines(f.value, valueW, this.fCard).lines,
        })),
    }))

    const first = cards[0]
    let qrH = 0
    if (first) {
      const links = this.uniqueLinks(first.entry.links).length
      const captionH = this.lines(this.options.qrCaption, colW, this.fCaption).lines.length * m.captionLineHeight
      if (links > 0) qrH = links * (this.qrSize + Math.floor(m.qrGap / 2) + captionH) + (links - 1) * m.qrGap
    }
    const leadH = first ? Math.min(Math.max(this.cardHeight(first), qrH), this.maxItemH) : 0
    plan = { cards, cardW, colW, labelW, valueX, valueW, leadH }
    this.sdkPlans.set(b, plan)
    return plan
  }

  private cardHeight(plan: CardPlan): number {
    const m = this.m
    const rows = plan.fields.reduce((h, f) => h + m.fieldGap + Math.max(1, f.labelLines.length, f.lines.length) * m.cardLineHeight, 0)
    return 2 * m.cardPadding + plan.title.length * m.cardTitleLineHeight + rows
  }

  private sdk(b: SdkBlock, block: number) {
    if (b.entries.length === 0) return
    const m = this.m
    const { cards, cardW, colW, labelW, valueX, valueW } = this.sdkPlan(b)
    this.gap(m.blockGap)
    for (const plan of cards) {
      this.card(plan, block, cardW, colW, labelW, valueX, valueW)
      this.gap(m.paragraphGap)
    }
    this.gap(m.blockGap)
  }

  private card(plan: CardPlan, block: number, cardW: number, colW: number, labelW: number, valueX: number, valueW: number) {
    const m = this.m
    const pad = m.cardPadding
    const lh = m.cardLineHeight
    const titleH = plan.title.length * m.cardTitleLineHeight
    const rowsOf = (f: CardPlan['fields'][number]) => Math.max(1, f.labelLines.length, f.lines.length)
    const fullH = this.cardHeight(plan)
    const links = this.uniqueLinks(plan.entry.links)
    let qr = links.length > 0 ? this.qrColumn(links, block, plan.index, cardW + m.qrGap, colW) : { items: [], height: 0 }
    // Too many links to stack beside the card: they go in a row under it instead.
    const qrBelow = qr.height > this.maxItemH
    if (qrBelow) qr = { items: [], height: 0 }

    // Builds the next card part, from field fi's row ri on, within height `avail`.
    let fi = 0
    let ri = 0
    const buildPart = (avail: number, first: boolean): SdkCardItem | null => {
      let h = pad + (first ? titleH : 0)
      const fields: SdkCardField[] = []
      while (fi < plan.fields.length) {
        const f = plan.fields[fi]
        const rows = rowsOf(f)
        const g = fields.length > 0 || first ? m.fieldGap : 0
        const left = rows - ri
        let fits = Math.floor((avail - h - g - pad) / lh)
        // On an empty page take at least one row, so a pathological card still makes progress.
        if (fits <= 0 && fields.length === 0 && this.empty) fits = 1
        if (fits <= 0) break
        const k = Math.min(left, fits)
        fields.push({
          index: f.index,
          label: f.label,
          labelLines: f.labelLines.slice(ri, ri + k),
          lines: f.lines.slice(ri, ri + k),
          x: valueX,
          width: valueW,
          labelX: pad,
          labelWidth: labelW,
          y: h + g,
        })
        h += g + k * lh
        if (k < left) {
          ri += k
          break
        }
        fi++
        ri = 0
      }
      if (fields.length === 0 && !(first && plan.fields.length === 0)) return null
      h += pad
      return {
        kind: 'sdk-card',
        x: 0,
        y: 0,
        width: cardW,
        height: h,
        anchor: this.anchor(block, plan.index),
        title: first ? plan.title : [],
        titleFont: this.fCardTitle,
        titleLineHeight: m.cardTitleLineHeight,
        fields,
        font: this.fCard,
        labelFont: this.fCardLabel,
        lineHeight: lh,
        padding: pad,
        continued: !first,
      }
    }

    const bandH = Math.max(fullH, qr.height)
    if (bandH <= this.maxItemH) {
      // Whole card (never split): here, or at the top of the next page.
      if (!this.empty && this.room() < bandH) this.newPage()
      const item = buildPart(Infinity, true)!
      this.putBand([item, ...qr.items], bandH)
      if (qrBelow) this.qrRow(links, block, plan.index)
      return
    }
    // Taller than a page: start here if the title and two field rows fit beside the QR codes.
    const startNeed = Math.max(pad * 2 + titleH + m.fieldGap + 2 * lh, qr.height)
    if (!this.empty && this.room() < startNeed) this.newPage()
    let first = true
    while (first || fi < plan.fields.length) {
      const part = buildPart(this.itemRoom(), first)
      if (!part) {
        this.newPage()
        continue
      }
      const items: PageItem[] = first ? [part, ...qr.items] : [part]
      this.putBand(items, first ? Math.max(part.height, qr.height) : part.height)
      first = false
      if (fi < plan.fields.length) this.newPage()
    }
    if (qrBelow) this.qrRow(links, block, plan.index)
  }

  // ---- blocks --------------------------------------------------------------------------------

  block(b: Block, index: number, next: Block | undefined) {
    switch (b.type) {
      case 'heading':
        this.heading(b.text, b.level, index, next)
        break
      case 'paragraph':
        this.paragraph(b, index)
        break
      case 'list':
        this.list(b, index)
        break
      case 'table':
        this.table(b, index)
        break
      case 'sdk':
        this.sdk(b, index)
        break
    }
  }
}

/** Lays the document out into pages for the body box and text size in `options`. Pure: same input, same output. */
export function paginate(doc: PolicyDocument, options: LayoutOptions, widths: GlyphWidthCache): Pagination {
  const layout = new Layout(options, widths)
  for (const section of doc.sections) {
    layout.startSection(section)
    layout.sectionTitleItem(section)
    section.blocks.forEach((b, i) => layout.block(b, i, section.blocks[i + 1]))
  }
  return { pages: layout.pages, sectionFirstPage: layout.sectionFirstPage, textSize: options.textSize }
}

function compareAnchors(firstPage: Record<string, number>, a: Anchor, b: Anchor): number {
  const sa = firstPage[a.sectionId] ?? -1
  const sb = firstPage[b.sectionId] ?? -1
  if (sa !== sb) return sa - sb
  if (a.block !== b.block) return a.block - b.block
  return a.offset - b.offset
}

/** The rest of a row or card begun on an earlier page: it repeats that start's anchor. */
function isContinuation(item: PageItem): boolean {
  return (item.kind === 'table-row' || item.kind === 'sdk-card') && item.continued
}

/**
 * The page showing `anchor` (for example after a text-size change): the first page holding an
 * item that starts at the anchor's position or the last item before it. For an anchor before the
 * document or of an unknown section, page 0.
 */
export function pageOfAnchor(p: Pagination, anchor: Anchor): number {
  const first = p.sectionFirstPage
  if (first[anchor.sectionId] === undefined || p.pages.length === 0) return 0
  // Pages' first anchors increase in document order: binary search the last page starting at or before the anchor.
  const startOf = (page: Page): PageItem | undefined => page.items.find((it) => !(it.kind === 'table-row' && it.repeated))
  let lo = 0
  let hi = p.pages.length - 1
  let found = 0
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const it = startOf(p.pages[mid])
    if (!it || compareAnchors(first, it.anchor, anchor) <= 0) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  // A row or card continued from the previous page: its start is there.
  while (found > 0) {
    const it = startOf(p.pages[found])
    if (it && isContinuation(it) && compareAnchors(first, it.anchor, anchor) === 0) found--
    else break
  }
  return found
}
