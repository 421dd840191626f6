// Service configuration from environment variables. A bad value stops the start with a
// message naming the variable.
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import { resolve } from 'node:path'
import { DEVICE_ID_PATTERN, MAX_WAIT, PAIRING_EXPIRES_IN, POLL_INTERVAL } from '../core/protocol'
import { ConfigError } from './configError'
import { parseTvOrigins } from './configOrigins'
import { defaultMaxConnections } from './fileLimit'
import { chooseLanAddress, lanPublicUrl, type Interfaces } from './lanAddress'

export interface Limits {
  /** Claim attempts that reach one pairing, over its life. */
  claimsPerPairing: number
  /** Typed-code claim attempts from one client address (an IPv6 /64) per window. */
  claimsPerIp: number
  claimsPerIpWindowS: number
  /** Typed-code claim attempts from one network (an IPv4 /24, an IPv6 /48) per claimsPerIpWindowS. */
  claimsPerPrefix: number
  /** Typed-code claim attempts from everyone per window (QR claims, 130-bit tokens, are not counted). */
  claimsGlobal: number
  claimsGlobalWindowS: number
  /** Pairings one device may create per window. */
  pairingsPerDevice: number
  pairingsPerDeviceWindowS: number
  /** Failed device authentications (bad signature, wrong client_secret) per device id per window. */
  authFailuresPerDevice: number
  authFailuresWindowS: number
}

/** What bounds the service's connections, so no client can hold one, or many, for ever. */
export interface ConnectionLimits {
  /** Time to receive a whole request, headers and body (a slow upload is cut). */
  requestTimeoutMs: number
  /** Time to receive the request headers (a silent half-header is cut). */
  headersTimeoutMs: number
  /** A connection with no traffic either way for this long is closed (event streams send heartbeats). */
  idleTimeoutMs: number
  /** How long an idle keep-alive connection waits for its next request. */
  keepAliveTimeoutMs: number
  /** Open connections at most (each one is a file descriptor). */
  maxConnections: number
  /** Event streams one TV or phone token may hold open at once, in this process. */
  maxStreamsPerToken: number
  /** Event streams one client address may hold open at once, in this process. */
  maxStreamsPerAddress: number
}

export interface ServiceConfig {
  port: number
  host: string
  /** Base of QR links and OAuth URLs; null = `http://localhost:<listening port>`. */
  publicUrl: string | null
  /**
   * The machine's LAN address when dev mode chose it (HOST and PUBLIC_URL unset): publicUrl is
   * `http://<it>:<port>` (filled in once listening when PORT is 0); null otherwise.
   */
  lanAddress: string | null
  dataDir: string
  /** Open device registration (no device credential needed). */
  dev: boolean
  /** device id → shared secret. */
  deviceCredentials: Map<string, string>
  /** The built TV app (`npm run build` output). */
  staticDir: string
  logLevel: string
  /** Proxies whose `X-Forwarded-For` is believed: none, the nearest N hops, or these addresses/CIDRs. */
  trustProxy: TrustProxy
  pairingTtlS: number
  pollIntervalS: number
  /** Time the phone has to send its provisioning request after the claim. */
  claimedTtlS: number
  /** Time the TV has to decide once a provisioning request is pending. */
  decisionWindowS: number
  /** Time a finished pairing stays readable (status, idempotent replays, withdrawal by TV token). */
  retentionS: number
  heartbeatMs: number
  sseRetryMs: number
  maxWaitS: number
  signatureSkewS: number
  bodyLimit: number
  limits: Limits
  connections: ConnectionLimits
  /**
   * `POLICY_DIR`: the compiled policies the service serves (`index.json` and the documents);
   * a decision must cite one of them. null = `<staticDir>/static/policy`.
   */
  policyDir: string | null
  /** `REDIS_URL`: live state in Redis (several processes share it); null = in memory. */
  redisUrl: string | null
  /** `DATABASE_URL`: the ledger in PostgreSQL; null = SQLite in DATA_DIR. */
  databaseUrl: string | null
  /** `SERVER_SECRET`: the server key (32 bytes); null = DATA_DIR/server-secret. */
  serverSecret: Buffer | null
  /** `LEDGER_KEY`: the key of the ledger's chain and checkpoints (32 bytes); null = derived from the server key. */
  ledgerKey: Buffer | null
  /** `TV_ORIGINS`: origins of TV apps served elsewhere that may call the API (CORS); `file://` admits packaged apps. */
  tvOrigins: string[]
}

