import { Lightning } from '@lightningjs/sdk'
import type { Decisions, Scope } from '../../../../core/protocol'
import { scopeQuote } from '../../../../core/policy/scopes'
import ButtonRow from '../../../components/ButtonRow'
import ChoiceList from '../components/ChoiceList'
import type ChoiceRow from '../components/ChoiceRow'
import { appContext } from '../../../services/AppContext'
import { COLORS, FONT_FAMILY, SAFE } from '../../../theme/screen'
import { policyText, uiKey } from '../../../voice/announcements'
import { sayCountdownMoment } from '../pages/pairSpeech'
import { SCOPE_LABEL } from './scopeLabels'


interface ConsentOverlayTemplateSpec extends Lightning.Component.TemplateSpec {
  Title: object
  Intro: object
  Rows: typeof ChoiceList
  Deadline: object
  Buttons: typeof ButtonRow
}

/**
 * Provisioning consent, one scope at a time (separate consent, PIPL art. 29; location is
 * sensitive). Every scope starts at 拒绝 and focus starts on the first scope's choice: nothing
 * irreversible is one OK away. `$consentDecided(decisions)` fires on 确认并发送.
 */
export default class ConsentOverlay
  extends Lightning.Component<ConsentOverlayTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<ConsentOverlayTemplateSpec>
{
  static override _template(): Lightning.Component.Template<ConsentOverlayTemplateSpec> {
    return {
      rect: true,
      w: 1920,
      h: 1080,
      color: 0xff0d1116,
      Title: { x: SAFE.x + 114, y: SAFE.y + 30, text: { text: '', fontFace: FONT_FAMILY, fontSize: 46, textColor: 0xffffffff } },
      Intro: { x: SAFE.x + 114, y: SAFE.y + 100, text: { text: '', fontFace: FONT_FAMILY, fontSize: 28, textColor: COLORS.muted, wordWrapWidth: 1500 } },
      Rows: { type: ChoiceList, x: SAFE.x + 114, y: SAFE.y + 200 },
      Deadline: { x: SAFE.x + 114, y: SAFE.y + 720, text: { text: '', fontFace: FONT_FAMILY, fontSize: 28, textColor: 0xffffc857 } },
      Buttons: { type: ButtonRow, x: SAFE.x + 114, y: SAFE.y + 790 },
    }
  }

  private readonly choiceList = this.getByRef('Rows')!
  private readonly buttons = this.getByRef('Buttons')!
  private _scopes: Scope[] = []
  private _deadlineMs = 0
  private _timer: ReturnType<typeof setInterval> | null = null

  get rows(): ChoiceRow[] {
    return this.choiceList.rows
  }

  open(phone: string, scopes: Scope[], deadlineMs: number) {
    const ctx = appContext()
    this._scopes = scopes
    this._deadlineMs = deadlineMs
    this.tag('Title')!.text = ctx.t('consentTitle', { phone })
    this._titleSpeech = uiKey('consentTitle', { phone })
    this._spokenLeft = null
    this.tag('Intro')!.text = ctx.t('consentIntro')
    this.choiceList.scopes = scopes
    this.rows.forEach((row, i) => {
      const quote = scopeQuote(ctx.doc, scopes[i])
      row.speech = quote ? policyText(`${quote.row}：${quote.uses}`) : null
      row.labels = {
        title: ctx.t(SCOPE_LABEL[scopes[i]]),
        quote: quote ? ctx.t('consentPolicyRow', { name: quote.row, usedFor: quote.uses }) : '',
        allow: ctx.t('consentAllow'),
        deny: ctx.t('consentDeny'),
      }
    })
    this.buttons.buttons = [
      { id: 'send', label: ctx.t('consentSend') },
      { id: 'policy', label: ctx.t('consentReadPolicy') },
    ]
    this.buttons.select('policy')
    this.visible = true
    this._tick()
    if (this._timer) clearInterval(this._timer)
    this._timer = setInterval(() => this._tick(), 1000)
    this._setState('Choosing')
  }

  close() {
    this.visible = false
    if (this._timer) clearInterval(this._timer)
    this._timer = null
  }

  decisions(): Decisions {
    const d: Decisions = {}
    this.rows.forEach((row, i) => (d[this._scopes[i]] = row.choice))
    return d
  }

  private _spokenLeft: number | null = null

  /** The request as it opens: who asks, how to answer, and the time left (each scope speaks as it is focused). */
  get announce() {
    return [this._titleSpeech, uiKey('consentIntro'), uiKey('consentDeadline', { time: this._timeLeft() })]
  }

  private _titleSpeech = uiKey('consentTitle', { phone: '' })

  private _secondsLeft(): number {
    return Math.max(0, Math.ceil((this._deadlineMs - Date.now()) / 1000))
  }

  private _timeLeft(left = this._secondsLeft()): string {
    return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`
  }

  private _tick() {
    const left = this._secondsLeft()
    const time = this._timeLeft(left)
    this.tag('Deadline')!.text = appContext().t('consentDeadline', { time })
    this._spokenLeft = sayCountdownMoment(this._spokenLeft, left, () => uiKey('consentDeadline', { time }))
  }

  $choiceChanged() {
    this.fireAncestors('$consentChanged', this.decisions())
  }

  $buttonPressed(id: string) {
    if (id === 'send') this.fireAncestors('$consentDecided', this.decisions())
    else this.fireAncestors('$consentReadPolicy')
  }

  static override _states() {
    return [
      class Choosing extends this {
        override _getFocused() {
          return this.choiceList
        }
        override _handleUp() {
          // The list passes Up from its first row: nothing is above it, so focus stays.
          return true
        }
        override _handleDown() {
          // The list passes Down from its last row: on to the buttons.
          this._setState('Buttons')
        }
      },
      class Buttons extends this {
        override _getFocused() {
          return this.buttons
        }
        override _handleUp() {
          this._setState('Choosing')
        }
      },
    ]
  }
}
