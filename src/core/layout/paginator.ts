// Paginates a policy document into pages of small, pre-broken items for the TV reader.
//
// - Every section starts on a new page with its title.
// - Paragraphs and list items split between lines (textBlocks.ts); tables split between rows, with
//   the header row repeated on every page the table continues on (tables.ts); SDK cards never
//   split unless taller than a page (sdkCards.ts); links become QR codes (qr.ts).
// - Every item fits the body box and the texture limit (no side over maxTextureSize), so the
//   renderer can draw each item as a few small textures, and a page's textures are bounded by the
//   box whatever the document's length.
// - Widths come from a per-glyph cache; the work is linear in the document's length.

import type { Block, PolicyDocument } from '../policy/model'
import type { GlyphWidthCache } from '../text/glyphWidths'
import { LayoutContext } from './layoutContext'
import { PageFlow } from './pageFlow'
import { QrCodes } from './qr'
import { SdkCards } from './sdkCards'
import { Tables } from './tables'
import { sectionHeading, TextBlocks } from './textBlocks'
import type { LayoutOptions, Pagination } from './types'

export { TEXT_METRICS } from './metrics'
export { DEFAULT_MAX_TEXTURE_SIZE } from './layoutContext'
export { LIST_BULLET, sectionHeading } from './textBlocks'
export { isNameField } from './sdkCards'
export { pageOfAnchor } from './anchors'

/** Lays the document out into pages for the body box and text size in `options`. Pure: same input, same output. */
export function paginate(doc: PolicyDocument, options: LayoutOptions, widths: GlyphWidthCache): Pagination {
  const ctx = new LayoutContext(options, widths)
  const flow = new PageFlow(ctx.H, ctx.maxItemH)
  const qr = new QrCodes(ctx, flow)
  const text = new TextBlocks(ctx, flow, qr)
  const tables = new Tables(ctx, flow, qr)
  const sdk = new SdkCards(ctx, flow, qr)

  /** Height of the part of a block that must stay with a heading above it. */
  const leadHeight = (b: Block | undefined): number => {
    if (!b) return 0
    switch (b.type) {
      case 'heading':
      case 'paragraph':
      case 'list':
        return text.leadHeight(b)
      case 'table':
        return tables.leadHeight(b)
      case 'sdk':
        return sdk.leadHeight(b)
    }
  }

  for (const section of doc.sections) {
    flow.startSection(section.id, sectionHeading(section))
    text.sectionTitle(section)
    section.blocks.forEach((b, i) => {
      switch (b.type) {
        case 'heading':
          return text.heading(b, i, () => leadHeight(section.blocks[i + 1]))
        case 'paragraph':
          return text.paragraph(b, i)
        case 'list':
          return text.list(b, i)
        case 'table':
          return tables.table(b, i)
        case 'sdk':
          return sdk.sdk(b, i)
      }
    })
  }
  return { pages: flow.pages, sectionFirstPage: flow.sectionFirstPage, textSize: options.textSize }
}
