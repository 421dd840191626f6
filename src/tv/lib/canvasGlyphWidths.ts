import { createGlyphWidthCache, type GlyphWidthCache } from '../../core/text/glyphWidths'
import type { FontSpec } from '../../core/text/glyphWidths'
import type { FontAdvanceTable } from '../../core/text/fontMetrics'
import { FONT_FAMILY } from './screen'
import { fontMetrics } from './fontMetrics'

/** Widths further apart than this mean the table does not describe the font the canvas draws with. */
const TOLERANCE_PX = 0.01

/**
 * Glyph widths in the same canvas font string Lightning's text renderer uses, so pre-broken
 * lines fit exactly when Lightning draws them. With the build's advance table, widths come from
 * it once a few glyphs measured on the canvas agree with it for that font (a firmware font, or
 * a web font that failed to load, fails the check and is measured glyph by glyph).
 */
export function canvasGlyphWidths(family = FONT_FAMILY, table: FontAdvanceTable | null = fontMetrics()): GlyphWidthCache {
  const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D
  let lastFont = ''
  const measure = (glyph: string, css: string) => {
    if (css !== lastFont) {
      ctx.font = css
      lastFont = css
    }
    return ctx.measureText(glyph).width
  }
  const trusted = new Map<string, boolean>()
  const tableAgrees = (css: string, font: FontSpec, weight: 'normal' | 'bold') => {
    let ok = trusted.get(css)
    if (ok === undefined) {
      const probes = table!.probes(weight)
      ok = probes.length > 0 && probes.every((cp) => Math.abs(measure(String.fromCodePoint(cp), css) - table!.advance(weight, cp)! * font.size) <= TOLERANCE_PX)
      trusted.set(css, ok)
    }
    return ok
  }
  const cache = createGlyphWidthCache((glyph: string, font: FontSpec) => {
    const fam = font.family ?? family
    const weight = font.weight === 'bold' ? 'bold' : 'normal'
    const css = `${weight === 'bold' ? 'bold ' : ''}${font.size}px "${fam}"`
    if (table && fam === table.family && tableAgrees(css, font, weight)) {
      const em = table.advance(weight, glyph.codePointAt(0)!)
      if (em !== undefined) return em * font.size
    }
    return measure(glyph, css)
  })
  // Forgetting the widths (e.g. after a web font loaded) also re-checks the table against the canvas.
  return {
    ...cache,
    clear() {
      trusted.clear()
      cache.clear()
    },
  }
}
