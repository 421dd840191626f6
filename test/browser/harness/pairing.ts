// Pairing end-to-end harness: the real pairing service as its own process (spawned like
// `npx tsx src/server/main.ts`, stoppable with a signal and restartable on the same port and
// DATA_DIR), the same service in-process when a test needs a setting the environment does not
// expose (the pairing lifetime), an HTTP proxy between the TV and the service that can take the
// API down and bring it back, the consent ledger through the ledger command, QR decoding of
// screenshots with jsQR, and probes of the TV's pairing state. Additive: nothing here changes the
// other harness files.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import jsQR from 'jsqr'
import type { Page } from 'playwright-core'
import { buildApp, type App } from '../../../src/server/app'
import { defaultConfig, type ServiceConfig } from '../../../src/server/config'
import { BUILD_DIR, freePort, ROOT, sleep } from './common'
import { decodePng, type Region, type Rgba } from './png'
import { capturedLogs, listenOnLoopback } from '../../server/helpers'

// ---- the service as a process ----------------------------------------------------------------

export interface ServiceProcess {
  /** http://127.0.0.1:<port> (no trailing slash); also PUBLIC_URL, so the QR points here */
  url: string
  port: number
  dataDir: string
  /** stdout and stderr of every run, in order */
  output: string[]
  /** the running process, null while stopped */
  readonly proc: ChildProcess | null
  readonly running: boolean
  /** Sends `signal` and waits for the process to exit (live pairings, held in memory, are gone). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Starts it again on the same port with the same DATA_DIR (ledger and server key). */
  restart(): Promise<void>
  /** Stops it (SIGTERM) and removes the DATA_DIR unless the caller supplied it. */
  close(): Promise<void>
}

export interface ServiceProcessOptions {
  /** default: a free loopback port picked up front, so a restart can reuse it and PUBLIC_URL can name it */
  port?: number
  dataDir?: string
  /** extra environment (e.g. DECISION_WINDOW_SECONDS) */
  env?: Record<string, string>
  startTimeoutMs?: number
}

const LISTENING = /Miitee TV: http:\/\/localhost:(\d+)\//
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const p of running) {
    try {
      p.kill('SIGKILL')
    } catch {
      /* gone */
    }
  }
})

/**
 * The pairing service as `node --import tsx src/server/main.ts` with DEV=1 (open device
 * registration), a temporary DATA_DIR, STATIC_DIR = build/ (TV app at `/`, phone page at `/P/…`),
 * PORT and PUBLIC_URL = its own loopback URL. Resolves once it printed `Miitee TV: http://localhost:PORT/`.
 */
