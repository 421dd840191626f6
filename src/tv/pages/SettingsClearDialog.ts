import { Lightning } from '@lightningjs/sdk'
import ButtonRow from '../components/ButtonRow'
import { breakLines } from '../../core/text/lineBreaker'
import { appContext } from '../services/AppContext'
import { hook } from '../qa/testHook'
import { appGlyphWidths } from '../text/canvasGlyphWidths'
import { COLORS, FONT_FAMILY } from '../theme/screen'
import { uiKey } from '../voice/announcements'

interface SettingsClearDialogTemplateSpec extends Lightning.Component.TemplateSpec {
  Dim: object
  Panel: { Title: object; Body: object; Buttons: typeof ButtonRow; Hint: object }
}

const PANEL = { x: 310, w: 1300 }
const PAD = 64
const BODY = { size: 32, lineHeight: 48 }

/**
 * 清除本地数据 asks first: what goes, and what stays on the pairing service (every consent and
 * withdrawal, still withdrawable in 隐私设置). Focus starts on 取消, so a stray OK clears nothing.
 * Fires `$buttonPressed('clear' | 'cancel')`; Back is 取消.
 */
export default class SettingsClearDialog
  extends Lightning.Component<SettingsClearDialogTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<SettingsClearDialogTemplateSpec>
{
  static override _template(): Lightning.Component.Template<SettingsClearDialogTemplateSpec> {
    return {
      visible: false,
      Dim: { rect: true, w: 1920, h: 1080, color: 0xe6000000 },
      Panel: {
        x: PANEL.x,
        rect: true,
        w: PANEL.w,
        color: COLORS.panel,
        Title: { x: PAD, y: 52, text: { text: '', fontFace: FONT_FAMILY, fontSize: 44, textColor: 0xffffffff, wordWrap: false } },
        Body: { x: PAD, y: 130, text: { text: '', fontFace: FONT_FAMILY, fontSize: BODY.size, lineHeight: BODY.lineHeight, textColor: COLORS.text, wordWrap: false } },
        Buttons: { type: ButtonRow, x: PAD },
        Hint: { x: PAD, text: { text: '', fontFace: FONT_FAMILY, fontSize: 26, textColor: COLORS.muted, wordWrap: false } },
      },
    }
  }

  private readonly buttons = this.tag('Panel.Buttons')!

  /** The question, all of it, as it opens (focus then says 取消, button). */
  get announce() {
    return [uiKey('clearConfirmTitle'), uiKey('clearConfirmBody')]
  }

  get announceContext() {
    return uiKey('clearConfirmHint')
  }

  open() {
    const ctx = appContext()
    const widths = appGlyphWidths()
    const lines = breakLines(ctx.t('clearConfirmBody'), PANEL.w - 2 * PAD, (s) => widths.width(s, { size: BODY.size }))
    this.tag('Panel.Title')!.text = ctx.t('clearConfirmTitle')
    this.tag('Panel.Body')!.text = lines.join('\n')
    const buttonsY = 130 + lines.length * BODY.lineHeight + 40
    this.buttons.y = buttonsY
    this.buttons.buttons = [
      { id: 'clear', label: ctx.t('clearConfirmOk') },
      { id: 'cancel', label: ctx.t('clearConfirmCancel') },
    ]
    this.buttons.select('cancel')
    this.tag('Panel.Hint')!.patch({ y: buttonsY + 84 + 28, text: { text: ctx.t('clearConfirmHint') } })
    const h = buttonsY + 84 + 28 + 26 + 52
    this.tag('Panel')!.patch({ h, y: Math.round((1080 - h) / 2) })
    this.visible = true
    hook().state = { ...hook().state, clearDialog: true }
  }

  close() {
    this.visible = false
    hook().state = { ...hook().state, clearDialog: false }
  }

  override _handleBack() {
    this.fireAncestors('$buttonPressed', 'cancel')
  }

  override _getFocused() {
    return this.buttons
  }
}
