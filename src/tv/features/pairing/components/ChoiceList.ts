import type { Scope } from '../../../../core/protocol'
import FocusList from '../../../components/FocusList'
import ChoiceRow from './ChoiceRow'

const ROW_PITCH = 165

/**
 * The consent overlay's scopes, one ChoiceRow each, top to bottom: Up/Down move between them and
 * pass the key up past the first row and the last (the overlay goes on to its buttons).
 */
export default class ChoiceList extends FocusList {
  /** One row per scope, focus on the first. */
  set scopes(scopes: Scope[]) {
    this.children = scopes.map((scope, i) => ({ type: ChoiceRow, y: i * ROW_PITCH, scope }))
    this.index = 0
  }

  get rows(): ChoiceRow[] {
    return this.children as ChoiceRow[]
  }

  protected itemIds() {
    return this.rows.map((row) => row.scope)
  }

  override _handleUp() {
    return this.selectPrevious()
  }
  override _handleDown() {
    return this.selectNext()
  }

  override _getFocused() {
    return this.rows[this.index]
  }
}
