// What a laid-out page says, in reading order, built from the same items the reader draws, so
// what is heard is what is shown.
import type { Page, PageItem, SdkCardItem, TableRowItem } from '../layout/types'

/** Policy text (spoken in the policy's language), or a QR with its caption as drawn (in the UI language). */
export type SpokenPart = { kind: 'text'; text: string } | { kind: 'qr'; href: string; caption: string }

/** Joins broken lines back into running text: a space only where the break fell between two Latin words. */
export function joinLines(lines: readonly string[]): string {
  let out = ''
  for (const line of lines) {
    if (out && /[A-Za-z0-9,.;:!?)]$/.test(out) && /^[A-Za-z0-9(]/.test(line)) out += ' '
    out += line
  }
  return out
}

function cardParts(item: SdkCardItem): string[] {
  const parts: string[] = []
  if (item.title.length) parts.push(joinLines(item.title))
  for (const f of item.fields) parts.push(`${f.label}：${joinLines(f.lines)}`)
  return parts
}

function rowText(item: TableRowItem, header: string[] | null): string {
  const cells = item.cells.map((c) => joinLines(c.lines))
  if (!header) return cells.filter((c) => c).join('；')
  return cells
    .map((c, i) => (header[i] ? `${header[i]}：${c}` : c))
    .filter((_, i) => cells[i] !== '')
    .join('；')
}

/**
 * The page's items as spoken parts: headings, paragraphs and list items as their text; table rows
 * row by row as "column: value" (the header row itself is not read); SDK cards as their title,
 * then each field as "label: value"; a QR as its caption. `fromItem` starts at a focused block.
 */
export function pageReading(page: Page, fromItem = 0): SpokenPart[] {
  const parts: SpokenPart[] = []
  let header: string[] | null = null
  page.items.forEach((item: PageItem, i) => {
    if (item.kind === 'table-row' && item.header) {
      header = item.cells.map((c) => joinLines(c.lines))
      return
    }
    if (item.kind !== 'table-row') header = null
    if (i < fromItem) return
    if (item.kind === 'text') parts.push({ kind: 'text', text: joinLines(item.lines) })
    else if (item.kind === 'table-row') parts.push({ kind: 'text', text: rowText(item, header) })
    else if (item.kind === 'sdk-card') for (const text of cardParts(item)) parts.push({ kind: 'text', text })
    else parts.push({ kind: 'qr', href: item.href, caption: joinLines(item.caption) })
  })
  return parts.filter((p) => p.kind === 'qr' || p.text !== '')
}

/** One item alone (a focused block in the reader). */
export function itemReading(page: Page, index: number): SpokenPart[] {
  return pageReading({ ...page, items: page.items.slice(0, index + 1) }, index)
}
