import { Lightning } from '@lightningjs/sdk'
import type { Decisions, Scope } from '../../../../core/protocol'
import ButtonRow from '../../../components/ButtonRow'
import { appContext } from '../../../services/AppContext'
import { COLORS, FONT_FAMILY } from '../../../theme/screen'
import { ui } from '../../../voice/announcements'
import type { Utterance } from '../../../voice/VoiceGuide'
import { wrapText } from '../text/wrapText'
import { scopeName } from './scopeLabels'

interface ConsentConfirmTemplateSpec extends Lightning.Component.TemplateSpec {
  Lines: object
  Summary: object
  Buttons: typeof ButtonRow
}

const WIDTH = 1500
const LINE_PITCH = 72

/**
 * The overlay's second step: what will be sent, scope by scope (an unchosen scope as 拒绝), and
 * what it grants. 发送 (focused first) sends; 返回修改 or Back returns to the choices: its buttons
 * fire `$buttonPressed('send' | 'change')` up to the overlay, as Back does with 'change'.
 */
export default class ConsentConfirm
  extends Lightning.Component<ConsentConfirmTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<ConsentConfirmTemplateSpec>
{
  static override _template(): Lightning.Component.Template<ConsentConfirmTemplateSpec> {
    return {
      Lines: {},
      Summary: { text: { text: '', fontFace: FONT_FAMILY, fontSize: 32, lineHeight: 44, textColor: COLORS.text, wordWrap: false } },
      Buttons: { type: ButtonRow },
    }
  }

  private readonly buttons = this.getByRef('Buttons')!
  private _speech: Utterance[] = []
  /** Height of the lines and the summary, so the overlay can place what follows. */
  contentHeight = 0

  /** What the step says as it opens: every answer, then what is granted. */
  get announce() {
    return this._speech
  }

  show(scopes: Scope[], decisions: Decisions) {
    const ctx = appContext()
    const answerOf = (s: Scope) => ctx.t(decisions[s] === 'granted' ? 'consentAllow' : 'consentDeny')
    const lines = scopes.map((s) => ctx.t('consentConfirmLine', { scope: scopeName(s), answer: `${decisions[s] === 'granted' ? '✓ ' : ''}${answerOf(s)}` }))
    this.tag('Lines')!.children = lines.map((text, i) => ({
      y: i * LINE_PITCH,
      Mark: { rect: true, y: 6, w: 8, h: 44, color: decisions[scopes[i]] === 'granted' ? 0xff4c9bff : COLORS.gridLine },
      Text: { x: 32, text: { text, fontFace: FONT_FAMILY, fontSize: 40, textColor: decisions[scopes[i]] === 'granted' ? 0xffffffff : COLORS.text, wordWrap: false } },
    }))
    const granted = scopes.filter((s) => decisions[s] === 'granted')
    const summary = granted.length ? ctx.t('consentConfirmGrants', { scopes: granted.map(scopeName).join(ctx.prefs.language === 'zh-CN' ? '、' : ', ') }) : ctx.t('consentConfirmNothing')
    const wrapped = wrapText(summary, WIDTH, 32)
    const summaryY = lines.length * LINE_PITCH + 16
    this.tag('Summary')!.patch({ y: summaryY, text: { text: wrapped } })
    this.contentHeight = summaryY + wrapped.split('\n').length * 44
    this.buttons.buttons = [
      { id: 'send', label: ctx.t('consentSend') },
      { id: 'change', label: ctx.t('consentChange') },
    ]
    this.buttons.select('send')
    this._speech = [...lines.map(ui), ui(summary)]
  }

  /** Places the buttons below the content, at `y`. */
  set buttonsY(y: number) {
    this.buttons.y = y
  }

  get focusedButton(): string | undefined {
    return this.buttons.selectedId
  }

  override _handleBack() {
    this.fireAncestors('$buttonPressed', 'change')
  }

  override _getFocused() {
    return this.buttons
  }
}