/** `TRUST_PROXY`: false, a hop count, or proxy addresses / CIDRs (and proxy-addr's `loopback`, `linklocal`, `uniquelocal`). */
export type TrustProxy = false | number | string[]

export { ConfigError }

export function defaultConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    port: 8080,
    host: '127.0.0.1',
    publicUrl: null,
    lanAddress: null,
    dataDir: resolve('data'),
    dev: false,
    deviceCredentials: new Map(),
    staticDir: resolve('build'),
    logLevel: 'info',
    trustProxy: false,
    pairingTtlS: PAIRING_EXPIRES_IN,
    pollIntervalS: POLL_INTERVAL,
    claimedTtlS: 600,
    decisionWindowS: 900,
    retentionS: 86_400,
    heartbeatMs: 15_000,
    sseRetryMs: 3_000,
    maxWaitS: MAX_WAIT,
    signatureSkewS: 300,
    bodyLimit: 16 * 1024,
    redisUrl: null,
    databaseUrl: null,
    serverSecret: null,
    ledgerKey: null,
    policyDir: null,
    tvOrigins: [],
    ...overrides,
    connections: {
      requestTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      idleTimeoutMs: 60_000,
      keepAliveTimeoutMs: 10_000,
      maxConnections: 1000,
      maxStreamsPerToken: 4,
      maxStreamsPerAddress: 64,
      ...overrides.connections,
    },
    limits: {
      claimsPerPairing: 5,
      claimsPerIp: 20,
      claimsPerIpWindowS: 600,
      claimsPerPrefix: 100,
      claimsGlobal: 600,
      claimsGlobalWindowS: 60,
      pairingsPerDevice: 30,
      pairingsPerDeviceWindowS: 600,
      authFailuresPerDevice: 10,
      authFailuresWindowS: 600,
      ...overrides.limits,
    },
  }
}

type Env = Record<string, string | undefined>

function int(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got ${JSON.stringify(raw)}`)
  const n = Number(raw.trim())
  if (n < min || n > max) throw new ConfigError(name, `expected ${min}–${max}, got ${n}`)
  return n
}

function bool(env: Env, name: string): boolean | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  const v = raw.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off'].includes(v)) return false
  throw new ConfigError(name, `expected 1 or 0, got ${JSON.stringify(raw)}`)
}

/** A connection URL with one of `protocols`, or undefined when the variable is not set. */
function backendUrl(env: Env, name: string, protocols: string[], example: string): string | undefined {
  const raw = env[name]?.trim()
  if (!raw) return undefined
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new ConfigError(name, `not a URL (expected e.g. ${example})`)
  }
  if (!protocols.includes(u.protocol)) throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')} (e.g. ${example}), got ${u.protocol}//`)
  if (!u.hostname && !u.searchParams.get('host')) throw new ConfigError(name, `names no host (expected e.g. ${example})`)
  return raw
}

/** The connection limits from the environment; the idle timeout must outlast heartbeats and long-polls. */
function connectionLimits(env: Env, base: ConnectionLimits, heartbeatMs: number): ConnectionLimits {
  const seconds = (name: string, min: number, max: number, fallbackMs: number) => {
    const s = int(env, name, min, max)
    return s !== undefined ? s * 1000 : fallbackMs
  }
  const quiet = Math.max(heartbeatMs, MAX_WAIT * 1000) + 5000
  const c: ConnectionLimits = {
    requestTimeoutMs: seconds('REQUEST_TIMEOUT_SECONDS', 1, 600, base.requestTimeoutMs),
    headersTimeoutMs: seconds('HEADERS_TIMEOUT_SECONDS', 1, 600, base.headersTimeoutMs),
    idleTimeoutMs: seconds('IDLE_TIMEOUT_SECONDS', 1, 3600, Math.max(base.idleTimeoutMs, quiet)),
    keepAliveTimeoutMs: seconds('KEEP_ALIVE_TIMEOUT_SECONDS', 1, 600, base.keepAliveTimeoutMs),
    maxConnections: int(env, 'MAX_CONNECTIONS', 16, 1_000_000) ?? defaultMaxConnections(),
    maxStreamsPerToken: int(env, 'MAX_STREAMS_PER_TOKEN', 1, 1000) ?? base.maxStreamsPerToken,
    maxStreamsPerAddress: int(env, 'MAX_STREAMS_PER_ADDRESS', 1, 1_000_000) ?? base.maxStreamsPerAddress,
  }
  if (c.headersTimeoutMs > c.requestTimeoutMs) throw new ConfigError('HEADERS_TIMEOUT_SECONDS', 'must not exceed REQUEST_TIMEOUT_SECONDS (the headers are part of the request)')
  if (c.idleTimeoutMs < quiet)
    throw new ConfigError('IDLE_TIMEOUT_SECONDS', `must be at least ${quiet / 1000} s: an event stream is quiet between heartbeats and a long-poll for up to ${MAX_WAIT} s`)
  return c
}

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal']
const TRUST_PROXY_HINT = 'give the number of proxies in front of the service (e.g. 1) or their addresses (e.g. 10.0.0.5,10.1.0.0/16)'

