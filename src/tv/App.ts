import { Router, Utils } from '@lightningjs/sdk'
import routes from './routes'
import ExitDialog from './widgets/ExitDialog'
import { appFonts } from './text/appFonts'
import { hook } from './qa/testHook'
import { exposeForTests } from './qa/exposeForTests'

export default class App extends Router.App {
  static getFonts() {
    return appFonts(Utils.asset)
  }

  static override _template() {
    const base = super._template()
    return {
      ...base,
      Widgets: { ExitDialog: { type: ExitDialog } },
    }
  }

  override _setup() {
    const h = hook()
    h.app = this.application
    exposeForTests(h)
    Router.startRouter(routes, this)
  }

  // Back at the root: ask before exit.
  override _handleAppClose() {
    Router.focusWidget('ExitDialog')
  }
}
