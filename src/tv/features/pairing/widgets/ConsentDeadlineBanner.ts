import { Lightning } from '@lightningjs/sdk'
import { appContext } from '../../../services/AppContext'
import { hook } from '../../../qa/testHook'
import { appGlyphWidths } from '../../../text/canvasGlyphWidths'
import { COLORS, FONT_FAMILY, SAFE } from '../../../theme/screen'
import { uiKey } from '../../../voice/announcements'
import { voiceGuide } from '../../../voice/VoiceGuide'
import { formatTimeLeft, secondsUntil } from './timeLeft'

interface BannerTemplateSpec extends Lightning.Component.TemplateSpec {
  Bg: object
  Text: object
  Rule: object
  Key: { Label: object }
  Hint: object
}

const SIZE = 28
const PAD = { x: 28, y: 12 }
/** Space between the message, the rule, the key cap and its hint. */
const GAP = { rule: 24, key: 12 }
/** The Back key drawn as a key cap: outlined, its name inside. */
const KEY = { size: 24, padX: 12, h: SIZE + 8, radius: 6, stroke: 2 }
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
      Bg: { rect: true, color: COLORS.bannerBg },
      Text: { x: PAD.x, y: PAD.y, text: { text: '', fontFace: FONT_FAMILY, fontSize: SIZE, textColor: COLORS.warning, wordWrap: false } },
      // What to do, set apart from the countdown: a thin rule, the Back key as a key cap, then what it does.
      Rule: { rect: true, y: PAD.y + 4, w: 2, h: SIZE, color: COLORS.gridLine },
      Key: {
        y: PAD.y,
        Label: { mountX: 0.5, y: 4, text: { text: '', fontFace: FONT_FAMILY, fontSize: KEY.size, textColor: COLORS.strong, wordWrap: false } },
      },
      Hint: { y: PAD.y, text: { text: '', fontFace: FONT_FAMILY, fontSize: SIZE, textColor: COLORS.text, wordWrap: false } },
    }
  }

  private _phone = ''
  private _deadlineMs = 0
  private _timer: ReturnType<typeof setInterval> | null = null
  private _hideTimer: ReturnType<typeof setTimeout> | null = null
  /** The key cap texture is drawn again only when its label or width changes. */
  private _keyLabel = ''
  private _keyW = 0

  /** Shows the countdown and says it once. */
  show(phone: string, deadlineMs: number) {
    this._phone = phone
    this._deadlineMs = deadlineMs
    this._clearTimers()
    this._tick()
    this._timer = setInterval(() => this._tick(), 1000)
    this.visible = true
    voiceGuide().say(() => [uiKey('consentBanner', { phone, time: formatTimeLeft(secondsUntil(deadlineMs)) }), uiKey('consentBannerSpoken')], { append: true })
  }

  /** The deadline passed: says so, then goes after a while. */
  closed() {
    if (!this.visible) return
    this._clearTimers()
    this._draw(appContext().t('consentBannerClosed', { phone: this._phone }), false)
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
    this._draw(appContext().t('consentBanner', { phone: this._phone, time: formatTimeLeft(secondsUntil(this._deadlineMs)) }), true)
  }

  /** The message, and with `withKey` the Back key's hint after it; right-aligned to the title-safe edge. */
  private _draw(text: string, withKey: boolean) {
    const ctx = appContext()
    const widths = appGlyphWidths()
    const textW = Math.ceil(widths.width(text, { size: SIZE }))
    let w = PAD.x + textW
    const key = ctx.t('consentBannerKey')
    const hint = ctx.t('consentBannerHint')
    if (withKey) {
      const ruleX = w + GAP.rule
      const keyX = ruleX + 2 + GAP.rule
      const keyW = Math.ceil(widths.width(key, { size: KEY.size })) + 2 * KEY.padX
      const hintX = keyX + keyW + GAP.key
      w = hintX + Math.ceil(widths.width(hint, { size: SIZE }))
      if (key !== this._keyLabel || keyW !== this._keyW) {
        this._keyLabel = key
        this._keyW = keyW
        this.tag('Key')!.texture = Lightning.Tools.getRoundRect(keyW, KEY.h, KEY.radius, KEY.stroke, COLORS.warning, false, 0)
      }
      this.tag('Rule')!.x = ruleX
      this.tag('Key')!.x = keyX
      this.tag('Key.Label')!.patch({ x: keyW / 2, text: { text: key } })
      this.tag('Hint')!.patch({ x: hintX, text: { text: hint } })
    }
    for (const ref of ['Rule', 'Key', 'Hint'] as const) this.tag(ref)!.visible = withKey
    w += PAD.x
    this.x = SAFE.x + SAFE.w - w
    this.tag('Bg')!.patch({ w, h: SIZE + 2 * PAD.y + 8 })
    this.tag('Text')!.text = text
    hook().state = { ...hook().state, consentBanner: withKey ? `${text} ${key} ${hint}` : text }
  }
}