/** Reads `TRUST_PROXY`; trusting every hop is refused, for then any client picks the address the limits count. */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = raw?.trim().toLowerCase() ?? ''
  if (['', '0', 'false', 'no', 'off'].includes(v)) return false
  if (['true', 'yes', 'on', 'all'].includes(v)) throw new ConfigError('TRUST_PROXY', `trusting every hop lets any client choose its own address: ${TRUST_PROXY_HINT}`)
  if (/^\d+$/.test(v)) {
    const hops = Number(v)
    if (hops > 16) throw new ConfigError('TRUST_PROXY', `expected 1–16 proxy hops, got ${hops}`)
    return hops
  }
  const list = v.split(',').map((e) => e.trim())
  for (const entry of list) {
    if (PROXY_RANGE_NAMES.includes(entry)) continue
    const [addr, bits, extra] = entry.split('/')
    const family = isIP(addr ?? '')
    const max = family === 6 ? 128 : 32
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max)
    if (!family || !okBits || extra !== undefined) throw new ConfigError('TRUST_PROXY', `${JSON.stringify(entry)} is not an address or CIDR: ${TRUST_PROXY_HINT}`)
  }
  return list
}

/** fastify's `trustProxy` for a TrustProxy: a hop count trusts that many nearest hops, whoever they are. */
export function trustProxyOption(t: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof t === 'number') return t > 0 ? (_address, hop) => hop < t : false
  return t
}

/** Parses `{ "<device id>": "<secret>" }` or `{ "devices": { ... } }`. */
export function parseDeviceCredentials(text: string, variable: string): Map<string, string> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ConfigError(variable, 'device credentials are not valid JSON')
  }
  const obj = (json && typeof json === 'object' && 'devices' in json ? (json as { devices: unknown }).devices : json) as Record<string, unknown>
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ConfigError(variable, 'expected an object of device id → secret')
  const map = new Map<string, string>()
  for (const [id, secret] of Object.entries(obj)) {
    if (!DEVICE_ID_PATTERN.test(id)) throw new ConfigError(variable, `device id ${JSON.stringify(id)} has characters outside [A-Za-z0-9._:-] or is too long`)
    if (typeof secret !== 'string' || secret.length < 16) throw new ConfigError(variable, `the secret of device ${JSON.stringify(id)} must be a string of at least 16 characters`)
    map.set(id, secret)
  }
  return map
}

/**
 * Reads the configuration; `devDefault` is the mode when DEV is not set (`npm start` = dev).
 * `interfaces` is read only in dev mode without HOST and PUBLIC_URL, to find the LAN address.
 */
