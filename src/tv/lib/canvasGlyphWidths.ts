import { createGlyphWidthCache, type GlyphWidthCache } from '../../core/text/glyphWidths'
import type { FontSpec } from '../../core/text/glyphWidths'
import { FONT_FAMILY } from './screen'

/**
 * Glyph widths measured with the same canvas font string Lightning's text renderer uses,
 * so pre-broken lines fit exactly when Lightning draws them.
 */
export function canvasGlyphWidths(family = FONT_FAMILY): GlyphWidthCache {
  const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D
  let lastFont = ''
  return createGlyphWidthCache((glyph: string, font: FontSpec) => {
    const css = `${font.weight === 'bold' ? 'bold ' : ''}${font.size}px "${font.family ?? family}"`
    if (css !== lastFont) {
      ctx.font = css
      lastFont = css
    }
    return ctx.measureText(glyph).width
  })
}
