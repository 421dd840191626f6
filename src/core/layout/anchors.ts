// Reading positions across paginations: the page that shows an anchor, so the reader keeps its
// place when the text size (and so the pagination) changes.

import type { Anchor, Page, PageItem, Pagination } from './types'

function compareAnchors(firstPage: Record<string, number>, a: Anchor, b: Anchor): number {
  const sa = firstPage[a.sectionId] ?? -1
  const sb = firstPage[b.sectionId] ?? -1
  if (sa !== sb) return sa - sb
  if (a.block !== b.block) return a.block - b.block
  return a.offset - b.offset
}

/** The rest of a row or card begun on an earlier page: it repeats that start's anchor. */
function isContinuation(item: PageItem): boolean {
  return (item.kind === 'table-row' || item.kind === 'sdk-card') && item.continued
}

/**
 * The page showing `anchor` (for example after a text-size change): the first page holding an
 * item that starts at the anchor's position or the last item before it. For an anchor before the
 * document or of an unknown section, page 0.
 */
export function pageOfAnchor(p: Pagination, anchor: Anchor): number {
  const first = p.sectionFirstPage
  if (first[anchor.sectionId] === undefined || p.pages.length === 0) return 0
  // Pages' first anchors increase in document order: binary search the last page starting at or before the anchor.
  const startOf = (page: Page): PageItem | undefined => page.items.find((it) => !(it.kind === 'table-row' && it.repeated))
  let lo = 0
  let hi = p.pages.length - 1
  let found = 0
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const it = startOf(p.pages[mid])
    if (!it || compareAnchors(first, it.anchor, anchor) <= 0) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  // A row or card continued from the previous page: its start is there.
  while (found > 0) {
    const it = startOf(p.pages[found])
    if (it && isContinuation(it) && compareAnchors(first, it.anchor, anchor) === 0) found--
    else break
  }
  return found
}
