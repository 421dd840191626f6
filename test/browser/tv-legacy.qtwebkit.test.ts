// The dist output in a real engine of the 2016–17 TV generation: QtWebKit 5.212 (AppleWebKit/602.1,
// Safari 10 class; no fetch, no document.fonts, no async functions), headless under Xvfb, driven
// by test/browser/qtwebkit/driver.py. Served by the pairing service as a deployment serves it,
// the page's loader picks the legacy build; the viewer goes gate → 同意 → contents → a section →
// a page flip, then #pair: the QR is decoded from the engine's own screenshot, a 360×640 Chromium
// phone claims and asks, the viewer decides with the remote, and the ledger holds exactly one
// record. Where even the legacy build cannot run, the page says so in the UI language.
// Screenshots: artifacts/screenshots/qtwebkit-*.png.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, type ChromiumSession } from './harness/chromium'
import { requireBuild } from './harness/common'
import { CONSENT_PROBE, decideOnTv, type Remote } from './harness/consent'
import { cdnHeaders, DIST_DIR, requireDist, stageDist, type StagedDist } from './harness/dist'
import { decodeQrPng, openableUrl, QR_URL_PATTERN, receiptsOf, startServiceProcess, statuses, type PairHookState, type ServiceProcess } from './harness/pairing'
import { newPhoneContext } from './harness/phone'
import { assertNotBlank, decodePng, imageStats } from './harness/png'
import { startStaticServer, type StaticServer } from './harness/server'
import { ACCEPTANCE_KEY, PREFERENCES_KEY, servedPolicyEntry, type HookSnapshot } from './harness/tv'
import { startQtWebKit, type QtShot, type QtWebKitSession } from './qtwebkit/session'

/** Width of `text` at `px` in the shipped regular face, from the font build's glyph advances. */
function shippedAdvance(text: string, px: number): number {
  const m = JSON.parse(readFileSync(join(DIST_DIR, 'static/fonts/MiiteeSans-metrics.json'), 'utf8')) as { unitsPerEm: number; faces: Record<string, Record<string, string>> }
  const advance = new Map<string, number>()
  for (const [units, chars] of Object.entries(m.faces['400'])) for (const ch of chars) advance.set(ch, Number(units))
  let total = 0
  for (const ch of text) {
    if (!advance.has(ch)) throw new Error(`no advance for ${JSON.stringify(ch)} in the font metrics`)
    total += advance.get(ch)!
  }
  return (total / m.unitsPerEm) * px
}

interface EngineChoice {
  build: string
  missing: string[]
  scripts: string[]
  failed: string[]
  errors: string[]
}

