// QtWebKit 5.212 (Debian's python3-pyqt5.qtwebkit: AppleWebKit/602.1, Safari 10 class) as a test
// browser: driver.py under xvfb-run, spoken to in JSON lines. The 2016–17 generation of TV
// engines (Tizen 3–4, webOS 3–4, VIDAA, older RDK/WPE) parse ES2015 and lack fetch, globalThis,
// document.fonts and async functions, as this one does.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { requireBinary, screenshotPath, sleep } from '../harness/common'

export const QTWEBKIT_PACKAGES = ['python3-pyqt5.qtwebkit', 'xvfb']
const DRIVER = join(__dirname, 'driver.py')
const PYTHON = '/usr/bin/python3'

export type QtKey = 'Up' | 'Down' | 'Left' | 'Right' | 'Enter' | 'Back' | 'Menu' | 'PageUp' | 'PageDown'

export interface ConsoleMessage {
  text: string
  line: number
  source: string
  /** when the page logged it (seconds since the epoch) */
  at: number
}

export interface QtShot {
  path: string
  width: number
  height: number
  png: Buffer
}

export interface QtWebKitSession {
  userAgent: string
  /** Loads `url`; `init` runs before the page's own scripts on that load (an engine without some API, say). */
  navigate(url: string, init?: string): Promise<void>
  /** Runs a function body in the page; its return value comes back through JSON. */
  execute<T>(script: string): Promise<T>
  press(key: QtKey, times?: number): Promise<void>
  screenshot(name: string): Promise<QtShot>
  /** Console messages (uncaught errors start with "pageerror:") since the last call. */
  readConsole(): Promise<ConsoleMessage[]>
  /** Polls `probe` until `ok`, failing with `what` and the last value after `ms`. */
  until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms?: number): Promise<T>
  close(): Promise<void>
}

interface Answer {
  id?: number
  ok?: boolean
  value?: unknown
  error?: string
  event?: string
  userAgent?: string
}

/** Starts the driver in a 1920×1080 view (the Lightning stage's own size, so one CSS px is one stage px). */
export async function startQtWebKit(opts: { width?: number; height?: number; startTimeoutMs?: number; /** false: no WebGL in the engine */ webgl?: boolean } = {}): Promise<QtWebKitSession> {
  requireBinary('xvfb-run', QTWEBKIT_PACKAGES)
  requireBinary(PYTHON, QTWEBKIT_PACKAGES)
  const width = opts.width ?? 1920
  const height = opts.height ?? 1080
  const child: ChildProcess = spawn('xvfb-run', ['-a', '-s', `-screen 0 ${width}x${height}x24`, PYTHON, DRIVER], {
    env: { ...process.env, QTWEBKIT_WIDTH: String(width), QTWEBKIT_HEIGHT: String(height), QTWEBKIT_WEBGL: opts.webgl === false ? '0' : '1', XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const stderr: string[] = []
  child.stderr!.on('data', (c: Buffer) => {
    stderr.push(String(c))
    // QTWEBKIT_ECHO=1: the page's console as it happens (driver.py echoes it), for debugging.
    if (process.env.QTWEBKIT_ECHO) process.stderr.write(c)
  })
  const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>()
  let nextId = 1
  let exited = false
  let ready: (a: Answer) => void = () => undefined
  const readyAnswer = new Promise<Answer>((ok) => (ready = ok))
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let a: Answer
    try {
      a = JSON.parse(line) as Answer
    } catch {
      stderr.push(`driver: ${line}\n`)
      return
    }
    if (a.event === 'ready') return ready(a)
    const p = pending.get(a.id ?? -1)
    if (!p) return
    pending.delete(a.id!)
    if (a.ok) p.ok(a.value)
    else p.fail(new Error(`QtWebKit: ${a.error}`))
  })
  const exit = new Promise<void>((ok) =>
    child.once('exit', (code, signal) => {
      exited = true
      for (const p of pending.values()) p.fail(new Error(`QtWebKit driver exited (code ${code}, signal ${signal}):\n${stderr.join('')}`))
      pending.clear()
      ok()
    }),
  )
  const send = <T>(op: string, args: Record<string, unknown> = {}): Promise<T> => {
    if (exited) return Promise.reject(new Error(`QtWebKit driver is not running:\n${stderr.join('')}`))
    const id = nextId++
    return new Promise<T>((ok, fail) => {
      pending.set(id, { ok: ok as (v: unknown) => void, fail })
      child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`)
    })
  }
  const timeout = opts.startTimeoutMs ?? 30_000
  const started = await Promise.race([readyAnswer, exit.then(() => null), sleep(timeout).then(() => undefined)])
  if (!started) {
    child.kill('SIGKILL')
    throw new Error(`QtWebKit driver did not start within ${timeout} ms:\n${stderr.join('')}`)
  }

  const session: QtWebKitSession = {
    userAgent: started.userAgent ?? '',
    navigate: (url, init = '') => send<boolean>('navigate', { url, init }).then(() => undefined),
    execute: (script) => send('eval', { script }),
    press: (key, times = 1) => send<boolean>('key', { name: key, times }).then(() => undefined),
    async screenshot(name) {
      const path = screenshotPath(`${name}.png`)
      const r = await send<{ path: string; width: number; height: number }>('screenshot', { path })
      return { ...r, png: readFileSync(r.path) }
    },
    readConsole: () => send('console'),
    async until(probe, ok, what, ms = 30_000) {
      const end = Date.now() + ms
      for (;;) {
        let v: Awaited<ReturnType<typeof probe>> | undefined
        let err: unknown = null
        try {
          v = await probe()
        } catch (e) {
          err = e
        }
        if (err === null && ok(v as never)) return v as never
        if (Date.now() > end) throw new Error(`QtWebKit: ${what} not reached in ${ms} ms (last: ${err ? String(err) : JSON.stringify(v)})`)
        await sleep(200)
      }
    },
    async close() {
      if (!exited) {
        await Promise.race([send('quit').catch(() => undefined), sleep(3000)])
        await Promise.race([exit, sleep(3000)])
        if (!exited) child.kill('SIGKILL')
      }
    },
  }
  return session
}
