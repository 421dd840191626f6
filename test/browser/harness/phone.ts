// Phone page harness: the real pairing service in-process (buildApp on a loopback port, dev
// mode, optional fake clock, stoppable and restartable on the same port with the same stores),
// the TV side driven through its HTTP API, a phone-sized Chromium context, the set-up and state
// check the phone-page test files share, axe-core and screenshots. Additive: nothing here changes
// the other harness files.
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { buildApp, type App } from '../../../src/server/app'
import type { ServiceConfig } from '../../../src/server/config'
import { MemoryLiveStore } from '../../../src/server/storage/memory-live'
import { SqliteLedgerStore } from '../../../src/server/storage/sqlite-ledger'
import { consoleOf, launchChromium, type ChromiumSession } from './chromium'
import { buildPhone } from '../../../tools/phone-build'
import { compilePolicy } from '../../../tools/policy/compiler'
import { capturedLogs, listenOnLoopback, testConfig, type ConfigOverrides } from '../../server/helpers'
import { ARTIFACTS_DIR, ROOT, screenshotPath } from './common'

export const PHONE_VIEWPORT = { width: 360, height: 640 }
export const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36'

/**
 * A static root of its own for the service under test: the phone page built from the current
 * source (tools/phone-build.ts) and the policy compiled from policy/*.md, so the tests neither
 * need `npm run build` first nor race another build rewriting build/.
 */
let staticRoot: Promise<string> | null = null
export function phoneStaticRoot(): Promise<string> {
  staticRoot ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'miitee-phone-static-'))
    await buildPhone(join(root, 'phone'))
    const policyDir = join(root, 'static', 'policy')
    mkdirSync(policyDir, { recursive: true })
    const index = []
    for (const f of readdirSync(join(ROOT, 'policy')).filter((n) => n.endsWith('.md')).sort()) {
      const doc = compilePolicy(readFileSync(join(ROOT, 'policy', f), 'utf8'), f)
      const name = `${doc.id}.${doc.locale}.json`
      writeFileSync(join(policyDir, name), JSON.stringify(doc))
      index.push({ id: doc.id, locale: doc.locale, version: doc.version, sha256: doc.sha256, path: `policy/${name}` })
    }
    writeFileSync(join(policyDir, 'index.json'), JSON.stringify(index))
    process.once('exit', () => rmSync(root, { recursive: true, force: true }))
    return root
  })()
  return staticRoot
}

export class ManualClock {
  t = Date.parse('2030-01-01T00:00:00.000Z')
  now = (): number => this.t
  advance(ms: number): void {
    this.t += ms
  }
}

export interface PhoneServiceOptions {
  config?: ConfigOverrides
  /** A clock the test moves by hand (expiry without waiting); default: the real clock. */
  clock?: ManualClock
}

export interface PhoneService {
  url: string
  port: number
  app: App
  config: ServiceConfig
  logs: string[]
  /** The static root served (phone page and policy). */
  staticDir: string
  /** Stops listening (the page can no longer reach the service); live pairings are kept. */
  stop(): Promise<void>
  /** Starts again on the same port with the same stores and key. */
  restart(): Promise<void>
  close(): Promise<void>
}

