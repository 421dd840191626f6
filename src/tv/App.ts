import { Router, Utils } from '@lightningjs/sdk'
import routes from './routes'
import ExitDialog from './widgets/ExitDialog'
import { appFonts } from './lib/appFonts'
import { hook } from './lib/testHook'
import { COLORS } from './lib/screen'
import { exposeForTests } from './lib/exposeForTests'
import { useSyncHashNavigation } from './lib/syncHashNavigation'

export default class App extends Router.App {
  static getFonts() {
    return appFonts(Utils.asset)
  }

  static override _template() {
    const base = super._template()
    return {
      // One pixel in the background colour, drawn from the stage's first frame: that frame, made
      // while the policy and fonts load, compiles the shader every element draws with, instead of
      // the frame that first shows the policy (whose compile wait measured 5–50 ms here).
      ShaderWarmUp: { rect: true, w: 1, h: 1, color: COLORS.background },
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