describe('the dist output in QtWebKit 5.212 (WebKit 602): the legacy build boots, reads and pairs', () => {
  let svc: ServiceProcess
  let qt: QtWebKitSession
  let phone: ChromiumSession
  let cdn: StaticServer
  const staged: StagedDist[] = []

  beforeAll(async () => {
    requireBuild()
    requireDist()
    const served = stageDist({ withPhonePage: true })
    const cdnCopy = stageDist({})
    staged.push(served, cdnCopy)
    // Another origin (a CDN) with the CSP it would send, listed in the service's TV_ORIGINS.
    const headers: Record<string, string> = {}
    cdn = await startStaticServer(cdnCopy.dir, { headers })
    svc = await startServiceProcess({ env: { STATIC_DIR: served.dir, TV_ORIGINS: `${new URL(cdn.url).origin},file://` } })
    Object.assign(headers, cdnHeaders(svc.url))
    writeFileSync(join(cdnCopy.dir, 'config.json'), JSON.stringify({ pairingServiceUrl: svc.url }))
    qt = await startQtWebKit()
    phone = await launchChromium()
  })
  afterAll(async () => {
    await qt?.close()
    await phone?.close()
    await svc?.close()
    await cdn?.close()
    for (const s of staged) s.close()
  })

  const state = () => qt.execute<HookSnapshot | null>('var h = window.__miitee; return h ? JSON.parse(JSON.stringify({ ready: h.ready, route: h.route, gate: h.state.gate, reader: h.state.reader })) : null')
  const engine = () => qt.execute<EngineChoice | null>('return window.__miiteeEngine ? JSON.parse(JSON.stringify(window.__miiteeEngine)) : null')
  const focused = () => qt.execute<string>('var p = window.__miitee.app.focusPath || []; return p.length ? String(p[p.length - 1].ref) : ""')
  const pair = () => qt.execute<PairHookState | null>('var h = window.__miitee; return h && h.state.pair ? JSON.parse(JSON.stringify(h.state.pair)) : null')
  const storage = (key: string) => qt.execute<string | null>(`return localStorage.getItem(${JSON.stringify(key)})`)
  const pageErrors = async () => (await qt.readConsole()).filter((m) => m.text.startsWith('pageerror'))
  const until = <T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms?: number) => qt.until(probe, ok, what, ms)
  const notBlank = (shot: QtShot) => {
    const stats = imageStats(decodePng(shot.png))
    assertNotBlank(stats, shot.path)
    return stats
  }

  it('serves the legacy build: boot → consent gate → 同意 → contents → a section → a page flip', async () => {
    expect(qt.userAgent).toMatch(/AppleWebKit\/602\.1/)
    const started = Date.now()
    await qt.navigate(`${svc.url}/`, 'localStorage.clear()')
    const gate = (await until(state, (s) => !!s?.ready && s.route === 'gate' && ((s.gate as { pageCount?: number } | undefined)?.pageCount ?? 0) > 0, 'the consent gate, laid out'))!
    const bootMs = Date.now() - started
    process.stdout.write(`QtWebKit 5.212: the legacy build's consent gate laid out ${bootMs} ms after navigation\n`)
    const choice = (await engine())!
    expect(choice.build).toBe('legacy')
    expect(choice.missing).toContain('modern syntax')
    expect(choice.scripts.every((s) => s.startsWith('./js/legacy/'))).toBe(true)
    expect(choice.failed).toEqual([])
    // Lightning draws with WebGL here (its mode 0).
    expect(await qt.execute<number>('return window.__miitee.app.stage._mode')).toBe(0)
    expect(gate.gate).toMatchObject({ pageIndex: 0 })
    expect(await focused()).toBe('B_agree')
    expect(await storage(ACCEPTANCE_KEY)).toBeNull()
    // Fonts without document.fonts: an @font-face rule in the page's stylesheet, loaded in time.
    expect(await qt.execute<boolean>('return typeof document.fonts === "undefined"')).toBe(true)
    const faces = await qt.execute<string[]>(
      'var out = []; for (var i = 0; i < document.styleSheets.length; i++) { var r = document.styleSheets[i].cssRules || []; for (var j = 0; j < r.length; j++) if (r[j].type === 5) out.push(r[j].style.getPropertyValue("font-family")); } return out',
    )
    expect(faces.length).toBeGreaterThanOrEqual(2)
    expect(await qt.execute<string[]>('return window.__miitee.logs.filter(function (l) { return /fonts not loaded/.test(l) })')).toEqual([])
    // By the time the gate is laid out, canvas text measures as the shipped font's own advances.
    const probe = 'BESbswy 0123 WMiil'
    const drawn = await qt.execute<number>(`var c = document.createElement('canvas').getContext('2d'); c.font = '400 100px MiiteeSans'; return c.measureText(${JSON.stringify(probe)}).width`)
    expect(Math.abs(drawn - shippedAdvance(probe, 100))).toBeLessThan(2)
    notBlank(await qt.screenshot('qtwebkit-1-gate'))

    await qt.press('Enter')
    const opened = (await until(state, (s) => s?.route === 'policy' && !!s.reader, 'the reader'))!
    expect(opened.reader).toMatchObject({ mode: 'Contents', pageIndex: 0 })
    const entry = servedPolicyEntry()
    expect(JSON.parse((await storage(ACCEPTANCE_KEY)) ?? 'null')).toMatchObject({ policyId: entry.id, version: entry.version, sha256: entry.sha256, locale: 'zh-CN' })
    notBlank(await qt.screenshot('qtwebkit-2-contents'))

    // Contents: 摘要, 隐私政策, 一, …: two Downs select 一, OK opens it, Right flips a page.
    const firstPageOfOne = await qt.execute<number>('return window.__miitee.pagination().sectionFirstPage.s1')
    expect(firstPageOfOne).toBeGreaterThan(0)
    await qt.press('Down', 2)
    await qt.press('Enter')
    const reading = (await until(state, (s) => s?.reader?.mode === 'Reading', 'section 一 open'))!.reader!
    expect(reading).toMatchObject({ sectionId: 's1', pageIndex: firstPageOfOne })
    const before = await qt.screenshot('qtwebkit-3-section')
    await qt.press('Right')
    const flipped = (await until(state, (s) => s?.reader?.pageIndex === reading.pageIndex + 1, 'the next page'))!.reader!
    expect(flipped.mode).toBe('Reading')
    const after = await qt.screenshot('qtwebkit-4-flipped')
    notBlank(after)
    expect(after.png.equals(before.png)).toBe(false)
    expect(await pageErrors()).toEqual([])
  })

  /** From the app's current screen: #pair, the QR from the screenshot, a phone claims and asks, the remote decides, one ledger record. */
  async function pairThroughTv(name = ''): Promise<void> {
    await qt.execute('location.hash = "#pair"')
    const shown = (await until(pair, (p) => p?.phase === 'waiting' && !!p.qrUrl, 'a code on screen', 20_000))!
    // The feature came as the legacy build's classic script (no import() in WebKit 602).
    expect(await qt.execute<string[]>('return [].map.call(document.querySelectorAll("script[src*=features]"), function (s) { return s.getAttribute("src") })')).toEqual([
      expect.stringMatching(/\/js\/legacy\/features\/pairing\.js$/),
    ])
    const shot = await qt.screenshot(`qtwebkit-5-pair-waiting${name}`)
    const qr = decodeQrPng(shot.png)
    expect(qr, `a QR code decodable in ${shot.path}`).not.toBeNull()
    expect(qr!.text).toBe(shown.qrUrl)
    expect(qr!.text).toMatch(QR_URL_PATTERN)
    expect(qr!.text.startsWith(`HTTP://127.0.0.1:${svc.port}/P/`)).toBe(true)

    const remote: Remote = {
      press: (k) => qt.press(k),
      consent: () => qt.execute(CONSENT_PROBE),
      phase: async () => (await pair())?.phase,
    }
    const { context, page } = await newPhoneContext(phone.browser)
    try {
      await page.goto(openableUrl(qr!.text))
      const title = () => page.locator('#screen-title').innerText()
      await expect.poll(title).toBe('核对电视')
      await page.tap('#confirm-yes')
      await expect.poll(title).toBe('选择要请求的功能')
      for (const s of ['bluetooth', 'network']) await page.tap(`label[for=scope-${s}]`)
      await page.tap('#choose-submit')
      await until(pair, (p) => p?.phase === 'consent', 'the consent overlay')
      notBlank(await qt.screenshot(`qtwebkit-6-consent${name}`))
      await decideOnTv(remote, { bluetooth: 'granted', network: 'denied' })
      const recorded = (await until(pair, (p) => p?.phase === 'recorded', 'recorded'))!
      expect(recorded.decisions).toEqual({ bluetooth: 'granted', network: 'denied' })
      await expect.poll(title, { timeout: 5000 }).toBe('电视允许了部分功能')
    } finally {
      await context.close()
    }
    notBlank(await qt.screenshot(`qtwebkit-7-recorded${name}`))
    const receipts = await receiptsOf(svc.dataDir, shown.pairingId!)
    expect(receipts).toHaveLength(1)
    expect(statuses(receipts[0])).toEqual({ bluetooth: 'granted', network: 'denied' })
    expect(await pageErrors()).toEqual([])
  }

  it('#pair: the QR read from its screenshot, a Chromium phone claims, the viewer decides with the remote, one ledger record', async () => {
    await pairThroughTv()
  })

  it('served from another origin listed in TV_ORIGINS (the service URL from config.json): gate → 同意 → #pair → pairs, CORS through XMLHttpRequest', async () => {
    await qt.navigate(cdn.url, 'localStorage.clear()')
    await until(state, (s) => !!s?.ready && s.route === 'gate', 'the consent gate')
    expect((await engine())!.build).toBe('legacy')
    await qt.press('Enter')
    await until(state, (s) => s?.route === 'policy', 'the reader')
    await pairThroughTv('-cdn')
    expect(cdn.requests.filter((r) => r.status >= 500)).toEqual([])
  })

  it('as a packaged app from file:// (the service admits Origin file://): gate → 同意 → #pair → pairs, the policy read from the package', async () => {
    const pkg = stageDist({ config: { pairingServiceUrl: svc.url } })
    staged.push(pkg)
    await qt.navigate(pkg.fileUrl, 'localStorage.clear()')
    await until(state, (s) => !!s?.ready && s.route === 'gate', 'the consent gate')
    expect(await qt.execute<string>('return location.protocol')).toBe('file:')
    expect((await engine())!.build).toBe('legacy')
    await qt.press('Enter')
    await until(state, (s) => s?.route === 'policy', 'the reader')
    await pairThroughTv('-file')
  })

  it('without WebGL, Lightning draws the gate and the reader with its Canvas2D renderer', async () => {
    const noGl = await startQtWebKit({ webgl: false })
    try {
      await noGl.navigate(`${svc.url}/`, 'localStorage.clear()')
      expect(await noGl.execute<boolean>('var c = document.createElement("canvas"); return !(c.getContext("webgl") || c.getContext("experimental-webgl"))')).toBe(true)
      const probe = () => noGl.execute<{ route: string; mode: number; reader: unknown } | null>('var h = window.__miitee; return h && h.ready ? { route: h.route, mode: h.app.stage._mode, reader: h.state.reader || null } : null')
      const gate = (await noGl.until(probe, (s) => s?.route === 'gate', 'the consent gate'))!
      expect(gate.mode).toBe(1)
      notBlank(await noGl.screenshot('qtwebkit-canvas2d-gate'))
      await noGl.press('Enter')
      await noGl.until(probe, (s) => s?.route === 'policy' && !!s.reader, 'the reader')
      await noGl.press('Down', 2)
      await noGl.press('Enter')
      await noGl.press('Right')
      notBlank(await noGl.screenshot('qtwebkit-canvas2d-reading'))
      expect((await noGl.readConsole()).filter((m) => m.text.startsWith('pageerror'))).toEqual([])
    } finally {
      await noGl.close()
    }
  })

  for (const [language, text] of [
    ['zh-CN', '此电视的浏览器版本过旧'],
    ['en-US', "This TV's browser is not supported"],
  ] as const) {
    it(`an engine that cannot run even the legacy build (no Map) gets the not-supported text in ${language}, not a white screen`, async () => {
      const prefs = language === 'en-US' ? `localStorage.setItem(${JSON.stringify(PREFERENCES_KEY)}, JSON.stringify({ language: 'en-US' }));` : `localStorage.removeItem(${JSON.stringify(PREFERENCES_KEY)});`
      await qt.navigate(`${svc.url}/`, `${prefs} window.Map = undefined;`)
      const choice = (await until(engine, (c) => !!c, 'the loader'))!
      expect(choice.build).toBe('unsupported')
      expect(choice.missing).toContain('Map')
      const shown = await until(() => qt.execute<string>('var p = document.querySelector("p[role=alert]"); return p ? p.textContent : ""'), (t) => !!t, 'the not-supported text')
      expect(shown).toContain(text)
      expect(await qt.execute<number>('return document.querySelectorAll("canvas").length')).toBe(0)
      notBlank(await qt.screenshot(`qtwebkit-unsupported-${language}`))
    })
  }
})
