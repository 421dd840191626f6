// @vitest-environment jsdom
import 'vitest-canvas-mock'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { SheetText } from '../../../src/tv/lib/sheetCanvas'

const TEXTS: SheetText[] = [
  { lines: ['隐私政策', '摘要'], font: { size: 40, weight: 'bold' }, lineHeight: 60, x: 0, y: 0 },
  { lines: ['我们非常重视您的个人信息。'], font: { size: 30 }, lineHeight: 48, x: 0, y: 130 },
]

/** A 2D context that records its draws; measures as `measure` says. */
function recordingContext(measure: (text: string, font: string) => number) {
  const draws: { text: string; x: number; y: number; font: string }[] = []
  const ctx = {
    font: '',
    fillStyle: '' as unknown,
    textBaseline: '',
    fillText: (text: string, x: number, y: number) => draws.push({ text, x, y, font: ctx.font }),
    measureText: (text: string) => ({ width: measure(text, ctx.font) }),
  }
  return { ctx, draws }
}

/** Installs an OffscreenCanvas whose contexts measure as `measure`; returns what it made. */
function stubOffscreen(measure: (text: string, font: string) => number) {
  const made: { width: number; height: number; draws: ReturnType<typeof recordingContext>['draws']; bitmap: object }[] = []
  class FakeOffscreenCanvas {
    private readonly rec = recordingContext(measure)
    readonly bitmap = { kind: 'bitmap', close: () => undefined }
    constructor(
      readonly width: number,
      readonly height: number,
    ) {
      made.push({ width, height, draws: this.rec.draws, bitmap: this.bitmap })
    }
    getContext(type: string) {
      return type === '2d' ? this.rec.ctx : null
    }
    transferToImageBitmap() {
      return this.bitmap
    }
  }
  vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas)
  return made
}

// The module remembers whether its engine's OffscreenCanvas is usable: each test loads it afresh.
async function load() {
  vi.resetModules()
  return import('../../../src/tv/lib/sheetCanvas')
}

/** How the canvas element of the test environment measures (the stub either agrees or not). */
function elementMeasure(text: string, font: string): number {
  const ctx = document.createElement('canvas').getContext('2d')!
  ctx.font = font
  return ctx.measureText(text).width
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('drawSheet', () => {
  it('draws on the canvas element it is given when the engine has no OffscreenCanvas', async () => {
    const { drawSheet } = await load()
    const canvas = document.createElement('canvas')
    const rec = recordingContext(() => 0)
    Object.defineProperty(canvas, 'getContext', { value: () => rec.ctx })
    const image = drawSheet(TEXTS, 320, 200, () => canvas)
    expect(image).toBe(canvas)
    expect([canvas.width, canvas.height]).toEqual([320, 200])
    expect(rec.draws).toEqual([
      { text: '隐私政策', x: 0, y: 40, font: 'bold 40px "MiiteeSans"' },
      { text: '摘要', x: 0, y: 100, font: 'bold 40px "MiiteeSans"' },
      { text: '我们非常重视您的个人信息。', x: 0, y: 160, font: '30px "MiiteeSans"' },
    ])
    expect(rec.ctx.fillStyle).toBe('#ffffff')
    expect(rec.ctx.textBaseline).toBe('alphabetic')
  })

  it('returns null when the canvas gives no 2D context', async () => {
    const { drawSheet } = await load()
    const canvas = document.createElement('canvas')
    Object.defineProperty(canvas, 'getContext', { value: () => null })
    expect(drawSheet(TEXTS, 10, 10, () => canvas)).toBeNull()
  })

  it('draws on an OffscreenCanvas and returns its bitmap when it measures the app font as a canvas element does', async () => {
    const made = stubOffscreen(elementMeasure)
    const { drawSheet } = await load()
    const fallback = vi.fn(() => document.createElement('canvas'))
    const image = drawSheet(TEXTS, 320, 200, fallback)
    expect(fallback).not.toHaveBeenCalled()
    const sheet = made.find((m) => m.width === 320)!
    expect(image).toBe(sheet.bitmap)
    expect(sheet.height).toBe(200)
    expect(sheet.draws.map((d) => d.text)).toEqual(['隐私政策', '摘要', '我们非常重视您的个人信息。'])
  })

  it('keeps to canvas elements when the OffscreenCanvas measures the font otherwise (it would draw a fallback font)', async () => {
    const made = stubOffscreen((text, font) => elementMeasure(text, font) + 1)
    const { drawSheet } = await load()
    const canvas = document.createElement('canvas')
    const image = drawSheet(TEXTS, 320, 200, () => canvas)
    expect(image).toBe(canvas)
    expect(made.some((m) => m.width === 320)).toBe(false)
  })
})

describe('startRaster', () => {
  it('takes a bitmap of a canvas element (which starts its raster) and none of a bitmap', async () => {
    const { startRaster } = await load()
    const taken: unknown[] = []
    vi.stubGlobal('createImageBitmap', (source: unknown) => (taken.push(source), Promise.resolve({ close: () => undefined })))
    const canvas = document.createElement('canvas')
    startRaster(canvas)
    startRaster({ width: 1, height: 1, close: () => undefined } as unknown as ImageBitmap)
    expect(taken).toEqual([canvas])
  })
})
