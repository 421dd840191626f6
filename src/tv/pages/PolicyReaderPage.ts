import { Lightning, Router } from '@lightningjs/sdk'
import ContextPage, { type PageTemplateSpec } from './ContextPage'
import type { Anchor, Pagination } from '../../core/layout/types'
import { pageOfAnchor, sectionHeading } from '../../core/layout/paginator'
import MenuList from '../components/MenuList'
import PageStrip from '../components/PageStrip'
import { openPairingEntry, pairingEntries } from './ContentsEntries'
import { appContext } from '../services/AppContext'
import { COLORS, FONT_FAMILY, SAFE } from '../theme/screen'
import { pageTemplate } from '../theme/pageTemplate'
import { READER_BODY, READER_BODY_POS, HEADER_H } from '../theme/layout'
import { hook } from '../qa/testHook'
import { itemUtterances, pageUtterances, uiKey } from '../voice/announcements'
import { voiceGuide } from '../voice/VoiceGuide'

const CONTENTS_W = 800
const CONTENTS_LIST_Y = SAFE.y + 80
/** The list scrolls inside the body's height: nothing of it lies under the key hint. */
const CONTENTS_LIST_H = READER_BODY_POS.y + READER_BODY.height - CONTENTS_LIST_Y

/** The item of a page that holds `anchor`: the last part of its block that starts at or before it. */
function itemOfAnchor(items: readonly { anchor: Anchor }[], anchor: Anchor): number {
  let found = 0
  items.forEach((it, i) => {
    const a = it.anchor
    if (a.sectionId === anchor.sectionId && a.block === anchor.block && a.offset <= anchor.offset) found = i
  })
  return found
}

interface PolicyReaderPageTemplateSpec extends PageTemplateSpec {
  Header: { Section: object; Indicator: object; Rule: object }
  Strip: typeof PageStrip
  Contents: { Title: object; List: typeof MenuList }
}

/**
 * The policy reader: a contents list (摘要, 一…十, settings) and the paged body.
 * Up/Down move by block and cross page edges; Left/Right, PageUp/PageDown and Channel ± flip.
 */
export default class PolicyReaderPage extends ContextPage<PolicyReaderPageTemplateSpec> {
  static override _template(): Lightning.Component.Template<PolicyReaderPageTemplateSpec> {
    return pageTemplate(
      {
        Header: {
          x: SAFE.x,
          y: SAFE.y,
          Section: { text: { text: '', fontFace: FONT_FAMILY, fontSize: 36, textColor: COLORS.muted } },
          Indicator: { mountX: 1, x: SAFE.w, text: { text: '', fontFace: FONT_FAMILY, fontSize: 36, textColor: COLORS.muted } },
          Rule: { rect: true, y: HEADER_H - 30, w: SAFE.w, h: 2, color: COLORS.gridLine },
        },
        Strip: { type: PageStrip, x: READER_BODY_POS.x, y: READER_BODY_POS.y },
        // Opaque, above the body and ending where the body ends, so the key hint below stays readable.
        Contents: {
          rect: true,
          visible: false,
          w: CONTENTS_W,
          h: CONTENTS_LIST_Y + CONTENTS_LIST_H,
          color: COLORS.panel,
          Title: { x: SAFE.x, y: SAFE.y, text: { text: '', fontFace: FONT_FAMILY, fontSize: 40, textColor: 0xffffffff } },
          List: { type: MenuList, x: SAFE.x - 20, y: CONTENTS_LIST_Y, w: CONTENTS_W - SAFE.x - 40, wrapWidth: CONTENTS_W - SAFE.x - 80, viewportHeight: CONTENTS_LIST_H },
        },
      },
    )
  }

  private _pagination: Pagination | null = null
  /** Section to open when the route asks for one (`#policy/s3`). */
  pendingSection: string | null = null
  /** A block to open at and highlight (`#policy/s1/4/2`: block 4 of s1, its row 2). */
  pendingAnchor: Anchor | null = null
  private _opened: string | null = null
  /** Sections changed since the version the viewer accepted (marked 已更新), in reading order. */
  private _changed: string[] = []
  /** The contents already pointed the viewer at the first changed section once. */
  private _pointedAtChange = false

  readonly strip = this.getByRef('Strip')!
  readonly list = this.tag('Contents.List')!
  private readonly Contents = this.getByRef('Contents')!

  override _active() {
    super._active()
    // Coming back through history to the hash that opened a section (Back from settings) keeps
    // the viewer's page; a section asked for anew opens it.
    const asked = this.pendingSection && JSON.stringify([this.pendingSection, this.pendingAnchor])
    if (asked && asked !== this._opened) {
      this._opened = asked
      if (this.pendingAnchor) this.openAt(this.pendingAnchor)
      else this.openSection(this.pendingSection!)
    } else if (!this._getState()) {
      this._setState('Contents')
    }
  }

  /** Re-lays out after a language or text-size change, keeping the reading position. */
  refresh() {
    const ctx = appContext()
    const anchor = this.currentAnchor()
    const highlighted = this.strip.focusIndex >= 0
    const p = ctx.pagination()
    if (p !== this._pagination) {
      this._pagination = p
      this.strip.pagination = p
      if (anchor) {
        const index = pageOfAnchor(p, anchor)
        this.strip.showAt(index, highlighted ? itemOfAnchor(p.pages[index]?.items ?? [], anchor) : -1)
      }
    }
    this.tag('Contents.Title')!.text = ctx.t('contents')
    this._changed = ctx.acceptance.changes(ctx.doc)?.sections ?? []
    const mark = ctx.t('sectionUpdated')
    this.list.entries = [
      ...ctx.doc.sections.map((s) => (this._changed.includes(s.id) ? { id: s.id, label: sectionHeading(s), value: mark, marked: true } : { id: s.id, label: sectionHeading(s) })),
      ...pairingEntries(),
      { id: 'settings', label: ctx.t('settings') },
    ]
    this._updateChrome()
  }

