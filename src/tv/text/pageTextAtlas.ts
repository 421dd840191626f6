import { Lightning } from '@lightningjs/sdk'
import type { FontSpec } from '../../core/layout/types'
import type { GlyphWidthCache } from '../../core/text/glyphWidths'
import { appGlyphWidths, canvasFont } from './canvasGlyphWidths'
import { FONT_DESCENT_EM } from '../theme/screen'
import { fontsAreSettled, fontsSettled } from './fontLoader'

/** Many TV GPUs cap a texture side here. */
export const MAX_TEXTURE_SIDE = 2048
/** Empty pixels between regions, so filtering never picks up a neighbour's edge. */
const GAP = 2

/** Pre-broken lines in one font and colour: what one text element of a page shows. */
export interface TextBlock {
  lines: string[]
  font: FontSpec
  lineHeight: number
  /** ARGB, as Lightning colours are written */
  color: number
}

/** One line's rectangle in the atlas. */
interface Region {
  text: string
  font: FontSpec
  /** the baseline's distance from the region's top */
  baseline: number
  w: number
  h: number
  x: number
  y: number
  /** the block the line belongs to, and its index there */
  block: TextBlock
  line: number
  /** the texture settings handed to Lightning; filled in when the atlas is packed */
  settings: Record<string, unknown>
}

/** Element settings showing one region: its tint and its texture. */
export interface RegionSpec {
  color: number
  texture: Record<string, unknown>
}

/** Element settings showing a block: one line is one region; more lines are child elements, a region each, one line height apart. */
export type BlockSpec = RegionSpec | { children: (RegionSpec & { y: number })[] }

/**
 * One line of a page's atlas. Lightning shares one texture source (one canvas, one upload) among
 * every region with the same lookup id; each region shows its rectangle of it by clipping.
 */
export class PageTextTexture extends Lightning.textures.StaticCanvasTexture {
  /** The block this line belongs to (read by tests and the benchmark probe), and its index there. */
  block: TextBlock | null = null
  line = 0

  get text(): string {
    return this.block ? (this.block.lines[this.line] ?? '') : ''
  }
}

/**
 * Draws all the text of one page into one canvas: the page's text elements show regions of it.
 * Lightning's own text elements cost a canvas, a measuring pass over every line and an upload
 * each; a page has ten to twenty of them. Here the lines are already broken and measured by the
 * paginator, so the page is drawn once, without measuring, and uploaded once. Each line is a
 * region of its own, as wide as its glyphs and as tall as one line's ascent and descent: the
 * leading between lines and the empty end of a paragraph's last line take no texture. Regions
 * are packed in shelves, tallest first; a page whose text would not fit one 2048 px texture gets
 * a second.
 *
 *   const atlas = new PageTextAtlas()
 *   const specs = items.map((it) => ({ x: it.x, y: it.y, ...atlas.text(it.lines, it.font, it.lineHeight, color) }))
 *   atlas.pack()            // before Lightning sees the specs
 */
export class PageTextAtlas {
  private readonly regions: Region[] = []
  private readonly widths: GlyphWidthCache
  private packed = false

  constructor(widths?: GlyphWidthCache) {
    // The paginator's own cache by default: the widths it broke the lines with, looked up again.
    this.widths = widths ?? appGlyphWidths()
  }

  /** Element settings showing `lines` in `color`, one line height apart (pass to Lightning after pack()). */
  text(lines: string[], font: FontSpec, lineHeight: number, color: number): BlockSpec {
    const block: TextBlock = { lines, font, lineHeight, color }
    if (lines.length === 1) return { color, texture: this.region(block, 0, font.size) }
    return {
      children: lines.map((_, i) => {
        // Whole-pixel element positions keep the texture unfiltered; the fraction of the line
        // height moves the baseline inside the region instead, where Lightning would put it.
        const y = Math.floor(i * lineHeight)
        return { y, color, texture: this.region(block, i, i * lineHeight - y + font.size) }
      }),
    }
  }

  /** Element settings showing one line of text in `color` (a title, a label). */
  line(text: string, font: FontSpec, color: number): RegionSpec {
    return { color, texture: this.region({ lines: [text], font, lineHeight: font.size, color }, 0, font.size) }
  }

