import { Router, Utils } from '@lightningjs/sdk'
import routes from './routes'
import ExitDialog from './widgets/ExitDialog'
import { FONT_FAMILY } from './lib/screen'
import { hook } from './lib/testHook'
import { exposeForTests } from './lib/exposeForTests'

export default class App extends Router.App {
  static getFonts() {
    // WOFF first, TTF as the fallback older TV engines understand; the subset ships with the app.
    return ['Regular', 'Bold'].map((face) => ({
      family: FONT_FAMILY,
      urls: [Utils.asset(`fonts/MiiteeSans-${face}.woff`), Utils.asset(`fonts/MiiteeSans-${face}.ttf`)],
      descriptors: { weight: face === 'Bold' ? '700' : '400' },
    }))
  }

  static override _template() {
    return {
      ...super._template(),
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
