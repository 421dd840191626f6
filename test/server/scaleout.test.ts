// Several service processes sharing Redis and PostgreSQL (real servers started here): the TV
// follows on one process while the phone acts on another and every event arrives; limits hold
// across processes; a process killed with SIGKILL mid-flow loses no acknowledged decision and
// the others carry on; bad or unreachable backends stop the start naming the variable; a
// graceful stop closes every connection.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Redis from 'ioredis'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, configFromEnv } from '../../src/server/config'
import { TEST_POLICY_DIR, decisionBody, openSse, request, type Res } from './helpers'
import { freePort, startPostgres, startRedis, stopAll, type RunningPostgres, type RunningServer } from './helpers-backends'

const ROOT = resolve(__dirname, '../..')
const SECRET = randomBytes(32).toString('hex')
const children = new Set<ChildProcessWithoutNullStreams>()
const dirs: string[] = []

let redis: RunningServer
let postgres: RunningPostgres
let databaseUrl: string
let A: Service
let B: Service

interface Service {
  child: ChildProcessWithoutNullStreams
  port: number
  base: string
  out: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function spawnService(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'miitee-scale-'))
  dirs.push(dataDir)
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DEV: '1', POLICY_DIR: TEST_POLICY_DIR, HEARTBEAT_SECONDS: '1', LIMIT_CLAIMS_PER_IP: '6', LIMIT_PAIRINGS_PER_DEVICE: '1000', ...env },
  })
  children.add(child)
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })))
  return { child, out: () => out, exited }
}

/** `src/server/main.ts` in its own process on the shared Redis and PostgreSQL. */
async function startService(env: Record<string, string> = {}): Promise<Service> {
  const { child, out, exited } = spawnService({ REDIS_URL: redis.url, DATABASE_URL: databaseUrl, SERVER_SECRET: SECRET, ...env })
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`service did not start:\n${out()}`)), 30_000)
    const check = () => {
      const m = /^Miitee TV: http:\/\/localhost:(\d+)\/$/m.exec(out())
      if (m) {
        clearTimeout(timer)
        res(Number(m[1]))
      }
    }
    child.stdout.on('data', check)
    void exited.then(() => {
      clearTimeout(timer)
      rej(new Error(`service exited:\n${out()}`))
    })
  })
  return { child, port, base: `http://127.0.0.1:${port}`, out, exited }
}

async function stopService(s: Service, signal: NodeJS.Signals = 'SIGTERM') {
  if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill(signal)
  const r = await s.exited
  children.delete(s.child)
  return r
}

beforeAll(async () => {
  const [r, p] = await Promise.allSettled([startRedis(), startPostgres()])
  if (r.status === 'rejected' || p.status === 'rejected') {
    await stopAll()
    throw r.status === 'rejected' ? r.reason : (p as PromiseRejectedResult).reason
  }
  redis = r.value
  postgres = p.value
  databaseUrl = await postgres.createDatabase('scaleout')
  ;[A, B] = await Promise.all([startService(), startService()])
}, 120_000)

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  await Promise.all([...children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))))
  await stopAll()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}, 60_000)

// ---- flows ------------------------------------------------------------------------------------

interface Pairing {
  pairing_id: string
  tv_token: string
  qr: string
}

async function create(s: Service, device = 'tv-scale'): Promise<Pairing> {
  const r = await request(s, 'POST', '/v1/pairings', { body: { device_name: 'Kitchen TV' }, headers: { 'x-miitee-device': device } })
  expect(r.status).toBe(201)
  return { pairing_id: r.json.pairing_id, tv_token: r.json.tv_token, qr: r.json.qr_url.split('/P/')[1] }
}

let phones = 0
/** Each phone claims from its own loopback address, so only the limit test meets the per-address limit. */
function phoneAddress(): string {
  const n = phones++
  return `127.0.${2 + Math.floor(n / 250)}.${1 + (n % 250)}`
}

async function claimOn(s: Service, p: Pairing, from = phoneAddress()): Promise<string> {
  const r = await request(s, 'POST', '/v1/claims', { body: { qr_token: p.qr, phone_name: 'Dana' }, from })
  expect(r.status, r.text).toBe(201)
  return r.json.phone_token
}

async function askOn(s: Service, p: Pairing, phone: string) {
  const r = await request(s, 'POST', `/v1/pairings/${p.pairing_id}/provisioning-request`, { token: phone, body: { scopes: ['bluetooth', 'network'] } })
  expect(r.status, r.text).toBe(202)
}

const BODY = decisionBody({ bluetooth: 'granted', network: 'denied' })

