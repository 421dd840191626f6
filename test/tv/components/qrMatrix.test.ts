import { describe, expect, it } from 'vitest'
import jsQR from 'jsqr'
import { drawQr, qrMatrix, qrPixelsPerModule, QUIET_ZONE_MODULES } from '../../../src/tv/components/qrMatrix'

/** A minimal CanvasRenderingContext2D that records fillRect into an RGBA buffer. */
function rasterCtx(side: number) {
  const data = new Uint8ClampedArray(side * side * 4)
  let fill = [0, 0, 0]
  const ctx = {
    set fillStyle(v: string) {
      fill = v === '#ffffff' ? [255, 255, 255] : [0, 0, 0]
    },
    fillRect(x: number, y: number, w: number, h: number) {
      for (let yy = y; yy < y + h; yy++)
        for (let xx = x; xx < x + w; xx++) {
          const o = (yy * side + xx) * 4
          data[o] = fill[0]
          data[o + 1] = fill[1]
          data[o + 2] = fill[2]
          data[o + 3] = 255
        }
    },
  }
  return { ctx: ctx as unknown as CanvasRenderingContext2D, data }
}

describe('qrMatrix', () => {
  it('keeps an uppercase pairing URL at version 3 level M', () => {
    const url = 'HTTPS://MIITEE.TV/P/0123456789ABCDEFGHJKMNPQRS'
    expect(qrMatrix(url).version).toBe(3)
    expect(qrMatrix(url).size).toBe(29)
  })

  it('uses whole pixels per module with the quiet zone', () => {
    expect(qrPixelsPerModule(29, 400)).toBe(Math.floor(400 / (29 + 2 * QUIET_ZONE_MODULES)))
    expect(qrPixelsPerModule(29, 10, 2)).toBe(2)
  })

  it('draws a code a decoder reads back', () => {
    const text = 'https://www.umeng.com/page/policy'
    const m = qrMatrix(text)
    const ppm = 4
    const side = (m.size + 2 * QUIET_ZONE_MODULES) * ppm
    const { ctx, data } = rasterCtx(side)
    expect(drawQr(ctx, m, ppm)).toBe(side)
    expect(jsQR(data, side, side)?.data).toBe(text)
  })
})
