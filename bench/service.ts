// `npm run bench:service`: the pairing service beside a fastify hello-world baseline, both in
// child processes on loopback ports, loaded by a bounded in-process client. Prints req/s,
// p50/p99 latency and memory per idle SSE connection, each beside the baseline, for each
// storage backend, then the backends side by side.
//   --backends LIST  comma-separated: memory (memory + SQLite), redis (Redis + PostgreSQL);
//                    default both. redis uses REDIS_URL and DATABASE_URL when both are set,
//                    otherwise starts its own redis-server and PostgreSQL on free loopback ports
//                    (both backends with the defaults: about 6 minutes on 2 cores)
//   --sse N          idle event streams to hold (default 10000)
//   --duration S     seconds per measured round (default 3)
//   --rounds R       measured rounds per metric; medians are reported (default 5)
//   --concurrency C  requests in flight (default 64)
//   --log-level L    the service's LOG_LEVEL (default warn; `info` logs one line per request)
import { spawnSync } from 'node:child_process'
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { signingInput } from '../src/core/protocol'
import { median, runLoad, type LoadResult, type Req } from './lib/load'
import { cpuMs, startProc, treeCpuMs, type Proc } from './lib/procs'
import { openIdleStreams } from './lib/sse'
import { startPostgres, startRedis, stopAll } from '../test/server/helpers-backends'

