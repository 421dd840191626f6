// The page-flow state of one pagination: the pages so far, the height used on the current one and
// the gap owed before the next item. Items are placed top to bottom; a page is final once the next
// one is opened.

import type { Anchor, Page, PageItem } from './types'

export class PageFlow {
  readonly pages: Page[] = []
  readonly sectionFirstPage: Record<string, number> = {}
  private page: Page | null = null
  private y = 0
  /** Space owed before the next item (dropped at a page top). */
  private pending = 0
  /** Set after a title or heading: the next item keeps the small gap under it. */
  private gapLocked = false
  private sectionId = ''
  private sectionTitle = ''

  constructor(
    /** Page height. */
    private readonly H: number,
    /** Tallest item: the page height, capped by the texture limit. */
    private readonly maxItemH: number,
  ) {}

  newPage(): Page {
    const page: Page = { index: this.pages.length, sectionId: this.sectionId, sectionTitle: this.sectionTitle, items: [] }
    this.pages.push(page)
    this.page = page
    this.y = 0
    this.pending = 0
    this.gapLocked = false
    return page
  }

  get current(): Page {
    return this.page ?? this.newPage()
  }

  get empty(): boolean {
    return this.current.items.length === 0
  }

  /** Height still free on the page for the next item, after the pending gap. */
  room(): number {
    return this.H - this.y - (this.empty ? 0 : this.pending)
  }

  /** Owes at least `g` before the next item (unless a title or heading locked the gap). */
  gap(g: number) {
    if (!this.gapLocked) this.pending = Math.max(this.pending, g)
  }

  /** Sets the gap before the next item exactly, and keeps it (used under titles and headings). */
  lockGap(g: number) {
    this.pending = g
    this.gapLocked = true
  }

  /** Sets the gap before the next item exactly, without locking it (between list items, QR rows). */
  setGap(g: number) {
    this.pending = g
  }

  /** Height available to the next item: the room left, capped by the texture limit. */
  itemRoom(): number {
    return Math.min(this.room(), this.maxItemH)
  }

  /** Places items that share one band of the page (a card and its QR codes, a row of QR codes). */
  putBand(items: PageItem[], bandHeight: number) {
    const page = this.current
    if (page.items.length > 0) this.y += this.pending
    for (const it of items) {
      it.y += this.y
      page.items.push(it)
    }
    this.y += bandHeight
    this.pending = 0
    this.gapLocked = false
  }

  put(item: PageItem) {
    item.y = 0
    this.putBand([item], item.height)
  }

  /** Starts a section on a fresh page (an empty current page is taken over). */
  startSection(id: string, title: string) {
    this.sectionId = id
    this.sectionTitle = title
    if (!this.page || this.page.items.length > 0) this.newPage()
    else {
      this.page.sectionId = this.sectionId
      this.page.sectionTitle = this.sectionTitle
    }
    this.sectionFirstPage[id] = this.current.index
  }

  /** Anchor of a position in block `block` of the current section. */
  anchor(block: number, offset: number): Anchor {
    return { sectionId: this.sectionId, block, offset }
  }
}
