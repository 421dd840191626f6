import { Lightning } from '@lightningjs/sdk'
import { appContext } from '../services/AppContext'

/** The children every page gets from pageTemplate(); a page's TemplateSpec adds its own. */
export interface PageTemplateSpec extends Lightning.Component.TemplateSpec {
  Title: object
  Hint: object
}

/**
 * A page that redraws its strings and layout from the app context: on showing, and on every
 * preference change while shown (language, text size). Hidden pages do not listen.
 */
export default abstract class ContextPage<
  TemplateSpec extends Lightning.Component.TemplateSpecLoose = Lightning.Component.TemplateSpecLoose,
> extends Lightning.Component<TemplateSpec> {
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
