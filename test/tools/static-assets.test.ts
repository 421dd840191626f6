// The TV app's shipped images: the icon metadata.json names and the splash exist and are PNGs
// of the sizes launchers expect (read from the IHDR chunk, no image library needed).
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '../..')
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Width, height, bit depth and colour type from a PNG's IHDR, or an error naming what is wrong. */
function pngHeader(file: string): { width: number; height: number; bitDepth: number; colorType: number } {
  const b = readFileSync(file)
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`${file} is not a PNG`)
  // The first chunk must be IHDR (length 13) right after the signature.
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') throw new Error(`${file} has no IHDR first`)
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bitDepth: b[24], colorType: b[25] }
}

describe('static assets', () => {
  const metadata = JSON.parse(readFileSync(resolve(ROOT, 'metadata.json'), 'utf8')) as { name: string; icon?: string }

  it('metadata.json names an icon under static/ that is a 512×512 PNG', () => {
    expect(metadata.icon).toBe('./static/icon.png')
    expect(pngHeader(resolve(ROOT, metadata.icon!))).toMatchObject({ width: 512, height: 512, bitDepth: 8 })
  })

  it('ships a 1920×1080 PNG splash', () => {
    expect(pngHeader(resolve(ROOT, 'static/splash.png'))).toMatchObject({ width: 1920, height: 1080, bitDepth: 8 })
  })

  it('refuses what is not a PNG', () => {
    expect(() => pngHeader(resolve(ROOT, 'metadata.json'))).toThrow('is not a PNG')
  })
})
