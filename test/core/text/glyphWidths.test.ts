import { describe, expect, it } from 'vitest'
import { createGlyphWidthCache, fontKey, type FontSpec } from '../../../src/core/text/glyphWidths'

function recorder() {
  const calls: Array<[string, FontSpec]> = []
  const cache = createGlyphWidthCache((glyph, font) => {
    calls.push([glyph, font])
    return (glyph.codePointAt(0)! >= 0x2e80 ? 1 : 0.5) * font.size * (font.weight === 'bold' ? 1.1 : 1)
  })
  return { cache, calls }
}

describe('glyph width cache', () => {
  it('measures each glyph once per font and sums cached widths', () => {
    const { cache, calls } = recorder()
    const font = { size: 20 }
    expect(cache.width('一一a', font)).toBe(20 + 20 + 10)
    expect(calls.map((c) => c[0])).toEqual(['一', 'a'])
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, entries: 2, fonts: 1 })
    expect(cache.width('a一', font)).toBe(30)
    expect(calls).toHaveLength(2)
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 2 })
  })

  it('keeps surrogate pairs whole', () => {
    const { cache, calls } = recorder()
    expect(cache.width('𠀀😀', { size: 10 })).toBe(20)
    expect(calls.map((c) => c[0])).toEqual(['𠀀', '😀'])
    expect(calls.every((c) => c[0].length === 2)).toBe(true)
    // A lone surrogate is measured as itself rather than dropped.
    expect(cache.width('\ud800x', { size: 10 })).toBe(10 + 5)
  })

  it('keys the cache by size, weight and family', () => {
    const { cache, calls } = recorder()
    cache.width('一', { size: 10 })
    cache.width('一', { size: 10, weight: 'normal' })
    expect(calls).toHaveLength(1)
    expect(cache.width('一', { size: 10, weight: 'bold' })).toBe(11)
    expect(cache.width('一', { size: 12 })).toBe(12)
    cache.width('一', { size: 10, family: 'Other' })
    expect(calls).toHaveLength(4)
    expect(calls[3][1]).toEqual({ size: 10, weight: 'normal', family: 'Other' })
    expect(cache.stats().fonts).toBe(4)
    expect(fontKey({ size: 10 })).toBe(fontKey({ size: 10, weight: 'normal' }))
    expect(fontKey({ size: 10 })).not.toBe(fontKey({ size: 10, weight: 'bold' }))
  })

  it('returns one measurer per font, with per-code-point widths', () => {
    const { cache } = recorder()
    const m = cache.measurer({ size: 10 })
    expect(cache.measurer({ size: 10, weight: 'normal' })).toBe(m)
    expect(m.codePointWidth(0x4e00)).toBe(10)
    expect(m.width('ab')).toBe(10)
    expect(m.font).toEqual({ size: 10, weight: 'normal' })
  })

  it('clears cached widths and counters', () => {
    const { cache, calls } = recorder()
    cache.width('一', { size: 10 })
    cache.clear()
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, entries: 0 })
    cache.width('一', { size: 10 })
    expect(calls).toHaveLength(2)
  })

  it('treats a failed measurement as zero width', () => {
    const cache = createGlyphWidthCache(() => Number.NaN)
    expect(cache.width('abc', { size: 10 })).toBe(0)
  })
})