  private region(block: TextBlock, line: number, baseline: number): Record<string, unknown> {
    if (this.packed) throw new Error('PageTextAtlas: text() or line() after pack()')
    const text = block.lines[line]
    const font = block.font
    // The first baseline a font size down, as Lightning puts it, and room for the font's descent
    // below (0.288 em in Noto Sans SC).
    const w = Math.min(MAX_TEXTURE_SIDE, Math.max(1, Math.ceil(this.widths.width(text, font))))
    const h = Math.ceil(baseline + font.size * FONT_DESCENT_EM)
    const settings: Record<string, unknown> = { type: PageTextTexture }
    this.regions.push({ text, font, baseline, w, h, x: 0, y: 0, block, line, settings })
    return settings
  }

  /** Places every region and completes the texture settings handed out by text(). */
  pack(): void {
    if (this.packed) return
    this.packed = true
    // Shelves as wide as the widest block, or as a square sheet of the total area if that is
    // wider, so narrow blocks of one width (table cells) sit side by side instead of in a column.
    const area = this.regions.reduce((a, r) => a + (r.w + GAP) * (r.h + GAP), 0)
    const shelfWidth = Math.max(...this.regions.map((r) => r.w), Math.min(MAX_TEXTURE_SIDE, Math.ceil(Math.sqrt(area))))
    // First fit, tallest first: each region goes on the first shelf with room left, so short
    // headings and cells fill the ends of shelves opened by long paragraphs.
    const order = this.regions.map((_, i) => i).sort((a, b) => this.regions[b].h - this.regions[a].h || a - b)
    type Shelf = { y: number; h: number; x: number }
    let sheet: Region[] = []
    let shelves: Shelf[] = []
    let bottom = 0
    const close = () => {
      if (sheet.length) finishSheet(sheet, Math.max(...sheet.map((r) => r.x + r.w)), bottom)
      sheet = []
      shelves = []
      bottom = 0
    }
    for (const i of order) {
      const r = this.regions[i]
      let shelf = shelves.find((sh) => r.h <= sh.h && sh.x + r.w <= shelfWidth)
      if (!shelf) {
        const y = shelves.length ? bottom + GAP : 0
        if (y + r.h > MAX_TEXTURE_SIDE && sheet.length) {
          close()
          shelf = { y: 0, h: r.h, x: 0 }
        } else {
          shelf = { y, h: r.h, x: 0 }
        }
        shelves.push(shelf)
        bottom = shelf.y + shelf.h
      }
      r.x = shelf.x
      r.y = shelf.y
      shelf.x += r.w + GAP
      sheet.push(r)
    }
    close()
  }
}

function finishSheet(regions: Region[], width: number, height: number): void {
  const h = Math.min(MAX_TEXTURE_SIDE, height)
  // Same content, same id: a page drawn again (flipping back) reuses the texture if Lightning still holds it.
  const lookupId =
    `miitee-page:${width}x${h}|` +
    regions.map((r) => `${r.x},${r.y},${canvasFont(r.font)},${r.baseline}:${r.text}`).join('|')
  const factory = (cb: (err: Error | null, canvas?: HTMLCanvasElement) => void, stage: { getDrawingCanvas(): HTMLCanvasElement }) => {
    // The page is built while the fonts download; drawn before they are in, it would show the fallback font.
    if (!fontsAreSettled()) {
      void fontsSettled().then(() => factory(cb, stage))
      return
    }
    const canvas = stage.getDrawingCanvas()
    if (!drawSheet(canvas, regions, width, h)) return cb(new Error('no 2D canvas context'))
    cb(null, canvas)
  }
  for (const r of regions) {
    Object.assign(r.settings, {
      content: { factory, lookupId },
      x: r.x,
      y: r.y,
      w: r.w,
      h: r.h,
      block: r.block,
      line: r.line,
    })
  }
}

/** Draws the regions' lines in white (each element tints its region with its colour, so one texture serves every colour on the page). */
function drawSheet(canvas: HTMLCanvasElement, regions: Region[], width: number, height: number): boolean {
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (!ctx) return false
  ctx.textBaseline = 'alphabetic'
  // Unhinted glyphs, at the unhinted advances the layout already uses (and cheaper to draw in
  // Chromium). Engines without the property ignore it.
  ctx.textRendering = 'geometricPrecision'
  ctx.fillStyle = '#ffffff'
  let font = ''
  for (const r of regions) {
    const f = canvasFont(r.font)
    if (f !== font) ctx.font = font = f
    ctx.fillText(r.text, r.x, r.y + r.baseline)
  }
  return true
}

