// The dist output in WPE WebKit 2.38 (the RDK engine), the same three ways as
// tv-dist.chromium.test.ts: by the service (same origin, its CSP), from another origin listed in
// TV_ORIGINS (service URL from config.json), and from file:// as a packaged app (cog with
// allow-file-access-from-file-urls, as a packaged-app scheme; WPE then sends Origin: file://).
// Each: boot → gate → 同意 → 配对手机 → QR decoded from a WPE screenshot → a 360×640 Chromium phone
// claims and asks → the viewer decides with the remote → exactly one ledger record.
import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, type ChromiumSession } from './harness/chromium'
import { requireBuild, sleep } from './harness/common'
import { CONSENT_PROBE, decideOnTv, type Remote } from './harness/consent'
import { cdnHeaders, requireDist, stageDist, type StagedDist } from './harness/dist'
import { decodeQrPng, openableUrl, QR_URL_PATTERN, receiptsOf, startServiceProcess, statuses, type PairHookState, type ServiceProcess } from './harness/pairing'
import { newPhoneContext } from './harness/phone'
import { startStaticServer, type StaticServer } from './harness/server'
import { startWpe, type WpeSession } from './harness/wpe'

// The whole 960×540 stage in view with crisp QR modules (see tv-pairing.wpe.test.ts).
const SCALE = 0.5

describe('the dist output pairs in WPE WebKit, served three ways', () => {
  let svc: ServiceProcess
  let cdn: StaticServer
  let wpe: WpeSession
  let phone: ChromiumSession
  const staged: StagedDist[] = []
  const stage = (o: Parameters<typeof stageDist>[0]) => {
    const s = stageDist(o)
    staged.push(s)
    return s
  }

  beforeAll(async () => {
    requireBuild()
    requireDist()
    const headers: Record<string, string> = {}
    const cdnCopy = stage({})
    cdn = await startStaticServer(cdnCopy.dir, { headers })
    svc = await startServiceProcess({ env: { STATIC_DIR: stage({ withPhonePage: true }).dir, TV_ORIGINS: `${new URL(cdn.url).origin},file://` } })
    Object.assign(headers, cdnHeaders(svc.url))
    writeFileSync(`${cdnCopy.dir}/config.json`, JSON.stringify({ pairingServiceUrl: svc.url }))
    wpe = await startWpe({ view: 'native', cogArgs: [`--scale=${SCALE}`, '--allow-file-access-from-file-urls=true'] })
    phone = await launchChromium()
  })
  afterAll(async () => {
    await wpe?.close()
    await phone?.close()
    await svc?.close()
    await cdn?.close()
    for (const s of staged) s.close()
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
  const remote: Remote = {
    press: (k) => wpe.press(k),
    consent: () => wpe.execute(CONSENT_PROBE),
    phase: async () => (await pair())?.phase,
  }

  async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
    const end = Date.now() + ms
    for (;;) {
      const v = await probe()
      if (ok(v)) return v
      if (Date.now() > end) {
        const logs = await wpe.readConsole().catch(() => [])
        throw new Error(`WPE: ${what} not reached in ${ms} ms (last: ${JSON.stringify(v)}); console:\n${logs.map((l) => `${l.level}: ${l.text}`).join('\n')}`)
      }
      await sleep(200)
    }
  }

  async function pairThrough(url: string, name: string): Promise<void> {
    await wpe.navigate(url)
    expect(await wpe.waitForAppReady()).toBe('hook')
    expect(await until(route, (r) => !!r, 'first route')).toBe('gate')
    await wpe.press('Enter')
    expect(await until(route, (r) => r === 'policy', 'the reader')).toBe('policy')
    const m = (await until(menu, (x) => !!x, 'the contents list'))!
    await wpe.press('Down', { times: m.ids.indexOf('pair') - m.index })
    await wpe.press('Enter')
    const shown = (await until(pair, (p) => p?.phase === 'waiting' && !!p.qrUrl, 'a code on screen'))!
    const shot = await wpe.screenshot(`tv-dist-${name}-waiting`)
    const qr = decodeQrPng(readFileSync(shot.path), shot.canvas ?? undefined)
    expect(qr, `a QR code decodable in ${shot.path}`).not.toBeNull()
    expect(qr!.text).toBe(shown.qrUrl)
    expect(qr!.text).toMatch(QR_URL_PATTERN)
    expect(qr!.text.startsWith(`HTTP://127.0.0.1:${svc.port}/P/`)).toBe(true)

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
      await decideOnTv(remote, { bluetooth: 'granted', network: 'denied' })
      const recorded = (await until(pair, (p) => p?.phase === 'recorded', 'recorded'))!
      expect(recorded.decisions).toEqual({ bluetooth: 'granted', network: 'denied' })
      await expect.poll(title, { timeout: 5000 }).toBe('电视允许了部分功能')
    } finally {
      await context.close()
    }
    const receipts = await receiptsOf(svc.dataDir, shown.pairingId!)
    expect(receipts).toHaveLength(1)
    expect(statuses(receipts[0])).toEqual({ bluetooth: 'granted', network: 'denied' })
    const errors = (await wpe.readConsole()).filter((l) => l.level === 'pageerror')
    expect(errors).toEqual([])
  }

  it('(a) same origin: served by the service under its CSP', async () => {
    await pairThrough(`${svc.url}/`, 'wpe-same-origin')
  })

  it('(b) another origin listed in TV_ORIGINS, the service URL from config.json', async () => {
    await pairThrough(cdn.url, 'wpe-cdn')
  })

  it('(c) a packaged app from file://: its policy read from the package (XMLHttpRequest), the pairing feature imported from it', async () => {
    const pkg = stage({ config: { pairingServiceUrl: svc.url } })
    await pairThrough(pkg.fileUrl, 'wpe-file')
    expect(await wpe.execute<string>('return location.protocol')).toBe('file:')
    expect(await wpe.execute<string[]>('return window.__miitee.logs.filter(function (l) { return /not used/.test(l) })')).toEqual([])
  })
})
