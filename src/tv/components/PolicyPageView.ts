import { Lightning } from '@lightningjs/sdk'
import type { Page, PageItem } from '../../core/layout/types'
import { COLORS, FONT_FAMILY } from '../lib/screen'
import QrCode from './QrCode'

/**
 * Draws one laid-out page: every item becomes a few small text elements (one texture each,
 * far below the 2048 px GPU limit) with lines the core's breaker already made (wordWrap off).
 */
export default class PolicyPageView extends Lightning.Component {
  static override _template() {
    return {
      Highlight: { rect: true, color: COLORS.highlight, alpha: 0, x: -16, w: 0, h: 0 },
      Items: {},
    }
  }

  private _page: Page | null = null
  private _focusIndex = -1

  set page(p: Page | null) {
    this._page = p
    this._render()
  }
  get page(): Page | null {
    return this._page
  }

  /** Index of the highlighted item (Up/Down move by block); -1 for none. */
  set focusIndex(i: number) {
    this._focusIndex = i
    this._placeHighlight()
  }
  get focusIndex() {
    return this._focusIndex
  }

  private _render() {
    const items = this.tag('Items')
    items.childList.clear()
    if (!this._page) return
    items.children = this._page.items.map((item) => itemElement(item))
    this._placeHighlight()
  }

  private _placeHighlight() {
    const hl = this.tag('Highlight')
    const item = this._page?.items[this._focusIndex]
    if (!item) {
      hl.alpha = 0
      return
    }
    hl.patch({ alpha: 1, x: item.x - 16, y: item.y - 6, w: item.width + 32, h: item.height + 12 })
  }
}

function textSpec(lines: string[], font: { size: number; weight?: string }, lineHeight: number, color = COLORS.text) {
  return {
    text: lines.join('\n'),
    fontFace: FONT_FAMILY,
    fontSize: font.size,
    fontStyle: font.weight === 'bold' ? 'bold' : 'normal',
    lineHeight,
    wordWrap: false,
    textColor: color,
  }
}

function itemElement(item: PageItem): object {
  switch (item.kind) {
    case 'text': {
      const color = item.role === 'section-title' || item.role === 'heading' ? 0xffffffff : COLORS.text
      return { x: item.x, y: item.y, text: textSpec(item.lines, item.font, item.lineHeight, color) }
    }
    case 'table-row': {
      const pad = item.padding ?? 0
      const children: Record<string, object> = {
        Bg: { rect: true, w: item.width, h: item.height, color: item.header ? COLORS.headerRow : COLORS.background },
        Bottom: { rect: true, y: item.height - 1, w: item.width, h: 1, color: COLORS.gridLine },
        Top: { rect: true, w: item.width, h: 1, color: COLORS.gridLine },
      }
      item.cells.forEach((cell, i) => {
        children[`L${i}`] = { rect: true, x: cell.x, w: 1, h: item.height, color: COLORS.gridLine }
        children[`C${i}`] = {
          x: cell.x + pad,
          y: pad / 2,
          text: textSpec(cell.lines, item.font, item.lineHeight, item.header ? 0xffffffff : COLORS.text),
        }
      })
      children.R = { rect: true, x: item.width - 1, w: 1, h: item.height, color: COLORS.gridLine }
      return { x: item.x, y: item.y, w: item.width, h: item.height, children }
    }
    case 'sdk-card': {
      const pad = item.padding ?? 24
      const children: Record<string, object> = {
        Bg: { texture: Lightning.Tools.getRoundRect(item.width, item.height, 12, 0, 0, true, COLORS.card) },
        Title: { x: pad, y: pad, text: textSpec(item.title, { size: item.font.size + 4, weight: 'bold' }, item.lineHeight + 4, 0xffffffff) },
      }
      item.fields.forEach((f, i) => {
        children[`F${i}`] = { x: f.x ?? pad, y: f.y, text: textSpec(f.lines, item.font, item.lineHeight, COLORS.text) }
      })
      return { x: item.x, y: item.y, w: item.width, h: item.height, children }
    }
    case 'qr':
      return {
        x: item.x,
        y: item.y,
        Code: { type: QrCode, maxSize: item.size ?? item.height, data: item.href },
        Caption: {
          x: (item.size ?? item.height) + 24,
          y: 8,
          text: textSpec(item.caption, { size: item.captionFont?.size ?? 24 }, item.captionLineHeight ?? 34, COLORS.muted),
        },
      }
  }
}
