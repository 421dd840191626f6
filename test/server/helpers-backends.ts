// Real Redis and PostgreSQL servers from the Debian packages, each on a free loopback port in
// its own temporary directory, for the storage contract suite, the scale-out tests and the
// service benchmark. Missing binaries are an error naming the package (never a skip). Every
// server started here is stopped by `stopAll()` (tests call it in afterAll), and killed when
// the process exits whatever the reason.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

export interface RunningServer {
  /** Connection URL (no password: loopback, trust/no-auth, throwaway). */
  url: string
  port: number
  /** The server's main process (PostgreSQL's postmaster; its backends are its children). */
  pid: number
  dir: string
  /** What the server wrote, for failure messages. */
  output(): string
  stop(): Promise<void>
}

export interface RunningPostgres extends RunningServer {
  /** A fresh, empty database on this server; returns its URL. */
  createDatabase(name?: string): Promise<string>
}

const running = new Set<{ child: ChildProcess; dir: string }>()
let exitHookInstalled = false

function track(child: ChildProcess, dir: string): { child: ChildProcess; dir: string } {
  const entry = { child, dir }
  running.add(entry)
  if (!exitHookInstalled) {
    exitHookInstalled = true
    // Last resort (a crashed test run): no server outlives this process.
    process.once('exit', () => {
      for (const r of running) {
        if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL')
        rmSync(r.dir, { recursive: true, force: true })
      }
    })
  }
  return entry
}

/** Stops every server this process started. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((r) => stopChild(r.child, 'SIGTERM').finally(() => rmSync(r.dir, { recursive: true, force: true }))))
  running.clear()
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill(signal)
  })
}

/** A TCP port nobody listens on right now (the server is started on it just after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
  })
}

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/sbin', '/usr/local/bin'])) {
    const p = join(dir, cmd)
    if (dir && existsSync(p)) return p
  }
  return null
}

function missing(pkg: string, what: string): Error {
  return new Error(
    `${what} not found: install the Debian package "${pkg}" (as root: apt-get install -y ${pkg}, or run tools/system-deps.sh, which \`npm test\` runs first)`,
  )
}

async function until(what: string, ms: number, probe: () => Promise<boolean>, output: () => string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + ms
  for (;;) {
    if (await probe().catch(() => false)) return
    if (exited()) throw new Error(`${what} exited during start-up:\n${output()}`)
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${ms} ms:\n${output()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function collect(child: ChildProcess): () => string {
  let out = ''
  const add = (d: Buffer) => {
    out = (out + d.toString()).slice(-8000)
  }
  child.stdout?.on('data', add)
  child.stderr?.on('data', add)
  return () => out
}

// ---- Redis -----------------------------------------------------------------------------------

/** A redis-server on a free loopback port, nothing persisted, in a temporary directory. */
export async function startRedis(): Promise<RunningServer> {
  const bin = which('redis-server')
  if (!bin) throw missing('redis-server', 'redis-server')
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'miitee-redis-'))
    const port = await freePort()
    const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes', '--loglevel', 'warning'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const entry = track(child, dir)
    const output = collect(child)
    try {
      await until('redis-server', 10_000, () => ping(port), output, () => child.exitCode !== null)
    } catch (e) {
      lastError = e
      await stopChild(child, 'SIGKILL')
      running.delete(entry)
      rmSync(dir, { recursive: true, force: true })
      continue
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: child.pid as number,
      dir,
      output,
      async stop() {
        await stopChild(child, 'SIGTERM')
        running.delete(entry)
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  throw lastError
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port })
    let buf = ''
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.setTimeout(1000, () => done(false))
    s.on('error', () => done(false))
    s.on('data', (d) => {
      buf += d.toString()
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'))
    })
    s.on('connect', () => s.write('PING\r\n'))
  })
}

// ---- PostgreSQL ------------------------------------------------------------------------------

/** The bin directory of the newest PostgreSQL under /usr/lib/postgresql. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')) && existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  if (!versions.length) throw missing('postgresql', 'PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb and postgres)')
  return join(root, versions[0], 'bin')
}

/** As root, PostgreSQL must run as another user: the `postgres` account the package creates. */
function runAs(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
  if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root, and there is no "postgres" user to run PostgreSQL as: install the Debian package "postgresql", which creates it')
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

/**
 * A PostgreSQL cluster made with initdb in a temporary directory, started on a free loopback
 * port with its socket in that directory. fsync and synchronous_commit stay on (the defaults),
 * so durability is tested as it runs in production.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = postgresBinDir()
  const user = runAs()
  const dir = mkdtempSync(join(tmpdir(), 'miitee-pg-'))
  if (user) chownSync(dir, user.uid, user.gid)
  const data = join(dir, 'data')
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'miitee', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], {
    encoding: 'utf8',
    cwd: dir,
    ...user,
    timeout: 60_000,
  })
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed (${init.status ?? init.signal}):\n${init.stdout}\n${init.stderr}`)
  }
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const child = spawn(
      join(bin, 'postgres'),
      ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'max_connections=200'],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...user },
    )
    const entry = track(child, dir)
    const output = collect(child)
    const url = `postgres://miitee@127.0.0.1:${port}/postgres`
    try {
      await until('postgres', 30_000, () => canQuery(url), output, () => child.exitCode !== null)
    } catch (e) {
      lastError = e
      await stopChild(child, 'SIGKILL')
      running.delete(entry)
      continue
    }
    let n = 0
    return {
      url,
      port,
      pid: child.pid as number,
      dir,
      output,
      async createDatabase(name?: string) {
        const db = name ?? `t${process.pid}_${++n}_${Date.now() % 100000}`
        if (!/^[a-z][a-z0-9_]{0,40}$/.test(db)) throw new Error(`bad database name ${db}`)
        const c = new pg.Client({ connectionString: url })
        await c.connect()
        try {
          await c.query(`CREATE DATABASE ${db}`)
        } finally {
          await c.end()
        }
        return `postgres://miitee@127.0.0.1:${port}/${db}`
      },
      async stop() {
        // SIGINT: PostgreSQL's fast shutdown (clients are disconnected, the cluster is clean).
        await stopChild(child, 'SIGINT')
        running.delete(entry)
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  rmSync(dir, { recursive: true, force: true })
  throw lastError
}

async function canQuery(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 })
  c.on('error', () => undefined)
  try {
    await c.connect()
    await c.query('SELECT 1')
    return true
  } finally {
    await c.end().catch(() => undefined)
  }
}