export async function startServiceProcess(o: ServiceProcessOptions = {}): Promise<ServiceProcess> {
  const port = o.port ?? (await freePort())
  const ownDir = !o.dataDir
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'miitee-pair-e2e-'))
  const url = `http://127.0.0.1:${port}`
  const output: string[] = []
  let proc: ChildProcess | null = null

  const launch = async () => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEV: '1',
      PUBLIC_URL: url,
      STATIC_DIR: BUILD_DIR,
      LOG_LEVEL: 'warn',
      ...o.env,
    }
    delete env.npm_lifecycle_event
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    child.once('exit', () => running.delete(child))
    const started = new Promise<void>((ok, fail) => {
      let buf = ''
      const timer = setTimeout(() => fail(new Error(`service did not print its URL within ${o.startTimeoutMs ?? 30000} ms:\n${output.join('')}`)), o.startTimeoutMs ?? 30000)
      child.stdout!.on('data', (c: Buffer) => {
        output.push(String(c))
        buf += String(c)
        const m = LISTENING.exec(buf)
        if (m) {
          clearTimeout(timer)
          if (Number(m[1]) !== port) fail(new Error(`service listens on ${m[1]}, expected ${port}`))
          else ok()
        }
      })
      child.stderr!.on('data', (c: Buffer) => output.push(String(c)))
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        fail(new Error(`service exited before listening (code ${code}, signal ${signal}):\n${output.join('')}`))
      })
      child.once('error', (e) => {
        clearTimeout(timer)
        fail(e)
      })
    })
    proc = child
    await started
  }

  await launch()
  const service: ServiceProcess = {
    url,
    port,
    dataDir,
    output,
    get proc() {
      return proc
    },
    get running() {
      return !!proc && proc.exitCode === null && proc.signalCode === null
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const p = proc
      proc = null
      if (!p || p.exitCode !== null || p.signalCode !== null) return { code: p?.exitCode ?? null, signal: p?.signalCode ?? null }
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => p.once('exit', (code, sig) => ok({ code, signal: sig })))
      p.kill(signal)
      return exited
    },
    async restart() {
      if (proc) throw new Error('the service is running')
      await launch()
    },
    async close() {
      await service.stop('SIGTERM')
      if (ownDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return service
}

// ---- the service in-process (settings the environment does not expose) -----------------------

export interface InProcessService {
  url: string
  port: number
  dataDir: string
  app: App
  config: ServiceConfig
  logs: string[]
  close(): Promise<void>
}

/**
 * The same fastify app `main.ts` runs, built in this process with a config the environment
 * cannot set (e.g. `pairingTtlS`): dev mode, build/ as STATIC_DIR, PUBLIC_URL = its own URL.
 */
export async function startInProcessService(overrides: Partial<ServiceConfig> = {}): Promise<InProcessService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'miitee-pair-e2e-'))
  const { logs, logStream } = capturedLogs()
  const config = defaultConfig({ dataDir, dev: true, staticDir: BUILD_DIR, logLevel: 'warn', ...overrides })
  const app = await buildApp(config, { logStream })
  const { port, url } = await listenOnLoopback(app, config)
  return {
    url,
    port,
    dataDir,
    app,
    config,
    logs,
    async close() {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

// ---- an HTTP proxy the test can take down ----------------------------------------------------

export interface ProxiedRequest {
  at: number
  method: string
  /** path and query */
  path: string
  /** 'forwarded' (status = the service's answer), 'refused' (connection cut, no answer), '503' (answered by the proxy) */
  outcome: 'forwarded' | 'refused' | '503'
  status: number | null
  idempotencyKey?: string
  /** Authorization scheme used ('Bearer') or 'device' (X-Miitee-Device without a bearer token) */
  auth?: 'Bearer' | 'device' | 'none'
  /** the service answered with `Idempotent-Replayed: true` */
  replayed?: boolean
  /** the service's answer reached the proxy but was not passed on (see dropAnswers) */
  dropped?: boolean
}

export interface ApiProxy {
  /** base URL with a trailing slash: load the TV app here so its API calls (same origin) pass the proxy */
  url: string
  port: number
  log: ProxiedRequest[]
  readonly mode: 'up' | 'refuse' | '503'
  /**
   * The API goes away: requests whose path starts with /v1/ are cut without an answer ('refuse',
   * like a stopped service) or answered 503 ('503'), and API exchanges in flight (event streams,
   * long-polls) are cut. Static files of the app still pass, so the TV can be reloaded meanwhile.
   */
  down(mode?: 'refuse' | '503'): void
  up(): void
  /**
   * Requests matching `match` still reach the service, but its answer is not passed on: the
   * client's connection is cut once the service has answered (an acknowledgement lost on the way
   * back). null: pass answers again.
   */
  dropAnswers(match: ((method: string, path: string) => boolean) | null): void
  close(): Promise<void>
}

const isApi = (path: string) => path.startsWith('/v1/') || path.startsWith('/oauth/')

/** A plain HTTP proxy to 127.0.0.1:`targetPort` (streams pass through: SSE works). */
export async function startApiProxy(targetPort: number): Promise<ApiProxy> {
  const log: ProxiedRequest[] = []
  let mode: ApiProxy['mode'] = 'up'
  let drop: ((method: string, path: string) => boolean) | null = null
  const inFlight = new Set<{ res: ServerResponse; upstream: ReturnType<typeof httpRequest> }>()
  const sockets = new Set<Socket>()

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/'
    const auth: ProxiedRequest['auth'] = req.headers.authorization?.startsWith('Bearer ') ? 'Bearer' : req.headers['x-miitee-device'] ? 'device' : 'none'
    const key = req.headers['idempotency-key']
    const entry: ProxiedRequest = { at: Date.now(), method: req.method ?? 'GET', path, outcome: 'forwarded', status: null, auth, idempotencyKey: typeof key === 'string' ? key : undefined }
    log.push(entry)
    if (mode !== 'up' && isApi(path)) {
      if (mode === '503') {
        entry.outcome = '503'
        entry.status = 503
        req.resume()
        res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{"error":"unavailable","message":"proxy: the service is down"}')
      } else {
        entry.outcome = 'refused'
        req.socket.destroy()
      }
      return
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: targetPort, method: req.method, path, headers: { ...req.headers, host: `127.0.0.1:${targetPort}` } },
      (up) => {
        entry.status = up.statusCode ?? null
        entry.replayed = up.headers['idempotent-replayed'] === 'true'
        entry.dropped = false
        if (drop && drop(entry.method, path)) {
          entry.dropped = true
          up.resume()
          up.once('end', () => req.socket.destroy())
          return
        }
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      },
    )
    const pair = { res, upstream }
    if (isApi(path)) inFlight.add(pair)
    const done = () => inFlight.delete(pair)
    res.once('close', () => {
      done()
      upstream.destroy()
    })
    upstream.on('error', () => {
      done()
      if (!res.headersSent) {
        entry.outcome = 'refused'
        req.socket.destroy()
      } else res.destroy()
    })
    req.pipe(upstream)
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.once('close', () => sockets.delete(s))
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => ok())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    log,
    get mode() {
      return mode
    },
    down(m = 'refuse') {
      mode = m
      for (const { res, upstream } of [...inFlight]) {
        upstream.destroy()
        res.socket?.destroy()
      }
      inFlight.clear()
    },
    up() {
      mode = 'up'
    },
    dropAnswers(match) {
      drop = match
    },
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok())
        for (const s of sockets) s.destroy()
      }),
  }
}