export function configFromEnv(env: Env, devDefault = false, interfaces: () => Interfaces = networkInterfaces): ServiceConfig {
  const base = defaultConfig()
  const port = int(env, 'PORT', 0, 65535) ?? base.port
  const dev = bool(env, 'DEV') ?? devDefault
  // Dev mode is for pairing a phone on the same Wi-Fi, which needs the network and an address it can open.
  const onLan = dev && !env.HOST?.trim() && !env.PUBLIC_URL
  const lanAddress = onLan ? chooseLanAddress(interfaces()) : null
  const host = env.HOST?.trim() || (onLan ? '0.0.0.0' : base.host)
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new ConfigError('HOST', `not a host name or address: ${JSON.stringify(host)}`)
  let publicUrl: string | null = null
  if (env.PUBLIC_URL) {
    let u: URL
    try {
      u = new URL(env.PUBLIC_URL)
    } catch {
      throw new ConfigError('PUBLIC_URL', `not an absolute URL: ${JSON.stringify(env.PUBLIC_URL)}`)
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError('PUBLIC_URL', 'must be http:// or https://')
    if (u.search || u.hash || u.username || u.password) throw new ConfigError('PUBLIC_URL', 'must not carry a query, fragment or credentials')
    publicUrl = u.href.replace(/\/+$/, '')
  }
  if (lanAddress && port !== 0) publicUrl = lanPublicUrl(lanAddress, port)
  const dataDir = resolve(env.DATA_DIR?.trim() || 'data')
  let deviceCredentials = new Map<string, string>()
  if (env.DEVICE_CREDENTIALS_FILE) {
    let text: string
    try {
      text = readFileSync(env.DEVICE_CREDENTIALS_FILE, 'utf8')
    } catch (e) {
      throw new ConfigError('DEVICE_CREDENTIALS_FILE', `cannot read ${env.DEVICE_CREDENTIALS_FILE}: ${(e as Error).message}`)
    }
    deviceCredentials = parseDeviceCredentials(text, 'DEVICE_CREDENTIALS_FILE')
  } else if (env.DEVICE_CREDENTIALS) {
    deviceCredentials = parseDeviceCredentials(env.DEVICE_CREDENTIALS, 'DEVICE_CREDENTIALS')
  }
  const logLevel = env.LOG_LEVEL?.trim() || base.logLevel
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) throw new ConfigError('LOG_LEVEL', `unknown level ${JSON.stringify(logLevel)}`)
  const heartbeatS = int(env, 'HEARTBEAT_SECONDS', 1, 300)
  const redisUrl = backendUrl(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379/0')
  const databaseUrl = backendUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://miitee@127.0.0.1:5432/miitee')
  let serverSecret: Buffer | null = null
  const rawSecret = env.SERVER_SECRET?.trim()
  if (rawSecret) {
    if (!/^[0-9a-fA-F]{64}$/.test(rawSecret)) throw new ConfigError('SERVER_SECRET', 'expected 64 hex digits (32 random bytes, e.g. from `openssl rand -hex 32`)')
    serverSecret = Buffer.from(rawSecret, 'hex')
  }
  const rawLedgerKey = env.LEDGER_KEY?.trim()
  if (rawLedgerKey && !/^[0-9a-fA-F]{64}$/.test(rawLedgerKey)) throw new ConfigError('LEDGER_KEY', 'expected 64 hex digits (32 random bytes, e.g. from `openssl rand -hex 32`)')
  const L = base.limits
  return {
    ...base,
    port,
    host,
    publicUrl,
    lanAddress,
    dataDir,
    dev,
    deviceCredentials,
    staticDir: resolve(env.STATIC_DIR?.trim() || 'build'),
    logLevel,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    pollIntervalS: int(env, 'POLL_INTERVAL_SECONDS', 1, 60) ?? base.pollIntervalS,
    decisionWindowS: int(env, 'DECISION_WINDOW_SECONDS', 30, 86_400) ?? base.decisionWindowS,
    heartbeatMs: heartbeatS !== undefined ? heartbeatS * 1000 : base.heartbeatMs,
    maxWaitS: Math.min(MAX_WAIT, base.maxWaitS),
    limits: {
      claimsPerPairing: int(env, 'LIMIT_CLAIMS_PER_PAIRING', 1, 1000) ?? L.claimsPerPairing,
      claimsPerIp: int(env, 'LIMIT_CLAIMS_PER_IP', 1, 1_000_000) ?? L.claimsPerIp,
      claimsPerIpWindowS: L.claimsPerIpWindowS,
      claimsPerPrefix: int(env, 'LIMIT_CLAIMS_PER_PREFIX', 1, 1_000_000) ?? L.claimsPerPrefix,
      claimsGlobal: int(env, 'LIMIT_CLAIMS_GLOBAL', 1, 100_000_000) ?? L.claimsGlobal,
      claimsGlobalWindowS: L.claimsGlobalWindowS,
      pairingsPerDevice: int(env, 'LIMIT_PAIRINGS_PER_DEVICE', 1, 100_000_000) ?? L.pairingsPerDevice,
      pairingsPerDeviceWindowS: L.pairingsPerDeviceWindowS,
      authFailuresPerDevice: int(env, 'LIMIT_AUTH_FAILURES_PER_DEVICE', 1, 1_000_000) ?? L.authFailuresPerDevice,
      authFailuresWindowS: L.authFailuresWindowS,
    },
    connections: connectionLimits(env, base.connections, heartbeatS !== undefined ? heartbeatS * 1000 : base.heartbeatMs),
    policyDir: env.POLICY_DIR?.trim() ? resolve(env.POLICY_DIR.trim()) : null,
    redisUrl: redisUrl ?? null,
    databaseUrl: databaseUrl ?? null,
    serverSecret,
    ledgerKey: rawLedgerKey ? Buffer.from(rawLedgerKey, 'hex') : null,
    tvOrigins: parseTvOrigins(env.TV_ORIGINS),
  }
}
