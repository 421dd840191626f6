// What an OEM ships is what is tested: the `npm run dist` output (dist/es6) pairs a phone served
// the three ways firmware serves it, each with the real pairing service as its own process:
//   (a) by the service, same origin, under the service's CSP (no inline script or style);
//   (b) from another origin (a CDN-like static server sending the same strict CSP), the service
//       allowing it through TV_ORIGINS, its address read from config.json beside the page;
//   (c) as a packaged app from file:// (Chromium with file access, as a TV's packaged-app scheme),
//       cross-origin to the service, which admits its origin (`Origin: file://`) because it is listed.
// Each: boot → gate → 同意 → 配对手机 → QR read from a screenshot → a 360×640 phone claims and asks →
// the viewer decides with the remote → exactly one ledger record. Also: an origin not listed gets
// no CORS answer and the pair page shows its retry state; a preflight is cached; Exit at the root
// goes to the bridge's exit(), closes a window a script opened, and never leaves a white page.
import { readFileSync, writeFileSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleOf, launchChromium, press, screenshot, type ChromiumSession } from './harness/chromium'
import { requireBuild, type RemoteKey } from './harness/common'
import { CONSENT_PROBE, decideOnTv, type Remote } from './harness/consent'
import { cdnHeaders, requireDist, stageDist, type StagedDist } from './harness/dist'
import { decodeQrPng, openableUrl, QR_URL_PATTERN, receiptsOf, startApiProxy, startServiceProcess, statuses, waitForPair, type ApiProxy, type ServiceProcess } from './harness/pairing'
import { cspViolations, newPhoneContext } from './harness/phone'
import { startStaticServer, type StaticServer } from './harness/server'
import { focusedRef, hookState, menuState, waitForFirstRoute } from './harness/tv'

const PHONE_NAME = 'Pixel 8'

/** A fresh TV (its own context: empty storage, whatever the origin, file:// included), 1080p, CSP violations kept. */
async function newTv(browser: Browser, initScript?: string): Promise<{ context: BrowserContext; tv: Page }> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 })
  await context.addInitScript('window.__name = window.__name || function (f) { return f }')
  await context.addInitScript(
    "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', function (e) { window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI) })",
  )
  if (initScript) await context.addInitScript(initScript)
  const tv = await context.newPage()
  consoleOf(tv)
  return { context, tv }
}

const key = (tv: Page, k: RemoteKey, times = 1) => press(tv, k, { times })

const remote = (tv: Page): Remote => ({
  press: (k) => key(tv, k),
  consent: () => tv.evaluate(`(function () { ${CONSENT_PROBE} })()`),
  phase: () => tv.evaluate(() => (window as any).__miitee?.state?.pair?.phase as string | undefined),
})

function pageErrors(tv: Page): string[] {
  return consoleOf(tv)
    .filter((l) => l.level === 'pageerror')
    .map((l) => l.text)
}

/** Boot → gate → 同意 (OK) → contents → 配对手机: a code on screen. */
async function bootToPair(tv: Page, url: string) {
  await tv.goto(url, { waitUntil: 'load' })
  expect(await waitForFirstRoute(tv, 30_000)).toBe('gate')
  expect(await focusedRef(tv)).toBe('B_agree')
  await key(tv, 'Enter')
  expect((await hookState(tv)).route).toBe('policy')
  const m = (await menuState(tv))!
  const target = m.ids.indexOf('pair')
  expect(target).toBeGreaterThan(m.index)
  await key(tv, 'Down', target - m.index)
  await key(tv, 'Enter')
  expect((await hookState(tv)).route).toBe('pair')
}

/**
 * The whole pairing from the pair page on: the QR from a screenshot, a phone that claims and asks
 * for bluetooth and network, bluetooth allowed and network denied on the TV, one ledger record.
 */
async function pairAPhone(browser: Browser, tv: Page, svc: ServiceProcess, shot: string): Promise<string> {
  const shown = await waitForPair(tv, (s) => s.phase === 'waiting' && !!s.qrUrl, 'waiting with a code', 20_000)
  const png = readFileSync((await screenshot(tv, `tv-dist-${shot}-waiting`)).path)
  const qr = decodeQrPng(png)
  expect(qr, 'a QR decodable from the TV screenshot').not.toBeNull()
  expect(qr!.text).toBe(shown.qrUrl)
  expect(qr!.text).toMatch(QR_URL_PATTERN)
  expect(qr!.text.startsWith(`HTTP://127.0.0.1:${svc.port}/P/`)).toBe(true)

  const { context, page: phone } = await newPhoneContext(browser)
  try {
    await phone.goto(openableUrl(qr!.text))
    const title = () => phone.locator('#screen-title').innerText()
    await expect.poll(title).toBe('核对电视')
    await phone.tap('#confirm-yes')
    expect((await waitForPair(tv, (s) => s.phase !== 'waiting', 'claimed')).phone).toBe(PHONE_NAME)
    await expect.poll(title).toBe('选择要请求的功能')
    for (const s of ['bluetooth', 'network']) await phone.tap(`label[for=scope-${s}]`)
    await phone.tap('#choose-submit')
    const asked = await waitForPair(tv, (s) => s.phase === 'consent', 'consent')
    expect(asked.scopes).toEqual(['bluetooth', 'network'])
    await decideOnTv(remote(tv), { bluetooth: 'granted', network: 'denied' })
    const recorded = await waitForPair(tv, (s) => s.phase === 'recorded', 'recorded', 20_000)
    expect(recorded.decisions).toEqual({ bluetooth: 'granted', network: 'denied' })
    await screenshot(tv, `tv-dist-${shot}-recorded`)
    await expect.poll(title, { timeout: 5000 }).toBe('电视允许了部分功能')
    expect(await cspViolations(phone)).toEqual([])
  } finally {
    await context.close()
  }
  const receipts = await receiptsOf(svc.dataDir, shown.pairingId!)
  expect(receipts).toHaveLength(1)
  expect(receipts[0]).toMatchObject({ event: 'consent', pairing_id: shown.pairingId, collection_method: 'tv-remote', requester: { phone_name: PHONE_NAME } })
  expect(statuses(receipts[0])).toEqual({ bluetooth: 'granted', network: 'denied' })
  expect(await cspViolations(tv)).toEqual([])
  expect(pageErrors(tv)).toEqual([])
  return shown.pairingId!
}

