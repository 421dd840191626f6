// @vitest-environment jsdom
import 'vitest-canvas-mock'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FontSpec } from '../../../src/core/layout/types'
import { createGlyphWidthCache } from '../../../src/core/text/glyphWidths'
import { MAX_TEXTURE_SIDE, PageTextAtlas, PageTextTexture, type BlockSpec } from '../../../src/tv/text/pageTextAtlas'
import { canvasFont } from '../../../src/tv/text/canvasGlyphWidths'
import { seededRandom } from '../../../tools/lib/seededRandom'

// The web fonts' state as the atlas sees it: settled unless a test says otherwise.
const fonts = vi.hoisted(() => ({ settled: true, whenSettled: Promise.resolve() as Promise<void> }))
vi.mock('../../../src/tv/text/fontLoader', () => ({
  fontsAreSettled: () => fonts.settled,
  fontsSettled: () => fonts.whenSettled,
}))

// 9/16 em per glyph: an exact binary fraction, so the expected sizes below carry no rounding noise.
const GLYPH_EM = 0.5625
const widths = () => createGlyphWidthCache((_glyph, font) => GLYPH_EM * font.size)
const lineWidth = (line: string, font: FontSpec) => [...line].length * GLYPH_EM * font.size

type Factory = (cb: (err: Error | null, canvas?: HTMLCanvasElement) => void, stage: { getDrawingCanvas(): HTMLCanvasElement }) => void
interface Settings {
  type?: unknown
  content?: { factory: Factory; lookupId: string }
  x?: number
  y?: number
  w?: number
  h?: number
  block?: { lines: string[]; font: FontSpec; lineHeight: number; color: number }
  line?: number
}
interface Block {
  lines: string[]
  font: FontSpec
  lineHeight: number
  color: number
}

/** One line of a block as PageTextAtlas.text() hands it out: its element's y in the block, its tint, its region. */
interface LineSpec {
  y: number
  color: number
  settings: Settings
}

/** The lines of a block's spec: the spec itself for one line, else its children. */
function linesOf(spec: BlockSpec): LineSpec[] {
  if ('children' in spec) return spec.children.map((c) => ({ y: c.y, color: c.color, settings: c.texture as Settings }))
  return [{ y: 0, color: spec.color, settings: spec.texture as Settings }]
}

function build(blocks: Block[]) {
  const atlas = new PageTextAtlas(widths())
  const specs = blocks.map((b) => atlas.text(b.lines, b.font, b.lineHeight, b.color))
  atlas.pack()
  const lines = specs.map(linesOf)
  return { atlas, specs, lines, settings: lines.flat().map((l) => l.settings) }
}

/** Where a line's baseline is drawn on the page: its element's y plus the baseline's place in its region (from the sheet's drawing). */
function drawnBaselines(blocks: Block[]) {
  const { lines } = build(blocks)
  const rec = recordingCanvas()
  runFactory(lines[0][0].settings, rec.canvas)
  return lines.map((ls, b) =>
    ls.map((l, i) => {
      const d = rec.draws.find((dr) => dr.x === l.settings.x && dr.y >= l.settings.y! && dr.y < l.settings.y! + l.settings.h! && dr.text === blocks[b].lines[i])
      return d ? l.y + d.y - l.settings.y! : NaN
    }),
  )
}

function sheetSize(lookupId: string): { W: number; H: number } {
  const m = /^miitee-page:(\d+)x(\d+)\|/.exec(lookupId)
  if (!m) throw new Error(`unexpected lookupId ${lookupId.slice(0, 40)}`)
  return { W: Number(m[1]), H: Number(m[2]) }
}

/** Deterministic mix of headings, paragraphs and table cells, like a policy page. */
function page(n: number, seed = 7): Block[] {
  const rnd = seededRandom(seed)
  const blocks: Block[] = []
  for (let i = 0; i < n; i++) {
    const size = [20, 24, 28, 36][Math.floor(rnd() * 4)]
    const count = 1 + Math.floor(rnd() * 6)
    const lines = Array.from({ length: count }, (_, j) => `${i}:${j} ` + 'あ'.repeat(1 + Math.floor(rnd() * 40)))
    blocks.push({ lines, font: { size, weight: rnd() < 0.3 ? 'bold' : 'normal' }, lineHeight: Math.round(size * 1.4 * 10) / 10, color: 0xffe8edf2 })
  }
  return blocks
}