function decideOn(s: Service, p: Pairing, key: string): Promise<Res> {
  return request(s, 'POST', `/v1/pairings/${p.pairing_id}/decision`, { token: p.tv_token, body: BODY, headers: { 'idempotency-key': key } })
}

function ledgerCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/server/ledger-cli.ts', ...args],
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, DATABASE_URL: databaseUrl } },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

describe('several service processes on shared Redis and PostgreSQL', () => {
  it('the TV follows on one process while the phone acts on the other: every event arrives, in order', async () => {
    const p = await create(A)
    const tv = await openSse(`${A.base}/v1/pairings/${p.pairing_id}/events`, p.tv_token)
    try {
      expect(await tv.next()).toMatchObject({ id: '1', event: 'status' })
      const phoneToken = await claimOn(B, p)
      expect(await tv.next()).toMatchObject({ id: '2', event: 'claimed' })
      const phone = await openSse(`${B.base}/v1/pairings/${p.pairing_id}/events`, phoneToken)
      try {
        expect(await phone.next()).toMatchObject({ id: '2', event: 'status' })
        // a long-poll on A answered by a change made on B
        const poll = request(A, 'GET', `/v1/pairings/${p.pairing_id}?wait=20&after=2`, { token: p.tv_token })
        await new Promise((r) => setTimeout(r, 200))
        const t0 = Date.now()
        await askOn(B, p, phoneToken)
        const polled = await poll
        expect(polled.json).toMatchObject({ state: 'consent_pending', event_id: 3 })
        expect(Date.now() - t0).toBeLessThan(3000)
        expect(await tv.next()).toMatchObject({ id: '3', event: 'consent_requested' })
        // the TV's decision reaches B (its outbox goes through the load balancer)
        const d = await decideOn(B, p, 'scale-1')
        expect(d.status).toBe(201)
        const decided = await tv.next()
        expect(decided).toMatchObject({ id: '4', event: 'decided' })
        expect(JSON.parse(decided.data!).status.decision.receipt_id).toBe(d.json.receipt_id)
        const w = await request(A, 'POST', `/v1/pairings/${p.pairing_id}/withdrawal`, {
          token: p.tv_token,
          headers: { 'idempotency-key': 'scale-w1' },
          body: { screen_id: 's', app_version: '1', device_time: '2030-01-01T00:00:00Z' },
        })
        expect(w.status).toBe(201)
        expect(await tv.next()).toMatchObject({ id: '5', event: 'withdrawn' })
        expect([(await phone.next()).id, (await phone.next()).id, (await phone.next()).id]).toEqual(['3', '4', '5'])
        // resuming on the other process replays exactly what was missed
        const resumed = await openSse(`${B.base}/v1/pairings/${p.pairing_id}/events`, p.tv_token, '1')
        const ids = []
        for (let i = 0; i < 4; i++) ids.push((await resumed.next()).id)
        expect(ids).toEqual(['2', '3', '4', '5'])
        // Every granted scope is withdrawn: the pairing is settled, so the stream ends after the replay.
        await expect(resumed.until(() => false, 3000)).rejects.toThrow('stream ended')
        expect(resumed.pending()).toBe(0)
        resumed.close()
        // A client that has seen the last event is told there is nothing more (204), on either process.
        const after = await request(A, 'GET', `/v1/pairings/${p.pairing_id}/events`, { token: p.tv_token, headers: { 'last-event-id': '5' } })
        expect(after.status).toBe(204)
      } finally {
        phone.close()
      }
    } finally {
      tv.close()
    }
  }, 30_000)

  it('twenty pairings at once: TVs on A, phones on B, no event lost or repeated', async () => {
    const n = 20
    const ps = await Promise.all(Array.from({ length: n }, () => create(A)))
    const streams = await Promise.all(ps.map((p) => openSse(`${A.base}/v1/pairings/${p.pairing_id}/events`, p.tv_token)))
    try {
      await Promise.all(
        ps.map(async (p, i) => {
          await streams[i].next()
          const phone = await claimOn(B, p)
          await askOn(B, p, phone)
          expect((await decideOn(B, p, `burst-${i}`)).status).toBe(201)
        }),
      )
      for (const s of streams) {
        const got = []
        for (let k = 0; k < 3; k++) got.push(await s.next())
        expect(got.map((e) => `${e.id}:${e.event}`)).toEqual(['2:claimed', '3:consent_requested', '4:decided'])
        expect(s.pending()).toBe(0)
      }
    } finally {
      for (const s of streams) s.close()
    }
  }, 30_000)

  it('limits hold across processes: claim attempts per address and poll pacing', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 8; i++)
      statuses.push((await request(i % 2 ? A : B, 'POST', '/v1/claims', { body: { user_code: 'BBBB-BBB' + 'BCDFGHJK'[i], phone_name: 'x' }, from: '127.0.0.77' })).status)
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 429, 429])
    const p = await create(A)
    expect((await request(A, 'GET', `/v1/pairings/${p.pairing_id}`, { token: p.tv_token })).status).toBe(200)
    const fast = await request(B, 'GET', `/v1/pairings/${p.pairing_id}`, { token: p.tv_token })
    expect(fast.status).toBe(429)
    expect(fast.json).toMatchObject({ error: 'slow_down', interval: 10 })
    // a QR token is one-time across processes: presenting it again elsewhere revokes
    await claimOn(A, p, '127.0.0.78')
    const again = await request(B, 'POST', '/v1/claims', { body: { qr_token: p.qr, phone_name: 'Eve' }, from: '127.0.0.79' })
    expect(again.json.error).toBe('qr_token_reused')
  }, 30_000)

  it('a process killed with SIGKILL mid-flow loses nothing: acknowledged decisions are in PostgreSQL, pairings in Redis, the others carry on', async () => {
    const C = await startService()
    try {
      await killMidFlow(C)
    } finally {
      await stopService(C, 'SIGKILL')
    }
  }, 60_000)
})

