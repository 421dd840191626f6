import { Lightning, Router } from '@lightningjs/sdk'
import type { Decisions } from '../../../../core/protocol'
import ContextPage, { shownText, type PageTemplateSpec } from '../../../pages/ContextPage'
import QrCode from '../../../components/QrCode'
import ConsentOverlay from '../widgets/ConsentOverlay'
import ConsentDeadlineBanner from '../widgets/ConsentDeadlineBanner'
import { appContext } from '../../../services/AppContext'
import { appLifecycle } from '../../../services/AppLifecycle'
import { PairingSession, ROTATE_BEFORE, type PairView } from '../services/PairingSession'
import { COLORS, FONT_FAMILY, SAFE } from '../../../theme/screen'
import { pageTemplate } from '../../../theme/pageTemplate'
import { hook } from '../../../qa/testHook'
import { PairSpeech } from './pairSpeech'

/** QR plate side at 1080p: a version-3 code (29 modules + quiet zone) gets 14 px per module. */
const QR_MAX = 540

interface PairPageTemplateSpec extends PageTemplateSpec {
  Qr: typeof QrCode
  Info: { Scan: object; OrType: object; Code: object; Countdown: object; Status: object; Again: object }
  Overlay: typeof ConsentOverlay
}

/**
 * Pair a phone (#pair): a large QR of the pairing URL, the user code and short URL for typing,
 * a countdown with the code rotated before it expires, live status, and the consent overlay.
 */
export default class PairPage extends ContextPage<PairPageTemplateSpec> {
  static override _template(): Lightning.Component.Template<PairPageTemplateSpec> {
    return pageTemplate(
      {
        Qr: { type: QrCode, x: SAFE.x, y: SAFE.y + 110, maxSize: QR_MAX, minModulePx: 10 },
        Info: {
          x: SAFE.x + QR_MAX + 90,
          y: SAFE.y + 120,
          Scan: { text: { text: '', fontFace: FONT_FAMILY, fontSize: 40, textColor: 0xffffffff } },
          OrType: { y: 80, text: { text: '', fontFace: FONT_FAMILY, fontSize: 30, textColor: COLORS.muted, wordWrapWidth: 1000, wordBreak: true } },
          Code: { y: 170, text: { text: '', fontFace: FONT_FAMILY, fontSize: 110, letterSpacing: 6, textColor: 0xffffffff } },
          Countdown: { y: 320, text: { text: '', fontFace: FONT_FAMILY, fontSize: 30, textColor: COLORS.muted } },
          Status: { y: 400, text: { text: '', fontFace: FONT_FAMILY, fontSize: 38, textColor: 0xffffc857, wordWrapWidth: 1000, wordBreak: true } },
        Again: { y: 540, text: { text: '', fontFace: FONT_FAMILY, fontSize: 30, textColor: COLORS.muted } },
        },
        Overlay: { type: ConsentOverlay, visible: false },
      },
    )
  }

  readonly overlay = this.getByRef('Overlay')!
  private readonly Qr = this.getByRef('Qr')!
  private _session: PairingSession | null = null
  private _unsubscribeSession: (() => void) | null = null
  private _clock: (() => void) | null = null
  private readonly _speech = new PairSpeech()
  private _banner: ConsentDeadlineBanner | null = null

  /** The title, then the code to scan or type. */
  override get announce() {
    return [shownText(this.tag('Title')), this._session ? this._speech.current(this._session.view) : []]
  }

  override _active() {
    super._active()
    this._banner?.hide()
    const services = appContext().consent()
    if (!services) {
      // Not accepted yet: pairing needs the policy first.
      Router.navigate('gate', false)
      return
    }
    // A session kept while the viewer read the policy mid-consent shows how it went meanwhile
    // (still open, sent, recorded, or timed out); otherwise a fresh code.
    if (!this._session) {
      this._speech.reset()
      this._session = new PairingSession(services.api, services.outbox, services.tokens, services.history, services.bridge, () => appContext().doc)
      this._unsubscribeSession = this._session.onChange((v) => this._render(v))
      void this._session.start()
    }
    this._render(this._session.view)
    this._clock?.()
    // Paused while the app is hidden (AppLifecycle).
    this._clock = appLifecycle().every(1000, () => this._session && this._renderCountdown(this._session.view))
  }

  override _inactive() {
    super._inactive()
    this._clock?.()
    this._clock = null
    // Reading the policy mid-consent keeps the request alive; otherwise stop minting codes.
    if (this._session && !['consent', 'sending'].includes(this._session.view.phase)) {
      this._unsubscribeSession?.()
      this._session.stop()
      this._session = null
    }
  }

