import { createGlyphWidthCache, type GlyphWidthCache } from '../../core/text/glyphWidths'
import type { FontSpec } from '../../core/text/glyphWidths'
import type { FontAdvanceTable } from '../../core/text/fontMetrics'
import { FONT_FAMILY } from '../theme/screen'
import { fontMetrics } from './fontMetrics'
import { fontsAreSettled } from './fontLoader'

/** Widths further apart than this mean the table does not describe the font the canvas draws with. */
const TOLERANCE_PX = 0.01

/** The canvas font string Lightning's text renderer and the page atlas draw with. */
export function canvasFont(font: FontSpec, family = FONT_FAMILY): string {
  return `${font.weight === 'bold' ? 'bold ' : ''}${font.size}px "${font.family ?? family}"`
}

export interface CanvasGlyphWidths extends GlyphWidthCache {
  /**
   * Checks the table against the canvas for every font it was used for before the fonts were in.
   * True when they all agree (or none was); otherwise every width is forgotten, so text is measured
   * again, and the caller lays out again what it laid out with them.
   */
  confirm(): boolean
}

/**
 * Glyph widths in the same canvas font string Lightning's text renderer uses, so pre-broken
 * lines fit exactly when Lightning draws them. With the build's advance table, widths come from
 * it once a few glyphs measured on the canvas agree with it for that font (a firmware font, or
 * a web font that failed to load, fails the check and is measured glyph by glyph). Without a
 * `table` argument it uses the one loadFontMetrics() loaded, once it has.
 *
 * While the web fonts are still downloading (`fontsReady()` false) the canvas cannot check the
 * table, so it is trusted: the first page is laid out during the download instead of after it.
 * confirm(), once they are in, checks what was trusted.
 */
export function canvasGlyphWidths(family = FONT_FAMILY, table?: FontAdvanceTable | null, fontsReady: () => boolean = fontsAreSettled): CanvasGlyphWidths {
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
  /** Fonts whose widths came from the table before the canvas could check it. */
  const assumed = new Map<string, { t: FontAdvanceTable; font: FontSpec; weight: 'normal' | 'bold' }>()
  const check = (t: FontAdvanceTable, css: string, font: FontSpec, weight: 'normal' | 'bold') => {
    const probes = t.probes(weight)
    return probes.length > 0 && probes.every((cp) => Math.abs(measure(String.fromCodePoint(cp), css) - t.advance(weight, cp)! * font.size) <= TOLERANCE_PX)
  }
  const tableAgrees = (t: FontAdvanceTable, css: string, font: FontSpec, weight: 'normal' | 'bold') => {
    let ok = trusted.get(css)
    if (ok === undefined) {
      if (!fontsReady()) {
        if (!assumed.has(css)) assumed.set(css, { t, font, weight })
        return true
      }
      ok = check(t, css, font, weight)
      trusted.set(css, ok)
    }
    return ok
  }
  const cache = createGlyphWidthCache((glyph: string, font: FontSpec) => {
    const t = table === undefined ? fontMetrics() : table
    const weight = font.weight === 'bold' ? 'bold' : 'normal'
    const css = canvasFont(font, family)
    if (t && (font.family ?? family) === t.family && tableAgrees(t, css, font, weight)) {
      const em = t.advance(weight, glyph.codePointAt(0)!)
      if (em !== undefined) return em * font.size
    }
    return measure(glyph, css)
  })
  // Forgetting the widths (e.g. after a web font loaded) also re-checks the table against the canvas.
  const clear = () => {
    trusted.clear()
    assumed.clear()
    cache.clear()
  }
  return {
    ...cache,
    clear,
    confirm() {
      let agree = true
      for (const [css, a] of assumed) {
        const ok = check(a.t, css, a.font, a.weight)
        trusted.set(css, ok)
        agree &&= ok
      }
      assumed.clear()
      // Keep the verdicts just measured; forget the widths, some of which came from a wrong table.
      if (!agree) cache.clear()
      return agree
    },
  }
}

let shared: CanvasGlyphWidths | null = null

/** The app's one glyph width cache: the paginator, the page atlas and other pages share its widths. */
export function appGlyphWidths(): CanvasGlyphWidths {
  return (shared ??= canvasGlyphWidths())
}