export async function startPhoneService(opts: PhoneServiceOptions = {}): Promise<PhoneService> {
  const staticDir = await phoneStaticRoot()
  const dataDir = mkdtempSync(join(tmpdir(), 'miitee-phone-'))
  const clock = opts.clock ? opts.clock.now : Date.now
  const { logs, logStream } = capturedLogs()
  const config = testConfig({ dataDir, dev: true, staticDir, logLevel: 'warn', heartbeatMs: 250, sseRetryMs: 500 }, opts.config)
  // Stores and key outlive one app instance, as they would outlive a process on Redis + PostgreSQL.
  const live = new MemoryLiveStore(clock)
  const ledger = new SqliteLedgerStore(join(dataDir, 'ledger.sqlite'))
  const secret = randomBytes(32)
  let port = 0
  let url = ''
  let app: App | null = null
  const listen = async () => {
    const a = await buildApp(config, { clock, live, ledger, secret, logStream })
    // A restart binds the port of the first start again.
    const bound = await listenOnLoopback(a, config, port)
    port = bound.port
    url = bound.url
    app = a
  }
  await listen()
  return {
    url,
    port,
    get app() {
      return app as App
    },
    config,
    logs,
    staticDir,
    async stop() {
      const a = app
      app = null
      await a?.close()
    },
    async restart() {
      if (app) throw new Error('the service is running')
      await listen()
    },
    async close() {
      await app?.close()
      app = null
      await live.close()
      await ledger.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

// ---- the TV side, through the API ------------------------------------------------------------

export interface TvPairing {
  pairing_id: string
  qr_url: string
  user_code: string
  tv_token: string
  verification_uri: string
  expires_in: number
  server_time: string
}

export interface HttpResult {
  status: number
  json: any
  headers: Headers
}

export async function api(svc: { url: string }, method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...o.headers }
  if (o.token) headers.authorization = `Bearer ${o.token}`
  if (o.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(svc.url + path, { method, headers, body: o.body !== undefined ? JSON.stringify(o.body) : undefined })
  const text = await res.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, json, headers: res.headers }
}

/** The TV creates a pairing (dev mode: open registration). */
export async function tvCreatePairing(svc: { url: string }, name = '客厅电视'): Promise<TvPairing> {
  const r = await api(svc, 'POST', '/v1/pairings', { body: { device_name: name }, headers: { 'x-miitee-device': 'tv-phone-test' } })
  if (r.status !== 201) throw new Error(`create pairing: ${r.status} ${JSON.stringify(r.json)}`)
  return r.json
}

export function qrPath(p: TvPairing): string {
  return new URL(p.qr_url.replace(/^HTTP/, 'http')).pathname
}

export function qrTokenOf(p: TvPairing): string {
  return p.qr_url.slice(p.qr_url.lastIndexOf('/') + 1)
}

/**
 * The pairing as the TV sees it, read from the running service's own model: a test checks the
 * state as often as it likes, which a TV polling over HTTP may not (polls are paced).
 */
export async function tvStatus(svc: { app: App }, p: TvPairing): Promise<any> {
  return JSON.parse(JSON.stringify(svc.app.pairings.statusOf(await svc.app.pairings.load(p.pairing_id))))
}

/** Waits until the TV sees the pairing in `state`. */
export async function tvWaitFor(svc: { app: App }, p: TvPairing, state: string, ms = 10_000): Promise<any> {
  const until = Date.now() + ms
  for (;;) {
    const s = await tvStatus(svc, p)
    if (s.state === state) return s
    if (Date.now() > until) throw new Error(`pairing never reached ${state} (is ${s.state})`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function policyNotice() {
  const index = JSON.parse(readFileSync(join(await phoneStaticRoot(), 'static/policy/index.json'), 'utf8'))[0]
  return { policy_id: index.id, policy_version: index.version, locale: index.locale, policy_sha256: index.sha256 }
}

/** The TV viewer's decision per scope, relayed with an Idempotency-Key as the TV's outbox does. */
export async function tvDecide(svc: { url: string }, p: TvPairing, decisions: Record<string, 'granted' | 'denied'>): Promise<HttpResult> {
  const body = {
    decisions,
    notice: await policyNotice(),
    screen_id: 'consent-overlay',
    app_version: '0.1.0',
    device_time: new Date().toISOString(),
  }
  const key = randomUUID()
  const r = await api(svc, 'POST', `/v1/pairings/${p.pairing_id}/decision`, { token: p.tv_token, body, headers: { 'idempotency-key': key } })
  if (r.status !== 201) throw new Error(`decision: ${r.status} ${JSON.stringify(r.json)}`)
  return r
}

export async function tvWithdraw(svc: { url: string }, p: TvPairing, scopes?: string[]): Promise<HttpResult> {
  const body = { ...(scopes ? { scopes } : {}), screen_id: 'privacy-settings', app_version: '0.1.0', device_time: new Date().toISOString() }
  const r = await api(svc, 'POST', `/v1/pairings/${p.pairing_id}/withdrawal`, { token: p.tv_token, body, headers: { 'idempotency-key': randomUUID() } })
  if (r.status !== 201) throw new Error(`withdrawal: ${r.status} ${JSON.stringify(r.json)}`)
  return r
}

// ---- the phone ---------------------------------------------------------------------------------

export interface PhoneContextOptions {
  locale?: string
  /** Runs in every page before its scripts (e.g. to take fetch streaming away). */
  initScript?: string
}

/** A phone-sized, touch, mobile context (360×640, 2× pixels); CSP stays enforced. */
export async function newPhoneContext(browser: Browser, o: PhoneContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: PHONE_VIEWPORT,
    screen: PHONE_VIEWPORT,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    locale: o.locale ?? 'zh-CN',
    userAgent: PHONE_UA,
  })
  await context.addInitScript('window.__name = window.__name || function (f) { return f }')
  // CSP violations the page meets, kept where the test can read them.
  await context.addInitScript(
    "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', function (e) { window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI) })",
  )
  if (o.initScript) await context.addInitScript(o.initScript)
  const page = await context.newPage()
  consoleOf(page)
  return { context, page }
}

/**
 * The phone opens the pairing's QR link, confirms the TV and asks for `scopes`; returns once the
 * TV sees the request (consent_pending).
 */
export async function requestFromPhone(page: Page, svc: { url: string; app: App }, tv: TvPairing, scopes: string[]): Promise<void> {
  await page.goto(svc.url + qrPath(tv))
  await page.tap('#confirm-yes')
  for (const s of scopes) await page.tap(`label[for=scope-${s}]`)
  await page.tap('#choose-submit')
  await tvWaitFor(svc, tv, 'consent_pending')
}

export interface PhoneTestBed {
  /** Starts the service for the running test; it is closed after the test. */
  service(o?: PhoneServiceOptions): Promise<PhoneService>
  /** A phone of its own (context, storage) for the running test; closed after the test. */
  phone(o?: PhoneContextOptions): Promise<Page>
}

/** For a file of phone-page tests: one phone-sized Chromium; each test's service and phones are closed after it. */
export function phoneTestBed(): PhoneTestBed {
  let chromium: ChromiumSession
  let svc: PhoneService | null = null
  const pages: Page[] = []
  beforeAll(async () => {
    chromium = await launchChromium({ viewport: PHONE_VIEWPORT })
  })
  afterAll(async () => {
    await chromium?.close()
  })
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.context().close()
    await svc?.close()
    svc = null
  })
  return {
    async service(o) {
      svc = await startPhoneService(o)
      return svc
    },
    async phone(o = {}) {
      const { page } = await newPhoneContext(chromium.browser, o)
      pages.push(page)
      return page
    },
  }
}

/**
 * Screenshot, then the state checked: mobile first (nothing wider than the 360 px screen, every
 * button a comfortable target) and no serious or critical axe-core violation.
 */
export async function checkPhoneState(page: Page, state: string): Promise<void> {
  await phoneShot(page, state)
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${state}: page width`).toBeLessThanOrEqual(PHONE_VIEWPORT.width)
  const small = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, a.button'))
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ id: e.id || e.textContent, w: e.getBoundingClientRect().width, h: e.getBoundingClientRect().height }))
      .filter((r) => r.w < 44 || r.h < 44),
  )
  expect(small, `${state}: touch targets under 44 px`).toEqual([])
  const v = await axeCheck(page, state)
  expect(seriousOnly(v), `${state}:\n${describeViolations(seriousOnly(v))}`).toEqual([])
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate('window.__cspViolations || []') as Promise<string[]>
}

/** Takes fetch's streaming body away, as on engines without it: the page must long-poll. */
export const NO_STREAMING_SCRIPT = "Object.defineProperty(Response.prototype, 'body', { configurable: true, get: function () { return null } })"

/**
 * Takes crypto.subtle away, as on a page opened over http:// from a LAN address (not a secure
 * context): the page cannot seal the phone token and keeps it in memory only.
 */
export const NO_SUBTLE_SCRIPT = "Object.defineProperty(Crypto.prototype, 'subtle', { configurable: true, get: function () { return undefined } })"

/** Takes IndexedDB away: no place for the tab's key, the phone token stays in memory only. */
export const NO_INDEXEDDB_SCRIPT = "Object.defineProperty(window, 'indexedDB', { configurable: true, get: function () { return undefined } })"

/** Everything the page keeps in sessionStorage and localStorage, names and values, as one text. */
export async function webStorageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const lines: string[] = []
    for (const [area, s] of [
      ['session', sessionStorage],
      ['local', localStorage],
    ] as const) {
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i) ?? ''
        lines.push(`${area}:${k}=${s.getItem(k)}`)
      }
    }
    return lines.join('\n')
  })
}

export interface TabKeyView {
  id: string
  type: string
  extractable: boolean
  algorithm: string
  usages: string[]
}

/** The tab keys the page keeps in IndexedDB (miitee-phone / tab-keys), as the page sees them. */
export async function tabKeys(page: Page): Promise<TabKeyView[]> {
  return page.evaluate(async () => {
    // Opening a database that is not there would create it (empty): look first.
    if (!(await indexedDB.databases()).some((d) => d.name === 'miitee-phone')) return []
    return new Promise<TabKeyView[]>((resolve, reject) => {
      const req = indexedDB.open('miitee-phone')
      req.onerror = () => reject(req.error)
      req.onsuccess = () => {
        const db = req.result
        if (!db.objectStoreNames.contains('tab-keys')) {
          db.close()
          return resolve([])
        }
        const all = db.transaction('tab-keys').objectStore('tab-keys').getAll()
        all.onerror = () => reject(all.error)
        all.onsuccess = () => {
          db.close()
          resolve(
            (all.result as { id: string; key: CryptoKey }[]).map((r) => ({
              id: r.id,
              type: Object.prototype.toString.call(r.key),
              extractable: r.key.extractable,
              algorithm: `${r.key.algorithm.name}-${(r.key.algorithm as AesKeyAlgorithm).length}`,
              usages: [...r.key.usages].sort(),
            })),
          )
        }
      }
    })
  })
}

export async function phoneShot(page: Page, state: string): Promise<string> {
  const path = screenshotPath(`phone-${state}.png`)
  // Fonts settled and no caret blinking into the image.
  await page.evaluate('document.fonts ? document.fonts.ready.then(function () { return true }) : true')
  writeFileSync(path, await page.screenshot({ type: 'png', caret: 'hide', animations: 'disabled' }))
  return path
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[]; html: string; failureSummary?: string }[]
}

const AXE_SOURCE = () => readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8')
type AxeSummary = Record<string, { violations: { id: string; impact: string | null; nodes: number }[]; passes: number }>
const AXE_REPORT = join(ARTIFACTS_DIR, 'phone-axe.json')

/**
 * axe-core over the page as it is. The page's CSP forbids inline scripts, so `addScriptTag`
 * (an inline <script>) would be blocked: axe is evaluated through the DevTools protocol instead,
 * which CSP does not govern, and the CSP stays on for the page itself.
 */
export async function axeCheck(page: Page, state: string): Promise<AxeViolation[]> {
  const has = await page.evaluate('typeof window.axe === "object"')
  if (!has) await page.evaluate(AXE_SOURCE())
  const result = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })
       .then(function (r) { return { passes: r.passes.length, violations: r.violations.map(function (v) { return { id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) { return { target: n.target, html: n.html, failureSummary: n.failureSummary } }) } }) } })`,
  )) as { passes: number; violations: AxeViolation[] }
  // One report for every phone state, whichever test file checked it (merged, newest wins).
  let report: AxeSummary = {}
  try {
    report = JSON.parse(readFileSync(AXE_REPORT, 'utf8')) as AxeSummary
  } catch {
    report = {}
  }
  report[state] = { passes: result.passes, violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })) }
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  writeFileSync(AXE_REPORT, JSON.stringify(report, null, 2))
  return result.violations
}

export function seriousOnly(v: AxeViolation[]): AxeViolation[] {
  return v.filter((x) => x.impact === 'serious' || x.impact === 'critical')
}

/** One line per violation, for assertion messages. */
export function describeViolations(v: AxeViolation[]): string {
  return v.map((x) => `${x.impact} ${x.id}: ${x.help} @ ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n')
}
