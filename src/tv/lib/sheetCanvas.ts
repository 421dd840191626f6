import type { FontSpec } from '../../core/layout/types'
import { canvasFont } from './canvasGlyphWidths'

/** Pre-broken lines placed on a sheet: what one region of a page's text atlas shows. */
export interface SheetText {
  lines: string[]
  font: FontSpec
  lineHeight: number
  x: number
  y: number
}

/** What Lightning uploads for a sheet: a canvas element, or an OffscreenCanvas's bitmap. */
export type SheetImage = HTMLCanvasElement | ImageBitmap

type Context2d = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D

let offscreen: boolean | undefined

/**
 * Whether sheets are drawn on an OffscreenCanvas. Its bitmap goes to WebGL without the copy a
 * canvas element takes: 1.5 Mpx of text uploaded in 9 ms against 14 (Chromium, SwiftShader).
 * Only where the engine has a 2D OffscreenCanvas that measures the app's font as a canvas element
 * does: one that did not see the document's web fonts would draw in a fallback font.
 */
function useOffscreen(): boolean {
  if (offscreen !== undefined) return offscreen
  offscreen = false
  if (typeof OffscreenCanvas !== 'function' || typeof OffscreenCanvas.prototype.transferToImageBitmap !== 'function') return false
  const off = new OffscreenCanvas(1, 1).getContext('2d')
  const element = document.createElement('canvas').getContext('2d')
  if (!off || !element) return false
  const probe = '隐私政策 Miitee 123'
  for (const font of [canvasFont({ size: 30 }), canvasFont({ size: 30, weight: 'bold' })]) {
    off.font = element.font = font
    if (off.measureText(probe).width !== element.measureText(probe).width) return false
  }
  return (offscreen = true)
}

/** The lines in white: each element tints its region with its colour, so one texture serves every colour of a page. */
function drawTexts(ctx: Context2d, texts: SheetText[]): void {
  ctx.textBaseline = 'alphabetic'
  ctx.fillStyle = '#ffffff'
  let font = ''
  for (const t of texts) {
    const f = canvasFont(t.font)
    if (f !== font) ctx.font = font = f
    t.lines.forEach((line, i) => ctx.fillText(line, t.x, t.y + i * t.lineHeight + t.font.size))
  }
}

/**
 * A sheet of `width` × `height` with `texts` drawn on it, or null without a 2D context. On an
 * OffscreenCanvas where that is usable (its bitmap is returned: taking it also starts the raster),
 * otherwise on the canvas element `canvas()` gives (Lightning's drawing canvas).
 */
export function drawSheet(texts: SheetText[], width: number, height: number, canvas: () => HTMLCanvasElement): SheetImage | null {
  if (useOffscreen()) {
    const sheet = new OffscreenCanvas(width, height)
    const ctx = sheet.getContext('2d')
    if (ctx) {
      drawTexts(ctx, texts)
      return sheet.transferToImageBitmap()
    }
  }
  const sheet = canvas()
  sheet.width = width
  sheet.height = height
  const ctx = sheet.getContext('2d')
  if (!ctx) return null
  drawTexts(ctx, texts)
  return sheet
}

/**
 * Starts rasterising a sheet drawn on a canvas element. Chromium records canvas drawing and
 * rasterises it on its GPU process when the canvas is first read: otherwise in the upload of the
 * frame that shows the page, which then waits for it (20–30 ms for the consent gate's first page).
 * Taking a bitmap starts it now. An OffscreenCanvas's bitmap is under way already.
 */
export function startRaster(image: SheetImage): void {
  if (typeof HTMLCanvasElement === 'undefined' || !(image instanceof HTMLCanvasElement) || typeof createImageBitmap !== 'function') return
  void createImageBitmap(image).then(
    (bitmap) => bitmap.close(),
    () => undefined,
  )
}
