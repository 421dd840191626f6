import { Lightning } from '@lightningjs/sdk'
import { COLORS, FONT_FAMILY } from '../../../theme/screen'
import { uiKey } from '../../../voice/announcements'
import { voiceGuide, type Utterance } from '../../../voice/VoiceGuide'
import { wrapText } from '../text/wrapText'

export type Answer = 'granted' | 'denied'
export type AnswerButton = 'allow' | 'deny'

interface ChoiceRowTemplateSpec extends Lightning.Component.TemplateSpec {
  scope: string
  position: { n: number; total: number }
  Bg: object
  Title: object
  Quote: object
  Answer: object
  Allow: { Ring: object; Pill: object; Label: object }
  Deny: { Ring: object; Pill: object; Label: object }
}

const ROW_W = 1500
export const ROW_H = 170
const BUTTON = { w: 210, h: 76 }
/** Width left of the buttons for the title, the quote and the answer. */
const TEXT_W = ROW_W - 2 * BUTTON.w - 56 - 28 - 40
/** The focus ring around the focused button: white, 6 px outside it (≥ 3:1 against the row). */
const RING = 6
/** An unfocused, unchosen button's outline: dim, so the white ring alone marks focus. */
const OUTLINE = COLORS.choiceOutline
/** A focused, unchosen button's fill: lit against the row. */
const FOCUSED_FILL = 0xff3a4756
/** The chosen answer's fill: 允许 in the accent blue, 拒绝 in a neutral grey (white text ≥ 4.5:1 on both). */
const CHOSEN_FILL: Record<AnswerButton, number> = { allow: 0xff1f6fd6, deny: 0xff4f5b68 }
const ROW_FOCUSED = 0xff2a3644

const ANSWER_OF: Record<AnswerButton, Answer> = { allow: 'granted', deny: 'denied' }

function buttonTemplate(x: number) {
  return {
    x,
    y: (ROW_H - BUTTON.h) / 2,
    w: BUTTON.w,
    h: BUTTON.h,
    Ring: { x: -RING, y: -RING, visible: false, texture: Lightning.Tools.getRoundRect(BUTTON.w + 2 * RING, BUTTON.h + 2 * RING, 14, 0, 0, true, 0xffffffff) },
    Pill: {},
    Label: { mountX: 0.5, mountY: 0.5, x: BUTTON.w / 2, y: BUTTON.h / 2 + 2, text: { text: '', fontFace: FONT_FAMILY, fontSize: 32, textColor: 0xffffffff, wordWrap: false } },
  }
}

/**
 * One consent scope: its meaning, the policy row it relies on, and two buttons, 允许 and 拒绝.
 * Nothing is chosen at first (sent as 拒绝); ← → move the focus between the buttons (a white
 * ring), OK chooses the focused one (filled, ✓, and named under the title). Focus starts on 拒绝,
 * so a stray OK never grants; the choice stays reversible until the overlay's confirmed send.
 */
export default class ChoiceRow
  extends Lightning.Component<ChoiceRowTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<ChoiceRowTemplateSpec>
{
  static override _template(): Lightning.Component.Template<ChoiceRowTemplateSpec> {
    return {
      w: ROW_W,
      h: ROW_H,
      Bg: { rect: true, w: ROW_W, h: ROW_H, color: COLORS.card },
      Title: { x: 28, y: 14, text: { text: '', fontFace: FONT_FAMILY, fontSize: 34, textColor: 0xffffffff, wordWrap: false } },
      Quote: { x: 28, y: 60, text: { text: '', fontFace: FONT_FAMILY, fontSize: 24, lineHeight: 32, textColor: COLORS.muted, wordWrap: false } },
      Answer: { x: 28, y: 128, text: { text: '', fontFace: FONT_FAMILY, fontSize: 26, textColor: 0xffffc857, wordWrap: false } },
      Allow: buttonTemplate(ROW_W - 2 * BUTTON.w - 56),
      Deny: buttonTemplate(ROW_W - BUTTON.w - 26),
    }
  }

  scope = ''
  /** Where the row is in the request ("1/3"), said with its scope. */
  position = { n: 1, total: 1 }
  /** The viewer's answer; null until one is chosen (sent as denied). */
  choice: Answer | null = null
  /** Which button has the focus while the row has it. */
  focusedButton: AnswerButton = 'deny'
  private _focused = false
  private readonly Bg = this.getByRef('Bg')!

  /** The policy row the scope relies on, in the policy's language. */
  speech: Utterance | null = null
  private _labels = { title: '', quote: '', allow: '', deny: '', chosen: '', unchosen: '' }

  /** The scope and where it is in the request, the focused button, its answer so far, then the policy row it quotes. */
  get announce() {
    return [this._answerSpeech(), this.speech]
  }

  private _buttonLabel(b: AnswerButton): string {
    return b === 'allow' ? this._labels.allow : this._labels.deny
  }

  private _answerSpeech() {
    const answer = this.choice ? this._labels.chosen.replace('{answer}', this._buttonLabel(this.choice === 'granted' ? 'allow' : 'deny')) : this._labels.unchosen
    return uiKey('spokenScope', { scope: this._labels.title, ...this.position, button: this._buttonLabel(this.focusedButton), answer })
  }

  set labels(v: { title: string; quote: string; allow: string; deny: string; chosen: string; unchosen: string }) {
    this._labels = v
    this.tag('Title')!.text = wrapText(v.title, TEXT_W, 34, 1)
    this.tag('Quote')!.text = wrapText(v.quote, TEXT_W, 24, 2)
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
    if (this.focusedButton === 'allow') return true
    this._moveFocus('allow')
  }
  override _handleRight() {
    if (this.focusedButton === 'deny') return true
    this._moveFocus('deny')
  }
  override _handleEnter() {
    const answer = ANSWER_OF[this.focusedButton]
    const changed = this.choice !== answer
    this.choice = answer
    this._paint()
    if (changed) this.fireAncestors('$choiceChanged')
    voiceGuide().say(() => [this._answerSpeech()])
  }

  private _moveFocus(to: AnswerButton) {
    this.focusedButton = to
    this._paint()
    // The overlay republishes the row's state (what QA and tests read), answer unchanged.
    this.fireAncestors('$choiceChanged')
    voiceGuide().say(() => [this._answerSpeech()])
  }

  private _paint() {
    const paintButton = (b: AnswerButton) => {
      const el = this.tag(b === 'allow' ? 'Allow' : 'Deny')!
      const chosen = this.choice === ANSWER_OF[b]
      const focused = this._focused && this.focusedButton === b
      el.tag('Ring')!.visible = focused
      el.patch({ scale: focused ? 1.06 : 1 })
      el.tag('Pill')!.texture = chosen
        ? Lightning.Tools.getRoundRect(BUTTON.w, BUTTON.h, 10, 0, 0, true, CHOSEN_FILL[b])
        : Lightning.Tools.getRoundRect(BUTTON.w, BUTTON.h, 10, 3, focused ? 0xffffffff : OUTLINE, true, focused ? FOCUSED_FILL : COLORS.card)
      el.tag('Label')!.text = `${chosen ? '✓ ' : ''}${this._buttonLabel(b)}`
    }
    paintButton('allow')
    paintButton('deny')
    const answerLabel = this.choice ? this._labels.chosen.replace('{answer}', this._buttonLabel(this.choice === 'granted' ? 'allow' : 'deny')) : this._labels.unchosen
    this.tag('Answer')!.text = answerLabel
    this.Bg.color = this._focused ? ROW_FOCUSED : COLORS.card
  }
}
