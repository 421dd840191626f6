// The service under test in a child process, on one of the two storage backends: memory +
// SQLite, or Redis + PostgreSQL (the servers from helpers-backends, or REDIS_URL/DATABASE_URL).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres, startRedis, stopAll } from '../../test/server/helpers-backends'
import { startProc, type Proc } from './procs'
import { credentialsJson, FIXTURE_POLICY_DIR, type Device } from './protocol-requests'

export type BackendName = 'memory' | 'redis'
export const BACKEND_LABELS: Record<BackendName, string> = { memory: 'memory + SQLite', redis: 'Redis + PostgreSQL' }

export interface Backend {
  name: BackendName
  label: string
  /** A fresh, empty store for one service process (its own Redis db and database). */
  env(slot: number): Promise<Record<string, string>>
  /** Processes whose CPU and memory are the store's (empty when the servers are not ours). */
  pids: number[]
  stop(): Promise<void>
}

export async function openBackend(name: BackendName, log: (m: string) => void): Promise<Backend> {
  const base = { name, label: BACKEND_LABELS[name] }
  if (name === 'memory') return { ...base, env: async () => ({}), pids: [], stop: async () => undefined }
  // Processes sharing a store must share the server key.
  const secret = randomBytes(32).toString('hex')
  if (process.env.REDIS_URL && process.env.DATABASE_URL) {
    log('redis: using REDIS_URL and DATABASE_URL from the environment (their CPU and memory are not measured)')
    const env = { REDIS_URL: process.env.REDIS_URL, DATABASE_URL: process.env.DATABASE_URL, SERVER_SECRET: secret }
    return { ...base, env: async () => env, pids: [], stop: async () => undefined }
  }
  log('redis: starting redis-server and PostgreSQL on free loopback ports')
  const [redis, pg] = await Promise.all([startRedis(), startPostgres()])
  return {
    ...base,
    env: async (slot) => ({ REDIS_URL: `${redis.url}/${slot}`, DATABASE_URL: await pg.createDatabase(`bench_${slot}`), SERVER_SECRET: secret }),
    pids: [redis.pid, pg.pid],
    stop: stopAll,
  }
}

export interface Service {
  proc: Proc
  port: number
  /** The host the service signs for (its default public URL is http://localhost:PORT). */
  host: string
  stop(): Promise<void>
}

export interface ServiceOptions {
  devices: Device[]
  /** Environment over the production defaults (limits, poll interval). */
  env?: Record<string, string>
  logLevel?: string
  /** Extra node arguments (e.g. --cpu-prof). */
  nodeArgs?: string[]
}

export async function startService(root: string, storeEnv: Record<string, string>, o: ServiceOptions): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), 'miitee-bench-'))
  const credentials = join(dataDir, 'devices.json')
  writeFileSync(credentials, credentialsJson(o.devices), { mode: 0o600 })
  try {
    const proc = await startProc(
      'src/server/main.ts',
      {
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DEV: '0',
        DEVICE_CREDENTIALS_FILE: credentials,
        LOG_LEVEL: o.logLevel ?? 'warn',
        STATIC_DIR: join(dataDir, 'no-build'),
        POLICY_DIR: join(root, FIXTURE_POLICY_DIR),
        ...o.env,
        ...storeEnv,
      },
      root,
      o.nodeArgs,
    )
    return {
      proc,
      port: proc.port,
      host: `localhost:${proc.port}`,
      stop: async () => {
        await proc.stop()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true })
    throw e
  }
}