// ---- the consent ledger ----------------------------------------------------------------------

export interface Receipt {
  receipt_id: string
  event: 'consent' | 'withdrawal'
  pairing_id: string
  decision_id: string
  refers_to: string | null
  screen_id: string
  app_version: string
  firmware_version: string | null
  device_time: string
  consent_timestamp: string
  collection_method: string
  requester: { phone_name: string }
  pii_principal_device: string
  notice: { policy_id: string; policy_version: string; locale: string; policy_sha256: string }
  services: { scope: string; status: string }[]
  chain: { seq: number; prev_hash: string; hash: string }
}

export interface LedgerExport {
  format: string
  ledger: { records: number; head_hash: string; verified: boolean; first_bad: unknown }
  receipts: Receipt[]
}

function ledgerCommand(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    // What `npm run ledger -- …` runs (package.json: "ledger": "tsx src/server/ledger-cli.ts").
    execFile(process.execPath, ['--import', 'tsx', 'src/server/ledger-cli.ts', ...args], { cwd: ROOT, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0, stdout, stderr })
    })
  })
}

/** `npm run ledger -- export --data-dir DIR`, parsed. */
export async function ledgerExport(dataDir: string): Promise<LedgerExport> {
  const r = await ledgerCommand(['export', '--data-dir', dataDir])
  if (r.code !== 0) throw new Error(`ledger export failed (${r.code}): ${r.stderr}`)
  return JSON.parse(r.stdout) as LedgerExport
}

/** `npm run ledger -- verify --data-dir DIR`: exit code and the line it printed. */
export async function ledgerVerify(dataDir: string): Promise<{ code: number; out: string }> {
  const r = await ledgerCommand(['verify', '--data-dir', dataDir])
  return { code: r.code, out: (r.stdout + r.stderr).trim() }
}

/** The receipts of one pairing, in ledger order. */
export async function receiptsOf(dataDir: string, pairingId: string): Promise<Receipt[]> {
  return (await ledgerExport(dataDir)).receipts.filter((r) => r.pairing_id === pairingId)
}

/** scope → status of a receipt, e.g. { bluetooth: 'granted', network: 'denied' }. */
export function statuses(r: Receipt): Record<string, string> {
  return Object.fromEntries(r.services.map((s) => [s.scope, s.status]))
}

// ---- QR codes in screenshots -----------------------------------------------------------------

export interface DecodedQr {
  text: string
  version: number
  /** modules per side (17 + 4 · version) */
  modules: number
  /** screenshot pixels per module, measured between the finder pattern centres */
  modulePx: number
  /** the symbol's corners in screenshot pixels */
  bounds: Region
}

