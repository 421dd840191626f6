// QR codes of a block's links: a row of squares with captions beside them under a paragraph, list
// or table, or a column of squares with captions under them beside an SDK card.

import type { Link } from '../policy/model'
import type { LayoutContext } from './layoutContext'
import type { PageFlow } from './pageFlow'
import type { QrCaptions, QrItem } from './types'

/** The links with an address, each address once, in order. */
export function uniqueLinks(links: Link[] | undefined): Link[] {
  if (!links || links.length === 0) return []
  const seen = new Set<string>()
  return links.filter((l) => (l.href && !seen.has(l.href) ? (seen.add(l.href), true) : false))
}

/** The e-mail address of a mailto: link, without its query (?subject=…). */
function mailAddress(href: string): string {
  const raw = href.slice('mailto:'.length).split('?')[0]
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/** The caption of one link's QR, by the link's kind: read (http, https), write an e-mail (mailto), call (tel). */
export function qrCaptionOf(href: string, captions: QrCaptions): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href)?.[1].toLowerCase()
  if (scheme === 'mailto') return captions.mail.replace(/\{address\}/g, mailAddress(href))
  if (scheme === 'tel') return captions.tel.replace(/\{number\}/g, href.slice('tel:'.length))
  return captions.web
}

/** Caption and the link as written, unless the caption already names it (an e-mail address, a number). */
function captionTexts(link: Link, captions: QrCaptions): string[] {
  const caption = qrCaptionOf(link.href, captions)
  return caption.includes(link.text) ? [caption] : [caption, link.text]
}

export class QrCodes {
  constructor(
    private readonly ctx: LayoutContext,
    private readonly flow: PageFlow,
  ) {}

  /** QR codes of a paragraph or list, left to right under it: square, then caption on its right. */
  row(links: Link[] | undefined, block: number, offset: number) {
    const list = uniqueLinks(links)
    if (list.length === 0) return
    const { ctx, flow } = this
    const m = ctx.m
    const size = ctx.qrSize
    const capFont = ctx.fonts.caption
    const capMeasure = ctx.measurer(capFont)
    // As wide as the web caption on one line: a longer one (an e-mail's, with its address) wraps under it.
    const captionW = Math.floor(
      Math.max(1, Math.min(ctx.W - size - m.qrGap, Math.max(Math.round(size * 1.6), Math.ceil(capMeasure.width(ctx.options.qrCaptions.web))))),
    )
    const boxW = size + m.qrGap + captionW
    const perRow = Math.max(1, Math.floor((ctx.W + m.qrGap) / (boxW + m.qrGap)))
    const items: QrItem[] = list.map((link) => {
      const caption = captionTexts(link, ctx.options.qrCaptions).flatMap((text) => ctx.lines(text, captionW, capFont).lines)
      const maxLines = Math.max(1, Math.floor(ctx.maxItemH / m.captionLineHeight))
      const shown = caption.slice(0, maxLines)
      return {
        kind: 'qr',
        x: 0,
        y: 0,
        width: boxW,
        height: Math.max(size, shown.length * m.captionLineHeight),
        anchor: flow.anchor(block, offset),
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
    flow.gap(m.paragraphGap)
    for (let r = 0; r < items.length; r += perRow) {
      const row = items.slice(r, r + perRow)
      const h = Math.max(...row.map((q) => q.height))
      if (!flow.empty && flow.room() < h) flow.newPage()
      row.forEach((q, k) => (q.x = k * (boxW + m.qrGap)))
      flow.putBand(row, h)
      flow.setGap(m.qrGap)
    }
    flow.gap(m.blockGap)
  }

  /** Caption lines of one link's QR code in a column `colW` wide. */
  private columnCaption(link: Link, colW: number): string[] {
    return this.ctx.lines(qrCaptionOf(link.href, this.ctx.options.qrCaptions), colW, this.ctx.fonts.caption).lines
  }

  /** Height of one QR code in a column: the square, half a gap, the caption under it. */
  private columnItemHeight(caption: string[]): number {
    const m = this.ctx.m
    return this.ctx.qrSize + Math.floor(m.qrGap / 2) + caption.length * m.captionLineHeight
  }

  /** Height of a column of the QR codes of `links`, `colW` wide (as column() lays it out). */
  columnHeight(links: Link[], colW: number): number {
    if (links.length === 0) return 0
    return links.reduce((sum, l) => sum + this.columnItemHeight(this.columnCaption(l, colW)), 0) + (links.length - 1) * this.ctx.m.qrGap
  }

  /** QR codes beside a card: stacked squares with the caption under each. */
  column(links: Link[], block: number, entry: number, x: number, colW: number): { items: QrItem[]; height: number } {
    const { ctx, flow } = this
    const m = ctx.m
    const size = ctx.qrSize
    const items: QrItem[] = []
    let y = 0
    for (const link of links) {
      const caption = this.columnCaption(link, colW)
      const h = this.columnItemHeight(caption)
      items.push({
        kind: 'qr',
        x,
        y,
        width: colW,
        height: h,
        anchor: flow.anchor(block, entry),
        href: link.href,
        caption,
        size,
        captionX: 0,
        captionY: size + Math.floor(m.qrGap / 2),
        captionWidth: colW,
        captionFont: ctx.fonts.caption,
        captionLineHeight: m.captionLineHeight,
      })
      y += h + m.qrGap
    }
    return { items, height: Math.max(0, y - m.qrGap) }
  }
}