describe('the dist output pairs, served three ways (Chromium, the service as a process)', () => {
  let chromium: ChromiumSession
  let svc: ServiceProcess
  let proxy: ApiProxy
  let cdn: StaticServer
  let unlisted: StaticServer
  const staged: StagedDist[] = []
  const stage = (o: Parameters<typeof stageDist>[0]) => {
    const s = stageDist(o)
    staged.push(s)
    return s
  }

  beforeAll(async () => {
    requireBuild()
    requireDist()
    // The CDN's origin must be known before the service starts (TV_ORIGINS is read at start).
    const cdnCopy = stage({})
    // Filled in once the proxy's address is known: the server reads it on every request.
    const headers: Record<string, string> = {}
    cdn = await startStaticServer(cdnCopy.dir, { headers })
    unlisted = await startStaticServer(cdnCopy.dir, { headers })
    svc = await startServiceProcess({ env: { STATIC_DIR: stage({ withPhonePage: true }).dir, TV_ORIGINS: `${new URL(cdn.url).origin},file://` } })
    proxy = await startApiProxy(svc.port)
    // The copy both static servers serve talks to the service through the proxy, which sees every preflight.
    Object.assign(headers, cdnHeaders(new URL(proxy.url).origin))
    writeFileSync(`${cdnCopy.dir}/config.json`, JSON.stringify({ pairingServiceUrl: proxy.url.replace(/\/$/, '') }))
    chromium = await launchChromium({ args: ['--allow-file-access-from-files'] })
  })
  afterAll(async () => {
    await chromium?.close()
    await proxy?.close()
    await svc?.close()
    await cdn?.close()
    await unlisted?.close()
    for (const s of staged) s.close()
  })

  it('(a) same origin: the service serves the dist page under its strict CSP, and it pairs', async () => {
    const res = await fetch(`${svc.url}/`)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/script-src 'self' 'unsafe-eval'/)
    expect(csp).not.toMatch(/unsafe-inline/)
    expect(await res.text()).not.toMatch(/<script>|<style/)
    const { context, tv } = await newTv(chromium.browser)
    try {
      await bootToPair(tv, `${svc.url}/`)
      await pairAPhone(chromium.browser, tv, svc, 'same-origin')
    } finally {
      await context.close()
    }
  })

  it('(b) another origin, listed in TV_ORIGINS: the service URL from config.json, CORS answered, each preflight cached', async () => {
    const { context, tv } = await newTv(chromium.browser)
    try {
      const page = await fetch(cdn.url)
      expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ${new URL(proxy.url).origin}`)
      proxy.log.length = 0
      await bootToPair(tv, cdn.url)
      await pairAPhone(chromium.browser, tv, svc, 'cdn')
      // The TV's cross-origin calls went to the address config.json names, with preflights.
      const creates = proxy.log.filter((r) => r.path === '/v1/pairings')
      expect(creates.map((r) => `${r.method} ${r.status}`)).toEqual(['OPTIONS 200', 'POST 201'])
      const decision = proxy.log.filter((r) => /\/decision$/.test(r.path))
      expect(decision.map((r) => r.method)).toEqual(['OPTIONS', 'POST'])
      expect(decision[1].status).toBeGreaterThanOrEqual(200)
      expect(decision[1].status).toBeLessThan(300)
      // Two more registrations from the page: the cached preflight (Access-Control-Max-Age) is reused.
      const id = await tv.evaluate(() => localStorage.getItem('miitee.device-id'))
      const statusesSeen = await tv.evaluate(
        async ([base, device]) => {
          const out: number[] = []
          for (let i = 0; i < 2; i++) {
            const r = await fetch(`${base}v1/pairings`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-miitee-device': device! }, body: JSON.stringify({ device_name: 'Miitee TV' }) })
            out.push(r.status)
          }
          return out
        },
        [proxy.url, id] as const,
      )
      expect(statusesSeen).toEqual([201, 201])
      expect(proxy.log.filter((r) => r.path === '/v1/pairings' && r.method === 'OPTIONS')).toHaveLength(1)
    } finally {
      await context.close()
    }
  })

  it('an origin not in TV_ORIGINS gets no CORS answer: the pair page shows its retry state, nothing pairs', async () => {
    const { context, tv } = await newTv(chromium.browser)
    try {
      await bootToPair(tv, unlisted.url)
      const s = await waitForPair(tv, (p) => p.phase === 'error', 'the retry state', 20_000)
      expect(s.pairingId).toBeUndefined()
      await screenshot(tv, 'tv-dist-unlisted-origin')
      expect(consoleOf(tv).some((l) => /blocked by CORS policy/.test(l.text))).toBe(true)
    } finally {
      await context.close()
    }
  })

  it('(c) a packaged app from file://: policy, fonts and the pairing feature load from the package; the service admits Origin file://', async () => {
    const pkg = stage({ config: { pairingServiceUrl: svc.url } })
    const { context, tv } = await newTv(chromium.browser)
    try {
      await bootToPair(tv, pkg.fileUrl)
      expect(await tv.evaluate(() => location.protocol)).toBe('file:')
      await pairAPhone(chromium.browser, tv, svc, 'file')
      // The build's glyph advances were read from the package (a failed read is logged).
      expect(await tv.evaluate(() => (window as any).__miitee.logs.filter((l: string) => /not used/.test(l)))).toEqual([])
    } finally {
      await context.close()
    }
  })
})

describe('Exit at the root of the dist app (Chromium)', () => {
  let chromium: ChromiumSession
  let server: StaticServer
  let pkg: StagedDist

  beforeAll(async () => {
    requireDist()
    pkg = stageDist({})
    server = await startStaticServer(pkg.dir)
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
    await server?.close()
    pkg?.close()
  })

  /** Back on the gate opens the exit question; OK answers it. */
  async function exitFromGate(tv: Page) {
    expect(await waitForFirstRoute(tv, 30_000)).toBe('gate')
    await key(tv, 'Back')
    expect((await hookState(tv)).exitDialog).toBe(true)
    await press(tv, 'Enter', { settleFrames: 0 })
    await tv.waitForFunction(() => (window as any).__miitee.state.exited === true, undefined, { timeout: 5000 })
  }

  it('calls the platform bridge’s exit() once, and the app is still drawn meanwhile', async () => {
    const bridge = `window.__exits = 0; window.MiiteePlatformBridge = {
      identity: function () { return { id: 'dist-exit-tv', name: 'Miitee TV' } },
      storage: function () { return { get: function (k) { return localStorage.getItem('miitee.' + k) }, set: function (k, v) { localStorage.setItem('miitee.' + k, v) }, remove: function (k) { localStorage.removeItem('miitee.' + k) }, clear: function () {} } },
      provisioningAuthorized: function () {},
      exit: function () { window.__exits++ }
    }`
    const { context, tv } = await newTv(chromium.browser, bridge)
    try {
      await tv.goto(server.url)
      await exitFromGate(tv)
      await tv.waitForFunction(() => (window as any).__exits > 0, undefined, { timeout: 5000 })
      expect(await tv.evaluate(() => (window as any).__exits)).toBe(1)
      expect(await tv.evaluate(() => !!(window as any).__miitee.app.tag('App'))).toBe(true)
      await screenshot(tv, 'tv-dist-exit-bridge')
      expect(pageErrors(tv)).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('without a bridge exit(): a window a script opened is closed by window.close()', async () => {
    const { context, tv: opener } = await newTv(chromium.browser)
    try {
      await opener.goto(new URL('/__harness/blank', server.url).href)
      const [tv] = await Promise.all([context.waitForEvent('page'), opener.evaluate((u) => void window.open(u, 'miitee-tv'), server.url)])
      consoleOf(tv)
      await tv.waitForLoadState('load')
      const closed = new Promise<boolean>((ok) => tv.once('close', () => ok(true)))
      await exitFromGate(tv).catch((e: Error) => {
        // The page may close before the exited flag can be read.
        if (!tv.isClosed()) throw e
      })
      expect(await Promise.race([closed, new Promise<boolean>((ok) => setTimeout(() => ok(false), 5000))])).toBe(true)
    } finally {
      await context.close()
    }
  })

  it('a tab no script opened ignores window.close(): the app stays on screen, never a white page', async () => {
    const { context, tv } = await newTv(chromium.browser)
    try {
      await tv.goto(server.url)
      await exitFromGate(tv)
      expect(await tv.evaluate(() => (window as any).__miitee.logs.filter((l: string) => l.startsWith('exit:')))).toEqual(['exit: window.close'])
      expect(tv.isClosed()).toBe(false)
      // Throws if the canvas is blank (one colour).
      await screenshot(tv, 'tv-dist-exit-plain-tab')
      expect(await tv.evaluate(() => !!(window as any).__miitee.app.tag('App'))).toBe(true)
    } finally {
      await context.close()
    }
  })
})