/** The part of `img` inside `region` (clipped), as a new image. */
export function crop(img: Rgba, region: Region): Rgba {
  const x0 = Math.max(0, Math.floor(region.x))
  const y0 = Math.max(0, Math.floor(region.y))
  const x1 = Math.min(img.width, Math.ceil(region.x + region.width))
  const y1 = Math.min(img.height, Math.ceil(region.y + region.height))
  const width = Math.max(0, x1 - x0)
  const height = Math.max(0, y1 - y0)
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) data.set(img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x1) * 4), y * width * 4)
  return { width, height, data }
}

/**
 * Decodes the QR code in a PNG screenshot (optionally only inside `region`) with jsQR; null when
 * none is found. Transparent pixels are read as black, as a screen shows them.
 */
export function decodeQrPng(png: Buffer, region?: Region): DecodedQr | null {
  const full = decodePng(png)
  const img = region ? crop(full, region) : full
  const rgba = new Uint8ClampedArray(img.data.length)
  for (let i = 0; i < img.data.length; i += 4) {
    const a = img.data[i + 3] / 255
    rgba[i] = img.data[i] * a
    rgba[i + 1] = img.data[i + 1] * a
    rgba[i + 2] = img.data[i + 2] * a
    rgba[i + 3] = 255
  }
  const code = jsQR(rgba, img.width, img.height, { inversionAttempts: 'dontInvert' })
  if (!code) return null
  const modules = 17 + 4 * code.version
  const l = code.location
  const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y)
  // Finder pattern centres sit 3.5 modules in from the symbol's edges: (modules - 7) apart.
  const modulePx = (dist(l.topLeftFinderPattern, l.topRightFinderPattern) + dist(l.topLeftFinderPattern, l.bottomLeftFinderPattern)) / 2 / (modules - 7)
  const xs = [l.topLeftCorner.x, l.topRightCorner.x, l.bottomLeftCorner.x, l.bottomRightCorner.x]
  const ys = [l.topLeftCorner.y, l.topRightCorner.y, l.bottomLeftCorner.y, l.bottomRightCorner.y]
  const ox = region ? Math.max(0, Math.floor(region.x)) : 0
  const oy = region ? Math.max(0, Math.floor(region.y)) : 0
  return {
    text: code.data,
    version: code.version,
    modules,
    modulePx,
    bounds: { x: ox + Math.min(...xs), y: oy + Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) },
  }
}

/** `HTTP://HOST[:PORT]/P/<26 Crockford base32>` as the service mints it (upper case: QR alphanumeric mode). */
export const QR_URL_PATTERN = /^HTTP:\/\/[A-Z0-9.-]+(:\d+)?\/P\/[0-9A-HJKMNP-TV-Z]{26}$/

/** The QR URL as a browser opens it (scheme and host are case-insensitive; the token is kept). */
export function openableUrl(qrText: string): string {
  const u = new URL(qrText)
  return u.href
}

// ---- the TV's pairing state ------------------------------------------------------------------

export type PairPhase = 'loading' | 'waiting' | 'claimed' | 'consent' | 'sending' | 'recorded' | 'not-recorded' | 'window-closed' | 'error'

export interface PairHookState {
  phase: PairPhase
  pairingId?: string
  userCode?: string
  qrUrl?: string
  phone?: string
  scopes?: string[]
  decisions?: Record<string, 'granted' | 'denied'>
  retrying?: boolean
  qrModulePx?: number
  /** the QR is drawn (only while its code waits for a phone) */
  qrShown?: boolean
  /** how the previous pairing ended, told above the fresh code */
  notice?: 'ended' | 'cancelled'
  /** following the pairing cannot reach the service */
  offline?: boolean
  /** the status line while the service cannot be reached or refused (with the seconds to the next try) */
  trouble?: string
  /** after sending: what was recorded per scope and what it lets the phone do */
  lines?: string[]
}

export interface PrivacyHookState {
  /** where the list came from: the service's ledger, or (unreachable, unsigned TV) this TV alone */
  source?: 'loading' | 'service' | 'local'
  records: { pairingId: string; active: string[] }[]
}

