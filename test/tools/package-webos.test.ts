// The webOS app layout against LG's documented appinfo.json (webostv.developer.lge.com/develop/
// references/appinfo-json: id, title, type, main, icon, version mandatory, largeIcon for the
// store; the icon 80×80 and largeIcon 130×130 PNG; the app id rules): LG's ares-package, which
// would validate it, is not installable here.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import { afterEach, describe, expect, it } from 'vitest'
import { checkWebosId, packageWebos } from '../../tools/package-webos'
import { readMetadata } from '../../tools/package-layout'
import { resizePng } from '../../tools/png-resize'
import { fixtureDist, ROOT } from './package-fixture'

const tmps: string[] = []
afterEach(() => tmps.splice(0).forEach((t) => rmSync(t, { recursive: true, force: true })))

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file)
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}

function layout(opts: { serviceUrl?: string; webosTvJs?: string } = {}) {
  const f = fixtureDist()
  tmps.push(f.tmp)
  const out = join(f.tmp, 'webos')
  const r = packageWebos({ dist: f.dist, out, ...opts })
  // JSON.parse also proves the file has no comments and only double quotes, as LG requires.
  const info = JSON.parse(readFileSync(join(out, 'appinfo.json'), 'utf8')) as Record<string, unknown>
  return { out, info, notes: r.notes, tmp: f.tmp }
}

describe('package:webos', () => {
  it('writes appinfo.json with every mandatory property, naming files that exist', () => {
    const { out, info } = layout()
    const meta = readMetadata()
    for (const key of ['id', 'title', 'type', 'main', 'icon', 'largeIcon', 'version', 'vendor']) expect(typeof info[key], key).toBe('string')
    expect(info).toMatchObject({ id: meta.identifier, title: meta.name, type: 'web', main: 'index.html', version: meta.version })
    expect(info.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(existsSync(join(out, info.main as string))).toBe(true)
    expect(pngSize(join(out, info.icon as string))).toEqual({ width: 80, height: 80 })
    expect(pngSize(join(out, info.largeIcon as string))).toEqual({ width: 130, height: 130 })
  })

  it('lets Back reach the app as a key (461), so Back at the root asks before leaving', () => {
    expect(layout().info.disableBackHistoryAPI).toBe(true)
  })

  it('follows the app id rules: lowercase, digits, - and ., not a prefix reserved for LG', () => {
    expect(checkWebosId('tv.miitee.app')).toBe('tv.miitee.app')
    expect(() => checkWebosId('TV.Miitee')).toThrow(expect.objectContaining({ code: 'PACKAGE_METADATA', field: 'identifier' }))
    expect(() => checkWebosId('com.webos.miitee')).toThrow(/reserved/)
    expect(() => checkWebosId('a')).toThrow(expect.objectContaining({ field: 'identifier' }))
  })

  it('copies the dist output without source maps; with a service URL, writes config.json', () => {
    const { out, notes } = layout({ serviceUrl: 'https://pair.example.com' })
    expect(existsSync(join(out, 'js/features/pairing.js'))).toBe(true)
    expect(existsSync(join(out, 'js/appBundle.js.map'))).toBe(false)
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toEqual({ pairingServiceUrl: 'https://pair.example.com' })
    expect(notes.join(' ')).toMatch(/webOSTV\.js/)
  })

  it("puts LG's webOSTV.js in the package and loads it first when the integrator supplies it", () => {
    const lib = join(mkdtempSync(join(tmpdir(), 'miitee-webostv-')), 'webOSTV.js')
    tmps.push(join(lib, '..'))
    writeFileSync(lib, 'window.webOS = {}\n')
    const { out, notes } = layout({ webosTvJs: lib })
    expect(readFileSync(join(out, 'webOSTVjs/webOSTV.js'), 'utf8')).toBe('window.webOS = {}\n')
    const scripts = Array.from(readFileSync(join(out, 'index.html'), 'utf8').matchAll(/<script src="([^"]+)"/g), (m) => m[1])
    expect(scripts[0]).toBe('webOSTVjs/webOSTV.js')
    expect(notes.join(' ')).not.toMatch(/webOSTV\.js/)
  })

  it('cuts the icons from the app icon, keeping its colours', () => {
    const icon = PNG.sync.read(readFileSync(join(ROOT, 'static/icon.png')))
    const small = PNG.sync.read(resizePng(readFileSync(join(ROOT, 'static/icon.png')), 80))
    expect([small.width, small.height]).toEqual([80, 80])
    // The dark background at the corner and the mark's colour at the centre survive the box filter.
    const px = (p: typeof icon, x: number, y: number) => Array.from(p.data.subarray((y * p.width + x) * 4, (y * p.width + x) * 4 + 4))
    expect(px(small, 0, 0)).toEqual(px(icon, 0, 0))
    const centre = px(icon, 256, 180)
    px(small, 40, 28).forEach((c, i) => expect(Math.abs(c - centre[i])).toBeLessThanOrEqual(24))
  })
})
