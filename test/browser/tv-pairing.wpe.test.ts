// Smoke of the pair screen in WPE WebKit (the RDK set-top-box engine), against the real pairing
// service process: the QR is on screen and decodes (jsQR) from a WPE screenshot to the pairing
// URL the TV shows, with whole screenshot pixels per module.
//
// The headless cog view is a fixed 800×600. At scale 1 ('native') the QR is cut off at the
// bottom (it spans 1080p rows 164–682); the harness default ('fit', 800/1920) makes the modules
// 5.8 px, blurred. Scale 0.5 shows the top-left 1600×1200 CSS px (the whole 960×540 stage) and
// keeps the modules crisp: 14 px at 1080p → 7 screenshot px.
import { copyFileSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild, screenshotPath, sleep } from './harness/common'
import { decodeQrPng, QR_URL_PATTERN, startServiceProcess, type PairHookState, type ServiceProcess } from './harness/pairing'
import { startWpe, type WpeSession } from './harness/wpe'

const SCALE = 0.5

describe('pair screen in WPE WebKit (smoke): QR visible and decodable from a screenshot', () => {
  let svc: ServiceProcess
  let wpe: WpeSession

  beforeAll(async () => {
    requireBuild()
    svc = await startServiceProcess()
    wpe = await startWpe({ view: 'native', cogArgs: [`--scale=${SCALE}`] })
  })
  afterAll(async () => {
    await wpe?.close()
    await svc?.close()
  })

  const route = () => wpe.execute<string>('return window.__miitee ? window.__miitee.route : ""')
  const pair = () => wpe.execute<PairHookState | null>('return window.__miitee && window.__miitee.state.pair ? JSON.parse(JSON.stringify(window.__miitee.state.pair)) : null')
  const menu = () =>
    wpe.execute<{ index: number; ids: string[] } | null>(`
      var found = null;
      (function find(el) {
        if (found || !el.enabled) return;
        if (el.constructor.name === 'MenuList') found = el;
        else if (el.childList) el.childList.forEach(find);
      })(window.__miitee.app.stage.root);
      return found && { index: found.index, ids: found.entries.map(function (e) { return e.id }) };`)
  const texts = () =>
    wpe.execute<string[]>(`
      var out = [];
      (function walk(el) {
        if (!el.enabled) return;
        var t = el.texture;
        if (t && typeof t.text === 'string' && t.text) out.push(t.text);
        if (el.childList) el.childList.forEach(walk);
      })(window.__miitee.app.stage.root);
      return out;`)

  async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
    const end = Date.now() + ms
    for (;;) {
      const v = await probe()
      if (ok(v)) return v
      if (Date.now() > end) throw new Error(`WPE: ${what} not reached in ${ms} ms (last: ${JSON.stringify(v)})`)
      await sleep(200)
    }
  }

  it('gate → 同意 → contents → 配对手机 with remote keys; the screenshot’s QR decodes to the code on screen, 10+ px per module at 1080p', async () => {
    await wpe.navigate(`${svc.url}/`, { clearStorage: true })
    expect(await wpe.waitForAppReady()).toBe('hook')
    expect(await until(route, (r) => !!r, 'first route')).toBe('gate')
    await wpe.press('Enter')
    expect(await until(route, (r) => r === 'policy', 'the reader')).toBe('policy')
    const m = await until(menu, (x) => !!x, 'the contents list')
    const target = m!.ids.indexOf('pair')
    expect(target).toBeGreaterThan(m!.index)
    await wpe.press('Down', { times: target - m!.index })
    expect((await menu())?.index).toBe(target)
    await wpe.press('Enter')
    expect(await until(route, (r) => r === 'pair', 'the pair page')).toBe('pair')
    const shown = (await until(pair, (p) => p?.phase === 'waiting' && !!p.qrUrl, 'a code on screen'))!
    expect(shown.qrModulePx).toBeGreaterThanOrEqual(10)

    const shot = await wpe.screenshot('tv-pair-qr')
    expect(shot.forcedFrames).toBe(true)
    // The whole stage is in view at this scale.
    expect(shot.canvas).toMatchObject({ x: 0, y: 0, width: 1920 * SCALE, height: 1080 * SCALE })
    copyFileSync(shot.path, screenshotPath('tv-pair-wpe-qr.png'))
    const png = readFileSync(shot.path)
    const qr = decodeQrPng(png, shot.canvas ?? undefined)
    expect(qr, `a QR code decodable in ${shot.path}`).not.toBeNull()
    expect(qr!.text).toBe(shown.qrUrl)
    expect(qr!.text).toMatch(QR_URL_PATTERN)
    expect(qr!.text.startsWith(`HTTP://127.0.0.1:${svc.port}/P/`)).toBe(true)
    // Module pitch measured in the screenshot: the hook's 1080p size times the view scale, whole pixels.
    expect(Math.abs(qr!.modulePx - shown.qrModulePx! * SCALE)).toBeLessThan(0.35)
    expect(qr!.modulePx / SCALE).toBeGreaterThanOrEqual(10)
    // Within the left part of the screen, clear of the code and the URL for typing.
    expect(qr!.bounds.x + qr!.bounds.width).toBeLessThan(960 * SCALE)

    const onScreen = await texts()
    expect(onScreen).toContain(shown.userCode)
    expect(onScreen.some((t) => t.includes(`${svc.url}/link`))).toBe(true)
    expect(onScreen).toContain('等待手机扫码…')

    // What the QR holds leads to the phone page.
    const res = await fetch(new URL(qr!.text).href)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await res.text()).toContain('<script')

    const errors = (await wpe.readConsole()).filter((l) => l.level === 'pageerror')
    expect(errors).toEqual([])
  })
})