/** window.__miitee.state.pair (a copy), or null before the pair page rendered. */
export function pairState(page: Page): Promise<PairHookState | null> {
  return page.evaluate(() => {
    const p = (window as any).__miitee?.state?.pair
    return p ? JSON.parse(JSON.stringify(p)) : null
  })
}

export function privacyState(page: Page): Promise<PrivacyHookState | null> {
  return page.evaluate(() => {
    const p = (window as any).__miitee?.state?.privacy
    return p ? JSON.parse(JSON.stringify(p)) : null
  })
}

/** Waits until the TV's pair state satisfies `pred` (evaluated in node on each sample). */
export async function waitForPair(page: Page, pred: (s: PairHookState) => boolean, what: string, timeoutMs = 15000): Promise<PairHookState> {
  const until = Date.now() + timeoutMs
  let last: PairHookState | null = null
  for (;;) {
    last = await pairState(page)
    if (last && pred(last)) return last
    if (Date.now() > until) throw new Error(`TV pair state never became ${what} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`)
    await sleep(100)
  }
}

/** The consent outbox the TV keeps in localStorage (`miitee.consent-outbox`). */
export const OUTBOX_KEY = 'miitee.consent-outbox'
export const HISTORY_KEY = 'miitee.consent-history'

export interface StoredOutboxEntry {
  id: string
  kind: 'decision' | 'withdrawal'
  pairingId: string
  attempts: number
  nextAt: number
  lastError?: string
  body: any
}

export async function outboxEntries(page: Page): Promise<StoredOutboxEntry[]> {
  const raw = await page.evaluate((k) => localStorage.getItem(k), OUTBOX_KEY)
  return raw ? (JSON.parse(raw) as StoredOutboxEntry[]) : []
}

/** Samples `probe` every `everyMs` until `stop()` is called; returns the samples with their times. */
export function sampler<T>(probe: () => Promise<T>, everyMs = 200): { samples: { at: number; value: T }[]; stop(): Promise<void> } {
  const samples: { at: number; value: T }[] = []
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const t0 = Date.now()
      try {
        samples.push({ at: t0, value: await probe() })
      } catch {
        /* page busy navigating: skip the sample */
      }
      await sleep(Math.max(0, everyMs - (Date.now() - t0)))
    }
  })()
  return {
    samples,
    async stop() {
      stopped = true
      await loop
    },
  }
}

/** Decision (or withdrawal) POSTs for one pairing in a proxy log. */
export function consentPosts(log: ProxiedRequest[], pairingId: string, kind: 'decision' | 'withdrawal' = 'decision'): ProxiedRequest[] {
  return log.filter((r) => r.method === 'POST' && r.path === `/v1/pairings/${pairingId}/${kind}`)
}

// ---- TV probe: the consent overlay ---------------------------------------------------------------

export interface OverlayState {
  visible: boolean
  /** each scope's answer: null until the viewer chooses (sent as denied) */
  rows: { scope: string; choice: 'granted' | 'denied' | null; focused: boolean }[]
  /** the focused button's id when focus is on the buttons row ('review' | 'policy') */
  button: string | null
  /** constructor name of the focused leaf (ChoiceRow, Button, …) */
  focus: string
}

/** The consent overlay on the pair page: its rows' choices and where focus is. */
export async function overlayState(page: Page): Promise<OverlayState | null> {
  return page.evaluate(() => {
    const app = (window as any).__miitee.app
    let overlay: any = null
    const find = (el: any) => {
      if (overlay) return
      // By its ref and API: a component in a state shows the state's class name (Choosing, Buttons).
      if (el.ref === 'Overlay' && typeof el.decisions === 'function') overlay = el
      else if (el.childList) el.childList.forEach(find)
    }
    find(app.stage.root)
    if (!overlay) return null
    const path: any[] = app.focusPath || []
    const leaf = path[path.length - 1]
    const rows = overlay.tag('Rows').children.map((r: any) => ({ scope: r.scope, choice: r.choice, focused: path.includes(r) }))
    const buttons = overlay.tag('Buttons')
    return {
      visible: !!overlay.visible,
      rows,
      button: path.includes(buttons) ? buttons.selectedId ?? null : null,
      focus: leaf ? leaf.constructor.name : '',
    }
  })
}
