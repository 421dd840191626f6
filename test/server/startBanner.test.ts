// The start-up text: the line scripts wait for, the phone link and a terminal QR that a phone
// camera decodes to exactly that link.
import jsQR from 'jsqr'
import { describe, expect, it } from 'vitest'
import { localUrl, startBanner } from '../../src/server/startBanner'

/** Reads the small terminal QR (half blocks, black on white) back into pixels and decodes it. */
function decodeTerminalQr(text: string): string | null {
  const rows: boolean[][] = []
  for (const line of text.split('\n')) {
    if (!line.includes('\x1b[47m')) continue
    // The renderer draws its bottom quiet-zone row in white foreground: all light.
    const lightOnly = line.includes('\x1b[37m')
    const chars = [...line.replace(/\x1b\[\d+m/g, '')]
    const top = chars.map((c) => !lightOnly && (c === '█' || c === '▀'))
    const bottom = chars.map((c) => !lightOnly && (c === '█' || c === '▄'))
    rows.push(top, bottom)
  }
  const scale = 6
  const margin = 4
  const width = Math.max(...rows.map((r) => r.length)) + 2 * margin
  const height = rows.length + 2 * margin
  const px = new Uint8ClampedArray(width * scale * height * scale * 4).fill(255)
  rows.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + margin) * scale + dy) * width * scale + (x + margin) * scale + dx) * 4
          px[i] = px[i + 1] = px[i + 2] = 0
        }
    }),
  )
  return jsQR(px, width * scale, height * scale)?.data ?? null
}

describe('startBanner', () => {
  it('prints the TV app, the LAN URL, the phone link and its QR in dev mode', async () => {
    const text = await startBanner({ host: '0.0.0.0', port: 8080, publicUrl: 'http://192.168.1.20:8080', dev: true })
    const lines = text.split('\n')
    expect(lines.slice(0, 3)).toEqual(['Miitee TV: http://localhost:8080/', 'Miitee TV on the network: http://192.168.1.20:8080/', 'Phone link: http://192.168.1.20:8080/link'])
    expect(decodeTerminalQr(text)).toBe('http://192.168.1.20:8080/link')
  })

  it('draws no QR of a localhost link, and none outside dev mode', async () => {
    const local = await startBanner({ host: '127.0.0.1', port: 8080, publicUrl: 'http://localhost:8080', dev: true })
    expect(local).toBe('Miitee TV: http://localhost:8080/\nPhone link: http://localhost:8080/link\n')
    const prod = await startBanner({ host: '127.0.0.1', port: 8080, publicUrl: 'https://tv.example.com/miitee', dev: false })
    expect(prod).toBe('Miitee TV: http://localhost:8080/\nMiitee TV on the network: https://tv.example.com/miitee/\nPhone link: https://tv.example.com/miitee/link\n')
  })

  it('opens wildcard and loopback hosts as localhost', () => {
    expect(localUrl('0.0.0.0', 1)).toBe('http://localhost:1/')
    expect(localUrl('::', 1)).toBe('http://localhost:1/')
    expect(localUrl('::1', 1)).toBe('http://localhost:1/')
    expect(localUrl('192.168.1.5', 1)).toBe('http://192.168.1.5:1/')
  })
})
