import { Router } from '@lightningjs/sdk'
import ContextPage from './ContextPage'
import type { Pagination } from '../../core/layout/types'
import ButtonRow from '../components/ButtonRow'
import PageStrip from '../components/PageStrip'
import { appContext } from '../services/AppContext'
import { COLORS, FONT_FAMILY, SAFE } from '../lib/screen'
import { pageTemplate } from '../lib/pageTemplate'
import { PageTextAtlas } from '../lib/pageTextAtlas'
import { GATE_BODY_POS } from '../lib/layout'
import { hook } from '../lib/testHook'

/** Pages laid out before the first screen is drawn: the one shown (its neighbour is drawn a frame later anyway). */
const FIRST_SCREEN_PAGES = 1

const TITLE_SIZE = 44
const HINT_SIZE = 26
const BUTTON_LABEL_SIZE = 34

/**
 * First launch: the policy summary (摘要) with 同意 / 不同意 / 阅读全文.
 * Nothing is collected and no host but our own static assets is contacted before 同意.
 */
export default class ConsentGatePage extends ContextPage {
  static override _template() {
    return pageTemplate(
      {
        Indicator: { mountX: 1, x: SAFE.x + SAFE.w, y: SAFE.y + 8, text: { text: '', fontFace: FONT_FAMILY, fontSize: 32, textColor: COLORS.muted, wordWrap: false } },
        Notice: { x: SAFE.x, y: SAFE.y + 62, text: { text: '', fontFace: FONT_FAMILY, fontSize: 28, textColor: 0xffffc857 } },
        Strip: { type: PageStrip, x: GATE_BODY_POS.x, y: GATE_BODY_POS.y },
        Buttons: { type: ButtonRow, x: SAFE.x, y: SAFE.y + SAFE.h - 84 },
        // Title and Hint show regions of the fixed texts' atlas (_drawFixedTexts).
        Hint: { mountX: 1, x: SAFE.x + SAFE.w, y: SAFE.y + SAFE.h - 60 },
      }, { titleSize: TITLE_SIZE },
    )
  }

  private _pagination: Pagination | null = null
  /** Until the first screen is drawn, only its pages are laid out (cold, the whole summary took 9–30 ms). */
  private _firstScreen = true

  get strip(): PageStrip {
    return this.tag('Strip') as PageStrip
  }
  get buttons(): ButtonRow {
    return this.tag('Buttons') as ButtonRow
  }

  override _init() {
    this.buttons.buttons = [
      { id: 'agree', label: '' },
      { id: 'disagree', label: '' },
      { id: 'read', label: '' },
    ]
    // Laid out as the router attaches the page, not in the frame that first shows it (whose
    // activation refreshes again, finding the same pagination and strings).
    this.refresh()
    // The rest of the summary once that frame is out: the same pagination, grown.
    this.stage.once('frameEnd', () =>
      setTimeout(() => {
        this._firstScreen = false
        this.refresh()
        this.strip.pagesAdded()
      }),
    )
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
    const p = ctx.summaryPagination(undefined, this._firstScreen ? FIRST_SCREEN_PAGES : undefined)
    if (p !== this._pagination) {
      this._pagination = p
      this.strip.pagination = p
    }
    this.tag('Notice').text.text = ctx.acceptance.acceptedEarlierVersion(ctx.doc) ? ctx.t('policyChanged') : ''
    this._drawFixedTexts(ctx.t('gateTitle'), ctx.t('gateHint'), { agree: ctx.t('agree'), disagree: ctx.t('disagree'), read: ctx.t('readFull') })
    this._updateIndicator()
  }

  private _fixedTexts = ''

  /**
   * The title, the key hint and the button labels, drawn together into one atlas texture: as
   * Lightning text elements they cost a canvas, a measuring pass, a draw and an upload each in the
   * frame that first shows the policy. Drawn again only when their strings (the UI language) or
   * widths (glyph widths measured again once the fonts are in) change.
   */
  private _drawFixedTexts(title: string, hint: string, labels: Record<string, string>) {
    const atlas = new PageTextAtlas()
    const line = (text: string, size: number, color: number) => atlas.text([text], { size }, size, color)
    const titleSpec = line(title, TITLE_SIZE, 0xffffffff)
    const hintSpec = line(hint, HINT_SIZE, COLORS.muted)
    // White: each button tints its label with its focus colour.
    const labelSpecs = Object.fromEntries(Object.entries(labels).map(([id, text]) => [id, line(text, BUTTON_LABEL_SIZE, 0xffffffff)]))
    atlas.pack()
    // The packed settings (lines, fonts, places and sizes) say whether anything changed.
    const key = JSON.stringify([titleSpec, hintSpec, labelSpecs])
    if (key === this._fixedTexts) return
    this._fixedTexts = key
    this.tag('Title').patch(titleSpec)
    this.tag('Hint').patch(hintSpec)
    this.buttons.relabelTextures(labelSpecs)
  }

  private _updateIndicator() {
    // Shown once the whole summary is laid out (the first screen knows only its first pages).
    const n = this._pagination && !this._pagination.partial ? this._pagination.pages.length : 0
    this.tag('Indicator').text.text = n > 1 ? appContext().t('pageOf', { n: this.strip.index + 1, total: n }) : ''
    hook().state = { ...hook().state, gate: { pageIndex: this.strip.index, pageCount: n, button: this.buttons.selectedId } }
  }

  override _handleUp() {
    this.strip.index = this.strip.index - 1
    this._updateIndicator()
  }
  override _handleDown() {
    this.strip.index = this.strip.index + 1
    this._updateIndicator()
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
