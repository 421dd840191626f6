// @vitest-environment jsdom
import 'vitest-canvas-mock'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseFontMetrics } from '../../../src/core/text/fontMetrics'
import { canvasGlyphWidths } from '../../../src/tv/text/canvasGlyphWidths'

const FAMILY = 'MiiteeSans'

// What the "live" font draws, in ems: the canvas stub multiplies these by the size in ctx.font.
const CANVAS_EM: Record<string, { normal: number; bold: number }> = {
  a: { normal: 0.5, bold: 0.55 },
  b: { normal: 0.6, bold: 0.65 },
  c: { normal: 0.7, bold: 0.75 },
  // Deliberately unlike the table below, so a width reveals where it came from.
  一: { normal: 1.0, bold: 1.0 },
  x: { normal: 0.45, bold: 0.5 },
}

/** Advances in font units (1000 per em): a, b, c are the probes of each weight (lowest advances first). */
function table(overrides: { normal?: Record<string, string>; bold?: Record<string, string> } = {}, family = FAMILY) {
  return parseFontMetrics({
    family,
    unitsPerEm: 1000,
    faces: {
      '400': overrides.normal ?? { '500': 'a', '600': 'b', '700': 'c', '920': '一' },
      '700': overrides.bold ?? { '550': 'a', '650': 'b', '750': 'c', '960': '一' },
    },
  })
}