const ROOT = resolve(__dirname, '..')

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`)
  if (i < 0) return def
  const v = Number(process.argv[i + 1])
  if (!Number.isFinite(v) || v < 0) {
    process.stderr.write(`--${name} needs a number\n`)
    process.exit(2)
  }
  return v
}
function argStr(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? def : (process.argv[i + 1] ?? def)
}

const SSE = Math.floor(arg('sse', 10_000))
const DURATION_MS = arg('duration', 3) * 1000
const ROUNDS = Math.max(1, Math.floor(arg('rounds', 5)))
const CONCURRENCY = Math.max(1, Math.floor(arg('concurrency', 64)))
const LOG_LEVEL = argStr('log-level', 'warn')
const STATUS_PAIRINGS = Math.max(30_000, SSE)
const BACKEND_NAMES: Record<string, string> = { memory: 'memory + SQLite', redis: 'Redis + PostgreSQL' }
const BACKENDS = argStr('backends', 'memory,redis')
  .split(',')
  .map((b) => b.trim().toLowerCase())
  .filter(Boolean)
  .map((b) => (b === 'pg' || b === 'postgres' || b === 'redis+pg' || b === 'shared' ? 'redis' : b === 'sqlite' ? 'memory' : b))
for (const b of BACKENDS)
  if (!BACKEND_NAMES[b]) {
    process.stderr.write(`--backends: unknown backend ${JSON.stringify(b)} (memory, redis)\n`)
    process.exit(2)
  }

// Enough file descriptors for N streams on each side: re-run under a raised `ulimit -n`.
function softFdLimit(): number {
  const r = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' })
  return r.stdout.trim() === 'unlimited' ? Infinity : Number(r.stdout.trim())
}
const needFds = SSE + 4096
if (softFdLimit() < needFds && !process.env.MIITEE_BENCH_ULIMIT) {
  const want = Math.max(needFds, 65_535)
  process.stderr.write(`raising the open-file limit to ${want} for ${SSE} streams\n`)
  const cmd = `ulimit -n ${want} 2>/dev/null || ulimit -n $(ulimit -Hn); exec "$0" --import tsx "$@"`
  const r = spawnSync('bash', ['-c', cmd, process.execPath, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, MIITEE_BENCH_ULIMIT: '1' },
  })
  process.exit(r.status ?? 1)
}

const DEVICES = Array.from({ length: 16 }, (_, i) => [`bench-tv-${i}`, randomBytes(24).toString('hex')] as const)

/** The host of the service under test, as it names itself (its default public URL: localhost and its port). */
let signedHost = ''

function signedCreate(i: number): Req {
  const [id, secret] = DEVICES[i % DEVICES.length]
  const body = JSON.stringify({ device_name: `Bench TV ${i % 1000}` })
  const ts = Math.floor(Date.now() / 1000)
  const nonce = randomBytes(16).toString('base64url')
  const bodySha256 = createHash('sha256').update(body).digest('hex')
  const sig = createHmac('sha256', secret).update(signingInput({ method: 'POST', host: signedHost, path: '/v1/pairings', timestamp: ts, nonce, bodySha256 })).digest('hex')
  return {
    method: 'POST',
    path: '/v1/pairings',
    body,
    headers: { 'content-type': 'application/json', 'x-miitee-device': id, 'x-miitee-timestamp': String(ts), 'x-miitee-nonce': nonce, 'x-miitee-signature': sig },
  }
}

interface Pairing {
  id: string
  tv: string
  qr: string
  phone?: string
}

async function createPairings(port: number, n: number): Promise<Pairing[]> {
  const out: Pairing[] = []
  const r = await runLoad({
    port,
    concurrency: CONCURRENCY,
    durationMs: 120_000,
    maxRequests: n,
    make: signedCreate,
    onBody: (_i, status, body) => {
      if (status !== 201) return
      const j = JSON.parse(body)
      out.push({ id: j.pairing_id, tv: j.tv_token, qr: j.qr_url.split('/P/')[1] })
    },
  })
  if (out.length !== n) throw new Error(`created ${out.length}/${n} pairings: ${JSON.stringify(r.statuses)} errors ${r.errors}`)
  return out
}

async function toConsentPending(port: number, ps: Pairing[]): Promise<void> {
  const json = { 'content-type': 'application/json' }
  await runLoad({
    port,
    concurrency: CONCURRENCY,
    durationMs: 120_000,
    maxRequests: ps.length,
    make: (i) => ({ method: 'POST', path: '/v1/claims', headers: json, body: JSON.stringify({ qr_token: ps[i].qr, phone_name: 'Bench phone' }) }),
    onBody: (i, status, body) => {
      if (status === 201) ps[i].phone = JSON.parse(body).phone_token
    },
  })
  const r = await runLoad({
    port,
    concurrency: CONCURRENCY,
    durationMs: 120_000,
    maxRequests: ps.length,
    make: (i) => ({
      method: 'POST',
      path: `/v1/pairings/${ps[i].id}/provisioning-request`,
      headers: { ...json, authorization: `Bearer ${ps[i].phone}` },
      body: '{"scopes":["bluetooth","network"]}',
    }),
  })
  if ((r.statuses[202] ?? 0) !== ps.length) throw new Error(`provisioning requests: ${JSON.stringify(r.statuses)}`)
}

const DECISION = JSON.stringify({
  decisions: { bluetooth: 'granted', network: 'denied' },
  notice: { policy_id: 'miitee-privacy-policy', policy_version: '2024-02-29', locale: 'zh-CN', policy_sha256: 'a'.repeat(64) },
  screen_id: 'consent-overlay',
  app_version: '0.1.0',
  device_time: '2030-01-01T00:00:00Z',
})

interface Measured extends LoadResult {
  /** Server CPU time per request, µs. */
  cpuUs: number
  /** CPU time of Redis + PostgreSQL per request, µs (0 for the embedded backends). */
  storeCpuUs: number
}

interface Summary {
  rps: number
  p50: number
  p99: number
  cpuUs: number
  storeCpuUs: number
  /** Median of the per-round ratios to the baseline round run just before. */
  ratio: number
  other: Record<number, number>
}

/** Processes of the storage servers, whose CPU counts as the backend's (set per backend). */
let storePids: number[] = []
const storeCpuMs = () => storePids.reduce((t, pid) => t + treeCpuMs(pid), 0)

async function measured(proc: Proc, run: () => Promise<LoadResult>): Promise<Measured> {
  const c0 = cpuMs(proc.child.pid as number)
  const s0 = storeCpuMs()
  const r = await run()
  const n = Math.max(1, r.requests)
  return { ...r, cpuUs: ((cpuMs(proc.child.pid as number) - c0) * 1000) / n, storeCpuUs: ((storeCpuMs() - s0) * 1000) / n }
}

function summarize(rounds: Measured[], okStatus: number, baseline?: Measured[]): Summary {
  const other: Record<number, number> = {}
  for (const r of rounds) for (const [k, v] of Object.entries(r.statuses)) if (Number(k) !== okStatus) other[Number(k)] = (other[Number(k)] ?? 0) + v
  const rps = (r: Measured, ok: number) => (r.statuses[ok] ?? 0) / r.seconds
  return {
    rps: median(rounds.map((r) => rps(r, okStatus))),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    cpuUs: median(rounds.map((r) => r.cpuUs)),
    storeCpuUs: median(rounds.map((r) => r.storeCpuUs)),
    ratio: baseline ? median(rounds.map((r, i) => rps(r, okStatus) / rps(baseline[i], 200))) : 1,
    other,
  }
}

async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms))
}

async function sseMemory(proc: Proc, targets: { path: string; token?: string }[], marker: string): Promise<{ perConnKb: number; beforeKb: number; afterKb: number }> {
  await settle(1500)
  const beforeKb = proc.rssKb()
  const streams = await openIdleStreams(proc.port, targets, marker)
  await settle(2500)
  const afterKb = proc.rssKb()
  streams.close()
  await settle(500)
  return { perConnKb: (afterKb - beforeKb) / targets.length, beforeKb, afterKb }
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`)
}

