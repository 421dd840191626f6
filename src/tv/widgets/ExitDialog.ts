import { Lightning, Router } from '@lightningjs/sdk'
import { closeApp } from '../platform/closeApp'
import { appContext } from '../services/AppContext'
import { COLORS, FONT_FAMILY } from '../theme/screen'
import { hook } from '../qa/testHook'
import { uiKey } from '../voice/announcements'

interface ExitDialogTemplateSpec extends Lightning.Component.TemplateSpec {
  Dim: object
  Panel: { Title: object; Body: object }
}

/** Back at the root asks before leaving: OK exits, Back returns to the page. */
export default class ExitDialog
  extends Lightning.Component<ExitDialogTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<ExitDialogTemplateSpec>
{
  static override _template(): Lightning.Component.Template<ExitDialogTemplateSpec> {
    return {
      alpha: 0,
      Dim: { rect: true, w: 1920, h: 1080, color: 0xcc000000 },
      Panel: {
        x: 560,
        y: 340,
        texture: Lightning.Tools.getRoundRect(800, 400, 16, 0, 0, true, COLORS.panel),
        Title: { x: 60, y: 60, text: { text: '', fontFace: FONT_FAMILY, fontSize: 44, textColor: 0xffffffff } },
        Body: { x: 60, y: 150, text: { text: '', fontFace: FONT_FAMILY, fontSize: 32, textColor: COLORS.text, wordWrapWidth: 680 } },
      },
    }
  }

  /** The whole question, read when it opens. */
  get announce() {
    return [uiKey('exitConfirmTitle'), uiKey('exitConfirmBody')]
  }

  override _focus() {
    const ctx = appContext()
    this.tag('Panel.Title')!.text = ctx.t('exitConfirmTitle')
    this.tag('Panel.Body')!.text = ctx.t('exitConfirmBody')
    this.alpha = 1
    hook().state = { ...hook().state, exitDialog: true }
  }

  override _unfocus() {
    this.alpha = 0
    hook().state = { ...hook().state, exitDialog: false }
  }

  override _handleEnter() {
    hook().state = { ...hook().state, exited: true }
    closeApp()
  }

  override _handleBack() {
    Router.focusPage()
  }

  // Swallow everything else while the question is open.
  override _handleKey() {
    return true
  }
}
