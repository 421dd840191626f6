// Redis connections for the LiveStore: options that fail fast instead of queueing forever, a
// start-up connection check, and Lua scripts run by SHA with a fallback to EVAL.
import { createHash } from 'node:crypto'
import Redis, { type RedisOptions } from 'ioredis'
import type { Script } from './scripts'

/** The URL with any password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.href
  } catch {
    return '(unparsable URL)'
  }
}

export interface RedisConnectOptions {
  /** Longest wait for the first connection, ms. */
  connectTimeoutMs?: number
  /** A command not answered in this time fails (the request gets a 500), ms. */
  commandTimeoutMs?: number
  onError?: (err: Error) => void
}

export function redisOptions(o: RedisConnectOptions): RedisOptions {
  return {
    lazyConnect: true,
    connectTimeout: o.connectTimeoutMs ?? 5_000,
    commandTimeout: o.commandTimeoutMs ?? 5_000,
    maxRetriesPerRequest: 2,
    // Commands go out as they are issued: ioredis's auto-pipelining costs more CPU per command
    // (a pipeline object, slot bookkeeping, a deferred callback each) than the writes it saves.
    enableAutoPipelining: false,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
  }
}

/** Opens one connection and waits until Redis answers; rejects (and stops retrying) when it cannot. */
export async function openRedis(url: string, o: RedisConnectOptions = {}): Promise<Redis> {
  const client = new Redis(url, redisOptions(o))
  let lastError: Error | undefined
  const onError = (e: Error) => {
    lastError = e
    o.onError?.(e)
  }
  client.on('error', onError)
  try {
    await withTimeout(client.connect(), o.connectTimeoutMs ?? 5_000)
    await withTimeout(client.ping(), o.connectTimeoutMs ?? 5_000)
  } catch (e) {
    client.disconnect()
    const reason = lastError?.message ?? (e as Error).message
    throw new Error(`cannot connect to Redis at ${redactUrl(url)}: ${reason}`)
  }
  return client
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
    p.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e) => {
        clearTimeout(t)
        reject(e)
      },
    )
  })
}

/** Runs scripts with EVALSHA, loading them with EVAL the first time a server does not know them. */
export class ScriptRunner {
  private readonly sha = new Map<string, string>()

  constructor(private readonly client: Redis) {}

  async run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    let sha = this.sha.get(s.name)
    if (!sha) {
      sha = createHash('sha1').update(s.lua).digest('hex')
      this.sha.set(s.name, sha)
    }
    try {
      return await this.client.evalsha(sha, keys.length, ...keys, ...args)
    } catch (e) {
      if (!String((e as Error).message).startsWith('NOSCRIPT')) throw e
      return this.client.eval(s.lua, keys.length, ...keys, ...args)
    }
  }
}
