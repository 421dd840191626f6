// @vitest-environment jsdom
// The Tizen widget layout against what Samsung and Tizen document for a TV web app's config.xml
// (developer.samsung.com/tv/develop/guides/fundamentals/configuring-tv-applications; the
// TVInputDevice API page for tv.inputdevice): the Tizen CLI that would validate and sign it is
// not installable here.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { derivedPackageId, packageTizen, tizenConfigXml } from '../../tools/package-tizen'
import { readMetadata } from '../../tools/package-layout'
import { fixtureDist } from './package-fixture'

const W3C = 'http://www.w3.org/ns/widgets'
const TIZEN = 'http://tizen.org/ns/widgets'

function parseXml(xml: string): Document {
  const doc = new DOMParser().parseFromString(xml, 'application/xml')
  const err = doc.getElementsByTagName('parsererror')[0]
  if (err) throw new Error(`config.xml is not well-formed: ${err.textContent}`)
  return doc
}

const tmps: string[] = []
afterEach(() => tmps.splice(0).forEach((t) => rmSync(t, { recursive: true, force: true })))

function layout(opts: { serviceUrl?: string; packageId?: string } = {}) {
  const f = fixtureDist()
  tmps.push(f.tmp)
  const out = join(f.tmp, 'tizen')
  const r = packageTizen({ dist: f.dist, out, ...opts })
  const doc = parseXml(readFileSync(join(out, 'config.xml'), 'utf8'))
  return { out, doc, notes: r.notes, widget: doc.documentElement }
}

describe('package:tizen', () => {
  it('writes a config.xml with every documented required field, naming files that exist in the layout', () => {
    const { out, widget } = layout()
    const meta = readMetadata()
    expect(widget.namespaceURI).toBe(W3C)
    expect(widget.localName).toBe('widget')
    // Application version: x.y.z, each within {0-255}.{0-255}.{0-65535}.
    const [x, y, z] = widget.getAttribute('version')!.split('.').map(Number)
    expect(widget.getAttribute('version')).toBe(meta.version)
    expect(x <= 255 && y <= 255 && z <= 65535).toBe(true)
    // Application id: {package}.{name}, package 10 letters or digits.
    const app = widget.getElementsByTagNameNS(TIZEN, 'application')[0]
    const pkg = app.getAttribute('package')!
    expect(pkg).toMatch(/^[0-9A-Za-z]{10}$/)
    expect(app.getAttribute('id')).toMatch(new RegExp(`^${pkg}\\.[0-9A-Za-z]{1,52}$`))
    expect(app.getAttribute('required_version')).toMatch(/^\d+\.\d+$/)
    const content = widget.getElementsByTagNameNS(W3C, 'content')[0].getAttribute('src')!
    expect(existsSync(join(out, content))).toBe(true)
    const icon = widget.getElementsByTagNameNS(W3C, 'icon')[0].getAttribute('src')!
    expect(readFileSync(join(out, icon)).subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(widget.getElementsByTagNameNS(W3C, 'name')[0].textContent).toBe(meta.name)
    expect(widget.getElementsByTagNameNS(TIZEN, 'profile')[0].getAttribute('name')).toBe('tv-samsung')
  })

  it('declares the privileges the app uses: network, and the TV input device for registerKey', () => {
    const { widget } = layout()
    const privileges = Array.from(widget.getElementsByTagNameNS(TIZEN, 'privilege'), (p) => p.getAttribute('name'))
    expect(privileges).toEqual(expect.arrayContaining(['http://tizen.org/privilege/internet', 'http://tizen.org/privilege/tv.inputdevice']))
    // Back and the other hardware keys reach the page.
    expect(widget.getElementsByTagNameNS(TIZEN, 'setting')[0].getAttribute('hwkey-event')).toBe('enable')
  })

  it('copies the dist output without source maps and loads Samsung webapis before the boot script', () => {
    const { out } = layout()
    expect(existsSync(join(out, 'js/appBundle.js'))).toBe(true)
    expect(existsSync(join(out, 'js/features/pairing.js'))).toBe(true)
    expect(existsSync(join(out, 'js/appBundle.js.map'))).toBe(false)
    const html = readFileSync(join(out, 'index.html'), 'utf8')
    const scripts = Array.from(html.matchAll(/<script src="([^"]+)"/g), (m) => m[1])
    expect(scripts[0]).toBe('$WEBAPIS/webapis/webapis.js')
    expect(scripts.slice(1)).toEqual(['./js/boot.js', './js/lightning.min.js', './js/appBundle.js', './js/start.js'])
  })

  it('with a service URL, writes config.json and lets the widget reach that origin only', () => {
    const { out, widget, notes } = layout({ serviceUrl: 'https://pair.example.com/' })
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toEqual({ pairingServiceUrl: 'https://pair.example.com' })
    const access = Array.from(widget.getElementsByTagNameNS(W3C, 'access'), (a) => a.getAttribute('origin'))
    expect(access).toEqual(['https://pair.example.com'])
    expect(notes.join(' ')).not.toMatch(/no config\.json/)
  })

  it('without one, says the packaged app cannot find the service', () => {
    const { out, notes } = layout()
    expect(existsSync(join(out, 'config.json'))).toBe(false)
    expect(notes.join(' ')).toMatch(/no config\.json.*--service-url/)
  })

  it('keeps a store-assigned package id and refuses a malformed one, naming the option', () => {
    expect(layout({ packageId: 'AbCdE12345' }).widget.getElementsByTagNameNS(TIZEN, 'application')[0].getAttribute('id')).toBe('AbCdE12345.MiiteeTV')
    expect(() => tizenConfigXml(readMetadata(), { packageId: 'short' })).toThrow(expect.objectContaining({ code: 'PACKAGE_OPTION', field: 'package-id' }))
    expect(derivedPackageId('tv.miitee.app')).toBe(derivedPackageId('tv.miitee.app'))
    expect(derivedPackageId('tv.miitee.app')).not.toBe(derivedPackageId('tv.other.app'))
  })

  it('refuses a service URL that is not absolute http(s), and a dist folder that is not one', () => {
    const f = fixtureDist()
    tmps.push(f.tmp)
    expect(() => packageTizen({ dist: f.dist, out: join(f.tmp, 'a'), serviceUrl: 'pair.example.com' })).toThrow(expect.objectContaining({ code: 'PACKAGE_SERVICE_URL', field: 'service-url' }))
    expect(() => packageTizen({ dist: join(f.tmp, 'nothing'), out: join(f.tmp, 'b') })).toThrow(expect.objectContaining({ code: 'PACKAGE_NO_DIST', field: 'dist' }))
  })
})
