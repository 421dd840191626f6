// Test harness: the service over real HTTP on a random loopback port, with an injected clock,
// captured logs and a temporary DATA_DIR.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import type { AddressInfo } from 'node:net'
import { Agent, fetch as undiciFetch } from 'undici'
import { buildApp, type App, type AppDeps } from '../../src/server/app'
import { defaultConfig, type Limits, type ServiceConfig } from '../../src/server/config'
import { nodeSigningCrypto } from '../../src/server/crypto'
import { signRequest, signingHost } from '../../src/core/protocol'

export const DEVICE_ID = 'tv-0001'
/** A policy index holding the one policy NOTICE cites: POLICY_DIR for services under test. */
export const TEST_POLICY_DIR = resolve(__dirname, 'fixtures/policy')
export const DEVICE_SECRET = 'oem-provisioned-secret-0001'

export class FakeClock {
  t = Date.parse('2030-01-01T00:00:00.000Z')
  now = (): number => this.t
  advance(ms: number): void {
    this.t += ms
  }
}

export interface TestServer {
  url: string
  port: number
  app: App
  clock: FakeClock
  dataDir: string
  logs: string[]
  config: ServiceConfig
  close(): Promise<void>
}

/** What a test may set in the service's config; `limits` names only the limits it changes. */
export type ConfigOverrides = Partial<Omit<ServiceConfig, 'limits'>> & { limits?: Partial<Limits> }

/** defaultConfig with a harness's `base` settings, then a test's `overrides` (limits merged over the defaults one by one). */
export function testConfig(base: Partial<ServiceConfig>, overrides: ConfigOverrides = {}): ServiceConfig {
  const { limits, ...rest } = overrides
  return defaultConfig({ ...base, ...rest, limits: { ...defaultConfig().limits, ...limits } } as Partial<ServiceConfig>)
}

/** A log stream for buildApp that keeps every line the app writes, for assertions. */
export function capturedLogs(): { logs: string[]; logStream: Writable } {
  const logs: string[] = []
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk))
      cb()
    },
  })
  return { logs, logStream }
}

/**
 * Listens on 127.0.0.1 (port 0: a free one). Unless the config names a public URL, the app's own
 * URL becomes it, so the QR links it mints point back at it.
 */
export async function listenOnLoopback(app: App, config: ServiceConfig, port = 0): Promise<{ port: number; url: string }> {
  await app.listen({ port, host: '127.0.0.1' })
  const bound = (app.server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${bound}`
  if (!config.publicUrl) config.publicUrl = url
  return { port: bound, url }
}

export interface StartOptions {
  config?: ConfigOverrides
  deps?: Omit<AppDeps, 'clock' | 'logStream'>
  clock?: FakeClock
  dataDir?: string
  /** Use the real clock instead of a FakeClock. */
  realClock?: boolean
}

export async function startServer(opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'miitee-svc-'))
  const clock = opts.clock ?? new FakeClock()
  const { logs, logStream } = capturedLogs()
  const config = testConfig(
    {
      dataDir,
      dev: false,
      deviceCredentials: new Map([[DEVICE_ID, DEVICE_SECRET]]),
      staticDir: join(dataDir, 'no-build'),
      // The policy NOTICE cites (a served policy is required of every decision).
      policyDir: TEST_POLICY_DIR,
      logLevel: 'debug',
      heartbeatMs: 200,
    },
    opts.config,
  )
  const app = await buildApp(config, { ...opts.deps, clock: opts.realClock ? Date.now : clock.now, logStream })
  const { port, url } = await listenOnLoopback(app, config)
  return {
    url,
    port,
    app,
    clock,
    dataDir,
    logs,
    config,
    async close() {
      await app.close()
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export interface Res {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: any
}

export interface ReqOptions {
  body?: unknown
  /** Raw body text (sent as is). */
  raw?: string
  form?: Record<string, string>
  token?: string
  headers?: Record<string, string>
  /** Source address on the loopback (127.0.0.x). */
  from?: string
  contentType?: string
}

/** One HTTP request with node:http (so the source address can be chosen). */
export function request(s: { port: number }, method: string, path: string, o: ReqOptions = {}): Promise<Res> {
  let payload: string | undefined
  const headers: Record<string, string> = { ...o.headers }
  if (o.form) {
    payload = new URLSearchParams(o.form).toString()
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
  } else if (o.raw !== undefined) {
    payload = o.raw
    headers['content-type'] ??= o.contentType ?? 'application/json'
  } else if (o.body !== undefined) {
    payload = JSON.stringify(o.body)
    headers['content-type'] ??= 'application/json'
  }
  if (o.token) headers.authorization = `Bearer ${o.token}`
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload))
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, method, path, headers, localAddress: o.from, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: any
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    if (payload !== undefined) req.write(payload)
    req.end()
  })
}

export function nonce(): string {
  return randomBytes(16).toString('base64url')
}

/** Headers of a request signed with the device credential at the server's (fake) time. */
export async function signed(
  s: TestServer,
  method: string,
  path: string,
  body: string,
  over: { deviceId?: string; secret?: string; timestamp?: number; nonce?: string; host?: string } = {},
): Promise<Record<string, string>> {
  return signRequest(
    {
      method,
      host: over.host ?? signingHost(s.config.publicUrl ?? s.url),
      path,
      body,
      deviceId: over.deviceId ?? DEVICE_ID,
      secret: over.secret ?? DEVICE_SECRET,
      timestamp: over.timestamp ?? Math.floor(s.clock.now() / 1000),
      nonce: over.nonce ?? nonce(),
    },
    nodeSigningCrypto,
  )
}

export interface Created {
  pairing_id: string
  qr_url: string
  user_code: string
  tv_token: string
  verification_uri: string
  verification_uri_complete: string
  expires_in: number
  interval: number
  server_time: string
}

export async function createPairing(s: TestServer, name = 'Living room TV'): Promise<Created> {
  const body = JSON.stringify({ device_name: name })
  const r = await request(s, 'POST', '/v1/pairings', { raw: body, headers: await signed(s, 'POST', '/v1/pairings', body) })
  if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`)
  return r.json
}