/** A canvas whose 2D context records what the factory sets and draws. */
function recordingCanvas(noContext = false) {
  const draws: { text: string; x: number; y: number; font: string; fillStyle: unknown }[] = []
  const ctx = {
    font: '',
    fillStyle: '#000000' as unknown,
    textBaseline: 'top',
    fillText(text: string, x: number, y: number) {
      draws.push({ text, x, y, font: ctx.font, fillStyle: ctx.fillStyle })
    },
  }
  const contextTypes: string[] = []
  const canvas = document.createElement('canvas')
  canvas.width = 1
  canvas.height = 1
  Object.defineProperty(canvas, 'getContext', {
    value: (type: string) => (contextTypes.push(type), noContext ? null : ctx),
  })
  return { canvas, ctx, draws, contextTypes }
}

function runFactory(settings: Settings, canvas: HTMLCanvasElement) {
  const results: { err: Error | null; canvas?: HTMLCanvasElement }[] = []
  settings.content!.factory((err, c) => results.push({ err, canvas: c }), { getDrawingCanvas: () => canvas })
  return results
}

describe('canvasFont', () => {
  it('writes the canvas font string with the app family unless the font names one', () => {
    expect(canvasFont({ size: 28 })).toBe('28px "MiiteeSans"')
    expect(canvasFont({ size: 28, weight: 'normal' })).toBe('28px "MiiteeSans"')
    expect(canvasFont({ size: 36, weight: 'bold' })).toBe('bold 36px "MiiteeSans"')
    expect(canvasFont({ size: 20, family: 'Other' })).toBe('20px "Other"')
  })
})

describe('PageTextAtlas.text', () => {
  it('returns the colour and texture settings of type PageTextTexture without content before pack(), for one line', () => {
    const atlas = new PageTextAtlas(widths())
    const spec = atlas.text(['abc'], { size: 20 }, 30, 0xff112233)
    expect('children' in spec).toBe(false)
    const [line] = linesOf(spec)
    expect(line.color).toBe(0xff112233)
    expect(line.settings.type).toBe(PageTextTexture)
    expect(line.settings.content).toBeUndefined()
    expect(Object.keys(line.settings)).toEqual(['type'])
  })

  it('returns a child element per line for more lines, at whole pixels one line height apart, each in the block\'s colour', () => {
    const atlas = new PageTextAtlas(widths())
    const spec = atlas.text(['a', 'b', 'c', 'd'], { size: 20 }, 28.5, 0xff445566)
    expect('children' in spec).toBe(true)
    const lines = linesOf(spec)
    expect(lines.map((l) => l.y)).toEqual([0, 28, 57, 85])
    expect(lines.every((l) => l.color === 0xff445566 && l.settings.type === PageTextTexture)).toBe(true)
    expect(new Set(lines.map((l) => l.settings)).size).toBe(4)
  })

  it('sizes each line\'s region as ceil(its width) by its baseline plus the font descent', () => {
    const font = { size: 20 }
    // 11.25 px a glyph: 33.75 and 78.75 px wide lines.
    const { lines } = build([
      { lines: ['abc', 'abcdefg'], font, lineHeight: 30, color: 0 },
      { lines: ['a', 'bb', 'c'], font, lineHeight: 28.5, color: 0 },
      // A line height under the font size: one line is the font size plus its descent.
      { lines: ['ab'], font, lineHeight: 16, color: 0 },
    ])
    // Baseline 20 px down (plus the line height's fraction: 28.5 → 0.5 on the second line) and 0.3 em of descent.
    expect(lines.map((ls) => ls.map((l) => [l.settings.w, l.settings.h]))).toEqual([
      [
        [34, 26],
        [79, 26],
      ],
      [
        [12, 26],
        [23, 27],
        [12, 26],
      ],
      [[23, 26]],
    ])
  })

  it('matches the size formula on a mixed page, and takes less texture than the blocks\' rectangles', () => {
    const blocks = page(30)
    const { lines } = build(blocks)
    let lineArea = 0
    let blockArea = 0
    blocks.forEach((b, i) => {
      b.lines.forEach((l, j) => {
        const s = lines[i][j].settings
        expect(s.w).toBe(Math.max(1, Math.ceil(lineWidth(l, b.font))))
        expect(s.h).toBe(Math.ceil(j * b.lineHeight - Math.floor(j * b.lineHeight) + 1.3 * b.font.size))
        lineArea += s.w! * s.h!
      })
      blockArea += Math.ceil(Math.max(...b.lines.map((l) => lineWidth(l, b.font)))) * Math.ceil(b.lineHeight * (b.lines.length - 1) + 1.3 * b.font.size)
    })
    expect(lineArea).toBeLessThan(0.8 * blockArea)
  })

  it('draws every line\'s baseline where Lightning would put it: a font size down, then one line height apart', () => {
    const blocks: Block[] = [
      { lines: ['one', 'two', 'three'], font: { size: 20 }, lineHeight: 28.5, color: 0 },
      { lines: ['x', 'y', 'z', 'w', 'v'], font: { size: 36, weight: 'bold' }, lineHeight: 50.4, color: 0 },
      { lines: ['single'], font: { size: 24 }, lineHeight: 40, color: 0 },
    ]
    const got = drawnBaselines(blocks)
    blocks.forEach((b, i) => b.lines.forEach((_, j) => expect(got[i][j]).toBeCloseTo(j * b.lineHeight + b.font.size, 9)))
  })

  it('gives a title or label line its own region (line())', () => {
    const atlas = new PageTextAtlas(widths())
    const spec = atlas.line('同意', { size: 32, weight: 'bold' }, 0xffffffff)
    atlas.pack()
    const s = spec.texture as Settings
    expect(spec.color).toBe(0xffffffff)
    expect([s.w, s.h]).toEqual([36, Math.ceil(32 * 1.3)])
    expect(s.block?.lines).toEqual(['同意'])
    expect(s.line).toBe(0)
  })

  it('caps a region wider than the texture limit at MAX_TEXTURE_SIDE', () => {
    const { settings } = build([{ lines: ['x'.repeat(400)], font: { size: 20 }, lineHeight: 30, color: 0 }])
    expect(MAX_TEXTURE_SIDE).toBe(2048)
    expect(settings[0].w).toBe(MAX_TEXTURE_SIDE)
    expect(sheetSize(settings[0].content!.lookupId).W).toBeLessThanOrEqual(MAX_TEXTURE_SIDE)
  })

  it('throws when called after pack()', () => {
    const atlas = new PageTextAtlas(widths())
    atlas.text(['a'], { size: 20 }, 30, 0)
    atlas.pack()
    expect(() => atlas.text(['b'], { size: 20 }, 30, 0)).toThrow(/after pack/)
    expect(() => atlas.line('b', { size: 20 }, 0)).toThrow(/after pack/)
  })
})

