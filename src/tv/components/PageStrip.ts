import { Lightning } from '@lightningjs/sdk'
import type { Pagination } from '../../core/layout/types'
import PolicyPageView from './PolicyPageView'
import { fontsSettled } from '../text/fontLoader'

const OFFSET = 2400

interface PageStripTemplateSpec extends Lightning.Component.TemplateSpec {
  Views: object
}

/**
 * The current page and its two neighbours, the neighbours parked off-screen but inside the
 * bounds margin so their textures are ready before a flip. Nothing else holds page textures,
 * so texture memory stays flat however long the document is.
 */
export default class PageStrip
  extends Lightning.Component<PageStripTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<PageStripTemplateSpec>
{
  static override _template(): Lightning.Component.Template<PageStripTemplateSpec> {
    return {
      boundsMargin: [OFFSET, 0, OFFSET, 0],
      Views: {},
    }
  }

  private readonly Views = this.getByRef('Views')!
  private _pagination: Pagination | null = null
  private _index = 0
  private _views = new Map<number, PolicyPageView>()

  /** Shows `p` from the current index. */
  set pagination(p: Pagination | null) {
    this._pagination = p
    this._focusToRestore = null
    this._views.forEach((v) => this.Views.childList.remove(v))
    this._views.clear()
    this._index = Math.min(this._index, Math.max(0, (p?.pages.length ?? 1) - 1))
    this._sync()
  }
  get pagination() {
    return this._pagination
  }

  get index() {
    return this._index
  }
  set index(i: number) {
    const n = this._pagination?.pages.length ?? 0
    this._index = Math.max(0, Math.min(n - 1, i))
    this._sync()
  }

  get current(): PolicyPageView | undefined {
    return this._views.get(this._index)
  }

  /** The highlighted item of the current page, also while the strip is off screen (-1: none). */
  get focusIndex(): number {
    return this.current?.focusIndex ?? this._focusToRestore ?? -1
  }

  /** Shows page `index` with item `focusIndex` highlighted, now or when the page is next drawn. */
  showAt(index: number, focusIndex: number) {
    this._focusToRestore = focusIndex
    this.index = index
    const view = this.current
    if (view && this._focusToRestore !== null) {
      view.focusIndex = this._focusToRestore
      this._focusToRestore = null
    }
  }

  private _neighboursPending = false

  // A page that leaves the screen (the gate once agreed, the reader under the settings) gives its
  // pages' textures back at once: a page's text atlas is shared with no other page.
  private _focusToRestore: number | null = null

  override _inactive() {
    if (!this._views.size) return
    this._focusToRestore = this.current?.focusIndex ?? null
    this._views.forEach((v) => this.Views.childList.remove(v))
    this._views.clear()
    this.stage.gc(false)
  }

  override _active() {
    this._sync()
  }

  private _sync() {
    const p = this._pagination
    if (!p) return
    const want = [this._index - 1, this._index, this._index + 1].filter((i) => i >= 0 && i < p.pages.length)
    let removed = false
    for (const [i, view] of this._views) {
      if (!want.includes(i)) {
        this.Views.childList.remove(view)
        this._views.delete(i)
        removed = true
      }
    }
    // Free the dropped pages' textures now rather than when Lightning's memory pressure
    // threshold (24 Mpx by default) is reached: memory stays at three pages.
    if (removed) this.stage.gc(false)
    this._ensure(this._index)
    this._place()
    // Neighbours are drawn a frame later, so the page the viewer asked for is not delayed by them
    // (nor, on the first screen, drawn with it in the frame after the fonts arrive).
    if (!this._neighboursPending) {
      this._neighboursPending = true
      void fontsSettled().then(() =>
        this.stage.once('frameEnd', () => {
          this._neighboursPending = false
          for (const i of [this._index - 1, this._index + 1]) this._ensure(i)
          this._place()
        }),
      )
    }
  }

  private _ensure(i: number) {
    const p = this._pagination
    if (!p || i < 0 || i >= p.pages.length || this._views.has(i)) return
    if (Math.abs(i - this._index) > 1) return
    const view = this.stage.c({ type: PolicyPageView })
    view.show(p.pages[i])
    this.Views.childList.add(view)
    this._views.set(i, view)
    if (i === this._index && this._focusToRestore !== null) {
      view.focusIndex = this._focusToRestore
      this._focusToRestore = null
    }
  }

  private _place() {
    for (const [i, view] of this._views) {
      view.x = (i - this._index) * OFFSET
      if (i !== this._index) view.focusIndex = -1
    }
  }
}
