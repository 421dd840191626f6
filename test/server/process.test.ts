// The service as a child process: start-up lines (the LAN phone link of dev mode), configuration
// errors naming the variable, graceful shutdown, and no acknowledged decision lost to a SIGKILL.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { networkInterfaces, tmpdir, type NetworkInterfaceInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, configFromEnv } from '../../src/server/config'
import { chooseLanAddress } from '../../src/server/lanAddress'
import { TEST_POLICY_DIR, decisionBody, ledgerCli, request } from './helpers'

const ROOT = resolve(__dirname, '../..')
const children: ChildProcessWithoutNullStreams[] = []
const dirs: string[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

interface Service {
  child: ChildProcessWithoutNullStreams
  port: number
  out: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Starts `src/server/main.ts` in its own node process (no wrapper, so a signal reaches it), on
 * loopback unless `env` clears HOST.
 */
function startService(env: Record<string, string>): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', HOST: '127.0.0.1', POLICY_DIR: TEST_POLICY_DIR, ...env },
  })
  children.push(child)
  let out = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })))
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`service did not start:\n${out}`)), 20_000)
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /^Miitee TV: http:\/\/localhost:(\d+)\/$/m.exec(out)
      if (m) {
        clearTimeout(timer)
        res({ child, port: Number(m[1]), out: () => out, exited })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then(() => {
      clearTimeout(timer)
      rej(new Error(`service exited:\n${out}`))
    })
  })
}

/** Resolves once `pattern` shows in the output (a start-up text may arrive in several chunks). */
async function printed(svc: Service, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 200; i++) {
    const m = pattern.exec(svc.out())
    if (m) return m
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`${pattern} not printed:\n${svc.out()}`)
}

async function fullDecision(svc: { port: number }, key: string) {
  const c = await request(svc, 'POST', '/v1/pairings', { body: { device_name: 'Kitchen TV' }, headers: { 'x-miitee-device': 'tv-crash' } })
  expect(c.status).toBe(201)
  const token = c.json.qr_url.split('/P/')[1]
  const cl = await request(svc, 'POST', '/v1/claims', { body: { qr_token: token, phone_name: 'Dana' } })
  expect(cl.status).toBe(201)
  const pr = await request(svc, 'POST', `/v1/pairings/${c.json.pairing_id}/provisioning-request`, { token: cl.json.phone_token, body: { scopes: ['network'] } })
  expect(pr.status).toBe(202)
  return { created: c.json, body: decisionBody({ network: 'granted' }), key }
}

