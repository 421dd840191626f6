// What one pagination lays out with: the metrics of its text size, the body box capped by the
// texture limit, the fonts of every text role, and line breaking in those fonts.

import type { FontSpec, GlyphMeasurer, GlyphWidthCache } from '../text/glyphWidths'
import { breakText, type BrokenText } from '../text/lineBreaker'
import { TEXT_METRICS } from './metrics'
import type { LayoutOptions, TextMetrics } from './types'

export const DEFAULT_MAX_TEXTURE_SIZE = 2048

/** The font of every text role, at the pagination's text size. */
export interface LayoutFonts {
  body: FontSpec
  bodyBold: FontSpec
  section: FontSpec
  heading: FontSpec
  subheading: FontSpec
  table: FontSpec
  tableBold: FontSpec
  card: FontSpec
  cardLabel: FontSpec
  cardTitle: FontSpec
  caption: FontSpec
}

export class LayoutContext {
  readonly m: TextMetrics
  /** Content width: the body width, capped by the texture limit. */
  readonly W: number
  readonly H: number
  /** Tallest item: the page height, capped by the texture limit. */
  readonly maxItemH: number
  readonly qrSize: number
  readonly fonts: LayoutFonts

  constructor(
    readonly options: LayoutOptions,
    private readonly widths: GlyphWidthCache,
  ) {
    const m = TEXT_METRICS[options.textSize]
    if (!m) throw new RangeError(`unknown text size ${String(options.textSize)}`)
    this.m = m
    const maxTex = options.maxTextureSize ?? DEFAULT_MAX_TEXTURE_SIZE
    const { width, height } = options.page
    if (!(maxTex >= 256)) throw new RangeError(`maxTextureSize ${maxTex} is below 256`)
    if (!(width >= 8 * m.bodySize) || !Number.isFinite(width)) {
      throw new RangeError(`body width ${width} is too narrow for text size ${options.textSize} (needs ${8 * m.bodySize})`)
    }
    this.W = Math.floor(Math.min(width, maxTex))
    this.H = height
    this.maxItemH = Math.floor(Math.min(height, maxTex))
    const minH =
      2 * m.sectionTitleLineHeight + m.sectionTitleGap + 2 * m.headingLineHeight + m.headingGapAfter + 2 * m.bodyLineHeight
    if (!(this.maxItemH >= minH) || !Number.isFinite(height)) {
      throw new RangeError(`body height ${height} is too short for text size ${options.textSize} (needs ${minH})`)
    }
    if (!(options.qrSize > 0)) throw new RangeError(`qrSize ${options.qrSize} must be positive`)
    this.qrSize = Math.floor(Math.min(options.qrSize, this.W / 3, this.maxItemH / 2))

    const fam = options.fontFamily
    const font = (size: number, bold: boolean): FontSpec =>
      fam === undefined ? { size, weight: bold ? 'bold' : 'normal' } : { size, weight: bold ? 'bold' : 'normal', family: fam }
    this.fonts = {
      body: font(m.bodySize, false),
      bodyBold: font(m.bodySize, true),
      section: font(m.sectionTitleSize, true),
      heading: font(m.headingSize, true),
      subheading: font(m.subheadingSize, true),
      table: font(m.tableSize, false),
      tableBold: font(m.tableSize, true),
      card: font(m.cardSize, false),
      cardLabel: font(m.cardSize, true),
      cardTitle: font(m.cardTitleSize, true),
      caption: font(m.captionSize, false),
    }
  }

  measurer(font: FontSpec): GlyphMeasurer {
    return this.widths.measurer(font)
  }

  lines(text: string, width: number, font: FontSpec): BrokenText {
    return breakText(text, width, this.measurer(font))
  }
}
