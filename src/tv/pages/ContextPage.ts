import { Lightning } from '@lightningjs/sdk'
import { appContext } from '../services/AppContext'

/**
 * A page that redraws its strings and layout from the app context: on showing, and on every
 * preference change while shown (language, text size). Hidden pages do not listen.
 */
export default abstract class ContextPage extends Lightning.Component {
  private _unsubscribe: (() => void) | null = null

  abstract refresh(): void

  override _active() {
    this._unsubscribe?.()
    this._unsubscribe = appContext().onChange(() => this.refresh())
    this.refresh()
  }

  override _inactive() {
    this._unsubscribe?.()
    this._unsubscribe = null
  }
}
