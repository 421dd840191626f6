import { Lightning } from '@lightningjs/sdk'
import { COLORS, FONT_FAMILY } from '../../../theme/screen'
import { uiKey } from '../../../voice/announcements'
import { voiceGuide, type Utterance } from '../../../voice/VoiceGuide'

interface ChoiceRowTemplateSpec extends Lightning.Component.TemplateSpec {
  scope: string
  Bg: object
  Title: object
  Quote: object
  Allow: { Label: object }
  Deny: { Label: object }
}

/**
 * One consent scope: its meaning, the policy row it relies on, and 允许 / 拒绝.
 * Left/Right change the choice (reversible until the overlay's send button).
 */
export default class ChoiceRow
  extends Lightning.Component<ChoiceRowTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<ChoiceRowTemplateSpec>
{
  static override _template(): Lightning.Component.Template<ChoiceRowTemplateSpec> {
    return {
      w: 1500,
      h: 150,
      Bg: { rect: true, w: 1500, h: 140, color: COLORS.card },
      Title: { x: 28, y: 18, text: { text: '', fontFace: FONT_FAMILY, fontSize: 34, textColor: 0xffffffff } },
      Quote: { x: 28, y: 74, text: { text: '', fontFace: FONT_FAMILY, fontSize: 26, textColor: COLORS.muted, wordWrapWidth: 1000, wordBreak: true, maxLines: 2 } },
      Allow: { x: 1080, y: 36, w: 180, h: 70, Label: { mountX: 0.5, x: 90, y: 14, text: { text: '', fontFace: FONT_FAMILY, fontSize: 32 } } },
      Deny: { x: 1290, y: 36, w: 180, h: 70, Label: { mountX: 0.5, x: 90, y: 14, text: { text: '', fontFace: FONT_FAMILY, fontSize: 32 } } },
    }
  }

  scope = ''
  choice: 'granted' | 'denied' = 'denied'
  private _focused = false
  private readonly Bg = this.getByRef('Bg')!
  private readonly Allow = this.getByRef('Allow')!
  private readonly Deny = this.getByRef('Deny')!

  /** The policy row the scope relies on, in the policy's language. */
  speech: Utterance | null = null
  private _labels = { title: '', quote: '', allow: '', deny: '' }

  /** The scope, its current answer, then the policy row it quotes. */
  get announce() {
    return [this._answerSpeech(), this.speech]
  }

  private _answerSpeech() {
    return uiKey('spokenScope', { scope: this._labels.title, answer: this.choice === 'granted' ? this._labels.allow : this._labels.deny })
  }

  set labels(v: { title: string; quote: string; allow: string; deny: string }) {
    this._labels = v
    this.tag('Title')!.text = v.title
    this.tag('Quote')!.text = v.quote
    this.tag('Allow.Label')!.text = v.allow
    this.tag('Deny.Label')!.text = v.deny
    this._paint()
  }

  override _init() {
    this._paint()
  }
  override _focus() {
    this._focused = true
    this._paint()
  }
  override _unfocus() {
    this._focused = false
    this._paint()
  }
  override _handleLeft() {
    this.choice = 'granted'
    this._changed()
  }
  override _handleRight() {
    this.choice = 'denied'
    this._changed()
  }
  override _handleEnter() {
    this.choice = this.choice === 'granted' ? 'denied' : 'granted'
    this._changed()
  }

  private _changed() {
    this._paint()
    this.fireAncestors('$choiceChanged')
    voiceGuide().say(() => [this._answerSpeech()])
  }

  private _paint() {
    const pill = (selected: boolean, color: number) =>
      selected
        ? Lightning.Tools.getRoundRect(180, 70, 35, 0, 0, true, this._focused ? color : COLORS.muted)
        : Lightning.Tools.getRoundRect(180, 70, 35, 2, COLORS.muted, false, 0)
    this.Allow.texture = pill(this.choice === 'granted', COLORS.accent)
    this.Deny.texture = pill(this.choice === 'denied', COLORS.danger)
    this.Bg.color = this._focused ? 0xff2a3644 : COLORS.card
  }
}
