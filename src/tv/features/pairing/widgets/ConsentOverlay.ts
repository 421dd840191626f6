import { Lightning } from '@lightningjs/sdk'
import type { Decisions, Scope } from '../../../../core/protocol'
import { scopeQuote } from '../../../../core/policy/scopes'
import ButtonRow from '../../../components/ButtonRow'
import ChoiceList from '../components/ChoiceList'
import type ChoiceRow from '../components/ChoiceRow'
import { appContext } from '../../../services/AppContext'
import { hook } from '../../../qa/testHook'
import { COLORS, FONT_FAMILY, SAFE } from '../../../theme/screen'
import { policyText, uiKey } from '../../../voice/announcements'
import { sayCountdownMoment } from '../pages/pairSpeech'
import { wrapText } from '../text/wrapText'
import ConsentConfirm from './ConsentConfirm'
import { SCOPE_LABEL } from './scopeLabels'
import { formatTimeLeft, secondsUntil } from './timeLeft'

interface ConsentOverlayTemplateSpec extends Lightning.Component.TemplateSpec {
  Title: object
  Intro: object
  Rows: typeof ChoiceList
  Confirm: typeof ConsentConfirm
  Deadline: object
  Buttons: typeof ButtonRow
  Hint: object
}

const X = SAFE.x + 114
const WIDTH = 1500
const ROWS_Y = SAFE.y + 190