describe('PageTextAtlas.pack', () => {
  it('gives every region a position, a size, the block it belongs to and its line there', () => {
    const blocks = page(12)
    const { lines } = build(blocks)
    lines.forEach((ls, i) => {
      expect(ls).toHaveLength(blocks[i].lines.length)
      ls.forEach(({ settings: s }, j) => {
        for (const k of ['x', 'y', 'w', 'h'] as const) expect(Number.isInteger(s[k]), `${i}/${j}.${k}`).toBe(true)
        expect(s.content?.lookupId).toMatch(/^miitee-page:\d+x\d+\|/)
        expect(typeof s.content?.factory).toBe('function')
        expect(s.block).toEqual(blocks[i])
        expect(s.line).toBe(j)
      })
    })
  })

  it('keeps regions of one sheet at least 2 px apart and inside the sheet', () => {
    for (const seed of [1, 7, 42, 99]) {
      const { settings } = build(page(25, seed))
      for (const a of settings) {
        const { W, H } = sheetSize(a.content!.lookupId)
        expect(W).toBeLessThanOrEqual(MAX_TEXTURE_SIDE)
        expect(H).toBeLessThanOrEqual(MAX_TEXTURE_SIDE)
        expect(a.x! + a.w!).toBeLessThanOrEqual(W)
        expect(a.y! + a.h!).toBeLessThanOrEqual(H)
        for (const b of settings) {
          if (a === b || a.content!.lookupId !== b.content!.lookupId) continue
          // Grown by the gap on the right and bottom, two regions' rectangles must not meet.
          const apart = a.x! + a.w! + 2 <= b.x! || b.x! + b.w! + 2 <= a.x! || a.y! + a.h! + 2 <= b.y! || b.y! + b.h! + 2 <= a.y!
          expect(apart, `seed ${seed}: ${JSON.stringify([a.x, a.y, a.w, a.h])} vs ${JSON.stringify([b.x, b.y, b.w, b.h])}`).toBe(true)
        }
      }
    }
  })

  it('puts lines taller than one texture in total on a second sheet, each at most 2048 px', () => {
    // 100 lines of 26 px, 1035 px wide: two never share a shelf, and 100 × 28 px do not fit one sheet.
    const line = 'x'.repeat(90)
    const blocks = Array.from({ length: 10 }, (_, i) => ({ lines: Array.from({ length: 10 }, (_, j) => `${i}${j}${line}`), font: { size: 20 }, lineHeight: 30, color: 0 }))
    const { settings } = build(blocks)
    expect([settings[0].w, settings[0].h]).toEqual([1035, 26])
    const ids = [...new Set(settings.map((s) => s.content!.lookupId))]
    expect(ids).toHaveLength(2)
    const factories = new Set(settings.map((s) => s.content!.factory))
    expect(factories.size).toBe(2)
    for (const id of ids) {
      const { W, H } = sheetSize(id)
      expect(W).toBeLessThanOrEqual(MAX_TEXTURE_SIDE)
      expect(H).toBeLessThanOrEqual(MAX_TEXTURE_SIDE)
      const sheet = settings.filter((s) => s.content!.lookupId === id)
      // One texture source per sheet: its regions share the factory.
      expect(new Set(sheet.map((s) => s.content!.factory)).size).toBe(1)
      for (const s of sheet) expect(s.y! + s.h!).toBeLessThanOrEqual(H)
    }
    // 73 × 26 + 72 × 2 = 2042 px; a 74th would end at 2070.
    expect(settings.filter((s) => s.content!.lookupId === ids[0])).toHaveLength(73)
  })

  it('keeps one sheet (one lookupId) for a page that fits', () => {
    const { settings } = build(page(10))
    expect(new Set(settings.map((s) => s.content!.lookupId)).size).toBe(1)
    expect(new Set(settings.map((s) => s.content!.factory)).size).toBe(1)
  })

  it('gives identical pages the same lookupIds and a page with one line changed another', () => {
    const ids = (blocks: Block[]) => build(blocks).lines.map((ls) => ls[0].settings.content!.lookupId)
    const a = ids(page(15))
    expect(ids(page(15))).toEqual(a)
    const changed = page(15)
    changed[7].lines[0] = changed[7].lines[0].replace('あ', 'い')
    expect(ids(changed)[7]).not.toBe(a[7])
    const heavier = page(15)
    heavier[3].font = { ...heavier[3].font, weight: heavier[3].font.weight === 'bold' ? 'normal' : 'bold' }
    expect(ids(heavier)[3]).not.toBe(a[3])
  })

  it('gives the same lookupId whatever the colours, since the texture holds white coverage only', () => {
    const ids = (blocks: Block[]) => build(blocks).settings.map((s) => s.content!.lookupId)
    const tinted = page(8).map((b) => ({ ...b, color: 0xffe5484d }))
    expect(ids(tinted)).toEqual(ids(page(8)))
  })

  it('does nothing on a second pack()', () => {
    const atlas = new PageTextAtlas(widths())
    const s = linesOf(atlas.text(['a', 'b'], { size: 20 }, 30, 0))[1].settings
    atlas.pack()
    const content = s.content
    atlas.pack()
    expect(s.content).toBe(content)
  })

  it('packs an atlas without text into nothing', () => {
    expect(() => new PageTextAtlas(widths()).pack()).not.toThrow()
  })
})

