import { Lightning, Router } from '@lightningjs/sdk'
import type { Decisions, Scope } from '../../../../core/protocol'
import { scopeQuote } from '../../../../core/policy/scopes'
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
import { wrapText } from '../text/wrapText'
import { pairScreen, type PairScreen } from './pairScreen'
import { PairSpeech } from './pairSpeech'

/** QR plate side at 1080p: a version-3 code (29 modules + quiet zone) gets 14 px per module. */
const QR_MAX = 540
/** The text column: right of the QR while there is one, else from the left edge at a readable width. */
const COLUMN = { besideQr: { x: SAFE.x + QR_MAX + 90, w: SAFE.x + SAFE.w - (SAFE.x + QR_MAX + 90) }, alone: { x: SAFE.x, w: 1400 }, top: SAFE.y + 120 }
/** Status text while the service cannot be reached (light red: ≥ 4.5:1 on the background). */
const TROUBLE = 0xffff8a80
const STATUS = 0xffffc857
const NOTICE_PAD = { x: 32, y: 18 }

/** The column's blocks, top to bottom: font size and the gap below. */
const BLOCKS = {
  Notice: { size: 34, gap: 36 },
  Scan: { size: 44, gap: 18 },
  OrType: { size: 30, gap: 10 },
  Code: { size: 110, gap: 6 },
  Countdown: { size: 30, gap: 34 },
  Status: { size: 38, gap: 26 },
  Lines: { size: 36, gap: 26 },
  Next: { size: 32, gap: 40 },
  Again: { size: 30, gap: 0 },
} as const
type BlockRef = keyof typeof BLOCKS

const lineHeight = (size: number) => Math.round(size * 1.35)
/** Per-scope lines get more air: one answer each, told apart at a glance. */
const LINES_HEIGHT = Math.round(BLOCKS.Lines.size * 1.7)
const text = (size: number, textColor: number, extra: Record<string, unknown> = {}) => ({
  text: { text: '', fontFace: FONT_FAMILY, fontSize: size, lineHeight: lineHeight(size), textColor, wordWrap: false, ...extra },
})

interface PairPageTemplateSpec extends PageTemplateSpec {
  Qr: typeof QrCode
  Info: { Notice: { Bar: object; Text: object }; Scan: object; OrType: object; Code: object; Countdown: object; Status: object; Lines: object; Next: object; Again: object }
  Overlay: typeof ConsentOverlay
}

/**
 * Pair a phone (#pair): a large QR of the pairing URL, the user code and short URL for typing,
 * a countdown with the code rotated before it expires, live status, and the consent overlay.
 * Once a phone claims the code the QR gives way to its name and what comes next; after sending,
 * what was recorded per scope. What is shown and said comes from pairScreen().
 */
export default class PairPage extends ContextPage<PairPageTemplateSpec> {
  static override _template(): Lightning.Component.Template<PairPageTemplateSpec> {
    return pageTemplate({
      Qr: { type: QrCode, x: SAFE.x, y: SAFE.y + 110, maxSize: QR_MAX, minModulePx: 10 },
      Info: {
        x: COLUMN.besideQr.x,
        y: COLUMN.top,
        Notice: { rect: true, color: COLORS.panel, visible: false, Bar: { rect: true, w: 8, color: STATUS }, Text: { x: NOTICE_PAD.x, y: NOTICE_PAD.y, ...text(34, COLORS.text) } },
        Scan: text(44, 0xffffffff),
        OrType: text(30, COLORS.muted),
        // Lightning's own wrapping (one word): its width counts the letter spacing, unlike wordWrap: false.
        Code: { text: { text: '', fontFace: FONT_FAMILY, fontSize: 110, letterSpacing: 6, textColor: 0xffffffff } },
        Countdown: text(30, COLORS.muted),
        Status: text(38, STATUS),
        Lines: text(BLOCKS.Lines.size, COLORS.text, { lineHeight: LINES_HEIGHT }),
        Next: text(32, COLORS.text),
        Again: text(30, COLORS.muted),
      },
      Overlay: { type: ConsentOverlay, visible: false },
    })
  }

  readonly overlay = this.getByRef('Overlay')!
  private readonly Qr = this.getByRef('Qr')!
  private _session: PairingSession | null = null
  private _unsubscribeSession: (() => void) | null = null
  private _clock: (() => void) | null = null
  private readonly _speech = new PairSpeech()
  private _banner: ConsentDeadlineBanner | null = null