async function killMidFlow(C: Service): Promise<void> {
  // A TV following on C while its phone claims on A.
  const followed = await create(A)
  const tvOnC = await openSse(`${C.base}/v1/pairings/${followed.pairing_id}/events`, followed.tv_token)
  await tvOnC.next()
  const phone = await claimOn(A, followed)
  expect(await tvOnC.next()).toMatchObject({ id: '2', event: 'claimed' })

  // Decisions in flight on C when it dies.
  const pending = await Promise.all(
    Array.from({ length: 12 }, async () => {
      const p = await create(A)
      await askOn(A, p, await claimOn(A, p))
      return p
    }),
  )
  const answers: (Res | null)[] = Array(pending.length).fill(null)
  const inFlight = pending.map((p, i) =>
    decideOn(C, p, `kill-${i}`).then(
      (r) => (answers[i] = r),
      () => null,
    ),
  )
  await Promise.race(inFlight)
  C.child.kill('SIGKILL')
  await Promise.all(inFlight)
  expect((await C.exited).signal).toBe('SIGKILL')
  const acked = answers.map((r, i) => ({ r, p: pending[i], key: `kill-${i}` })).filter((x) => x.r?.status === 201)
  expect(acked.length).toBeGreaterThan(0)

  // The TV reconnects through the other process and resumes where it was.
  await tvOnC.until(() => false, 5000).catch((e: Error) => expect(e.message).toBe('stream ended'))
  await askOn(A, followed, phone)
  const tvOnB = await openSse(`${B.base}/v1/pairings/${followed.pairing_id}/events`, followed.tv_token, '2')
  expect(await tvOnB.next()).toMatchObject({ id: '3', event: 'consent_requested' })
  expect((await decideOn(B, followed, 'after-kill')).status).toBe(201)
  expect(await tvOnB.next()).toMatchObject({ id: '4', event: 'decided' })
  tvOnB.close()

  // Every acknowledged decision: in the ledger with its hash, decided in Redis, replayed by the others.
  const exported = await ledgerCli(['export'])
  expect(exported.code).toBe(0)
  const doc = JSON.parse(exported.stdout)
  expect(doc.ledger.verified).toBe(true)
  const byReceipt = new Map<string, { chain: { hash: string }; pairing_id: string }>(doc.receipts.map((r: { receipt_id: string }) => [r.receipt_id, r]))
  for (const { r, p, key } of acked) {
    expect(byReceipt.get(r!.json.receipt_id)?.chain.hash).toBe(r!.json.ledger_hash)
    expect(byReceipt.get(r!.json.receipt_id)?.pairing_id).toBe(p.pairing_id)
    const st = await request(A, 'GET', `/v1/pairings/${p.pairing_id}?wait=1&after=999`, { token: p.tv_token })
    expect(st.json).toMatchObject({ state: 'granted', decision: { receipt_id: r!.json.receipt_id } })
    const replay = await decideOn(B, p, key)
    expect(replay.headers['idempotent-replayed']).toBe('true')
    expect(replay.json).toEqual(r!.json)
  }
  // A decision C never acknowledged may be retried elsewhere: it is answered with a documented
  // status, and no decision is ever recorded twice.
  const unacked = answers.map((r, i) => ({ r, p: pending[i], key: `kill-${i}` })).filter((x) => x.r?.status !== 201)
  for (const { p, key } of unacked) {
    const retry = await decideOn(A, p, key)
    if (retry.status === 201) {
      // a replay answers what C recorded before dying; otherwise the decision is recorded now
      if (retry.headers['idempotent-replayed'] === 'true') expect(byReceipt.has(retry.json.receipt_id)).toBe(true)
    } else expect([409, retry.json.error]).toEqual([409, expect.stringMatching(/^(request_in_flight|decision_in_progress)$/)])
  }
  const records = JSON.parse((await ledgerCli(['export'])).stdout).receipts as { decision_id: string }[]
  expect(new Set(records.map((r) => r.decision_id)).size).toBe(records.length)
  const verify = await ledgerCli(['verify'])
  expect(verify.stdout).toMatch(/^ledger OK: \d+ record\(s\), head [0-9a-f]{64}$/m)
  expect(verify.code).toBe(0)
}

