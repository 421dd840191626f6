import { Lightning } from '@lightningjs/sdk'
import { appContext } from '../../../services/AppContext'
import { hook } from '../../../qa/testHook'
import { appGlyphWidths } from '../../../text/canvasGlyphWidths'
import { FONT_FAMILY, SAFE } from '../../../theme/screen'
import { uiKey } from '../../../voice/announcements'
import { voiceGuide } from '../../../voice/VoiceGuide'
import { formatTimeLeft, secondsUntil } from './timeLeft'

interface BannerTemplateSpec extends Lightning.Component.TemplateSpec {
  Bg: object
  Text: object
}

const SIZE = 28
const PAD = { x: 28, y: 12 }
/** How long the "timed out" message stays over the reader. */
const CLOSED_SHOWN_MS = 15_000

/**
 * Over the policy reader opened from the consent overlay (阅读政策条款): who is waiting, the time
 * left to the same decision deadline the overlay and the phone count down to, and how to go back;
 * at the deadline, that the request ended with nothing granted. Bottom right, clear of the key hint.
 */
export default class ConsentDeadlineBanner
  extends Lightning.Component<BannerTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<BannerTemplateSpec>
{
  static override _template(): Lightning.Component.Template<BannerTemplateSpec> {
    return {
      zIndex: 10,
      visible: false,
      y: SAFE.y + SAFE.h - SIZE - 2 * PAD.y - 6,
      Bg: { rect: true, color: 0xff2b2414 },
      Text: { x: PAD.x, y: PAD.y, text: { text: '', fontFace: FONT_FAMILY, fontSize: SIZE, textColor: 0xffffc857, wordWrap: false } },
    }
  }

  private _phone = ''
  private _deadlineMs = 0
  private _timer: ReturnType<typeof setInterval> | null = null
  private _hideTimer: ReturnType<typeof setTimeout> | null = null

  /** Shows the countdown and says it once. */
  show(phone: string, deadlineMs: number) {
    this._phone = phone
    this._deadlineMs = deadlineMs
    this._clearTimers()
    this._tick()
    this._timer = setInterval(() => this._tick(), 1000)
    this.visible = true
    voiceGuide().say(() => [uiKey('consentBanner', { phone, time: formatTimeLeft(secondsUntil(deadlineMs)) })], { append: true })
  }

  /** The deadline passed: says so, then goes after a while. */
  closed() {
    if (!this.visible) return
    this._clearTimers()
    this._draw(appContext().t('consentBannerClosed', { phone: this._phone }))
    voiceGuide().say(() => [uiKey('consentBannerClosed', { phone: this._phone })])
    this._hideTimer = setTimeout(() => this.hide(), CLOSED_SHOWN_MS)
  }

  hide() {
    this._clearTimers()
    this.visible = false
    hook().state = { ...hook().state, consentBanner: null }
  }

  private _clearTimers() {
    if (this._timer) clearInterval(this._timer)
    if (this._hideTimer) clearTimeout(this._hideTimer)
    this._timer = null
    this._hideTimer = null
  }

  private _tick() {
    this._draw(appContext().t('consentBanner', { phone: this._phone, time: formatTimeLeft(secondsUntil(this._deadlineMs)) }))
  }

  private _draw(text: string) {
    const w = Math.ceil(appGlyphWidths().width(text, { size: SIZE })) + 2 * PAD.x
    this.x = SAFE.x + SAFE.w - w
    this.tag('Bg')!.patch({ w, h: SIZE + 2 * PAD.y + 8 })
    this.tag('Text')!.text = text
    hook().state = { ...hook().state, consentBanner: text }
  }
}
