import { Lightning, Router } from '@lightningjs/sdk'
import ContextPage, { shownText, type PageTemplateSpec } from './ContextPage'
import type { Pagination } from '../../core/layout/types'
import ButtonRow from '../components/ButtonRow'
import PageStrip from '../components/PageStrip'
import { appContext } from '../services/AppContext'
import { COLORS, FONT_FAMILY, SAFE } from '../theme/screen'
import { pageTemplate } from '../theme/pageTemplate'
import { PageTextAtlas, type RegionSpec } from '../text/pageTextAtlas'
import { GATE_BODY_POS } from '../theme/layout'
import { hook } from '../qa/testHook'
import { pageUtterances, ui } from '../voice/announcements'
import { appGlyphWidths } from '../text/canvasGlyphWidths'
import { policyChangeNotice, type ChangeNotice } from './policyChangeNotice'
import { voiceGuide } from '../voice/VoiceGuide'

const TITLE_SIZE = 44
const HINT_SIZE = 26
const BUTTON_LABEL_SIZE = 34
const NOTICE_SIZE = 28

interface ConsentGatePageTemplateSpec extends PageTemplateSpec {
  Indicator: object
  Notice: object
  Strip: typeof PageStrip
  Buttons: typeof ButtonRow
}

/**
 * First launch: the policy summary (摘要) with 同意 / 不同意 / 阅读全文.
 * Nothing is collected and no host but our own static assets is contacted before 同意.
 */
export default class ConsentGatePage extends ContextPage<ConsentGatePageTemplateSpec> {
  static override _template(): Lightning.Component.Template<ConsentGatePageTemplateSpec> {
    return pageTemplate(
      {
        Indicator: { mountX: 1, x: SAFE.x + SAFE.w, y: SAFE.y + 8, text: { text: '', fontFace: FONT_FAMILY, fontSize: 32, textColor: COLORS.muted, wordWrap: false } },
        // One line between the title and the summary: what changed since the version accepted.
        Notice: { x: SAFE.x, y: SAFE.y + 62, text: { text: '', fontFace: FONT_FAMILY, fontSize: NOTICE_SIZE, textColor: 0xffffc857, wordWrap: false } },
        Strip: { type: PageStrip, x: GATE_BODY_POS.x, y: GATE_BODY_POS.y },
        Buttons: { type: ButtonRow, x: SAFE.x, y: SAFE.y + SAFE.h - 84 },
        // Title and Hint show regions of the fixed texts' atlas (_drawFixedTexts).
        Hint: { mountX: 1, x: SAFE.x + SAFE.w, y: SAFE.y + SAFE.h - 60 },
      }, { titleSize: TITLE_SIZE },
    )
  }

  private _pagination: Pagination | null = null
  private _notice: ChangeNotice | null = null

  readonly strip = this.getByRef('Strip')!
  readonly buttons = this.getByRef('Buttons')!

  override _init() {
    this.buttons.buttons = [
      { id: 'agree', label: '' },
      { id: 'disagree', label: '' },
      { id: 'read', label: '' },
    ]
    // Laid out as the router attaches the page, not in the frame that first shows it (whose
    // activation refreshes again, finding the same pagination and strings).
    this.refresh()
  }

  override _active() {
    this.buttons.select('agree')
    super._active()
  }

  $buttonFocused() {
    this._updateIndicator()
  }

  refresh() {
    const ctx = appContext()
    const p = ctx.summaryPagination()
    const texts: FixedTexts = { title: ctx.t('gateTitle'), hint: ctx.t('gateHint'), labels: { agree: ctx.t('agree'), disagree: ctx.t('disagree'), read: ctx.t('readFull') } }
    // Drawn again when their strings change (the UI language) or the layout does (a new
    // pagination: glyph widths measured again once the fonts are in, or another text size).
    const textsKey = JSON.stringify(texts)
    const redraw = p !== this._pagination || textsKey !== this._fixedTexts
    if (p !== this._pagination) {
      this._pagination = p
      this.strip.pagination = p
    }
    if (redraw) {
      this._fixedTexts = textsKey
      this._showFixedTexts(fixedTextSpecs(texts))
    }
    const widths = appGlyphWidths()
    const fits = (line: string) => widths.width(line, { size: NOTICE_SIZE }) <= SAFE.w
    this._notice = policyChangeNotice(ctx.doc, ctx.acceptance.changes(ctx.doc), ctx.prefs.language, (k, v) => ctx.t(k, v), fits)
    this.tag('Notice')!.text = this._notice?.shown ?? ''
    this._updateIndicator()
  }

  private _fixedTexts = ''

  private _showFixedTexts(specs: FixedTextSpecs) {
    this.tag('Title')!.patch(specs.title)
    this.tag('Hint')!.patch(specs.hint)
    this.buttons.relabelTextures(specs.labels)
  }

  private _updateIndicator() {
    const n = this._pagination ? this._pagination.pages.length : 0
    this.tag('Indicator')!.text = n > 1 ? appContext().t('pageOf', { n: this.strip.index + 1, total: n }) : ''
    const changedSections = this._notice ? this._notice.sectionIds : undefined
    hook().state = { ...hook().state, gate: { pageIndex: this.strip.index, pageCount: n, button: this.buttons.selectedId, changedSections } }
  }

  /** The title, what changed since the version accepted, then the summary page shown: what the viewer is asked to agree to, before the buttons. */
  override get announce() {
    return [shownText(this.tag('Title')), this._notice ? ui(this._notice.spoken) : null, this._pageSpeech()]
  }

  private _pageSpeech() {
    return pageUtterances(this._pagination?.pages[this.strip.index])
  }

  private _page(step: number) {
    const before = this.strip.index
    this.strip.index = before + step
    this._updateIndicator()
    if (this.strip.index !== before) voiceGuide().say(() => this._pageSpeech())
  }

  override _handleUp() {
    this._page(-1)
  }
  override _handleDown() {
    this._page(1)
  }
  _handlePageUp() {
    this._handleUp()
  }
  _handlePageDown() {
    this._handleDown()
  }

  $buttonPressed(id: string) {
    const ctx = appContext()
    if (id === 'agree') {
      ctx.acceptance.accept(ctx.doc)
      void ctx.startConsent().catch(() => undefined)
      Router.navigate('policy', false)
    } else if (id === 'disagree') {
      Router.navigate('declined', false)
    } else {
      Router.navigate('policy')
    }
  }

  override _getFocused() {
    return this.buttons
  }
}

interface FixedTexts {
  title: string
  hint: string
  labels: Record<string, string>
}

type TextSpec = RegionSpec

interface FixedTextSpecs {
  title: TextSpec
  hint: TextSpec
  labels: Record<string, TextSpec>
}

/**
 * The title, the key hint and the button labels, drawn into one atlas of their own: as Lightning
 * text elements they would cost a canvas, a measuring pass, a draw and an upload each.
 */
function fixedTextSpecs(texts: FixedTexts): FixedTextSpecs {
  const atlas = new PageTextAtlas()
  const line = (text: string, size: number, color: number) => atlas.line(text, { size }, color)
  const specs = {
    title: line(texts.title, TITLE_SIZE, 0xffffffff),
    hint: line(texts.hint, HINT_SIZE, COLORS.muted),
    // White: each button tints its label with its focus colour.
    labels: Object.fromEntries(Object.entries(texts.labels).map(([id, text]) => [id, line(text, BUTTON_LABEL_SIZE, 0xffffffff)])),
  }
  atlas.pack()
  return specs
}