/**
 * Provisioning consent (separate consent, PIPL art. 29; location is sensitive). Each scope is a
 * row with 允许 and 拒绝, nothing chosen and focus on the first row's 拒绝, so no stray OK grants.
 * 检查并发送 opens a confirmation that lists what will be sent per scope; only its 发送 sends
 * (`$consentDecided(decisions)`). The service's decision deadline counts down on both steps.
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
      Title: { x: X, y: SAFE.y + 20, text: { text: '', fontFace: FONT_FAMILY, fontSize: 46, textColor: 0xffffffff, wordWrap: false } },
      Intro: { x: X, y: SAFE.y + 90, text: { text: '', fontFace: FONT_FAMILY, fontSize: 28, lineHeight: 38, textColor: COLORS.muted, wordWrap: false } },
      Rows: { type: ChoiceList, x: X, y: ROWS_Y },
      Confirm: { type: ConsentConfirm, x: X, y: SAFE.y + 130, visible: false },
      Deadline: { x: X, text: { text: '', fontFace: FONT_FAMILY, fontSize: 30, textColor: 0xffffc857, wordWrap: false } },
      Buttons: { type: ButtonRow, x: X },
      Hint: { x: SAFE.x, y: SAFE.y + SAFE.h - 36, text: { text: '', fontFace: FONT_FAMILY, fontSize: 26, textColor: COLORS.muted, wordWrap: false } },
    }
  }

  private readonly choiceList = this.getByRef('Rows')!
  private readonly buttons = this.getByRef('Buttons')!
  private readonly confirm = this.getByRef('Confirm')!
  private readonly Deadline = this.getByRef('Deadline')!
  private _scopes: Scope[] = []
  private _phone = ''
  private _deadlineMs = 0
  private _timer: ReturnType<typeof setInterval> | null = null
  private _spokenLeft: number | null = null
  private _titleSpeech = uiKey('consentTitle', { phone: '' })

  get rows(): ChoiceRow[] {
    return this.choiceList.rows
  }

  /** `deadlineMs`: the service's decision deadline on this TV's clock. */
  open(phone: string, scopes: Scope[], deadlineMs: number) {
    const ctx = appContext()
    this._scopes = scopes
    this._phone = phone
    this._deadlineMs = deadlineMs
    this._spokenLeft = null
    this.choiceList.scopes = scopes
    this.rows.forEach((row, i) => {
      const quote = scopeQuote(ctx.doc, scopes[i])
      row.speech = quote ? policyText(`${quote.row}：${quote.uses}`) : null
      row.labels = {
        title: ctx.t(SCOPE_LABEL[scopes[i]]),
        quote: quote ? ctx.t('consentPolicyRow', { name: quote.row, usedFor: quote.uses }) : '',
        allow: ctx.t('consentAllow'),
        deny: ctx.t('consentDeny'),
        chosen: ctx.t('consentChosen'),
        unchosen: ctx.t('consentUnchosen'),
      }
    })
    this.buttons.buttons = [
      { id: 'review', label: ctx.t('consentReview') },
      { id: 'policy', label: ctx.t('consentReadPolicy') },
    ]
    this.buttons.select('review')
    this.visible = true
    this._tick()
    if (this._timer) clearInterval(this._timer)
    this._timer = setInterval(() => this._tick(), 1000)
    // A request that ended while choosing leaves the state at Choosing, whose $enter would not
    // run again: lay this request out (its phone, the current language) here.
    if (this._getState() === 'Choosing') {
      this._layoutChoosing()
      this._publish()
    } else this._setState('Choosing')
  }

  close() {
    this.visible = false
    if (this._timer) clearInterval(this._timer)
    this._timer = null
    this._publish()
  }

  /** Each requested scope's answer; one not chosen is denied. */
  decisions(): Decisions {
    const d: Decisions = {}
    this.rows.forEach((row, i) => (d[this._scopes[i]] = row.choice ?? 'denied'))
    return d
  }

  /** The request as it opens: who asks, how to answer, and the time left (each scope speaks as it is focused). */
  get announce() {
    if (this._getState() === 'Confirming') return null
    return [this._titleSpeech, uiKey('consentIntro'), uiKey('consentDeadline', { time: formatTimeLeft(secondsUntil(this._deadlineMs)) })]
  }

  /** Draws the choosing step (title, intro, rows, deadline, buttons) in the current language. */
  private _layoutChoosing() {
    const ctx = appContext()
    this.tag('Title')!.text = wrapText(ctx.t('consentTitle', { phone: this._phone }), WIDTH, 46, 1)
    this._titleSpeech = uiKey('consentTitle', { phone: this._phone })
    this.tag('Intro')!.patch({ visible: true, text: { text: wrapText(ctx.t('consentIntro'), WIDTH, 28, 2) } })
    this.choiceList.visible = true
    this.confirm.visible = false
    const deadlineY = ROWS_Y + this.choiceList.rowsHeight + 26
    this.Deadline.y = deadlineY
    this.buttons.patch({ visible: true, y: deadlineY + 62 })
    this.tag('Hint')!.text = ctx.t('consentHint')
  }

  private _layoutConfirming() {
    const ctx = appContext()
    this.tag('Title')!.text = wrapText(ctx.t('consentConfirmTitle', { phone: this._phone }), WIDTH, 46, 1)
    this.tag('Intro')!.visible = false
    this.choiceList.visible = false
    this.buttons.visible = false
    this.confirm.show(this._scopes, this.decisions())
    this.confirm.visible = true
    const deadlineY = this.confirm.y + this.confirm.contentHeight + 30
    this.Deadline.y = deadlineY
    this.confirm.buttonsY = deadlineY + 62 - this.confirm.y
    this.tag('Hint')!.text = ctx.t('consentConfirmHint')
  }

  private _tick() {
    const left = secondsUntil(this._deadlineMs)
    const time = formatTimeLeft(left)
    this.Deadline.text = appContext().t('consentDeadline', { time })
    this._spokenLeft = sayCountdownMoment(this._spokenLeft, left, () => uiKey('consentDeadline', { time }))
    this._publish()
  }

  /** What tests and QA read: the step, each row's answer and focus, the time left. */
  private _publish() {
    const step = !this.visible ? 'closed' : this._getState() === 'Confirming' ? 'confirming' : 'choosing'
    const focused = this._getState() === 'Choosing' ? this.choiceList.index : -1
    hook().state = {
      ...hook().state,
      consent: {
        step,
        rows: this.rows.map((r, i) => ({ scope: r.scope, choice: r.choice, button: i === focused ? r.focusedButton : null })),
        button: this._getState() === 'Buttons' ? this.buttons.selectedId : this._getState() === 'Confirming' ? this.confirm.focusedButton : null,
        deadline: this.Deadline.text?.text ?? '',
        secondsLeft: secondsUntil(this._deadlineMs),
      },
    }
  }

  /** A row's answer, or its focused button, changed. */
  $choiceChanged() {
    this._publish()
  }

  /** The choosing step's buttons (review, policy) and the confirmation's (send, change). */
  $buttonPressed(id: string) {
    if (id === 'review') this._setState('Confirming')
    else if (id === 'policy') this.fireAncestors('$consentReadPolicy', this._scopes[this.choiceList.index])
    else if (id === 'send') this.fireAncestors('$consentDecided', this.decisions())
    else if (id === 'change') this._setState('Buttons')
  }

  override _focusChange() {
    this._publish()
  }

  static override _states() {
    return [
      class Choosing extends this {
        override $enter() {
          this._layoutChoosing()
          this._publish()
        }
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
        override $enter() {
          if (!this.buttons.visible) this._layoutChoosing()
          this._publish()
        }
        override _getFocused() {
          return this.buttons
        }
        override _handleUp() {
          this._setState('Choosing')
        }
      },
      class Confirming extends this {
        override $enter() {
          this._layoutConfirming()
          this._publish()
        }
        override _getFocused() {
          return this.confirm
        }
        override _handleUp() {
          return true
        }
      },
    ]
  }
}
