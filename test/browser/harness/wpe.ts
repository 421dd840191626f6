// WPE WebKit (the RDK set-top-box engine) driven headless through WPEWebDriver + cog, over the
// plain W3C WebDriver HTTP API.
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { CANVAS_RECT, FONT_PROBE, FORCE_FRAMES, READY_PROBE, REMOTE_KEYS, WPE_PACKAGES, aptHint, freePort, requireBinary, screenshotPath, sleep, type RemoteKey } from './common'
import { BLANK_PATH } from './server'
import { assertNotBlank, decodePng, imageStats, type BlankCheck, type ImageStats, type Region } from './png'

export interface WpeOptions {
  /** cog binary; default /usr/bin/cog */
  cog?: string
  /**
   * 'fit' (default): cog --scale=800/1920, so the fixed 800×600 headless view shows the whole
   * 1920×1080 stage (at 800×450, white below). 'native': scale 1, only the top-left 800×600 shows.
   */
  view?: 'fit' | 'native'
  /** extra cog arguments after --automation --platform=headless [--scale=…] */
  cogArgs?: string[]
  /** ms to wait for the driver and the session; default 30000 */
  startTimeoutMs?: number
}

export interface ConsoleEntry {
  /** 'app': window.__miitee.logs; 'page': the harness's capture of console.* and uncaught errors */
  source: 'app' | 'page'
  level: string
  text: string
}

export interface WpeScreenshot extends ImageStats {
  path: string
  /** false when no Lightning stage was found to force frames on (the shot may be blank) */
  forcedFrames: boolean
  /** the canvas area the statistics cover, in screenshot pixels (null: whole screenshot) */
  canvas: Region | null
}

export interface WpeSession {
  sessionId: string
  driverUrl: string
  /**
   * Loads `url` (WebDriver waits for the load event) and starts capturing console output.
   * clearStorage: first empties localStorage/sessionStorage of the URL's origin, from an empty
   * page at that origin (/__harness/blank, which the harness server answers without recording it).
   * Every startWpe() session starts with empty storage anyway.
   */
  navigate(url: string, options?: { clearStorage?: boolean }): Promise<void>
  /** Runs a function body (or a function) synchronously in the page; `arguments` are `args`. */
  execute<T = unknown>(script: string | ((...args: any[]) => unknown), args?: unknown[]): Promise<T>
  /** Runs a function body asynchronously; it must call `arguments[arguments.length - 1](result)`. */
  executeAsync<T = unknown>(script: string, args?: unknown[]): Promise<T>
  /** Evaluates a (possibly async) function in the page and returns its resolved value. */
  evaluate<T = unknown>(fn: (...args: any[]) => unknown, ...args: unknown[]): Promise<T>
  /** Presses (down + up) one remote key, or a raw WebDriver key code point such as '\uE015'. */
  sendKeys(key: RemoteKey | string): Promise<void>
  /** sendKeys, `times` times, then forces `settleFrames` (default 2) Lightning frames. */
  press(key: RemoteKey, options?: { times?: number; settleFrames?: number }): Promise<void>
  /** Dispatches keydown/keyup with an arbitrary keyCode on document (Tizen Back 10009, webOS Back 461, …). */
  pressKeyCode(keyCode: number, key?: string): Promise<void>
  /** Waits for window.__miitee.ready, or for the mounted App plus a few frames when there is no hook. */
  waitForAppReady(timeoutMs?: number): Promise<'hook' | 'app'>
  /** Forces Lightning frames, saves artifacts/screenshots/wpe-<name>.png and checks it is not blank. */
  screenshot(name: string, check?: BlankCheck | false): Promise<WpeScreenshot>
  /** Loads each font URL (relative to the page) as a FontFace: 'loaded' or 'error: …' per URL. */
  probeFonts(urls: string[]): Promise<Record<string, string>>
  /** Console entries captured in the page (window.__miitee.logs when the app keeps one, plus the harness's own capture). */
  readConsole(): Promise<ConsoleEntry[]>
  close(): Promise<void>
}

// Functions serialised from code run by tsx/esbuild with keepNames call __name().
const NAME_SHIM = 'var __name = window.__name || function (f) { return f };'

const CAPABILITIES = (cog: string, args: string[]) => ({
  capabilities: { alwaysMatch: { 'wpe:browserOptions': { binary: cog, args: ['--automation', '--platform=headless', ...args] } } },
})

