// Per-glyph width cache: measuring text on a TV is slow and a policy has few distinct glyphs, so
// each glyph is measured once per font and every width after that is a sum of cached numbers.

export interface FontSpec {
  size: number
  weight?: 'normal' | 'bold'
  family?: string
}

/** Measures one glyph (one code point, as a string) in a font. In the browser: canvas measureText. */
export type MeasureGlyph = (glyph: string, font: FontSpec) => number

/** Widths in one font. A line's width is the sum of its code points' widths, added left to right from 0. */
export interface GlyphMeasurer {
  readonly font: FontSpec
  /** Width of one code point. */
  codePointWidth(cp: number): number
  /** Width of a string: its code points' widths summed left to right (surrogate pairs are one glyph). */
  width(text: string): number
}

/**
 * What the line breaker measures with: a font-bound glyph measurer (fast path), or any function
 * giving a string's width, which the breaker then calls once per distinct glyph.
 */
export type TextMeasurer = GlyphMeasurer | ((text: string) => number)

export interface GlyphCacheStats {
  hits: number
  misses: number
  /** Distinct fonts seen. */
  fonts: number
  /** Cached (font, glyph) entries. */
  entries: number
}

export interface GlyphWidthCache {
  /** Width of `text` in `font`: the sum of cached per-glyph widths. */
  width(text: string, font: FontSpec): number
  /** A measurer bound to one font (reuse it in loops: it skips the font lookup). */
  measurer(font: FontSpec): GlyphMeasurer
  stats(): GlyphCacheStats
  /** Forget every cached width (e.g. after a web font finished loading). */
  clear(): void
}

/** Normalised cache key of a font: weight, size and family. `{size: 28}` and `{size: 28, weight: 'normal'}` share it. */
export function fontKey(font: FontSpec): string {
  return `${font.weight ?? 'normal'} ${font.size}px ${font.family ?? ''}`
}

function normalised(font: FontSpec): FontSpec {
  const f: FontSpec = { size: font.size, weight: font.weight ?? 'normal' }
  if (font.family !== undefined) f.family = font.family
  return f
}

/** Sums per-code-point widths of `text` left to right; `cpWidth` gets each code point once. */
export function sumCodePoints(text: string, cpWidth: (cp: number) => number): number {
  let w = 0
  const n = text.length
  for (let i = 0; i < n; i++) {
    // A surrogate pair is one code point; a lone surrogate counts as itself.
    const c = text.codePointAt(i)!
    if (c > 0xffff) i++
    w += cpWidth(c)
  }
  return w
}

export function createGlyphWidthCache(measureGlyph: MeasureGlyph): GlyphWidthCache {
  const measurers = new Map<string, GlyphMeasurer>()
  let hits = 0
  let misses = 0
  let entries = 0
  const tables: Map<number, number>[] = []

  function measurer(font: FontSpec): GlyphMeasurer {
    const key = fontKey(font)
    let m = measurers.get(key)
    if (m) return m
    const spec = normalised(font)
    const widths = new Map<number, number>()
    tables.push(widths)
    const codePointWidth = (cp: number): number => {
      const w = widths.get(cp)
      if (w !== undefined) {
        hits++
        return w
      }
      misses++
      const measured = measureGlyph(String.fromCodePoint(cp), spec)
      const v = Number.isFinite(measured) && measured > 0 ? measured : 0
      widths.set(cp, v)
      entries++
      return v
    }
    m = {
      font: spec,
      codePointWidth,
      width: (text: string) => sumCodePoints(text, codePointWidth),
    }
    measurers.set(key, m)
    return m
  }

  return {
    width: (text, font) => measurer(font).width(text),
    measurer,
    stats: () => ({ hits, misses, fonts: measurers.size, entries }),
    clear: () => {
      for (const t of tables) t.clear()
      hits = 0
      misses = 0
      entries = 0
    },
  }
}
