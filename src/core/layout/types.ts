// Page layout of a policy document for the TV reader. Every coordinate is in pixels at 1080p.
// Item boxes (x, y, width, height) are absolute inside the body box; coordinates inside an item
// (cells, card fields, QR caption) are relative to the item's top-left corner.

import type { FontSpec } from '../text/glyphWidths'

export type { FontSpec } from '../text/glyphWidths'

export type TextSize = 'S' | 'M' | 'L'

export const TEXT_SIZES: readonly TextSize[] = ['S', 'M', 'L']

/** Type sizes, line heights and spacing for one text size (10-foot UI at 1080p). */
export interface TextMetrics {
  bodySize: number
  bodyLineHeight: number
  /** Section title at the top of a section's first page (bold). */
  sectionTitleSize: number
  sectionTitleLineHeight: number
  /** Level-2 heading (bold). */
  headingSize: number
  headingLineHeight: number
  /** Level-3 heading (bold, body size). */
  subheadingSize: number
  subheadingLineHeight: number
  tableSize: number
  tableLineHeight: number
  /** Horizontal inset of cell text; the vertical inset is half of it. */
  cellPadding: number
  /** SDK card body text (labels bold, values normal). */
  cardSize: number
  cardLineHeight: number
  cardTitleSize: number
  cardTitleLineHeight: number
  /** Inset of a card's content from its edges. */
  cardPadding: number
  /** Space between a card's title and its first field, and between fields. */
  fieldGap: number
  /** Space between a field's label column and its value column. */
  labelGap: number
  /** QR captions. */
  captionSize: number
  captionLineHeight: number
  /** Vertical space between paragraphs. */
  paragraphGap: number
  /** Vertical space between items of one list. */
  listItemGap: number
  headingGapBefore: number
  headingGapAfter: number
  /** Space under the section title. */
  sectionTitleGap: number
  /** Space around tables, card groups and QR rows. */
  blockGap: number
  /** Left indent of list items (the renderer draws `marker` in it). */
  listIndent: number
  /** Space between a QR square and its caption, and between neighbouring QR items or a card and its QR. */
  qrGap: number
}

/**
 * A QR's caption says what scanning it does: `web` for http(s) links ("scan to read on your
 * phone"), `mail` for mailto ("scan to write an email to {address}"), `tel` for tel ("scan to call
 * {number}"). `{address}` and `{number}` are filled from the link.
 */
export interface QrCaptions {
  web: string
  mail: string
  tel: string
}

export interface LayoutOptions {
  /** The body box in px (the TV reader uses 1728×820 at 1080p, inside the title-safe area). */
  page: { width: number; height: number }
  textSize: TextSize
  /** UI strings shown next to each link's QR, by what scanning it does. */
  qrCaptions: QrCaptions
  /** Side of a QR square in px. */
  qrSize: number
  /** Largest texture side the GPU takes; no item is taller or wider. Default 2048. */
  maxTextureSize?: number
  /** Font family put in every FontSpec (the measurer's default when absent). */
  fontFamily?: string
}

/**
 * A reading position that survives re-pagination: section, block index in the section (-1 = the
 * section title) and a position inside the block that does not depend on the text size:
 * - text blocks (title, heading, paragraph): UTF-16 index in the block's text of the item's first line;
 * - lists: UTF-16 index in the list's items joined with "\n";
 * - tables: index of the item's row in `rows` (a header row carries the index of the row after it);
 * - SDK blocks: entry index;
 * - QR items: the end of their block's text (paragraph, list) or their entry index (SDK).
 * Items that continue the same row or card on another page repeat its offset with `continued: true`.
 */
export interface Anchor {
  sectionId: string
  block: number
  offset: number
}

export interface ItemBox {
  x: number
  y: number
  width: number
  height: number
  anchor: Anchor
}

export type TextRole = 'section-title' | 'heading' | 'paragraph' | 'list-item'

/** Pre-broken lines: draw them one per line with `lineHeight` (Lightning: wordWrap false, lines joined by "\n"). */
export interface TextItem extends ItemBox {
  kind: 'text'
  role: TextRole
  lines: string[]
  font: FontSpec
  lineHeight: number
  /** The block began on an earlier page. */
  continued: boolean
  /** List bullet to draw in the indent left of x (unordered lists, first part of an item only). */
  marker?: string
}

export interface TableCell {
  /** Left edge of the cell box, relative to the row. Text starts at x + padding. */
  x: number
  /** Width of the cell box; lines are at most width - 2 × padding wide. */
  width: number
  lines: string[]
}

export interface TableRowItem extends ItemBox {
  kind: 'table-row'
  header: boolean
  /** A header repeated at the top of a page the table continues on. */
  repeated: boolean
  /** The rest of a row too tall for one page. */
  continued: boolean
  cells: TableCell[]
  font: FontSpec
  lineHeight: number
  /** Horizontal text inset inside a cell. */
  padding: number
  /** Vertical text inset (padding / 2): cell text starts at y = paddingY. */
  paddingY: number
}

export interface SdkCardField {
  /** Index of the field in the entry's `fields`. */
  index: number
  /** The label as authored. */
  label: string
  /** The label broken to the label column (empty on the continuation of a field split across pages). */
  labelLines: string[]
  /** The value's lines. */
  lines: string[]
  /** Value column: x and width relative to the card. */
  x: number
  width: number
  /** Label column: x and width relative to the card (labels use `labelFont`). */
  labelX: number
  labelWidth: number
  /** Top of the field relative to the card. */
  y: number
}

export interface SdkCardItem extends ItemBox {
  kind: 'sdk-card'
  /** The SDK name's lines, drawn at (padding, padding) in titleFont; empty on a continuation part. */
  title: string[]
  titleFont: FontSpec
  titleLineHeight: number
  fields: SdkCardField[]
  /** Value font. */
  font: FontSpec
  /** Label font. */
  labelFont: FontSpec
  lineHeight: number
  padding: number
  continued: boolean
}

/** A link as a QR square (`size` px at the item's top-left) with caption lines at (captionX, captionY). */
export interface QrItem extends ItemBox {
  kind: 'qr'
  href: string
  /** The UI caption, then the link as written, broken to captionWidth. */
  caption: string[]
  size: number
  captionX: number
  captionY: number
  captionWidth: number
  captionFont: FontSpec
  captionLineHeight: number
}

export type PageItem = TextItem | TableRowItem | SdkCardItem | QrItem

export interface Page {
  index: number
  sectionId: string
  /** For the reader's header (ordinal included). */
  sectionTitle: string
  items: PageItem[]
}

export interface Pagination {
  pages: Page[]
  /** First page of every section, by section id. */
  sectionFirstPage: Record<string, number>
  textSize: TextSize
}