  /** The title, then the code to scan or check, or the state. */
  override get announce() {
    const v = this._session?.view
    return [shownText(this.tag('Title')), v ? this._speech.current(v, this._screen(v)) : []]
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
    this._clock = appLifecycle().every(1000, () => this._session && this._tick(this._session.view))
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
    this.tag('Hint')!.text = ctx.t('pairHint')
    if (this._session) this._draw(this._session.view)
  }

  private _screen(v: PairView): PairScreen {
    const ctx = appContext()
    return pairScreen(v, (key, vars) => ctx.t(key, vars), Date.now())
  }

  private _render(v: PairView) {
    const screen = this._draw(v)
    this._speech.update(v, screen)
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
  }

  /** Each second: the countdowns (the code's replacement, the next try), said at a few moments. */
  private _tick(v: PairView) {
    const screen = this._draw(v)
    if (screen.countdown) this._speech.countdown(Math.max(0, Math.ceil((v.expiresAtMs - ROTATE_BEFORE - Date.now()) / 1000)), () => screen.countdown)
  }

  /** Lays the column out from the screen's texts, each block below the last one shown. */
  private _draw(v: PairView): PairScreen {
    const screen = this._screen(v)
    const p = v.pairing
    if (p && this.Qr.data !== p.qr_url) this.Qr.data = p.qr_url
    this.Qr.visible = screen.qr
    const column = screen.qr ? COLUMN.besideQr : COLUMN.alone
    const info = this.tag('Info')!
    info.x = column.x
    const texts: Record<BlockRef, string> = {
      Notice: screen.notice,
      Scan: screen.headline,
      OrType: screen.sub,
      Code: screen.code,
      Countdown: screen.countdown,
      Status: screen.status,
      Lines: screen.lines.join('\n'),
      Next: screen.next,
      Again: screen.again,
    }
    let y = 0
    for (const ref of Object.keys(BLOCKS) as BlockRef[]) {
      const { size, gap } = BLOCKS[ref]
      const el = this.tag(`Info.${ref}`)!
      const raw = texts[ref]
      const inner = ref === 'Notice' ? column.w - 2 * NOTICE_PAD.x : column.w
      const shown = !raw || ref === 'Code' ? raw : raw.split('\n').map((line) => wrapText(line, inner, size)).join('\n')
      const target = ref === 'Notice' ? this.tag('Info.Notice.Text')! : el
      if (target.text?.text !== shown) target.text = shown
      el.visible = !!shown
      if (!shown) continue
      el.y = y
      const lines = shown.split('\n').length
      const lh = ref === 'Lines' ? LINES_HEIGHT : lineHeight(size)
      const height = ref === 'Code' ? 150 : ref === 'Notice' ? lines * lh + 2 * NOTICE_PAD.y : lines * lh
      if (ref === 'Notice') {
        el.w = column.w
        el.h = height
        this.tag('Info.Notice.Bar')!.h = height
      }
      y += height + gap
    }
    const status = this.tag('Info.Status')!.text
    if (status) status.textColor = screen.trouble ? TROUBLE : STATUS
    hook().state = {
      ...hook().state,
      pair: {
        phase: v.phase,
        pairingId: p?.pairing_id,
        userCode: p?.user_code,
        qrUrl: p?.qr_url,
        qrShown: screen.qr,
        phone: v.phoneName,
        scopes: v.scopes,
        decisions: v.decisions,
        retrying: v.retrying,
        qrModulePx: this.Qr.modulePx,
        notice: v.notice?.kind,
        offline: !!v.offline,
        trouble: screen.trouble ? screen.status : undefined,
        lines: screen.lines,
      },
    }
    return screen
  }

  $consentDecided(decisions: Decisions) {
    this._session?.decide(decisions)
  }

  $consentChanged() {
    // choices stay local until sent
  }

  /** 阅读政策条款: the reader at the permission table's row the focused scope quotes. */
  $consentReadPolicy(scope: Scope | undefined) {
    const quote = scope ? scopeQuote(appContext().doc, scope) : null
    Router.navigate(quote ? `policy/${quote.sectionId}/${quote.block}/${quote.rowIndex}` : 'policy')
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
