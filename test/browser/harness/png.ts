// PNG decoding (8-bit, non-interlaced: what Chromium and WebKit write) and blank-screen detection.
import { inflateSync } from 'node:zlib'

export interface Rgba {
  width: number
  height: number
  /** width * height * 4 bytes, RGBA */
  data: Uint8Array
}

export function decodePng(png: Buffer): Rgba {
  if (png.readUInt32BE(0) !== 0x89504e47 || png.readUInt32BE(4) !== 0x0d0a1a0a) throw new Error('not a PNG')
  let width = 0, height = 0, depth = 0, colourType = 0, interlace = 0
  let palette: Buffer | undefined
  let trns: Buffer | undefined
  const idat: Buffer[] = []
  for (let pos = 8; pos < png.length;) {
    const len = png.readUInt32BE(pos)
    const type = png.toString('latin1', pos + 4, pos + 8)
    const body = png.subarray(pos + 8, pos + 8 + len)
    if (type === 'IHDR') {
      width = body.readUInt32BE(0)
      height = body.readUInt32BE(4)
      depth = body[8]
      colourType = body[9]
      interlace = body[12]
    } else if (type === 'PLTE') palette = body
    else if (type === 'tRNS') trns = body
    else if (type === 'IDAT') idat.push(body)
    else if (type === 'IEND') break
    pos += 12 + len
  }
  if (depth !== 8 || interlace !== 0) throw new Error(`unsupported PNG: bit depth ${depth}, interlace ${interlace}`)
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colourType]
  if (!channels) throw new Error(`unsupported PNG colour type ${colourType}`)
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const pixels = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const src = y * (stride + 1) + 1
    const dst = y * stride
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[dst + x - channels] : 0
      const b = y > 0 ? pixels[dst - stride + x] : 0
      const c = x >= channels && y > 0 ? pixels[dst - stride + x - channels] : 0
      let v = raw[src + x]
      if (filter === 1) v += a
      else if (filter === 2) v += b
      else if (filter === 3) v += (a + b) >> 1
      else if (filter === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c)
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      } else if (filter !== 0) throw new Error(`bad PNG filter ${filter}`)
      pixels[dst + x] = v & 0xff
    }
  }
  const data = new Uint8Array(width * height * 4)
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    let r, g, b, alpha = 255
    if (colourType === 0 || colourType === 4) {
      r = g = b = pixels[j]
      if (colourType === 4) alpha = pixels[j + 1]
    } else if (colourType === 3) {
      const k = pixels[j]
      r = palette![3 * k]; g = palette![3 * k + 1]; b = palette![3 * k + 2]
      alpha = trns && k < trns.length ? trns[k] : 255
    } else {
      r = pixels[j]; g = pixels[j + 1]; b = pixels[j + 2]
      if (colourType === 6) alpha = pixels[j + 3]
    }
    const o = i * 4
    data[o] = r; data[o + 1] = g; data[o + 2] = b; data[o + 3] = alpha
  }
  return { width, height, data }
}

export interface ImageStats {
  /** size of the analysed region, in screenshot pixels */
  width: number
  height: number
  /** distinct RGB colours over all pixels */
  distinctColours: number
  /** most frequent colour, '#rrggbb' */
  background: string
  /** pixels whose colour differs from the background by more than a small tolerance */
  nonBackgroundPixels: number
  nonBackgroundRatio: number
}

export interface Region {
  x: number
  y: number
  width: number
  height: number
}

/**
 * Colour statistics of a decoded screenshot, over `region` (clipped to the image) or the whole
 * image; transparent pixels count as black.
 */
export function imageStats(img: Rgba, region?: Region): ImageStats {
  const x0 = Math.max(0, Math.floor(region?.x ?? 0))
  const y0 = Math.max(0, Math.floor(region?.y ?? 0))
  const x1 = Math.min(img.width, Math.ceil(region ? region.x + region.width : img.width))
  const y1 = Math.min(img.height, Math.ceil(region ? region.y + region.height : img.height))
  const width = Math.max(0, x1 - x0)
  const height = Math.max(0, y1 - y0)
  const counts = new Map<number, number>()
  const n = width * height
  const d = img.data
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * img.width + x) * 4
      const k = d[o + 3] === 0 ? 0 : (d[o] << 16) | (d[o + 1] << 8) | d[o + 2]
      counts.set(k, (counts.get(k) ?? 0) + 1)
    }
  }
  let bg = 0, best = -1
  for (const [k, c] of counts) if (c > best) { best = c; bg = k }
  const [br, bgG, bb] = [(bg >> 16) & 255, (bg >> 8) & 255, bg & 255]
  let nonBg = 0
  for (const [k, c] of counts) {
    const dist = Math.abs(((k >> 16) & 255) - br) + Math.abs(((k >> 8) & 255) - bgG) + Math.abs((k & 255) - bb)
    if (dist > 24) nonBg += c
  }
  return {
    width,
    height,
    distinctColours: counts.size,
    background: `#${bg.toString(16).padStart(6, '0')}`,
    nonBackgroundPixels: nonBg,
    nonBackgroundRatio: n ? nonBg / n : 0,
  }
}

export interface BlankCheck {
  /** at least this many distinct colours (anti-aliased text alone gives dozens); default 8 */
  minColours?: number
  /** at least this many pixels clearly off the background colour; default 200 */
  minNonBackgroundPixels?: number
}

/** Throws when the screenshot looks blank: a flat fill or nearly so. */
export function assertNotBlank(stats: ImageStats, label: string, check: BlankCheck = {}): void {
  const minColours = check.minColours ?? 8
  const minPixels = check.minNonBackgroundPixels ?? 200
  if (stats.distinctColours < minColours || stats.nonBackgroundPixels < minPixels) {
    throw new Error(
      `screenshot ${label} looks blank: ${stats.distinctColours} distinct colours (need ≥ ${minColours}), ` +
        `${stats.nonBackgroundPixels} pixels off background ${stats.background} (need ≥ ${minPixels}), ${stats.width}×${stats.height}`,
    )
  }
}