describe('service process', () => {
  it('loses no acknowledged decision when killed with SIGKILL right after the acknowledgement', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'miitee-crash-'))
    dirs.push(dataDir)
    const first = await startService({ DEV: '1', DATA_DIR: dataDir })
    expect(first.out()).toContain('DEV MODE')
    const { created, body } = await fullDecision(first, 'crash-1')
    const d = await request(first, 'POST', `/v1/pairings/${created.pairing_id}/decision`, { token: created.tv_token, body, headers: { 'idempotency-key': 'crash-1' } })
    first.child.kill('SIGKILL')
    expect(d.status).toBe(201)
    const gone = await first.exited
    expect(gone.signal).toBe('SIGKILL')

    const second = await startService({ DEV: '1', DATA_DIR: dataDir })
    const again = await fullDecision(second, 'after-1')
    const d2 = await request(second, 'POST', `/v1/pairings/${again.created.pairing_id}/decision`, { token: again.created.tv_token, body: again.body, headers: { 'idempotency-key': 'after-1' } })
    expect(d2.status).toBe(201)
    const v = await ledgerCli(['verify', '--data-dir', dataDir])
    expect(v.stdout).toContain('ledger OK: 2 record(s)')
    expect(v.code).toBe(0)
    const ex = await ledgerCli(['export', '--data-dir', dataDir])
    const doc = JSON.parse(ex.stdout)
    expect(doc.receipts.map((r: { receipt_id: string }) => r.receipt_id)).toEqual([d.json.receipt_id, d2.json.receipt_id])
    expect(doc.receipts[0].chain.hash).toBe(d.json.ledger_hash)
    expect(doc.receipts[1].chain.prev_hash).toBe(d.json.ledger_hash)

    // Graceful shutdown on SIGTERM: exits 0 and ends open event streams.
    const sse = await fetch(`http://127.0.0.1:${second.port}/v1/pairings/${again.created.pairing_id}/events`, { headers: { authorization: `Bearer ${again.created.tv_token}` } })
    const reader = sse.body!.getReader()
    await reader.read()
    second.child.kill('SIGTERM')
    for (;;) if ((await reader.read()).done) break
    expect((await second.exited).code).toBe(0)
    expect(second.out()).toContain('shutting down')
  }, 90_000)

  it('in dev mode without HOST and PUBLIC_URL listens on the network and prints the LAN phone link and its QR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'miitee-lan-'))
    dirs.push(dataDir)
    const svc = await startService({ DEV: '1', DATA_DIR: dataDir, HOST: '', PUBLIC_URL: '' })
    // The child sees the same interfaces as this process.
    const lan = chooseLanAddress(networkInterfaces())
    const base = `http://${lan ?? 'localhost'}:${svc.port}`
    const link = await printed(svc, /^Phone link: (\S+)$/m)
    expect(link[1]).toBe(`${base}/link`)
    expect(svc.out()).toMatch(new RegExp(`^Miitee TV: http://localhost:${svc.port}/$`, 'm'))
    if (lan) {
      expect(svc.out()).toContain(`Miitee TV on the network: ${base}/\n`)
      await printed(svc, /Scan with a phone on the same network[^\n]*\n.*▄▄▄▄▄▄▄/)
    } else {
      await printed(svc, /QR links point at localhost/)
    }
    await printed(svc, /"msg":"listening on 0.0.0.0"/)

    // The QR and the `/link` URL a TV gets use the same base.
    const c = await request(svc, 'POST', '/v1/pairings', { body: { device_name: 'Den TV' }, headers: { 'x-miitee-device': 'tv-lan-banner' } })
    expect(c.status).toBe(201)
    expect(c.json.verification_uri).toBe(`${base}/link`)
    expect(c.json.qr_url.startsWith(`${base.toUpperCase()}/P/`)).toBe(true)
    await new Promise((r) => setTimeout(r, 100))
    const token = c.json.qr_url.split('/P/')[1]
    for (const secret of ['tv-lan-banner', c.json.tv_token, token]) expect(svc.out()).not.toContain(secret)
  }, 30_000)

  it('stops with a message naming the bad variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env: { ...process.env, PORT: 'eighty' } })
    children.push(child as ChildProcessWithoutNullStreams)
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    const code = await new Promise<number | null>((r) => child.on('exit', r))
    expect(code).toBe(2)
    expect(err).toContain('PORT')
    expect(err).toContain('eighty')
  }, 30_000)
})

