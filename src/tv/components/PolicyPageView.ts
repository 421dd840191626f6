import { Lightning } from '@lightningjs/sdk'
import type { Page, PageItem } from '../../core/layout/types'
import { COLORS } from '../theme/screen'
import { PageTextAtlas } from '../text/pageTextAtlas'
import QrCode from './QrCode'

interface PolicyPageViewTemplateSpec extends Lightning.Component.TemplateSpec {
  page: Page | null
  focusIndex: number
  Highlight: object
  Items: object
  Marker: object
}

/** The highlighted block's bar at its left: the focus colour, drawn over table cells and cards, ≥ 3:1 against the page. */
const MARKER_W = 8

/**
 * Draws one laid-out page: every item becomes a few text elements showing lines the core's
 * breaker already made. All of a page's text is drawn into one atlas texture (PageTextAtlas),
 * at most 2048 px a side, and each element shows its region of it.
 */
export default class PolicyPageView
  extends Lightning.Component<PolicyPageViewTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<PolicyPageViewTemplateSpec>
{
  static override _template(): Lightning.Component.Template<PolicyPageViewTemplateSpec> {
    return {
      Highlight: { rect: true, color: COLORS.highlight, alpha: 0, x: -16, w: 0, h: 0 },
      Items: {},
      Marker: { rect: true, color: COLORS.focus, alpha: 0, w: MARKER_W, h: 0 },
    }
  }

  private readonly Highlight = this.getByRef('Highlight')!
  private readonly Marker = this.getByRef('Marker')!
  private readonly Items = this.getByRef('Items')!
  private _page: Page | null = null
  private _focusIndex = -1

  set page(p: Page | null) {
    this.show(p)
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

  show(p: Page | null) {
    this._page = p
    this._render()
  }

  private _render() {
    this.Items.childList.clear()
    if (!this._page) return
    const atlas = new PageTextAtlas()
    const children = this._page.items.map((item) => itemElement(item, atlas))
    atlas.pack()
    this.Items.children = children
    this._placeHighlight()
  }

  private _placeHighlight() {
    const item = this._page?.items[this._focusIndex]
    if (!item) {
      this.Highlight.alpha = 0
      this.Marker.alpha = 0
      return
    }
    this.Highlight.patch({ alpha: 1, x: item.x - 16, y: item.y - 6, w: item.width + 32, h: item.height + 12 })
    this.Marker.patch({ alpha: 1, x: item.x - 16, y: item.y - 6, h: item.height + 12 })
  }
}

function itemElement(item: PageItem, atlas: PageTextAtlas): object {
  switch (item.kind) {
    case 'text': {
      const strong = item.role === 'section-title' || item.role === 'heading'
      return {
        x: item.x,
        y: item.y,
        Text: atlas.text(item.lines, item.font, item.lineHeight, strong ? 0xffffffff : COLORS.text),
        Marker: item.marker ? { x: -item.font.size, ...atlas.text([item.marker], item.font, item.lineHeight, COLORS.muted) } : undefined,
      }
    }
    case 'table-row': {
      const children: Record<string, object> = {
        Bg: { rect: true, w: item.width, h: item.height, color: item.header ? COLORS.headerRow : COLORS.background },
        Top: { rect: true, w: item.width, h: 1, color: COLORS.gridLine },
        Bottom: { rect: true, y: item.height - 1, w: item.width, h: 1, color: COLORS.gridLine },
        Right: { rect: true, x: item.width - 1, w: 1, h: item.height, color: COLORS.gridLine },
      }
      item.cells.forEach((cell, i) => {
        children[`L${i}`] = { rect: true, x: cell.x, w: 1, h: item.height, color: COLORS.gridLine }
        if (cell.lines.length) {
          children[`C${i}`] = {
            x: cell.x + item.padding,
            y: item.paddingY,
            ...atlas.text(cell.lines, item.font, item.lineHeight, item.header ? 0xffffffff : COLORS.text),
          }
        }
      })
      return { x: item.x, y: item.y, w: item.width, h: item.height, children }
    }
    case 'sdk-card': {
      const children: Record<string, object> = {
        Bg: { texture: Lightning.Tools.getRoundRect(item.width, item.height, 12, 0, 0, true, COLORS.card) },
      }
      if (item.title.length) {
        children.Title = { x: item.padding, y: item.padding, ...atlas.text(item.title, item.titleFont, item.titleLineHeight, 0xffffffff) }
      }
      item.fields.forEach((f, i) => {
        if (f.labelLines.length) children[`K${i}`] = { x: f.labelX, y: f.y, ...atlas.text(f.labelLines, item.labelFont, item.lineHeight, COLORS.muted) }
        if (f.lines.length) children[`V${i}`] = { x: f.x, y: f.y, ...atlas.text(f.lines, item.font, item.lineHeight, COLORS.text) }
      })
      return { x: item.x, y: item.y, w: item.width, h: item.height, children }
    }
    case 'qr':
      return {
        x: item.x,
        y: item.y,
        Code: { type: QrCode, maxSize: item.size, data: item.href },
        Caption: { x: item.captionX, y: item.captionY, ...atlas.text(item.caption, item.captionFont, item.captionLineHeight, COLORS.muted) },
      }
  }
}