// Installed right after each navigation: keeps console calls and uncaught errors in the page.
const CONSOLE_CAPTURE = `
  if (window.__harnessConsole) return;
  var buf = window.__harnessConsole = [];
  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    var orig = console[level];
    console[level] = function () {
      try {
        buf.push({ level: level, text: Array.prototype.map.call(arguments, function (a) {
          if (a instanceof Error) return a.stack || String(a);
          if (typeof a === 'object') { try { return JSON.stringify(a) } catch (e) { return String(a) } }
          return String(a);
        }).join(' ') });
      } catch (e) {}
      return orig && orig.apply(console, arguments);
    };
  });
  window.addEventListener('error', function (e) { buf.push({ level: 'pageerror', text: String(e.message) + ' at ' + e.filename + ':' + e.lineno }) });
  window.addEventListener('unhandledrejection', function (e) { buf.push({ level: 'pageerror', text: 'unhandled rejection: ' + String(e.reason && (e.reason.stack || e.reason)) }) });
`

export async function startWpe(options: WpeOptions = {}): Promise<WpeSession> {
  const driverBin = requireBinary('WPEWebDriver', ['wpewebkit-driver', ...WPE_PACKAGES.filter((p) => p !== 'wpewebkit-driver')])
  const cog = requireBinary(options.cog ?? '/usr/bin/cog', WPE_PACKAGES)
  const timeout = options.startTimeoutMs ?? 30000
  const port = await freePort()
  const driverUrl = `http://127.0.0.1:${port}`

  // Own process group, so close() ends the driver and the cog it started, and nothing else.
  const driver: ChildProcess = spawn(driverBin, [`--port=${port}`], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let driverLog = ''
  const keepLog = (chunk: Buffer) => (driverLog = (driverLog + chunk.toString()).slice(-4000))
  driver.stdout!.on('data', keepLog)
  driver.stderr!.on('data', keepLog)
  let exited: string | null = null
  driver.on('exit', (code, signal) => (exited = `WPEWebDriver exited (code ${code}, signal ${signal})`))
  const spawnError = new Promise<never>((_, reject) => driver.on('error', (err) => reject(new Error(`cannot start WPEWebDriver: ${err.message}; ${aptHint(WPE_PACKAGES)}`))))
  spawnError.catch(() => {})

  const kill = () => {
    if (driver.pid && driver.exitCode === null && driver.signalCode === null) {
      try {
        process.kill(-driver.pid, 'SIGTERM')
      } catch {
        /* already gone */
      }
    }
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(driverUrl + path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = (await res.json().catch(() => ({}))) as { value?: any }
    if (!res.ok || (json.value && typeof json.value === 'object' && 'error' in json.value)) {
      const v = json.value ?? {}
      throw new Error(`WebDriver ${method} ${path}: ${v.error ?? res.status}: ${v.message ?? ''}`.trim())
    }
    return json.value as T
  }

  // Wait for the driver to listen.
  const deadline = Date.now() + timeout
  for (;;) {
    if (exited) throw new Error(`${exited} before it was ready. Output:\n${driverLog}\n${aptHint(WPE_PACKAGES)}`)
    try {
      const ready = await Promise.race([call<{ ready: boolean }>('GET', '/status'), spawnError])
      if (ready) break
    } catch (err) {
      if ((err as Error).message.startsWith('cannot start')) throw err
    }
    if (Date.now() > deadline) {
      kill()
      throw new Error(`WPEWebDriver did not answer on ${driverUrl} within ${timeout} ms. Output:\n${driverLog}`)
    }
    await sleep(50)
  }

  let sessionId: string
  try {
    const viewArgs = (options.view ?? 'fit') === 'fit' ? [`--scale=${(800 / 1920).toFixed(7)}`] : []
    const created = await call<{ sessionId: string; capabilities: Record<string, unknown> }>('POST', '/session', CAPABILITIES(cog, [...viewArgs, ...(options.cogArgs ?? [])]))
    sessionId = created.sessionId
  } catch (err) {
    kill()
    throw new Error(`cannot create a WPE session (cog ${cog}): ${(err as Error).message}\nDriver output:\n${driverLog}\nIf a WPE library is missing, ${aptHint(WPE_PACKAGES)}`)
  }
  const s = `/session/${sessionId}`

  const execute = <T>(script: string | ((...args: any[]) => unknown), args: unknown[] = []) =>
    call<T>('POST', `${s}/execute/sync`, { script: typeof script === 'function' ? `${NAME_SHIM} return (${script.toString()}).apply(null, arguments)` : script, args })
  const executeAsync = <T>(script: string, args: unknown[] = []) => call<T>('POST', `${s}/execute/async`, { script, args })

  const session: WpeSession = {
    sessionId,
    driverUrl,
    async navigate(url, options = {}) {
      if (options.clearStorage) {
        await call('POST', `${s}/url`, { url: new URL(BLANK_PATH, url).href })
        await execute('try { localStorage.clear() } catch (e) {} try { sessionStorage.clear() } catch (e) {}')
      }
      await call('POST', `${s}/url`, { url })
      await execute(CONSOLE_CAPTURE)
    },
    execute,
    executeAsync,
    async evaluate<T>(fn: (...args: any[]) => unknown, ...args: unknown[]) {
      const r = await executeAsync<{ ok?: T; err?: string }>(
        `${NAME_SHIM} var done = arguments[arguments.length - 1];
         var args = Array.prototype.slice.call(arguments, 0, -1);
         Promise.resolve().then(function () { return (${fn.toString()}).apply(null, args) })
           .then(function (v) { done({ ok: v === undefined ? null : v }) }, function (e) { done({ err: String(e && (e.stack || e)) }) });`,
        args,
      )
      if (r.err !== undefined) throw new Error(`in page: ${r.err}`)
      return r.ok as T
    },
    async sendKeys(key) {
      const value = key in REMOTE_KEYS ? REMOTE_KEYS[key as RemoteKey].webdriver : key
      await call('POST', `${s}/actions`, {
        actions: [{ type: 'key', id: 'remote', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }],
      })
    },
    async press(key, options = {}) {
      for (let i = 0; i < (options.times ?? 1); i++) await session.sendKeys(key)
      if ((options.settleFrames ?? 2) > 0) await executeAsync(FORCE_FRAMES, [options.settleFrames ?? 2])
    },
    async pressKeyCode(keyCode, key = 'Unidentified') {
      await execute(
        `var keyCode = arguments[0], key = arguments[1];
         ['keydown', 'keyup'].forEach(function (type) {
           var ev = new KeyboardEvent(type, { key: key, bubbles: true, cancelable: true });
           Object.defineProperty(ev, 'keyCode', { get: function () { return keyCode } });
           Object.defineProperty(ev, 'which', { get: function () { return keyCode } });
           document.dispatchEvent(ev);
         });`,
        [keyCode, key],
      )
      await executeAsync(FORCE_FRAMES, [2])
    },
    async waitForAppReady(timeoutMs = 30000) {
      const until = Date.now() + timeoutMs
      for (;;) {
        const state = await execute<'hook' | 'app' | null>(READY_PROBE)
        if (state === 'hook') return 'hook'
        if (state === 'app') {
          // No hook (yet): give the app 10 frames to create it, then settle for the mounted App.
          await executeAsync(FORCE_FRAMES, [10])
          const again = await execute<'hook' | 'app' | null>(READY_PROBE)
          if (again === 'app') return 'app'
        }
        if (Date.now() > until) {
          const logs = await session.readConsole().catch(() => [])
          throw new Error(`WPE: app not ready after ${timeoutMs} ms (window.__miitee?.ready never true). Console:\n${logs.map((l) => `${l.level}: ${l.text}`).join('\n')}`)
        }
        await sleep(100)
      }
    },
    async screenshot(name, check = {}) {
      const forcedFrames = await executeAsync<boolean>(FORCE_FRAMES, [3])
      const b64 = await call<string>('GET', `${s}/screenshot`)
      const png = Buffer.from(b64, 'base64')
      const path = screenshotPath(`wpe-${name}.png`)
      writeFileSync(path, png)
      const img = decodePng(png)
      const canvas = await execute<Region | null>(CANVAS_RECT, [img.width])
      // Judge the canvas area only: with --scale the page below the stage is plain white.
      const stats = imageStats(img, canvas ?? undefined)
      if (check !== false) assertNotBlank(stats, path, check)
      return { path, forcedFrames, canvas, ...stats }
    },
    probeFonts: (urls) => executeAsync<Record<string, string>>(FONT_PROBE, [urls]),
    async readConsole() {
      const raw = await execute<{ app: unknown; harness: unknown }>(
        'return { app: (window.__miitee && window.__miitee.logs) || [], harness: window.__harnessConsole || [] }',
      )
      const norm = (source: ConsoleEntry['source']) => (e: any): ConsoleEntry =>
        typeof e === 'string'
          ? { source, level: 'log', text: e }
          : e && typeof e === 'object'
            ? { source, level: String(e.level ?? 'log'), text: String(e.text ?? e.message ?? e.msg ?? JSON.stringify(e)) }
            : { source, level: 'log', text: String(e) }
      const list = (v: unknown) => (Array.isArray(v) ? v : [])
      return [...list(raw.app).map(norm('app')), ...list(raw.harness).map(norm('page'))]
    },
    async close() {
      try {
        await Promise.race([call('DELETE', s), sleep(5000)])
      } catch {
        /* the browser may already be gone */
      }
      kill()
      for (let i = 0; i < 40 && driver.exitCode === null && driver.signalCode === null; i++) await sleep(50)
      if (driver.exitCode === null && driver.signalCode === null && driver.pid) {
        try {
          process.kill(-driver.pid, 'SIGKILL')
        } catch {
          /* gone */
        }
      }
    },
  }
  return session
}
