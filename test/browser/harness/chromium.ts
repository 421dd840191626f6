// Debian's Chromium driven by playwright-core (never a downloaded browser).
import { writeFileSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core'
import { CANVAS_RECT, FONT_PROBE, FORCE_FRAMES, READY_PROBE, REMOTE_KEYS, requireBinary, screenshotPath, type RemoteKey } from './common'
import { assertNotBlank, decodePng, imageStats, type BlankCheck, type ImageStats, type Region } from './png'

export const CHROMIUM_PATH = '/usr/bin/chromium'

/** The launch arguments that give WebGL (SwiftShader) on a machine without a GPU. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export interface ConsoleEntry {
  level: string
  text: string
}

export interface ChromiumOptions {
  viewport?: { width: number; height: number }
  /** extra launch arguments after CHROMIUM_ARGS */
  args?: string[]
  headless?: boolean
}

export interface ChromiumSession {
  browser: Browser
  /** a context with the requested viewport and deviceScaleFactor 1 */
  context: BrowserContext
  /** the context's first page, console and page errors already captured */
  page: Page
  /** another page in the same context (shares storage), console captured */
  newPage(): Promise<Page>
  close(): Promise<void>
}

const pageLogs = new WeakMap<Page, ConsoleEntry[]>()

/** Console messages and uncaught errors ('pageerror') of a page opened through this harness. */
export function consoleOf(page: Page): ConsoleEntry[] {
  let logs = pageLogs.get(page)
  if (!logs) {
    const list: ConsoleEntry[] = []
    page.on('console', (m) => list.push({ level: m.type(), text: m.text() }))
    page.on('pageerror', (e) => list.push({ level: 'pageerror', text: e.stack ?? e.message }))
    pageLogs.set(page, list)
    logs = list
  }
  return logs
}

export async function launchChromium(options: ChromiumOptions = {}): Promise<ChromiumSession> {
  const executablePath = requireBinary(CHROMIUM_PATH, ['chromium', 'fonts-noto-cjk'])
  const browser = await chromium.launch({ executablePath, headless: options.headless ?? true, args: [...CHROMIUM_ARGS, ...(options.args ?? [])] })
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1920, height: 1080 }, deviceScaleFactor: 1 })
  // Functions handed to page.evaluate from code run by tsx/esbuild with keepNames call __name().
  await context.addInitScript('window.__name = window.__name || function (f) { return f }')
  const newPage = async () => {
    const p = await context.newPage()
    consoleOf(p)
    return p
  }
  const page = await newPage()
  return { browser, context, page, newPage, close: () => browser.close() }
}

export interface OpenAppOptions {
  /** remove localStorage/IndexedDB/cookies etc. of the app's origin before loading; default false */
  clearStorage?: boolean
  /** wait for the app to be ready (waitForAppReady); default true */
  waitForReady?: boolean
  timeoutMs?: number
}

export async function openApp(page: Page, url: string, options: OpenAppOptions = {}): Promise<'hook' | 'app' | null> {
  if (options.clearStorage) {
    // Through the DevTools protocol: no extra page load, no extra request to the server.
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(url).origin, storageTypes: 'all' })
    await cdp.detach()
  }
  await page.goto(url, { waitUntil: 'load', timeout: options.timeoutMs ?? 30000 })
  return options.waitForReady === false ? null : waitForAppReady(page, options.timeoutMs)
}

/**
 * Resolves 'hook' once window.__miitee.ready === true. Without the hook it falls back to the SDK's
 * Application (window.app) having mounted the App component, then 10 rendered frames, and
 * resolves 'app' unless the hook appeared meanwhile (then it keeps waiting for ready).
 */
export async function waitForAppReady(page: Page, timeoutMs = 30000): Promise<'hook' | 'app'> {
  const until = Date.now() + timeoutMs
  const probe = `(function () { ${READY_PROBE} })()`
  for (;;) {
    const left = until - Date.now()
    let state: 'hook' | 'app' | null = null
    try {
      const handle = await page.waitForFunction(probe, undefined, { timeout: Math.max(1, left), polling: 100 })
      state = (await handle.jsonValue()) as 'hook' | 'app'
    } catch (err) {
      const errors = consoleOf(page).filter((l) => l.level === 'pageerror' || l.level === 'error')
      throw new Error(
        `app not ready after ${timeoutMs} ms (window.__miitee?.ready never true, no mounted App)` +
          (errors.length ? `; page errors:\n${errors.map((e) => e.text).join('\n')}` : '') +
          `\n(${(err as Error).message.split('\n')[0]})`,
      )
    }
    if (state === 'hook') return 'hook'
    await renderFrames(page, 10)
    if ((await page.evaluate<'hook' | 'app' | null>(probe)) === 'app') return 'app'
  }
}

