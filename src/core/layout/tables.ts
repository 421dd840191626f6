// Tables on the page flow: column widths from the cells' content, rows split between pages (a row
// taller than a page between its lines), and the header row repeated on every page the table
// continues on.

import type { TableBlock } from '../policy/model'
import type { FontSpec } from '../text/glyphWidths'
import { maxContentWidth, minContentWidth } from '../text/lineBreaker'
import type { LayoutContext } from './layoutContext'
import type { PageFlow } from './pageFlow'
import type { QrCodes } from './qr'
import type { TableCell, TableRowItem } from './types'

interface TablePlan {
  xs: number[]
  boxW: number[]
  header: string[][]
  rows: string[][][]
  headerH: number
  /** Header plus what of the first row must stay with it. */
  leadH: number
}

/** Column text widths: proportional to content between each column's min- and max-content width. */
function columnWidths(ctx: LayoutContext, t: TableBlock): number[] {
  const m = ctx.m
  const n = t.columns.length
  const pad = m.cellPadding
  const avail = ctx.W - n * 2 * pad
  const body = ctx.measurer(ctx.fonts.table)
  const bold = ctx.measurer(ctx.fonts.tableBold)
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

export class Tables {
  /** Column geometry and broken cell lines (computed once per table and pagination). */
  private readonly plans = new Map<TableBlock, TablePlan>()

  constructor(
    private readonly ctx: LayoutContext,
    private readonly flow: PageFlow,
    private readonly qr: QrCodes,
  ) {}

  private rowHeight(cells: string[][]): number {
    const m = this.ctx.m
    return Math.max(1, ...cells.map((l) => l.length)) * m.tableLineHeight + 2 * Math.floor(m.cellPadding / 2)
  }

  private plan(t: TableBlock): TablePlan {
    let plan = this.plans.get(t)
    if (plan) return plan
    const { ctx } = this
    const n = t.columns.length
    const pad = ctx.m.cellPadding
    const tw = columnWidths(ctx, t)
    const xs: number[] = []
    const boxW: number[] = []
    let x = 0
    for (let c = 0; c < n; c++) {
      xs.push(x)
      boxW.push(tw[c] + 2 * pad)
      x += tw[c] + 2 * pad
    }
    boxW[n - 1] += Math.max(0, ctx.W - x) // the last column takes the rounding remainder
    const cellLines = (text: string, c: number, font: FontSpec) => (text === '' ? [] : ctx.lines(text, tw[c], font).lines)
    const header = t.columns.map((col, c) => cellLines(col, c, ctx.fonts.tableBold))
    const rows = t.rows.map((row) => t.columns.map((_, c) => cellLines(row[c] ?? '', c, ctx.fonts.table)))
    const headerH = this.rowHeight(header)
    // Keep the header with the first row (or, for a row taller than a page, its first two lines).
    const first = rows.length > 0 ? this.rowHeight(rows[0]) : 0
    const firstH = headerH + first <= ctx.maxItemH ? first : Math.min(first, this.rowHeight([[], []]) + ctx.m.tableLineHeight)
    plan = { xs, boxW, header, rows, headerH, leadH: headerH + firstH }
    this.plans.set(t, plan)
    return plan
  }

  /** Height of the part of a table that must stay with a heading above it. */
  leadHeight(t: TableBlock): number {
    return t.columns.length > 0 ? this.plan(t).leadH : 0
  }

  table(t: TableBlock, block: number) {
    const n = t.columns.length
    if (n === 0) return
    const { ctx, flow } = this
    const m = ctx.m
    const pad = m.cellPadding
    const padY = Math.floor(pad / 2)
    const lh = m.tableLineHeight
    const { xs, boxW, header, rows, headerH, leadH } = this.plan(t)
    const rowHeight = (cells: string[][]) => this.rowHeight(cells)
    // Repeat the header on continuation pages unless it would take over a third of the page.
    const repeatHeader = headerH <= ctx.maxItemH / 3
    const makeRow = (cells: string[][], isHeader: boolean, offset: number, repeated: boolean, continued: boolean): TableRowItem => ({
      kind: 'table-row',
      header: isHeader,
      repeated,
      continued,
      x: 0,
      y: 0,
      width: ctx.W,
      height: rowHeight(cells),
      anchor: flow.anchor(block, offset),
      cells: cells.map((lines, c): TableCell => ({ x: xs[c], width: boxW[c], lines })),
      font: isHeader ? ctx.fonts.tableBold : ctx.fonts.table,
      lineHeight: lh,
      padding: pad,
      paddingY: padY,
    })

    flow.gap(m.blockGap)
    if (!flow.empty && flow.room() < leadH) flow.newPage()
    flow.put(makeRow(header, true, 0, false, false))
    const newPageWithHeader = (offset: number) => {
      flow.newPage()
      if (repeatHeader) flow.put(makeRow(header, true, offset, true, false))
    }

    rows.forEach((cells, r) => {
      const h = rowHeight(cells)
      if (h <= flow.itemRoom()) {
        flow.put(makeRow(cells, false, r, false, false))
        return
      }
      if (h <= ctx.maxItemH - (repeatHeader ? headerH : 0)) {
        newPageWithHeader(r)
        flow.put(makeRow(cells, false, r, false, false))
        return
      }
      // A row taller than a page: split its cells between lines.
      const total = Math.max(...cells.map((l) => l.length))
      let from = 0
      while (from < total) {
        let k = Math.floor((flow.itemRoom() - 2 * padY) / lh)
        if (k < 2 && !(k >= total - from && k >= 1)) {
          newPageWithHeader(r)
          k = Math.floor((flow.itemRoom() - 2 * padY) / lh)
        }
        k = Math.max(1, Math.min(k, total - from))
        const part = cells.map((l) => l.slice(from, from + k))
        flow.put(makeRow(part, false, r, false, from > 0))
        from += k
      }
    })
    flow.gap(m.blockGap)
    this.qr.row(t.links, block, t.rows.length)
  }
}