  /** In the contents, its title; reading, the page shown (the focus path stays on the page then). */
  override get announce() {
    return this._getState() === 'Reading' ? this._pageSpeech() : uiKey('contents')
  }

  private _pageSpeech() {
    return pageUtterances(this._pagination?.pages[this.strip.index])
  }

  private _sayPage() {
    voiceGuide().say(() => this._pageSpeech())
  }

  private _sayBlock() {
    const view = this.strip.current
    voiceGuide().say(() => itemUtterances(view?.page ?? undefined, view?.focusIndex ?? -1))
  }

  currentAnchor(): Anchor | null {
    const page = this._pagination?.pages[this.strip.index]
    const item = page?.items[Math.max(0, this.strip.focusIndex)] ?? page?.items[0]
    return item ? item.anchor : null
  }

  openSection(sectionId: string) {
    const p = this._pagination
    if (!p || p.sectionFirstPage[sectionId] === undefined) return
    this.strip.index = p.sectionFirstPage[sectionId]
    this._setState('Reading')
    this._updateChrome()
    this._sayPage()
  }

  /** Opens the page holding `anchor` with that block highlighted (its section's first page if it has none). */
  openAt(anchor: Anchor) {
    const p = this._pagination
    if (!p || p.sectionFirstPage[anchor.sectionId] === undefined) return
    const index = pageOfAnchor(p, anchor)
    this.strip.showAt(index, itemOfAnchor(p.pages[index]?.items ?? [], anchor))
    this._setState('Reading')
    this._updateChrome()
    this._sayBlock()
  }

  flip(step: number, focus: 'first' | 'last' | 'none' = 'none') {
    const before = this.strip.index
    this.strip.index = before + step
    if (this.strip.index === before) return false
    const view = this.strip.current
    if (view && focus !== 'none') view.focusIndex = focus === 'first' ? 0 : view.page!.items.length - 1
    this._updateChrome()
    // Stepping back past a page's first block lands on the last block of the page before.
    if (focus === 'last') this._sayBlock()
    else this._sayPage()
    return true
  }

  private _updateChrome() {
    const ctx = appContext()
    const p = this._pagination
    if (!p) return
    const page = p.pages[this.strip.index]
    this.tag('Header.Section')!.text = page?.sectionTitle ?? ''
    this.tag('Header.Indicator')!.text = ctx.t('pageOf', { n: this.strip.index + 1, total: p.pages.length })
    const state = this._getState()
    this.tag('Hint')!.text = ctx.t(state === 'Reading' ? 'readerHint' : 'contentsHint')
    const h = hook()
    h.state = {
      ...h.state,
      reader: {
        mode: state,
        pageIndex: this.strip.index,
        pageCount: p.pages.length,
        sectionId: page?.sectionId,
        focusIndex: this.strip.current?.focusIndex ?? -1,
        textSize: p.textSize,
      },
    }
  }

  $menuSelected(id: string) {
    if (openPairingEntry(id, this.list)) return
    if (id === 'settings') Router.navigate(id)
    else this.openSection(id)
  }

  /** Right in the contents resumes reading where the viewer was. */
  $menuAdjust(_id: string, step: number) {
    if (step > 0 && this._getState() === 'Contents') {
      this._setState('Reading')
      this._updateChrome()
      this._sayPage()
    }
  }

  static override _states() {
    return [
      class Contents extends this {
        override $enter() {
          this.Contents.visible = true
          const sectionId = this._pagination?.pages[this.strip.index]?.sectionId
          // The first time, a changed policy's contents open on its first changed section.
          const changed = this._pointedAtChange ? undefined : this._changed[0]
          if (changed) this._pointedAtChange = true
          if (changed || sectionId) this.list.select(changed ?? sectionId!)
          this._updateChrome()
        }
        override $exit() {
          this.Contents.visible = false
        }
        override _getFocused() {
          return this.list
        }
        override _handleBack() {
          // Let the router go back, or ask before exit at the root.
          return false
        }
      },
      class Reading extends this {
        override $enter() {
          // Reading already: the contents keep to where the viewer is from now on.
          this._pointedAtChange = true
          this._updateChrome()
        }
        override _handleUp() {
          const view = this.strip.current
          if (!view) return
          if (view.focusIndex > 0) {
            view.focusIndex--
            this._sayBlock()
          } else if (!this.flip(-1, 'last')) view.focusIndex = 0
          this._updateChrome()
        }
        override _handleDown() {
          const view = this.strip.current
          if (!view || !view.page) return
          if (view.focusIndex < view.page.items.length - 1) {
            view.focusIndex++
            this._sayBlock()
          } else this.flip(1, 'first')
          this._updateChrome()
        }
        override _handleLeft() {
          this.flip(-1)
        }
        override _handleRight() {
          this.flip(1)
        }
        _handlePageUp() {
          this.flip(-1)
        }
        _handlePageDown() {
          this.flip(1)
        }
        override _handleEnter() {
          this._setState('Contents')
        }
        override _handleBack() {
          this._setState('Contents')
        }
      },
    ]
  }
}
