import { Lightning } from '@lightningjs/sdk'

/**
 * A row or column of focusable items, each with an id: holds the selected index and moves it one
 * item at a time. A move past either end returns false, so a key handler that returns it passes
 * the key up to the parent (as Lightning-UI-Components' FocusManager does). Subclasses bind the
 * keys of their direction and draw the selection.
 */
export default abstract class FocusList<
  TemplateSpec extends Lightning.Component.TemplateSpecLoose = Lightning.Component.TemplateSpecLoose,
> extends Lightning.Component<TemplateSpec> {
  index = 0

  /** The items' ids, in focus order. */
  protected abstract itemIds(): readonly string[]

  /** Called after the index changes; a list that draws its own highlight repaints here. */
  protected _indexChanged(): void {}

  get selectedId(): string | undefined {
    return this.itemIds()[this.index]
  }

  /** Selects the item with this id; false (and no change) if there is none. */
  select(id: string): boolean {
    const i = this.itemIds().indexOf(id)
    if (i < 0) return false
    this._moveTo(i)
    return true
  }

  selectNext(): boolean {
    if (this.index >= this.itemIds().length - 1) return false
    this._moveTo(this.index + 1)
    return true
  }

  selectPrevious(): boolean {
    if (this.index <= 0) return false
    this._moveTo(this.index - 1)
    return true
  }

  /** Keeps the index on an item after the items change (0 when there are none). */
  protected _keepIndexInRange() {
    this.index = Math.min(this.index, Math.max(0, this.itemIds().length - 1))
  }

  private _moveTo(i: number) {
    this.index = i
    this._indexChanged()
  }
}