describe('PageTextAtlas content factory', () => {
  afterEach(() => {
    fonts.settled = true
    fonts.whenSettled = Promise.resolve()
  })

  it('draws every line of every region in white at its baseline, in its font, on a canvas of the sheet size', () => {
    const blocks = page(12)
    const { settings, lines } = build(blocks)
    const { W, H } = sheetSize(settings[0].content!.lookupId)
    const rec = recordingCanvas()
    const results = runFactory(settings[0], rec.canvas)
    expect(results).toEqual([{ err: null, canvas: rec.canvas }])
    expect([rec.canvas.width, rec.canvas.height]).toEqual([W, H])
    expect(rec.contextTypes).toEqual(['2d'])
    expect(rec.ctx.textBaseline).toBe('alphabetic')
    const expected = blocks.flatMap((b, r) =>
      b.lines.map((text, i) => {
        const { y, settings: s } = lines[r][i]
        return { text, x: s.x, y: s.y! + (i * b.lineHeight - y + b.font.size), font: canvasFont(b.font), fillStyle: '#ffffff' }
      }),
    )
    const byText = (a: { text: string }, b: { text: string }) => a.text.localeCompare(b.text)
    expect([...rec.draws].sort(byText)).toEqual(expected.sort(byText))
  })

  it('sets the font again when consecutive regions differ only in weight', () => {
    const { settings } = build([
      { lines: ['normal'], font: { size: 20 }, lineHeight: 30, color: 0 },
      { lines: ['bold'], font: { size: 20, weight: 'bold' }, lineHeight: 30, color: 0 },
      { lines: ['normal again'], font: { size: 20 }, lineHeight: 30, color: 0 },
    ])
    const rec = recordingCanvas()
    runFactory(settings[0], rec.canvas)
    expect(Object.fromEntries(rec.draws.map((d) => [d.text, d.font]))).toEqual({
      normal: '20px "MiiteeSans"',
      bold: 'bold 20px "MiiteeSans"',
      'normal again': '20px "MiiteeSans"',
    })
  })

  it('draws only its own sheet\'s regions', () => {
    const line = 'x'.repeat(90)
    const blocks = Array.from({ length: 10 }, (_, i) => ({ lines: Array.from({ length: 10 }, (_, j) => `${i}-${j}${line}`), font: { size: 20 }, lineHeight: 30, color: 0 }))
    const { settings } = build(blocks)
    const first = settings[0].content!.lookupId
    const onFirst = settings.filter((s) => s.content!.lookupId === first).map((s) => s.block!.lines[s.line!])
    const rec = recordingCanvas()
    runFactory(settings[0], rec.canvas)
    expect(rec.draws.map((d) => d.text).sort()).toEqual(onFirst.sort())
    expect(onFirst.length).toBeLessThan(100)
  })

  it('reports an error to the callback when the canvas gives no 2D context', () => {
    const { settings } = build(page(3))
    const rec = recordingCanvas(true)
    const results = runFactory(settings[0], rec.canvas)
    expect(results).toHaveLength(1)
    expect(results[0].err).toBeInstanceOf(Error)
    expect(results[0].canvas).toBeUndefined()
  })

  it('waits for the web fonts before drawing, then draws and calls back once', async () => {
    fonts.settled = false
    let release: () => void = () => undefined
    fonts.whenSettled = new Promise<void>((r) => (release = r))
    const { settings } = build(page(3))
    const rec = recordingCanvas()
    const results = runFactory(settings[0], rec.canvas)
    // Drawn now, the page would show the fallback font.
    expect(results).toHaveLength(0)
    expect(rec.draws).toHaveLength(0)
    fonts.settled = true
    release()
    await fonts.whenSettled
    await Promise.resolve()
    expect(results).toHaveLength(1)
    expect(results[0]).toEqual({ err: null, canvas: rec.canvas })
    expect(rec.draws.length).toBeGreaterThan(0)
  })
})

