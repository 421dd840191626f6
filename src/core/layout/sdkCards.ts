// Third-party SDK entries on the page flow: one card each (title, then label and value columns),
// with the QR codes of its links stacked beside it. A card is never split unless it is taller
// than a page; then it splits between field rows.

import type { SdkBlock, SdkEntry, SdkField } from '../policy/model'
import type { LayoutContext } from './layoutContext'
import type { PageFlow } from './pageFlow'
import { uniqueLinks, type QrCodes } from './qr'
import type { PageItem, SdkCardField, SdkCardItem } from './types'

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

/** Columns shared by every card of a block, relative to the card. */
interface CardGeometry {
  cardW: number
  /** Width of the QR column beside the cards (0 when no entry has a link). */
  colW: number
  labelW: number
  valueX: number
  valueW: number
}

interface SdkPlan extends CardGeometry {
  cards: CardPlan[]
  /** Height of the first card (capped by the page). */
  leadH: number
}

export class SdkCards {
  /** Card geometry and broken lines (computed once per block and pagination). */
  private readonly plans = new Map<SdkBlock, SdkPlan>()

  constructor(
    private readonly ctx: LayoutContext,
    private readonly flow: PageFlow,
    private readonly qr: QrCodes,
  ) {}

  private plan(b: SdkBlock): SdkPlan {
    let plan = this.plans.get(b)
    if (plan) return plan
    const { ctx } = this
    const m = ctx.m
    const entries = b.entries
    const hasLinks = entries.some((e) => uniqueLinks(e.links).length > 0)
    const capMeasure = ctx.measurer(ctx.fonts.caption)
    const colW = hasLinks
      ? Math.floor(Math.min(ctx.W / 3, Math.max(ctx.qrSize, Math.min(ctx.qrSize * 1.6, Math.ceil(capMeasure.width(ctx.options.qrCaptions.web))))))
      : 0
    const cardW = hasLinks ? ctx.W - colW - m.qrGap : ctx.W
    const pad = m.cardPadding
    const inner = cardW - 2 * pad
    const labelMeasure = ctx.measurer(ctx.fonts.cardLabel)
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
      title: ctx.lines(entry.name, inner, ctx.fonts.cardTitle).lines,
      fields: entry.fields
        .map((f, i) => ({ f, i }))
        .filter(({ f }) => !isNameField(f, entry))
        .map(({ f, i }) => ({
          index: i,
          label: f.label,
          labelLines: ctx.lines(f.label, Math.max(1, labelW), ctx.fonts.cardLabel).lines,
          lines: f.value === '' ? [] : ctx.lines(f.value, valueW, ctx.fonts.card).lines,
        })),
    }))

    const first = cards[0]
    const qrH = first ? this.qr.columnHeight(uniqueLinks(first.entry.links), colW) : 0
    const leadH = first ? Math.min(Math.max(this.cardHeight(first), qrH), ctx.maxItemH) : 0
    plan = { cards, cardW, colW, labelW, valueX, valueW, leadH }
    this.plans.set(b, plan)
    return plan
  }

  private cardHeight(plan: CardPlan): number {
    const m = this.ctx.m
    const rows = plan.fields.reduce((h, f) => h + m.fieldGap + Math.max(1, f.labelLines.length, f.lines.length) * m.cardLineHeight, 0)
    return 2 * m.cardPadding + plan.title.length * m.cardTitleLineHeight + rows
  }

  /** Height of the part of an SDK block that must stay with a heading above it. */
  leadHeight(b: SdkBlock): number {
    return b.entries.length > 0 ? this.plan(b).leadH : 0
  }

  sdk(b: SdkBlock, block: number) {
    if (b.entries.length === 0) return
    const m = this.ctx.m
    const plan = this.plan(b)
    this.flow.gap(m.blockGap)
    for (const card of plan.cards) {
      this.card(card, block, plan)
      this.flow.gap(m.paragraphGap)
    }
    this.flow.gap(m.blockGap)
  }

  private card(plan: CardPlan, block: number, { cardW, colW, labelW, valueX, valueW }: CardGeometry) {
    const { ctx, flow } = this
    const m = ctx.m
    const pad = m.cardPadding
    const lh = m.cardLineHeight
    const titleH = plan.title.length * m.cardTitleLineHeight
    const rowsOf = (f: CardPlan['fields'][number]) => Math.max(1, f.labelLines.length, f.lines.length)
    const fullH = this.cardHeight(plan)
    const links = uniqueLinks(plan.entry.links)
    let qr = links.length > 0 ? this.qr.column(links, block, plan.index, cardW + m.qrGap, colW) : { items: [], height: 0 }
    // Too many links to stack beside the card: they go in a row under it instead.
    const qrBelow = qr.height > ctx.maxItemH
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
        if (fits <= 0 && fields.length === 0 && flow.empty) fits = 1
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
        anchor: flow.anchor(block, plan.index),
        title: first ? plan.title : [],
        titleFont: ctx.fonts.cardTitle,
        titleLineHeight: m.cardTitleLineHeight,
        fields,
        font: ctx.fonts.card,
        labelFont: ctx.fonts.cardLabel,
        lineHeight: lh,
        padding: pad,
        continued: !first,
      }
    }

    const bandH = Math.max(fullH, qr.height)
    if (bandH <= ctx.maxItemH) {
      // Whole card (never split): here, or at the top of the next page.
      if (!flow.empty && flow.room() < bandH) flow.newPage()
      const item = buildPart(Infinity, true)!
      flow.putBand([item, ...qr.items], bandH)
      if (qrBelow) this.qr.row(links, block, plan.index)
      return
    }
    // Taller than a page: start here if the title and two field rows fit beside the QR codes.
    const startNeed = Math.max(pad * 2 + titleH + m.fieldGap + 2 * lh, qr.height)
    if (!flow.empty && flow.room() < startNeed) flow.newPage()
    let first = true
    while (first || fi < plan.fields.length) {
      const part = buildPart(flow.itemRoom(), first)
      if (!part) {
        flow.newPage()
        continue
      }
      const items: PageItem[] = first ? [part, ...qr.items] : [part]
      flow.putBand(items, first ? Math.max(part.height, qr.height) : part.height)
      first = false
      if (fi < plan.fields.length) flow.newPage()
    }
    if (qrBelow) this.qr.row(links, block, plan.index)
  }
}
