import { Lightning } from '@lightningjs/sdk'
import { COLORS, FONT_FAMILY } from '../theme/screen'

export interface MenuEntry {
  id: string
  label: string
  /** Optional right-aligned value (settings rows). */
  value?: string
}

const ROW_H = 64

/** A vertical list: Up/Down move, Enter fires `$menuSelected(id)`, Left/Right fire `$menuAdjust(id, step)`. */
export default class MenuList extends Lightning.Component {
  static override _template() {
    return {
      w: 640,
      Focus: { rect: true, h: ROW_H - 8, color: COLORS.focus, alpha: 0 },
      Rows: {},
    }
  }

  index = 0
  private _entries: MenuEntry[] = []
  private _focused = false

  set entries(entries: MenuEntry[]) {
    this._entries = entries
    this.index = Math.min(this.index, Math.max(0, entries.length - 1))
    this.tag('Rows').children = entries.map((e, i) => ({
      y: i * ROW_H,
      Label: { x: 20, y: 10, text: { text: e.label, fontFace: FONT_FAMILY, fontSize: 32, textColor: COLORS.text } },
      Value: e.value
        ? { mountX: 1, x: this.w - 20, y: 10, text: { text: e.value, fontFace: FONT_FAMILY, fontSize: 32, textColor: COLORS.muted } }
        : undefined,
    }))
    this.h = entries.length * ROW_H
    this._paint()
  }
  get entries() {
    return this._entries
  }

  get selectedId(): string | undefined {
    return this._entries[this.index]?.id
  }

  select(id: string) {
    const i = this._entries.findIndex((e) => e.id === id)
    if (i >= 0) {
      this.index = i
      this._paint()
    }
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
    if (this.index === 0) return false
    this.index--
    this._paint()
  }
  override _handleDown() {
    if (this.index >= this._entries.length - 1) return false
    this.index++
    this._paint()
  }
  override _handleEnter() {
    const id = this.selectedId
    if (id) this.fireAncestors('$menuSelected' as any, id)
  }
  override _handleLeft() {
    const id = this.selectedId
    if (id) this.fireAncestors('$menuAdjust' as any, id, -1)
  }
  override _handleRight() {
    const id = this.selectedId
    if (id) this.fireAncestors('$menuAdjust' as any, id, 1)
  }

  private _paint() {
    this.tag('Focus').patch({ alpha: this._focused ? 1 : 0.35, y: this.index * ROW_H, w: this.w })
  }
}