interface BackendResult {
  name: string
  base: Summary
  create: Summary
  status: Summary
  decisions: Summary
  svcMem: { perConnKb: number; beforeKb: number; afterKb: number }
  baseMem: { perConnKb: number; beforeKb: number; afterKb: number }
}

/** Runs every measurement against one service process using `storeEnv` for its storage. */
async function benchBackend(name: string, hello: Proc, storeEnv: Record<string, string>): Promise<BackendResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'miitee-bench-'))
  const creds = Object.fromEntries(DEVICES)
  log(`${name}: ${ROUNDS} round(s) × ${DURATION_MS / 1000} s, concurrency ${CONCURRENCY}, ${SSE} idle streams, service LOG_LEVEL=${LOG_LEVEL}`)
  const svc = await startProc(
    'src/server/main.ts',
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEV: '0',
      DEVICE_CREDENTIALS: JSON.stringify(creds),
      LOG_LEVEL,
      POLL_INTERVAL_SECONDS: '1',
      LIMIT_PAIRINGS_PER_DEVICE: '100000000',
      LIMIT_CLAIMS_PER_IP: '1000000',
      LIMIT_CLAIMS_GLOBAL: '100000000',
      STATIC_DIR: join(dataDir, 'no-build'),
      // The policy the decisions below cite.
      POLICY_DIR: join(ROOT, 'test/server/fixtures/policy'),
      ...storeEnv,
    },
    ROOT,
  )
  signedHost = `localhost:${svc.port}`
  try {
    // Each measured round of the service runs right after a baseline round, so both see the
    // same machine (other work on a shared machine moves absolute numbers a lot).
    const helloReq = (): Req => ({ method: 'GET', path: '/' })
    const baseRounds: Measured[] = []
    const baseline = () => measured(hello, () => runLoad({ port: hello.port, concurrency: CONCURRENCY, durationMs: DURATION_MS, make: helloReq }))
    async function paired(run: (round: number) => Promise<Measured>, prepare?: (round: number) => Promise<void>): Promise<{ svc: Measured[]; base: Measured[] }> {
      const svcRounds: Measured[] = []
      const base: Measured[] = []
      for (let i = 0; i < ROUNDS; i++) {
        await prepare?.(i)
        base.push(await baseline())
        svcRounds.push(await run(i))
      }
      baseRounds.push(...base)
      return { svc: svcRounds, base }
    }
    await runLoad({ port: hello.port, concurrency: CONCURRENCY, durationMs: 1000, make: helloReq })

    // pairing creation (signed with the device credential)
    await runLoad({ port: svc.port, concurrency: CONCURRENCY, durationMs: 1000, make: signedCreate })
    const c = await paired(() => measured(svc, () => runLoad({ port: svc.port, concurrency: CONCURRENCY, durationMs: DURATION_MS, make: signedCreate })))
    const create = summarize(c.svc, 201, c.base)
    log(`${name}: pairing creation: ${create.rps.toFixed(0)} req/s (${create.ratio.toFixed(2)}× baseline)`)

    // status reads (plain polls, TV token, pacing in force: each pairing is read ≤ once a second)
    const pool = await createPairings(svc.port, STATUS_PAIRINGS)
    const statusReq = (i: number): Req => {
      const p = pool[i % pool.length]
      return { method: 'GET', path: `/v1/pairings/${p.id}`, headers: { authorization: `Bearer ${p.tv}` } }
    }
    let offset = 0
    await runLoad({ port: svc.port, concurrency: CONCURRENCY, durationMs: 500, make: (i) => statusReq(pool.length - 1 - i) })
    const st = await paired(async () => {
      const start = offset
      const r = await measured(svc, () => runLoad({ port: svc.port, concurrency: CONCURRENCY, durationMs: DURATION_MS, make: (i) => statusReq(start + i) }))
      offset += r.requests
      return r
    })
    const status = summarize(st.svc, 200, st.base)
    log(`${name}: status reads: ${status.rps.toFixed(0)} req/s (${status.ratio.toFixed(2)}× baseline)`)

    // durable decisions, each on its own pending pairing, each in the ledger before its 201
    const perRound = Math.ceil((DURATION_MS / 1000) * 4000)
    let pending: Pairing[] = []
    const dec = await paired(
      (round) =>
        measured(svc, () =>
          runLoad({
            port: svc.port,
            concurrency: CONCURRENCY,
            durationMs: DURATION_MS,
            maxRequests: pending.length,
            make: (i) => ({
              method: 'POST',
              path: `/v1/pairings/${pending[i].id}/decision`,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${pending[i].tv}`, 'idempotency-key': `bench-${round}-${i}` },
              body: DECISION,
            }),
          }),
        ),
      async () => {
        pending = await createPairings(svc.port, perRound)
        await toConsentPending(svc.port, pending)
      },
    )
    const decisions = summarize(dec.svc, 201, dec.base)
    log(`${name}: durable decisions: ${decisions.rps.toFixed(0)} /s`)
    const base = summarize(baseRounds, 200)

    // idle event streams: resident memory per connection
    const streamTargets = pool.slice(0, SSE).map((p) => ({ path: `/v1/pairings/${p.id}/events`, token: p.tv }))
    const svcMem = await sseMemory(svc, streamTargets, 'event: status')
    log(`${name}: service streams: ${svcMem.perConnKb.toFixed(2)} KB each`)
    const baseMem = await sseMemory(hello, Array.from({ length: SSE }, () => ({ path: '/sse' })), 'event: status')
    log(`${name}: baseline streams: ${baseMem.perConnKb.toFixed(2)} KB each`)
    return { name, base, create, status, decisions, svcMem, baseMem }
  } catch (e) {
    if (svc.child.exitCode !== null || svc.child.signalCode !== null)
      log(`the service exited (${svc.child.exitCode ?? svc.child.signalCode}); its last output:\n${svc.tail()}`)
    throw e
  } finally {
    await svc.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function report(r: BackendResult): string[] {
  const store = r.create.storeCpuUs > 0
  const line = (name: string, s: Summary, target: string) =>
    `${name.padEnd(30)}${s.rps.toFixed(0).padStart(9)}${s.p50.toFixed(2).padStart(9)}${s.p99.toFixed(2).padStart(9)}${s.cpuUs.toFixed(1).padStart(9)}${store ? s.storeCpuUs.toFixed(1).padStart(9) : ''}  ${`${s.ratio.toFixed(2)}×`.padEnd(8)}${target}`
  return [
    '',
    `Miitee pairing service benchmark, storage: ${r.name} — medians of ${ROUNDS} round(s) × ${DURATION_MS / 1000} s, concurrency ${CONCURRENCY}, loopback, service LOG_LEVEL=${LOG_LEVEL}`,
    `(each service round follows its own baseline round; "vs base" is the median of those per-round ratios; CPU = server CPU per request${store ? '; store CPU = Redis + PostgreSQL CPU per request' : ''})`,
    `${'metric'.padEnd(30)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'CPU µs'.padStart(9)}${store ? 'store µs'.padStart(9) : ''}  ${'vs base'.padEnd(8)}target`,
    line('fastify hello-world (baseline)', r.base, ''),
    line('pairing creation (signed)', r.create, ''),
    line('status reads (plain poll)', r.status, `≥ 0.60× ${r.status.ratio >= 0.6 ? 'met' : 'MISSED'}`),
    line('durable decisions', r.decisions, `≥ 1000/s ${r.decisions.rps >= 1000 ? 'met' : 'MISSED'}`),
    '',
    `${'idle SSE connections'.padEnd(30)}${'N'.padStart(9)}${'KB/conn'.padStart(9)}${'RSS MB'.padStart(9)}${''.padStart(9)}  ${'vs base'.padEnd(8)}target`,
    `${'baseline (bare fastify SSE)'.padEnd(30)}${String(SSE).padStart(9)}${r.baseMem.perConnKb.toFixed(2).padStart(9)}${(r.baseMem.afterKb / 1024).toFixed(0).padStart(9)}${''.padStart(9)}  ${'1.00×'.padEnd(8)}`,
    `${'service event streams'.padEnd(30)}${String(SSE).padStart(9)}${r.svcMem.perConnKb.toFixed(2).padStart(9)}${(r.svcMem.afterKb / 1024).toFixed(0).padStart(9)}${''.padStart(9)}  ${`${(r.svcMem.perConnKb / r.baseMem.perConnKb).toFixed(2)}×`.padEnd(8)}≤ 15 KB ${r.svcMem.perConnKb <= 15 ? 'met' : 'MISSED'}`,
    '',
    `non-success answers: creation ${JSON.stringify(r.create.other)}, status ${JSON.stringify(r.status.other)}, decisions ${JSON.stringify(r.decisions.other)}`,
  ]
}

/** The backends in columns: req/s (× baseline), p99, CPU per request (service + store). */
function sideBySide(results: BackendResult[]): string[] {
  const W = 34
  const cell = (t: string) => t.padStart(W)
  const rows: [string, (r: BackendResult) => string][] = [
    ['baseline hello-world req/s', (r) => r.base.rps.toFixed(0)],
    ['pairing creation req/s', (r) => `${r.create.rps.toFixed(0)} (${r.create.ratio.toFixed(2)}×)`],
    ['  p50 / p99 ms', (r) => `${r.create.p50.toFixed(2)} / ${r.create.p99.toFixed(2)}`],
    ['  CPU µs/req service + store', (r) => `${r.create.cpuUs.toFixed(0)} + ${r.create.storeCpuUs.toFixed(0)}`],
    ['status reads req/s', (r) => `${r.status.rps.toFixed(0)} (${r.status.ratio.toFixed(2)}×)`],
    ['  p50 / p99 ms', (r) => `${r.status.p50.toFixed(2)} / ${r.status.p99.toFixed(2)}`],
    ['  CPU µs/req service + store', (r) => `${r.status.cpuUs.toFixed(0)} + ${r.status.storeCpuUs.toFixed(0)}`],
    ['durable decisions /s', (r) => r.decisions.rps.toFixed(0)],
    ['  p50 / p99 ms', (r) => `${r.decisions.p50.toFixed(2)} / ${r.decisions.p99.toFixed(2)}`],
    ['  CPU µs/req service + store', (r) => `${r.decisions.cpuUs.toFixed(0)} + ${r.decisions.storeCpuUs.toFixed(0)}`],
    [`idle SSE KB/conn (${SSE})`, (r) => `${r.svcMem.perConnKb.toFixed(2)} (base ${r.baseMem.perConnKb.toFixed(2)})`],
  ]
  return [
    '',
    `Side by side — medians of ${ROUNDS} round(s) × ${DURATION_MS / 1000} s, concurrency ${CONCURRENCY}; (×) = vs the hello-world baseline of the same run`,
    `${'metric'.padEnd(30)}${results.map((r) => cell(r.name)).join('')}`,
    ...rows.map(([label, f]) => `${label.padEnd(30)}${results.map((r) => cell(f(r))).join('')}`),
    ...(results.some((r) => r.name === BACKEND_NAMES.redis)
      ? ['', 'Redis and PostgreSQL run on this machine too: their CPU competes with the service and the load generator.']
      : []),
  ]
}

async function main(): Promise<void> {
  const started = Date.now()
  const hello = await startProc('bench/lib/hello.ts', {}, ROOT)
  const results: BackendResult[] = []
  try {
    for (const b of BACKENDS) {
      storePids = []
      let env: Record<string, string> = {}
      if (b === 'redis') {
        if (process.env.REDIS_URL && process.env.DATABASE_URL) {
          env = { REDIS_URL: process.env.REDIS_URL, DATABASE_URL: process.env.DATABASE_URL }
          log('redis: using REDIS_URL and DATABASE_URL from the environment (their CPU is not measured)')
        } else {
          log('redis: starting redis-server and PostgreSQL on free loopback ports')
          const [redis, pg] = await Promise.all([startRedis(), startPostgres()])
          env = { REDIS_URL: redis.url, DATABASE_URL: await pg.createDatabase('bench') }
          storePids = [redis.pid, pg.pid]
        }
        // the service keys must agree wherever the state is shared
        env.SERVER_SECRET = randomBytes(32).toString('hex')
      }
      try {
        const r = await benchBackend(BACKEND_NAMES[b], hello, env)
        results.push(r)
        process.stdout.write(`${report(r).join('\n')}\n`)
      } finally {
        await stopAll()
      }
    }
    if (results.length > 1) process.stdout.write(`${sideBySide(results).join('\n')}\n`)
    log(`bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  } finally {
    await hello.stop()
    await stopAll()
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
