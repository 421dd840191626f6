import { Lightning, Router } from '@lightningjs/sdk'
import { breakLines } from '../../core/text/lineBreaker'
import { closeApp } from '../platform/closeApp'
import { appContext } from '../services/AppContext'
import { COLORS, FONT_FAMILY } from '../theme/screen'
import { hook } from '../qa/testHook'
import { appGlyphWidths } from '../text/canvasGlyphWidths'
import { uiKey } from '../voice/announcements'

interface ExitDialogTemplateSpec extends Lightning.Component.TemplateSpec {
  Dim: object
  Panel: { Title: object; Body: object }
}

const PANEL = { w: 900, pad: 64 }
const TITLE = { size: 44, lineHeight: 60 }
const BODY = { size: 32, lineHeight: 48 }

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
        x: (1920 - PANEL.w) / 2,
        Title: { x: PANEL.pad, y: PANEL.pad, text: { text: '', fontFace: FONT_FAMILY, fontSize: TITLE.size, lineHeight: TITLE.lineHeight, textColor: 0xffffffff, wordWrap: false } },
        Body: { x: PANEL.pad, text: { text: '', fontFace: FONT_FAMILY, fontSize: BODY.size, lineHeight: BODY.lineHeight, textColor: COLORS.text, wordWrap: false } },
      },
    }
  }

  /** The whole question, read when it opens. */
  get announce() {
    return [uiKey('exitConfirmTitle'), uiKey('exitConfirmBody')]
  }

  override _focus() {
    // Broken by the core's breaker, as the reader's text is, and the panel sized to what it holds.
    const ctx = appContext()
    const widths = appGlyphWidths()
    const wrap = (text: string, size: number) => breakLines(text, PANEL.w - 2 * PANEL.pad, (s) => widths.width(s, { size }))
    const title = wrap(ctx.t('exitConfirmTitle'), TITLE.size)
    const body = wrap(ctx.t('exitConfirmBody'), BODY.size)
    const bodyY = PANEL.pad + title.length * TITLE.lineHeight + 24
    const h = bodyY + body.length * BODY.lineHeight + PANEL.pad - (BODY.lineHeight - BODY.size) / 2
    this.tag('Panel.Title')!.text = title.join('\n')
    this.tag('Panel.Body')!.patch({ y: bodyY, text: { text: body.join('\n') } })
    this.tag('Panel')!.patch({ y: Math.round((1080 - h) / 2), texture: Lightning.Tools.getRoundRect(PANEL.w, h, 16, 0, 0, true, COLORS.panel) })
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