describe('starting and stopping on shared backends', () => {
  async function refused(env: Record<string, string>, variable: string) {
    const { out, exited } = spawnService(env)
    const { code } = await exited
    expect(out()).toContain(variable)
    expect(code, out()).toBe(2)
    return out()
  }

  it('reads REDIS_URL, DATABASE_URL and SERVER_SECRET; the defaults stay memory + SQLite + DATA_DIR key', () => {
    expect(configFromEnv({})).toMatchObject({ redisUrl: null, databaseUrl: null, serverSecret: null })
    const c = configFromEnv({ REDIS_URL: 'rediss://:pw@redis.internal:6380/2', DATABASE_URL: 'postgresql:///miitee?host=/run/postgresql&user=miitee', SERVER_SECRET: 'AB'.repeat(32) })
    expect(c.redisUrl).toBe('rediss://:pw@redis.internal:6380/2')
    expect(c.databaseUrl).toBe('postgresql:///miitee?host=/run/postgresql&user=miitee')
    expect(c.serverSecret).toEqual(Buffer.alloc(32, 0xab))
    for (const [variable, value] of [
      ['REDIS_URL', 'redis.internal:6379'],
      ['REDIS_URL', 'redis://'],
      ['DATABASE_URL', 'postgres:///nohost'],
      ['SERVER_SECRET', 'z'.repeat(64)],
      ['SERVER_SECRET', 'ab'.repeat(16)],
    ]) {
      let err: unknown
      try {
        configFromEnv({ [variable]: value })
      } catch (e) {
        err = e
      }
      expect(err, `${variable}=${value}`).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).variable).toBe(variable)
    }
  })

  it('stops the start naming the variable: bad or unreachable URLs, another server key', async () => {
    const closed = await freePort()
    await refused({ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL')
    await refused({ REDIS_URL: 'not a url' }, 'REDIS_URL')
    expect(await refused({ REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${closed}` }, 'REDIS_URL')).not.toContain('hunter2-secret')
    await refused({ DATABASE_URL: 'mysql://127.0.0.1/miitee' }, 'DATABASE_URL')
    expect(await refused({ DATABASE_URL: `postgres://miitee:hunter2-secret@127.0.0.1:${closed}/x` }, 'DATABASE_URL')).not.toContain('hunter2-secret')
    await refused({ SERVER_SECRET: 'short' }, 'SERVER_SECRET')
    // a process with another server key would not recognise the others' tokens
    await refused({ REDIS_URL: redis.url, DATABASE_URL: databaseUrl, SERVER_SECRET: randomBytes(32).toString('hex') }, 'SERVER_SECRET')
  }, 60_000)

  it('a graceful stop (SIGTERM) closes every Redis and PostgreSQL connection', async () => {
    const probe = new Redis(redis.url, { lazyConnect: true })
    await probe.connect()
    const db = new pg.Client({ connectionString: databaseUrl })
    await db.connect()
    try {
      const redisClients = async () => String(await probe.client('LIST')).trim().split('\n').length - 1
      const pgClients = async () =>
        Number((await db.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'miitee-pairing-service'")).rows[0].n)
      expect(await redisClients()).toBeGreaterThanOrEqual(4) // two connections per process
      expect(await pgClients()).toBeGreaterThanOrEqual(2)
      const [a, b] = await Promise.all([stopService(A), stopService(B)])
      expect([a.code, b.code]).toEqual([0, 0])
      // the servers see the sockets close within moments
      const deadline = Date.now() + 3000
      while (((await redisClients()) > 0 || (await pgClients()) > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(await redisClients()).toBe(0)
      expect(await pgClients()).toBe(0)
    } finally {
      probe.disconnect()
      await db.end()
    }
  }, 30_000)
})
