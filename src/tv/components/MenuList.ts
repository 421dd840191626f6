import { Lightning } from '@lightningjs/sdk'
import FocusList from './FocusList'
import { COLORS, FONT_FAMILY } from '../theme/screen'
import { spokenEntry } from '../voice/announcements'
import { announceAgain } from '../voice/focusAnnouncer'
import type { Utterance } from '../voice/VoiceGuide'

export interface MenuEntry {
  id: string
  label: string
  /** Optional right-aligned value (settings rows). */
  value?: string
}

interface MenuListTemplateSpec extends Lightning.Component.TemplateSpec {
  entries: MenuEntry[]
  Focus: object
  Rows: object
}

const ROW_H = 64

/** A vertical list: Up/Down move, Enter fires `$menuSelected(id)`, Left/Right fire `$menuAdjust(id, step)`. */
export default class MenuList
  extends FocusList<MenuListTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<MenuListTemplateSpec>
{
  static override _template(): Lightning.Component.Template<MenuListTemplateSpec> {
    return {
      w: 640,
      Focus: { rect: true, h: ROW_H - 8, color: COLORS.focus, alpha: 0 },
      Rows: {},
    }
  }

  private readonly Focus = this.getByRef('Focus')!
  private readonly Rows = this.getByRef('Rows')!
  private _entries: MenuEntry[] = []
  private _focused = false

  /** The selected entry, its value and its place in the list ("文字大小：中，2/5"). */
  get announce(): Utterance | null {
    const e = this._entries[this.index]
    return e ? spokenEntry(e.label, e.value, this.index + 1, this._entries.length) : null
  }

  set entries(entries: MenuEntry[]) {
    const before = this._entries[this.index]
    this._entries = entries
    this._keepIndexInRange()
    this.Rows.children = entries.map((e, i) => ({
      y: i * ROW_H,
      Label: { x: 20, y: 10, text: { text: e.label, fontFace: FONT_FAMILY, fontSize: 32, textColor: COLORS.text } },
      Value: e.value
        ? { mountX: 1, x: this.w - 20, y: 10, text: { text: e.value, fontFace: FONT_FAMILY, fontSize: 32, textColor: COLORS.muted } }
        : undefined,
    }))
    this.h = entries.length * ROW_H
    this._paint()
    // A value changed under focus (OK or ← → on a setting): say the entry again.
    const after = entries[this.index]
    if (this._focused && after && (!before || before.id !== after.id || before.label !== after.label || before.value !== after.value)) this._announce()
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
    this.Focus.patch({ alpha: this._focused ? 1 : 0.35, y: this.index * ROW_H, w: this.w })
  }
}
