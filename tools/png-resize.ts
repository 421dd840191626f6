// Launcher icons at the sizes a platform documents, cut from the app's one icon (metadata.json),
// so an OEM who swaps that icon gets every package's icons from it.
import { PNG } from 'pngjs'

/**
 * Scales a PNG to `size`×`size` by averaging the source pixels each target pixel covers (box
 * filter, premultiplied by alpha), which keeps a downscaled mark smooth without a resampling library.
 */
export function resizePng(png: Buffer, size: number): Buffer {
  const src = PNG.sync.read(png)
  const out = Buffer.alloc(size * size * 4)
  const sx = src.width / size
  const sy = src.height / size
  for (let y = 0; y < size; y++) {
    const y0 = Math.floor(y * sy)
    const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy))
    for (let x = 0; x < size; x++) {
      const x0 = Math.floor(x * sx)
      const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx))
      let r = 0, g = 0, b = 0, a = 0, n = 0
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * src.width + xx) * 4
          const alpha = src.data[i + 3]
          r += src.data[i] * alpha
          g += src.data[i + 1] * alpha
          b += src.data[i + 2] * alpha
          a += alpha
          n++
        }
      }
      const o = (y * size + x) * 4
      out[o] = a ? Math.round(r / a) : 0
      out[o + 1] = a ? Math.round(g / a) : 0
      out[o + 2] = a ? Math.round(b / a) : 0
      out[o + 3] = Math.round(a / n)
    }
  }
  return PNG.sync.write({ width: size, height: size, data: out })
}

/** Width and height from a PNG's header. */
export function pngSize(png: Buffer): { width: number; height: number } {
  const { width, height } = PNG.sync.read(png)
  return { width, height }
}