describe('configuration', () => {
  function fails(env: Record<string, string>, variable: string) {
    try {
      configFromEnv(env)
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      expect((e as ConfigError).variable).toBe(variable)
      expect((e as Error).message).toContain(variable)
      return
    }
    throw new Error(`expected ${variable} to be refused`)
  }

  it('has safe defaults', () => {
    const c = configFromEnv({})
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', publicUrl: null, dev: false })
    expect(c.dataDir).toBe(resolve('data'))
    expect(configFromEnv({}, true).dev).toBe(true)
    expect(configFromEnv({ DEV: '0' }, true).dev).toBe(false)
    expect(configFromEnv({ PUBLIC_URL: 'https://tv.example.com/' }).publicUrl).toBe('https://tv.example.com')
    expect(configFromEnv({ DEVICE_CREDENTIALS: '{"devices":{"tv-1":"0123456789abcdef"}}' }).deviceCredentials.get('tv-1')).toBe('0123456789abcdef')
  })

  it('in dev mode without HOST and PUBLIC_URL, listens on the network and links to the LAN address', () => {
    const lo: NetworkInterfaceInfo = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }
    const wlan: NetworkInterfaceInfo = { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.168.1.20/24' }
    const withLan = () => ({ lo: [lo], docker0: [{ ...wlan, address: '172.17.0.1' }], wlan0: [wlan] })
    expect(configFromEnv({}, true, withLan)).toMatchObject({ host: '0.0.0.0', publicUrl: 'http://192.168.1.20:8080', lanAddress: '192.168.1.20', dev: true })
    expect(configFromEnv({ DEV: '1', PORT: '9000' }, false, withLan)).toMatchObject({ host: '0.0.0.0', publicUrl: 'http://192.168.1.20:9000' })
    // PORT=0: main.ts puts the port in once listening.
    expect(configFromEnv({ DEV: '1', PORT: '0' }, false, withLan)).toMatchObject({ host: '0.0.0.0', publicUrl: null, lanAddress: '192.168.1.20' })
    // No LAN address: still on the network, links fall back to localhost.
    expect(configFromEnv({}, true, () => ({ lo: [lo] }))).toMatchObject({ host: '0.0.0.0', publicUrl: null, lanAddress: null })

    // An explicit HOST or PUBLIC_URL wins; outside dev mode nothing changes.
    const unused = () => {
      throw new Error('interfaces read')
    }
    expect(configFromEnv({ HOST: '127.0.0.1' }, true, unused)).toMatchObject({ host: '127.0.0.1', publicUrl: null, lanAddress: null })
    expect(configFromEnv({ HOST: '0.0.0.0' }, true, unused)).toMatchObject({ host: '0.0.0.0', publicUrl: null, lanAddress: null })
    expect(configFromEnv({ PUBLIC_URL: 'https://tv.example.com' }, true, unused)).toMatchObject({ host: '127.0.0.1', publicUrl: 'https://tv.example.com', lanAddress: null })
    expect(configFromEnv({ HOST: '0.0.0.0', PUBLIC_URL: 'http://10.0.0.5:8080/' }, true, unused)).toMatchObject({ host: '0.0.0.0', publicUrl: 'http://10.0.0.5:8080' })
    expect(configFromEnv({}, false, unused)).toMatchObject({ host: '127.0.0.1', publicUrl: null, lanAddress: null })
    expect(configFromEnv({ DEV: '0' }, true, unused)).toMatchObject({ host: '127.0.0.1', publicUrl: null })
  })

  it('names the variable of a bad value', () => {
    fails({ PORT: '70000' }, 'PORT')
    fails({ PORT: '80a' }, 'PORT')
    fails({ HOST: 'a b' }, 'HOST')
    fails({ PUBLIC_URL: 'tv.example.com' }, 'PUBLIC_URL')
    fails({ PUBLIC_URL: 'ftp://tv.example.com' }, 'PUBLIC_URL')
    fails({ PUBLIC_URL: 'https://tv.example.com/?x=1' }, 'PUBLIC_URL')
    fails({ DEV: 'maybe' }, 'DEV')
    fails({ DEVICE_CREDENTIALS_FILE: '/nonexistent/creds.json' }, 'DEVICE_CREDENTIALS_FILE')
    fails({ DEVICE_CREDENTIALS: '{"tv-1":"short"}' }, 'DEVICE_CREDENTIALS')
    fails({ DEVICE_CREDENTIALS: 'not json' }, 'DEVICE_CREDENTIALS')
    fails({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL')
    fails({ HEARTBEAT_SECONDS: '0' }, 'HEARTBEAT_SECONDS')
    fails({ LIMIT_CLAIMS_PER_IP: '-1' }, 'LIMIT_CLAIMS_PER_IP')
  })
})