describe('canvasGlyphWidths', () => {
  let measured: { text: string; font: string }[]
  // Per-test changes to what the canvas draws (a web font arriving), in ems by weight.
  let live: Record<string, { normal: number; bold: number }>

  beforeEach(() => {
    measured = []
    live = {}
    vi.spyOn(CanvasRenderingContext2D.prototype, 'measureText').mockImplementation(function (this: CanvasRenderingContext2D, text: string) {
      const font = this.font
      measured.push({ text, font })
      const size = Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1])
      const em = (live[text] ?? CANVAS_EM[text])?.[/\bbold\b|\b700\b/.test(font) ? 'bold' : 'normal'] ?? 0.3
      return { width: em * size } as TextMetrics
    })
  })
  afterEach(() => vi.restoreAllMocks())

  const measuredTexts = () => measured.map((m) => m.text)

  it('measures with the canvas font it sets (the stub reads size and weight from ctx.font)', () => {
    const widths = canvasGlyphWidths(FAMILY, null)
    expect(widths.width('a', { size: 20 })).toBeCloseTo(10, 9)
    expect(widths.width('a', { size: 20, weight: 'bold' })).toBeCloseTo(11, 9)
    expect(measured.map((m) => m.font)).toEqual([expect.stringContaining(FAMILY), expect.stringMatching(/bold/)])
  })

  it('takes widths from the table once the probes agree with the canvas, without measuring other glyphs', () => {
    const widths = canvasGlyphWidths(FAMILY, table())
    // 0.92 em from the table; the canvas would say 1.0 em.
    expect(widths.width('一', { size: 20 })).toBeCloseTo(18.4, 9)
    expect(widths.width('一', { size: 30 })).toBeCloseTo(27.6, 9)
    expect(measuredTexts()).not.toContain('一')
    // Only the probes were measured, once per canvas font.
    expect(measuredTexts().sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c'])
    // Probes' own widths need no second measurement.
    expect(widths.width('abc', { size: 20 })).toBeCloseTo(36, 9)
    expect(measured).toHaveLength(6)
  })

  it('checks the bold face separately and uses its advances when it agrees', () => {
    const widths = canvasGlyphWidths(FAMILY, table())
    expect(widths.width('一', { size: 20, weight: 'bold' })).toBeCloseTo(19.2, 9)
    expect(measuredTexts()).not.toContain('一')
    expect(measured.every((m) => /bold/.test(m.font))).toBe(true)
  })

  it('accepts probes that differ by less than 0.01 px', () => {
    // '920.0' is not an integer-like key, so it stays after '500.4' and 一 is not a probe.
    const widths = canvasGlyphWidths(FAMILY, table({ normal: { '500.4': 'a', '600': 'b', '700': 'c', '920.0': '一' } }))
    // Probe a: table 0.5004 × 20 = 10.008 px against 10 px on the canvas.
    expect(widths.width('一', { size: 20 })).toBeCloseTo(18.4, 9)
    expect(measuredTexts()).toContain('a')
    expect(measuredTexts()).not.toContain('一')
  })

  it('rejects the table when a probe is 0.02 px off', () => {
    const widths = canvasGlyphWidths(FAMILY, table({ normal: { '501': 'a', '600': 'b', '700': 'c', '920': '一' } }))
    expect(widths.width('一', { size: 20 })).toBeCloseTo(20, 9)
    expect(measuredTexts()).toContain('一')
  })

  it('measures every glyph on the canvas when one probe disagrees with the table', () => {
    // Probe b 0.61 em against the canvas's 0.6 em: 0.2 px apart at 20 px.
    const widths = canvasGlyphWidths(FAMILY, table({ normal: { '500': 'a', '610': 'b', '700': 'c', '920': '一' } }))
    expect(widths.width('一', { size: 20 })).toBeCloseTo(20, 9)
    expect(widths.width('b', { size: 20 })).toBeCloseTo(12, 9)
    expect(measuredTexts()).toContain('一')
    expect(measured.filter((m) => m.text === 'b').length).toBeGreaterThanOrEqual(2)
    // The verdict is kept per canvas font: the next glyph is measured without re-probing.
    const before = measured.length
    expect(widths.width('x', { size: 20 })).toBeCloseTo(9, 9)
    expect(measuredTexts().slice(before)).toEqual(['x'])
  })

  it('still uses the table for a weight whose probes agree when the other weight\'s do not', () => {
    const widths = canvasGlyphWidths(FAMILY, table({ bold: { '550': 'a', '650': 'b', '800': 'c', '960': '一' } }))
    expect(widths.width('一', { size: 20, weight: 'bold' })).toBeCloseTo(20, 9)
    expect(widths.width('一', { size: 20 })).toBeCloseTo(18.4, 9)
    expect(measured.filter((m) => m.text === '一').map((m) => /bold/.test(m.font))).toEqual([true])
  })

  it('measures a glyph the table does not list even when the table is trusted', () => {
    const widths = canvasGlyphWidths(FAMILY, table())
    expect(widths.width('一', { size: 20 })).toBeCloseTo(18.4, 9)
    expect(widths.width('x', { size: 20 })).toBeCloseTo(9, 9)
    expect(measuredTexts()).toContain('x')
    expect(measuredTexts()).not.toContain('一')
  })

  it('measures text in a family other than the table\'s', () => {
    const widths = canvasGlyphWidths(FAMILY, table())
    expect(widths.width('一', { size: 20, family: 'Other' })).toBeCloseTo(20, 9)
    expect(measured.map((m) => m.text)).toEqual(['一'])
    expect(measured[0].font).toContain('Other')
  })

  it('measures everything when the default family is not the table\'s', () => {
    const widths = canvasGlyphWidths('Fallback', table())
    expect(widths.width('一', { size: 20 })).toBeCloseTo(20, 9)
    expect(measuredTexts()).toEqual(['一'])
  })

  it('measures everything without a table', () => {
    const widths = canvasGlyphWidths(FAMILY, null)
    expect(widths.width('一a', { size: 20 })).toBeCloseTo(30, 9)
    expect(measuredTexts()).toEqual(['一', 'a'])
  })

  it('measures everything when the table has no probe for the weight', () => {
    const widths = canvasGlyphWidths(FAMILY, table({ normal: { '224': ' ' } }))
    expect(widths.width('一', { size: 20 })).toBeCloseTo(20, 9)
    expect(measuredTexts()).toEqual(['一'])
  })

  it('checks a rejected table again after clear(), and uses it once the canvas agrees', () => {
    // The table's a (0.501 em) is the web font's; the canvas first draws a fallback at 0.5 em.
    const widths = canvasGlyphWidths(FAMILY, table({ normal: { '501': 'a', '600': 'b', '700': 'c', '920': '一' } }))
    expect(widths.width('一', { size: 20 })).toBeCloseTo(20, 9)
    live = { a: { normal: 0.501, bold: 0.55 } }
    // The verdict and the width are kept until clear().
    expect(widths.width('一', { size: 20 })).toBeCloseTo(20, 9)
    widths.clear()
    const before = measured.length
    expect(widths.width('一', { size: 20 })).toBeCloseTo(18.4, 9)
    expect(measuredTexts().slice(before).sort()).toEqual(['a', 'b', 'c'])
  })

  it('checks a trusted table again after clear(), and measures once the canvas disagrees', () => {
    const widths = canvasGlyphWidths(FAMILY, table())
    expect(widths.width('一', { size: 20 })).toBeCloseTo(18.4, 9)
    live = { b: { normal: 0.62, bold: 0.65 } }
    widths.clear()
    expect(widths.width('一', { size: 20 })).toBeCloseTo(20, 9)
    expect(measuredTexts()).toContain('一')
  })

  describe('while the web fonts download', () => {
    // What fontsAreSettled() would say; the tests flip it when the fonts "arrive".
    let ready: boolean
    const fontsReady = () => ready
    beforeEach(() => {
      ready = false
    })

    /** The table's width of `text` in ems × size, summed: what the widths are when the table is trusted. */
    const tableWidth = (text: string, size: number, weight: 'normal' | 'bold' = 'normal') =>
      [...text].reduce((w, g) => w + table().advance(weight, g.codePointAt(0)!)! * size, 0)

    it('takes widths from the table without measuring anything on the canvas', () => {
      const widths = canvasGlyphWidths(FAMILY, table(), fontsReady)
      // The canvas would say 1.0 em for 一: the fallback font is drawn until the web font is in.
      expect(widths.width('一', { size: 20 })).toBeCloseTo(tableWidth('一', 20), 9)
      expect(widths.width('abc一', { size: 30, weight: 'bold' })).toBeCloseTo(tableWidth('abc一', 30, 'bold'), 9)
      expect(measured).toEqual([])
    })

    it('confirm() checks only the probes when they agree, keeps the widths and trusts the table afterwards', () => {
      const widths = canvasGlyphWidths(FAMILY, table(), fontsReady)
      const normal = widths.width('一', { size: 20 })
      const bold = widths.width('一', { size: 20, weight: 'bold' })
      ready = true
      expect(widths.confirm()).toBe(true)
      // The three probes of each font used, each measured in its own font; no other glyph.
      expect(measuredTexts().sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c'])
      expect(measured.filter((m) => /bold/.test(m.font)).map((m) => m.text).sort()).toEqual(['a', 'b', 'c'])
      const afterConfirm = measured.length
      expect(widths.width('一', { size: 20 })).toBe(normal)
      expect(widths.width('一', { size: 20, weight: 'bold' })).toBe(bold)
      // Glyphs not looked up before come from the table too, without probing again.
      expect(widths.width('abc', { size: 20 })).toBeCloseTo(tableWidth('abc', 20), 9)
      expect(widths.width('cab', { size: 20, weight: 'bold' })).toBeCloseTo(tableWidth('cab', 20, 'bold'), 9)
      expect(measured).toHaveLength(afterConfirm)
    })

    it('confirm() returns false when a probe disagrees, and the font is measured on the canvas from then on', () => {
      const widths = canvasGlyphWidths(FAMILY, table(), fontsReady)
      expect(widths.width('一', { size: 20 })).toBeCloseTo(tableWidth('一', 20), 9)
      expect(widths.stats().entries).toBeGreaterThan(0)
      // The web font failed to load: the fallback the canvas draws has another b.
      live = { b: { normal: 0.62, bold: 0.65 } }
      ready = true
      expect(widths.confirm()).toBe(false)
      // Every cached width is forgotten.
      expect(widths.stats().entries).toBe(0)
      const before = measured.length
      expect(widths.width('一', { size: 20 })).toBeCloseTo(CANVAS_EM['一'].normal * 20, 9)
      expect(widths.width('b', { size: 20 })).toBeCloseTo(live.b.normal * 20, 9)
      expect(measuredTexts().slice(before)).toContain('一')
    })

    it('confirm() with no font used before the fonts were in returns true and measures nothing', () => {
      expect(canvasGlyphWidths(FAMILY, table(), fontsReady).confirm()).toBe(true)
      expect(measured).toEqual([])

      // Nor does a second confirm() re-check what the first one already did.
      const widths = canvasGlyphWidths(FAMILY, table(), fontsReady)
      widths.width('一', { size: 20 })
      ready = true
      expect(widths.confirm()).toBe(true)
      const before = measured.length
      expect(widths.confirm()).toBe(true)
      expect(measured).toHaveLength(before)
    })

    it('checks a font first used after the fonts are in on first use, not in confirm()', () => {
      const widths = canvasGlyphWidths(FAMILY, table(), fontsReady)
      widths.width('一', { size: 20 })
      ready = true
      // The bold face the canvas draws disagrees with the table's.
      live = { c: { normal: 0.7, bold: 0.8 } }
      expect(widths.width('一', { size: 20, weight: 'bold' })).toBeCloseTo(CANVAS_EM['一'].bold * 20, 9)
      expect(measured.filter((m) => /bold/.test(m.font)).map((m) => m.text)).toContain('一')
      expect(measured.every((m) => /bold/.test(m.font))).toBe(true)
      const before = measured.length
      // Only the normal face was assumed: its probes agree, and the bold one is not checked again.
      expect(widths.confirm()).toBe(true)
      expect(measured.slice(before).map((m) => m.text).sort()).toEqual(['a', 'b', 'c'])
      expect(measured.slice(before).some((m) => /bold/.test(m.font))).toBe(false)
    })
  })
})