  override refresh() {
    const ctx = appContext()
    this.tag('Title')!.text = ctx.t('pairTitle')
    this.tag('Info.Scan')!.text = ctx.t('pairScan')
    this.tag('Hint')!.text = ctx.t('pairHint')
    if (this._session) this._render(this._session.view)
  }

  private _render(v: PairView) {
    const ctx = appContext()
    const p = v.pairing
    if (p && this.Qr.data !== p.qr_url) this.Qr.data = p.qr_url
    const codeLive = !!p && (v.phase === 'waiting' || v.phase === 'claimed' || v.phase === 'error')
    this.Qr.visible = codeLive
    // "Scan the QR code" only while there is one to scan.
    this.tag('Info.Scan')!.text = codeLive ? ctx.t('pairScan') : ''
    this.tag('Info.OrType')!.text = codeLive ? ctx.t('pairOrType', { url: p.verification_uri }) : ''
    this.tag('Info.Code')!.text = codeLive ? p.user_code : ''
    const status: Record<string, string> = {
      loading: ctx.t('pairLoading'),
      waiting: ctx.t('pairWaiting'),
      claimed: ctx.t('pairClaimed', { phone: v.phoneName ?? '' }),
      consent: ctx.t('pairClaimed', { phone: v.phoneName ?? '' }),
      sending: v.retrying ? ctx.t('pairSendingRetry') : ctx.t('pairSending'),
      recorded: ctx.t('pairRecorded'),
      'window-closed': ctx.t('pairWindowClosed'),
      'not-recorded': ctx.t('pairNotRecorded', { code: v.error ?? '' }),
      error: ctx.t('pairError', { message: v.error ?? '' }),
    }
    this.tag('Info.Status')!.text = status[v.phase] ?? ''
    this._speech.update(v, status[v.phase] ?? '')
    const finished = v.phase === 'recorded' || v.phase === 'not-recorded' || v.phase === 'window-closed'
    this.tag('Info.Again')!.text = finished ? ctx.t('pairAgain') : ''
    this._renderCountdown(v)
    if (v.phase === 'consent' && !this.overlay.visible) {
      this.overlay.open(v.phoneName ?? '', v.scopes ?? [], v.decideByMs ?? Date.now())
      this._setState('Consent')
    } else if (v.phase !== 'consent' && this.overlay.visible) {
      this.overlay.close()
      this._setState('')
    }
    if (this._banner?.visible && v.phase !== 'consent') {
      if (v.phase === 'window-closed') this._banner.closed()
      else this._banner.hide()
    }
    hook().state = {
      ...hook().state,
      pair: { phase: v.phase, pairingId: p?.pairing_id, userCode: p?.user_code, qrUrl: p?.qr_url, phone: v.phoneName, scopes: v.scopes, decisions: v.decisions, retrying: v.retrying, qrModulePx: this.Qr.modulePx },
    }
  }

  private _renderCountdown(v: PairView) {
    const showing = v.pairing && (v.phase === 'waiting' || v.phase === 'claimed')
    // Counts to the moment the code is replaced, not to its expiry.
    const left = Math.max(0, Math.ceil((v.expiresAtMs - ROTATE_BEFORE - Date.now()) / 1000))
    const text = appContext().t('pairExpiresIn', { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` })
    this.tag('Info.Countdown')!.text = showing ? text : ''
    if (showing) this._speech.countdown(left, () => text)
  }

  $consentDecided(decisions: Decisions) {
    this._session?.decide(decisions)
  }

  $consentChanged() {
    // choices stay local until sent
  }

  $consentReadPolicy() {
    const section = appContext().doc.sections.find((s) => s.blocks.some((b) => b.type === 'table'))
    Router.navigate(section ? `policy/${section.id}` : 'policy')
    // The reader shows the same deadline, over whatever page is open.
    const v = this._session?.view
    if (v?.phase === 'consent') this._deadlineBanner().show(v.phoneName ?? '', v.decideByMs ?? Date.now())
  }

  private _deadlineBanner(): ConsentDeadlineBanner {
    this._banner ??= this.application.childList.a({ type: ConsentDeadlineBanner }) as ConsentDeadlineBanner
    return this._banner
  }

  override _handleBack() {
    Router.back()
  }

  override _handleEnter() {
    const phase = this._session?.view.phase
    if (phase === 'recorded' || phase === 'not-recorded' || phase === 'window-closed') this._session?.restart()
  }

  static override _states() {
    return [
      class Consent extends this {
        override _getFocused() {
          return this.overlay
        }
        override _handleBack() {
          // The request stays open: Back does not answer it.
          return true
        }
      },
    ]
  }
}
