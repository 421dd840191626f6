import { Lightning } from '@lightningjs/sdk'
import FocusList from './FocusList'
import { COLORS, FONT_FAMILY, MENU_COLORS } from '../theme/screen'
import { breakLines } from '../../core/text/lineBreaker'
import { appGlyphWidths } from '../text/canvasGlyphWidths'
import { spokenEntry } from '../voice/announcements'
import { announceAgain } from '../voice/focusAnnouncer'
import type { Utterance } from '../voice/VoiceGuide'

export interface MenuEntry {
  id: string
  label: string
  /** Optional right-aligned value (settings rows). */
  value?: string
  /** Set when the entry cannot be used now: its label is dimmed (its value says why in short) and this is said after it. */
  unavailable?: string
  /** The value marks the entry for the viewer to find (已更新): drawn in the mark colour, in the label's on the focus bar. */
  marked?: boolean
}

/** Room between a wrapped label and the value on its first line. */
const VALUE_GAP = 24

interface MenuListTemplateSpec extends Lightning.Component.TemplateSpec {
  entries: MenuEntry[]
  wrapWidth: number
  viewportHeight: number
  Body: { Focus: object; Rows: object }
}

const ROW_H = 64
const FONT_SIZE = 32
const LINE_H = 44
const LABEL_X = 20

/**
 * A vertical list: Up/Down move, Enter fires `$menuSelected(id)`, Left/Right fire `$menuAdjust(id, step)`.
 * With `wrapWidth` a long label wraps (the core breaker: Lightning wraps Chinese nowhere); with
 * `viewportHeight` the list is clipped to that height and scrolls to keep the focused row in it.
 */
export default class MenuList
  extends FocusList<MenuListTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<MenuListTemplateSpec>
{
  static override _template(): Lightning.Component.Template<MenuListTemplateSpec> {
    return {
      w: 640,
      Body: {
        Focus: { rect: true, h: ROW_H - 8, color: COLORS.focus, alpha: 0 },
        Rows: {},
      },
    }
  }

  /** Widest a label may be before it wraps; 0: one line whatever its length. */
  wrapWidth = 0
  /** Height of the visible part; 0: the whole list is shown. */
  viewportHeight = 0

  private readonly Body = this.getByRef('Body')!
  private readonly Focus = this.Body.getByRef('Focus')!
  private readonly Rows = this.Body.getByRef('Rows')!
  private _entries: MenuEntry[] = []
  /** Top and height of each row, from its label's line count. */
  private _rows: { y: number; h: number }[] = []
  private _focused = false

  /** The selected entry, its value and its place in the list ("文字大小：中，2/5"). */
  get announce(): Utterance | null {
    const e = this._entries[this.index]
    return e ? spokenEntry(e.label, e.unavailable ?? e.value, this.index + 1, this._entries.length) : null
  }

  set entries(entries: MenuEntry[]) {
    const before = this._entries[this.index]
    this._entries = entries
    this._keepIndexInRange()
    const widths = this.wrapWidth > 0 ? appGlyphWidths() : null
    let y = 0
    this._rows = []
    this.Rows.children = entries.map((e) => {
      // A label wraps short of its value, so the two never overlap.
      const valueW = widths && e.value ? Math.ceil(widths.width(e.value, { size: FONT_SIZE })) + VALUE_GAP : 0
      const lines = widths ? breakLines(e.label, this.wrapWidth - valueW, (s) => widths.width(s, { size: FONT_SIZE })) : [e.label]
      const h = ROW_H + (lines.length - 1) * LINE_H
      this._rows.push({ y, h })
      const row = {
        y,
        Label: { x: LABEL_X, y: 10, text: { text: lines.join('\n'), fontFace: FONT_FAMILY, fontSize: FONT_SIZE, lineHeight: LINE_H, wordWrap: false, textColor: 0xffffffff } },
        Value: e.value
          ? { mountX: 1, x: this.w - LABEL_X, y: 10, text: { text: e.value, fontFace: FONT_FAMILY, fontSize: FONT_SIZE, textColor: 0xffffffff } }
          : undefined,
      }
      y += h
      return row
    })
    this.h = this.viewportHeight > 0 ? Math.min(y, this.viewportHeight) : y
    this.clipping = this.viewportHeight > 0 && y > this.viewportHeight
    this._paint()
    // A value changed under focus (OK or ← → on a setting): say the entry again.
    const after = entries[this.index]
    if (this._focused && after && (!before || before.id !== after.id || before.label !== after.label || before.value !== after.value || before.unavailable !== after.unavailable)) this._announce()
  }
  get entries() {
    return this._entries
  }

  protected itemIds() {
    return this._entries.map((e) => e.id)
  }

  protected override _indexChanged() {
    this._paint()
    if (this._focused) this._announce()
  }

  private _announce() {
    announceAgain(this)
  }

  override _focus() {
    this._focused = true
    this._paint()
  }
  override _unfocus() {
    this._focused = false
    this._paint()
  }

  override _handleUp() {
    return this.selectPrevious()
  }
  override _handleDown() {
    return this.selectNext()
  }
  override _handleEnter() {
    const id = this.selectedId
    if (id) this.fireAncestors('$menuSelected', id)
  }
  override _handleLeft() {
    const id = this.selectedId
    if (id) this.fireAncestors('$menuAdjust', id, -1)
  }
  override _handleRight() {
    const id = this.selectedId
    if (id) this.fireAncestors('$menuAdjust', id, 1)
  }

  private _paint() {
    const row = this._rows[this.index]
    // No entries: no focus bar (an empty bar would promise something to select).
    if (!row) {
      this.Focus.patch({ alpha: 0 })
      return
    }
    this.Focus.patch({ alpha: this._focused ? 1 : MENU_COLORS.restingBarAlpha, y: row.y, h: row.h - 8, w: this.w })
    // Labels and values are drawn white and tinted (theme MENU_COLORS, whose pairs the contrast test
    // checks): white on the focus bar, an unavailable entry dimmed, values muted elsewhere.
    this._entries.forEach((e, i) => {
      const r = this.Rows.children[i]
      const onBar = i === this.index && this._focused
      const label = r?.childList.getByRef('Label')
      const value = r?.childList.getByRef('Value')
      const valueTint = e.unavailable ? MENU_COLORS.unavailable : e.marked ? MENU_COLORS.marked : MENU_COLORS.value
      if (label) label.color = onBar ? MENU_COLORS.onFocus : e.unavailable ? MENU_COLORS.unavailable : MENU_COLORS.label
      if (value) value.color = onBar ? MENU_COLORS.onFocus : valueTint
    })
    this.Body.y = -this._scrollFor(row)
  }

  /** Scroll offset that shows the focused row whole, with the next (or previous) one peeking in. */
  private _scrollFor(row: { y: number; h: number }): number {
    const view = this.viewportHeight
    if (view <= 0) return 0
    const total = this._rows.length ? this._rows[this._rows.length - 1].y + this._rows[this._rows.length - 1].h : 0
    const current = -this.Body.y
    const peek = ROW_H / 2
    let top = current
    if (row.y - peek < top) top = row.y - peek
    if (row.y + row.h + peek > top + view) top = row.y + row.h + peek - view
    return Math.max(0, Math.min(top, total - view))
  }
}
