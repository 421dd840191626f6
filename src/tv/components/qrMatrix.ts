import { create } from 'qrcode/lib/core/qrcode'

export interface QrMatrix {
  /** Modules per side (without quiet zone). */
  size: number
  version: number
  dark(row: number, col: number): boolean
}

export const QUIET_ZONE_MODULES = 4

export function qrMatrix(text: string, level: 'L' | 'M' | 'Q' | 'H' = 'M'): QrMatrix {
  const symbol = create(text, { errorCorrectionLevel: level })
  const { size, data } = symbol.modules
  return { size, version: symbol.version, dark: (r, c) => data[r * size + c] === 1 }
}

/**
 * Integer pixels per module that fit `maxPx` with the quiet zone; never below `minPx`
 * (a QR drawn smaller than that is not reliably scanned from a sofa).
 */
export function qrPixelsPerModule(size: number, maxPx: number, minPx = 1): number {
  return Math.max(minPx, Math.floor(maxPx / (size + 2 * QUIET_ZONE_MODULES)))
}

/** Draws the matrix on a white plate with the quiet zone, one fillRect per dark run. */
export function drawQr(ctx: CanvasRenderingContext2D, m: QrMatrix, ppm: number): number {
  const side = (m.size + 2 * QUIET_ZONE_MODULES) * ppm
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, side, side)
  ctx.fillStyle = '#000000'
  const off = QUIET_ZONE_MODULES * ppm
  for (let r = 0; r < m.size; r++) {
    let c = 0
    while (c < m.size) {
      if (!m.dark(r, c)) {
        c++
        continue
      }
      const start = c
      while (c < m.size && m.dark(r, c)) c++
      ctx.fillRect(off + start * ppm, off + r * ppm, (c - start) * ppm, ppm)
    }
  }
  return side
}
