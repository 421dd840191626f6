import type { Scope } from '../../../../core/protocol'
import FocusList from '../../../components/FocusList'
import ChoiceRow, { ROW_H } from './ChoiceRow'

const ROW_PITCH = ROW_H + 12

/**
 * The consent overlay's scopes, one ChoiceRow each, top to bottom: Up/Down move between them,
 * keeping the focus on the same button (允许 or 拒绝), and pass the key up past the first row and
 * the last (the overlay goes on to its buttons).
 */
export default class ChoiceList extends FocusList {
  /** One row per scope, focus on the first row's 拒绝. */
  set scopes(scopes: Scope[]) {
    this.children = scopes.map((scope, i) => ({ type: ChoiceRow, y: i * ROW_PITCH, scope, position: { n: i + 1, total: scopes.length } }))
    this.index = 0
  }

  get rows(): ChoiceRow[] {
    return this.children as ChoiceRow[]
  }

  /** Height of the rows drawn. */
  get rowsHeight(): number {
    return this.rows.length ? (this.rows.length - 1) * ROW_PITCH + ROW_H : 0
  }

  protected itemIds() {
    return this.rows.map((row) => row.scope)
  }

  override _handleUp() {
    return this._move(() => this.selectPrevious())
  }
  override _handleDown() {
    return this._move(() => this.selectNext())
  }

  private _move(step: () => boolean): boolean {
    const column = this.rows[this.index]?.focusedButton
    if (!step()) return false
    if (column) this.rows[this.index].focusedButton = column
    return true
  }

  override _getFocused() {
    return this.rows[this.index]
  }
}