describe('PageTextTexture', () => {
  // Lightning creates the texture with `new type(stage)` and patches the other settings onto it.
  const fakeStage = { textureManager: {} } as never
  // Lightning's Texture members the typings leave out.
  const asLightning = (t: PageTextTexture) => t as unknown as { patch(settings: object): void; isValid: boolean; _getLookupId(): string }

  it('shows its line as its text, and knows its block', () => {
    const { settings } = build([{ lines: ['第一行', 'second line', ''], font: { size: 20 }, lineHeight: 30, color: 0 }])
    const texts = settings.map((s) => {
      const texture = new PageTextTexture(fakeStage)
      expect(texture.text).toBe('')
      asLightning(texture).patch(s)
      expect(texture.block?.lineHeight).toBe(30)
      return texture.text
    })
    expect(texts).toEqual(['第一行', 'second line', ''])
  })

  it('takes the sheet\'s lookup id and the region as its clipping', () => {
    const { settings } = build(page(6))
    const s = settings[3]
    const texture = new PageTextTexture(fakeStage)
    asLightning(texture).patch(s)
    expect(asLightning(texture)._getLookupId()).toBe(s.content!.lookupId)
    expect([texture.x, texture.y, texture.w, texture.h]).toEqual([s.x, s.y, s.w, s.h])
    expect(asLightning(texture).isValid).toBe(true)
  })
})
