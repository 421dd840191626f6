// `npm run bench:service`: the pairing service beside a fastify hello-world baseline, both in
// child processes on loopback ports, loaded by a bounded in-process client. Prints req/s,
// p50/p99 latency and memory per idle SSE connection, each beside the baseline.
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
import { cpuMs, startProc, type Proc } from './lib/procs'
import { openIdleStreams } from './lib/sse'

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

function signedCreate(i: number): Req {
  const [id, secret] = DEVICES[i % DEVICES.length]
  const body = JSON.stringify({ device_name: `Bench TV ${i % 1000}` })
  const ts = Math.floor(Date.now() / 1000)
  const nonce = randomBytes(16).toString('base64url')
  const bodySha256 = createHash('sha256').update(body).digest('hex')
  const sig = createHmac('sha256', secret).update(signingInput({ method: 'POST', path: '/v1/pairings', timestamp: ts, nonce, bodySha256 })).digest('hex')
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
}

interface Summary {
  rps: number
  p50: number
  p99: number
  cpuUs: number
  /** Median of the per-round ratios to the baseline round run just before. */
  ratio: number
  other: Record<number, number>
}

async function measured(proc: Proc, run: () => Promise<LoadResult>): Promise<Measured> {
  const c0 = cpuMs(proc.child.pid as number)
  const r = await run()
  return { ...r, cpuUs: ((cpuMs(proc.child.pid as number) - c0) * 1000) / Math.max(1, r.requests) }
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

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'miitee-bench-'))
  const creds = Object.fromEntries(DEVICES)
  log(`bench: ${ROUNDS} round(s) × ${DURATION_MS / 1000} s, concurrency ${CONCURRENCY}, ${SSE} idle streams, service LOG_LEVEL=${LOG_LEVEL}`)
  const hello = await startProc('bench/lib/hello.ts', {}, ROOT)
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
    },
    ROOT,
  ).catch(async (e) => {
    await hello.stop()
    throw e
  })
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
    log(`pairing creation: ${create.rps.toFixed(0)} req/s (${create.ratio.toFixed(2)}× baseline)`)

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
    log(`status reads: ${status.rps.toFixed(0)} req/s (${status.ratio.toFixed(2)}× baseline)`)

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
    log(`durable decisions: ${decisions.rps.toFixed(0)} /s`)
    const base = summarize(baseRounds, 200)

    // idle event streams: resident memory per connection
    const streamTargets = pool.slice(0, SSE).map((p) => ({ path: `/v1/pairings/${p.id}/events`, token: p.tv }))
    const svcMem = await sseMemory(svc, streamTargets, 'event: status')
    log(`service streams: ${svcMem.perConnKb.toFixed(2)} KB each`)
    const baseMem = await sseMemory(hello, Array.from({ length: SSE }, () => ({ path: '/sse' })), 'event: status')
    log(`baseline streams: ${baseMem.perConnKb.toFixed(2)} KB each`)

    const line = (name: string, s: Summary, target: string) =>
      `${name.padEnd(30)}${s.rps.toFixed(0).padStart(9)}${s.p50.toFixed(2).padStart(9)}${s.p99.toFixed(2).padStart(9)}${s.cpuUs.toFixed(1).padStart(9)}  ${`${s.ratio.toFixed(2)}×`.padEnd(8)}${target}`
    const rows = [
      '',
      `Miitee pairing service benchmark — medians of ${ROUNDS} round(s) × ${DURATION_MS / 1000} s, concurrency ${CONCURRENCY}, loopback, service LOG_LEVEL=${LOG_LEVEL}`,
      `(each service round follows its own baseline round; "vs base" is the median of those per-round ratios; CPU = server CPU per request)`,
      `${'metric'.padEnd(30)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'CPU µs'.padStart(9)}  ${'vs base'.padEnd(8)}target`,
      line('fastify hello-world (baseline)', base, ''),
      line('pairing creation (signed)', create, ''),
      line('status reads (plain poll)', status, `≥ 0.60× ${status.ratio >= 0.6 ? 'met' : 'MISSED'}`),
      line('durable decisions', decisions, `≥ 1000/s ${decisions.rps >= 1000 ? 'met' : 'MISSED'}`),
      '',
      `${'idle SSE connections'.padEnd(30)}${'N'.padStart(9)}${'KB/conn'.padStart(9)}${'RSS MB'.padStart(9)}${''.padStart(9)}  ${'vs base'.padEnd(8)}target`,
      `${'baseline (bare fastify SSE)'.padEnd(30)}${String(SSE).padStart(9)}${baseMem.perConnKb.toFixed(2).padStart(9)}${(baseMem.afterKb / 1024).toFixed(0).padStart(9)}${''.padStart(9)}  ${'1.00×'.padEnd(8)}`,
      `${'service event streams'.padEnd(30)}${String(SSE).padStart(9)}${svcMem.perConnKb.toFixed(2).padStart(9)}${(svcMem.afterKb / 1024).toFixed(0).padStart(9)}${''.padStart(9)}  ${`${(svcMem.perConnKb / baseMem.perConnKb).toFixed(2)}×`.padEnd(8)}≤ 15 KB ${svcMem.perConnKb <= 15 ? 'met' : 'MISSED'}`,
      '',
      `non-success answers: creation ${JSON.stringify(create.other)}, status ${JSON.stringify(status.other)}, decisions ${JSON.stringify(decisions.other)}`,
    ]
    process.stdout.write(`${rows.join('\n')}\n`)
  } catch (e) {
    if (svc.child.exitCode !== null || svc.child.signalCode !== null)
      log(`the service exited (${svc.child.exitCode ?? svc.child.signalCode}); its last output:\n${svc.tail()}`)
    throw e
  } finally {
    await svc.stop()
    await hello.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
