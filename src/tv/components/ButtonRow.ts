import { Lightning } from '@lightningjs/sdk'
import Button from './Button'
import FocusList from './FocusList'

export interface ButtonSpec {
  id: string
  label: string
}

/** A horizontal row of buttons; Left/Right move focus, Enter fires `$buttonPressed(id)` upwards. */
export default class ButtonRow extends FocusList {
  private _specs: ButtonSpec[] = []

  set buttons(specs: ButtonSpec[]) {
    this._specs = specs
    this.children = specs.map((s, i) => ({ type: Button, x: i * 320, label: s.label, ref: `B_${s.id}`, position: [i + 1, specs.length] }))
    this._keepIndexInRange()
  }

  protected itemIds() {
    return this._specs.map((s) => s.id)
  }

  relabel(labels: Record<string, string>) {
    this._eachLabelled(labels, (button, label) => (button.label = label))
  }

  /** Labels from text atlas regions (PageTextAtlas.text() settings), by button id. */
  relabelTextures(labels: Record<string, { texture: Record<string, unknown> }>) {
    this._eachLabelled(labels, (button, spec) => (button.labelTexture = spec))
  }

  private _eachLabelled<T>(labels: Record<string, T>, apply: (button: Button, label: T) => void) {
    this._specs.forEach((s, i) => {
      if (labels[s.id] !== undefined) apply(this.children[i] as Button, labels[s.id])
    })
  }

  override _handleLeft() {
    if (!this.selectPrevious()) return false
    this.fireAncestors('$buttonFocused', this.selectedId)
  }

  override _handleRight() {
    if (!this.selectNext()) return false
    this.fireAncestors('$buttonFocused', this.selectedId)
  }

  override _handleEnter() {
    const id = this.selectedId
    if (id) this.fireAncestors('$buttonPressed', id)
  }

  override _getFocused() {
    return this.children[this.index] as Lightning.Component
  }
}