/** Forces `frames` Lightning frames (stage.forceRenderUpdate over animation frames); false if no stage. */
export async function renderFrames(page: Page, frames = 3): Promise<boolean> {
  return page.evaluate<boolean>(`new Promise(function (resolve) { (function () { ${FORCE_FRAMES} })(${Number(frames)}, resolve) })`)
}

/** Presses one remote key (keydown + keyup with the TV keyCode), then lets `settleFrames` frames render. */
export async function press(page: Page, key: RemoteKey, options: { times?: number; settleFrames?: number } = {}): Promise<void> {
  const spec = REMOTE_KEYS[key]
  if (!spec) throw new Error(`unknown remote key ${String(key)}; use one of ${Object.keys(REMOTE_KEYS).join(', ')}`)
  for (let i = 0; i < (options.times ?? 1); i++) await page.keyboard.press(spec.key)
  if ((options.settleFrames ?? 2) > 0) await renderFrames(page, options.settleFrames ?? 2)
}

/**
 * Dispatches a keydown/keyup pair with an arbitrary keyCode (platform remotes: Tizen Back 10009,
 * webOS Back 461, …) on document, where the SDK listens.
 */
export async function pressKeyCode(page: Page, keyCode: number, key = 'Unidentified'): Promise<void> {
  await page.evaluate(`(function (keyCode, key) {
    ['keydown', 'keyup'].forEach(function (type) {
      var ev = new KeyboardEvent(type, { key: key, bubbles: true, cancelable: true });
      Object.defineProperty(ev, 'keyCode', { get: function () { return keyCode } });
      Object.defineProperty(ev, 'which', { get: function () { return keyCode } });
      document.dispatchEvent(ev);
    });
  })(${Number(keyCode)}, ${JSON.stringify(key)})`)
  await renderFrames(page, 2)
}

export interface Screenshot extends ImageStats {
  path: string
  canvas: Region | null
}

/** Saves artifacts/screenshots/<name>.png and throws if the app canvas in it looks blank (check=false: no check). */
export async function screenshot(page: Page, name: string, check: BlankCheck | false = {}): Promise<Screenshot> {
  await renderFrames(page, 3)
  const path = screenshotPath(`${name}.png`)
  const png = await page.screenshot({ type: 'png' })
  writeFileSync(path, png)
  const img = decodePng(png)
  const canvas = await page.evaluate<Region | null>(`(function () { ${CANVAS_RECT} })(${img.width})`)
  const stats = imageStats(img, canvas ?? undefined)
  if (check !== false) assertNotBlank(stats, path, check)
  return { path, canvas, ...stats }
}

/** Loads each font URL (relative to the page) as a FontFace: 'loaded' or 'error: …' per URL. */
export async function probeFonts(page: Page, urls: string[]): Promise<Record<string, string>> {
  return page.evaluate<Record<string, string>>(`new Promise(function (resolve) { (function () { ${FONT_PROBE} })(${JSON.stringify(urls)}, resolve) })`)
}

export interface RequestEntry {
  url: string
  method: string
  resourceType: string
  /** set when the request failed (net error, blocked) */
  failure?: string
}

export interface RequestLog {
  /** every request the page made since collectRequests(), live */
  entries: RequestEntry[]
  urls(): string[]
  /** requests whose origin is not one of `origins` (e.g. to prove nothing leaves the box) */
  outside(...origins: string[]): RequestEntry[]
  stop(): void
}

export function collectRequests(page: Page): RequestLog {
  const entries: RequestEntry[] = []
  const byRequest = new WeakMap<Request, RequestEntry>()
  const onRequest = (r: Request) => {
    const e = { url: r.url(), method: r.method(), resourceType: r.resourceType() }
    byRequest.set(r, e)
    entries.push(e)
  }
  const onFailed = (r: Request) => {
    const e = byRequest.get(r)
    if (e) e.failure = r.failure()?.errorText ?? 'failed'
  }
  page.on('request', onRequest)
  page.on('requestfailed', onFailed)
  return {
    entries,
    urls: () => entries.map((e) => e.url),
    outside: (...origins) => {
      const allowed = new Set(origins.map((o) => new URL(o).origin))
      return entries.filter((e) => !/^(data|blob|about):/.test(e.url) && !allowed.has(new URL(e.url).origin))
    },
    stop: () => {
      page.off('request', onRequest)
      page.off('requestfailed', onFailed)
    },
  }
}
