import { Router, Settings, Utils } from '@lightningjs/sdk'
import routes from './routes'
import ExitDialog from './widgets/ExitDialog'
import { appFonts } from './text/appFonts'
import { hook } from './qa/testHook'
import { exposeForTests } from './qa/exposeForTests'
import { appContext } from './services/AppContext'
import { platformBridge } from './platform/PlatformBridge'
import { focusPathChanged, resetFocusPath, type Announcing } from './voice/focusAnnouncer'
import { requestedVoiceGuidance, startVoiceGuidance } from './voice/startVoiceGuidance'
import { voiceGuide } from './voice/VoiceGuide'

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
    const requested = requestedVoiceGuidance(location.search, Settings.get('app', 'voiceGuidance', undefined))
    void startVoiceGuidance(appContext(), platformBridge(), requested).then((on) => {
      // Guidance that comes on once the first screen is up says that screen.
      if (on) {
        resetFocusPath()
        this._announceFocus()
      }
    })
  }

  override _focus() {
    this._announceFocus()
  }

  override _focusChange() {
    this._announceFocus()
  }

  private _focusAnnouncePending = false

  // Once the focus update is over: on the first focus, the path below the app is still being built.
  private _announceFocus() {
    if (this._focusAnnouncePending) return
    this._focusAnnouncePending = true
    void Promise.resolve().then(() => {
      this._focusAnnouncePending = false
      focusPathChanged(this.application.focusPath as unknown as Announcing[])
    })
  }

  _handlePlayPause() {
    voiceGuide().togglePause()
  }

  _handleInfo() {
    voiceGuide().repeat()
  }

  // Back at the root: ask before exit.
  override _handleAppClose() {
    Router.focusWidget('ExitDialog')
  }
}