export function qrToken(created: Created): string {
  return created.qr_url.slice(created.qr_url.lastIndexOf('/') + 1)
}

export async function claim(s: TestServer, created: Created, phoneName = 'Alice’s phone'): Promise<{ phone_token: string; [k: string]: unknown }> {
  const r = await request(s, 'POST', '/v1/claims', { body: { qr_token: qrToken(created), phone_name: phoneName } })
  if (r.status !== 201) throw new Error(`claim failed: ${r.status} ${r.text}`)
  return r.json
}

export async function requestScopes(s: TestServer, created: Created, phoneToken: string, scopes: string[]): Promise<Res> {
  return request(s, 'POST', `/v1/pairings/${created.pairing_id}/provisioning-request`, { token: phoneToken, body: { scopes } })
}

export const NOTICE = {
  policy_id: 'miitee-privacy-policy',
  policy_version: '2024-02-29',
  locale: 'zh-CN',
  policy_sha256: 'a'.repeat(64),
}

export function decisionBody(decisions: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    decisions,
    notice: NOTICE,
    screen_id: 'consent-overlay',
    app_version: '0.1.0',
    firmware_version: 'RDK-2024Q4',
    device_time: '2030-01-01T00:00:05.000Z',
    ...extra,
  }
}

export async function decide(s: TestServer, created: Created, key: string, body: unknown): Promise<Res> {
  return request(s, 'POST', `/v1/pairings/${created.pairing_id}/decision`, { token: created.tv_token, body, headers: { 'idempotency-key': key } })
}

/** A pairing taken to consent_pending: returns the pairing and the phone token. */
export async function pendingPairing(s: TestServer, scopes = ['bluetooth', 'network']): Promise<{ created: Created; phoneToken: string }> {
  const created = await createPairing(s)
  const c = await claim(s, created)
  const r = await requestScopes(s, created, c.phone_token, scopes)
  if (r.status !== 202) throw new Error(`provisioning request failed: ${r.status} ${r.text}`)
  return { created, phoneToken: c.phone_token }
}

export interface SseEvent {
  id?: string
  event?: string
  data?: string
}

/** Reads a server-sent event stream with fetch; `next()` yields parsed events, comments counted. */
export async function openSse(url: string, token: string, lastEventId?: string) {
  const ac = new AbortController()
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' }
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
  // Own connection pool, destroyed on close, so no spare socket outlives the stream.
  const agent = new Agent({ connections: 1 })
  const res = await undiciFetch(url, { headers, signal: ac.signal, dispatcher: agent })
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buf = ''
  const queue: SseEvent[] = []
  let comments = 0
  let retry: number | undefined
  const waiters: (() => void)[] = []
  let ended = false
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buf += decoder.decode(value, { stream: true })
        let i: number
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i)
          buf = buf.slice(i + 2)
          const ev: SseEvent = {}
          let isEvent = false
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments++
            else if (line.startsWith('retry: ')) retry = Number(line.slice(7))
            else {
              const c = line.indexOf(': ')
              const k = line.slice(0, c) as keyof SseEvent
              ev[k] = line.slice(c + 2)
              isEvent = true
            }
          }
          if (isEvent) queue.push(ev)
          waiters.splice(0).forEach((w) => w())
        }
      }
    } catch {
      // aborted
    }
    ended = true
    waiters.splice(0).forEach((w) => w())
  })()
  async function until(pred: () => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms
    while (!pred()) {
      if (ended) throw new Error('stream ended')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('timed out waiting on the event stream')
      await new Promise<void>((r) => {
        const t = setTimeout(r, left)
        waiters.push(() => {
          clearTimeout(t)
          r()
        })
      })
    }
  }
  return {
    res,
    get comments() {
      return comments
    },
    get retry() {
      return retry
    },
    async next(ms = 3000): Promise<SseEvent> {
      await until(() => queue.length > 0, ms)
      return queue.shift()!
    },
    until,
    pending: () => queue.length,
    close: () => {
      ac.abort()
      void agent.destroy()
    },
  }
}

const ROOT = resolve(__dirname, '../..')

/** Runs the ledger command (`npm run ledger -- …`) in its own process. */
export function ledgerCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/server/ledger-cli.ts', ...args], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}
