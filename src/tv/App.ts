import { Router, Utils } from '@lightningjs/sdk'
import routes from './routes'
import ExitDialog from './widgets/ExitDialog'
import { appFonts } from './lib/appFonts'
import { hook } from './lib/testHook'
import { exposeForTests } from './lib/exposeForTests'
import { useSyncHashNavigation } from './lib/syncHashNavigation'

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
    useSyncHashNavigation()
    Router.startRouter(routes, this)
  }

  // Back at the root: ask before exit.
  override _handleAppClose() {
    Router.focusWidget('ExitDialog')
  }
}
