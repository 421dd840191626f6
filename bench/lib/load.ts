// A bounded load generator: fixed concurrency over undici keep-alive connections, stopping
// at a time limit or a request count, whichever comes first. Loopback only.
import { Pool } from 'undici'

export interface Req {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string
  /** What the request is about (e.g. the pairing it polls), for whoever reads the answer. */
  tag?: unknown
}

export interface LoadResult {
  requests: number
  seconds: number
  rps: number
  p50: number
  p99: number
  statuses: Record<number, number>
  errors: number
}

export interface LoadOptions {
  port: number
  concurrency: number
  durationMs: number
  /** Stop after this many requests. */
  maxRequests?: number
  /** The i-th request, or null when there is nothing left to send. */
  make: (i: number) => Req | null
  /** Receives each response body (otherwise bodies are discarded unread), with its request. */
  onBody?: (i: number, status: number, body: string, req: Req) => void
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(`http://127.0.0.1:${o.port}`, { connections: o.concurrency, pipelining: 1, keepAliveTimeout: 60_000 })
  const max = o.maxRequests ?? Number.MAX_SAFE_INTEGER
  const latencies: number[] = []
  const statuses: Record<number, number> = {}
  let errors = 0
  let issued = 0
  const start = performance.now()
  const deadline = start + o.durationMs
  async function worker(): Promise<void> {
    while (issued < max && performance.now() < deadline) {
      const i = issued++
      const req = o.make(i)
      if (!req) return
      const t0 = performance.now()
      try {
        const res = await pool.request({ method: req.method, path: req.path, headers: req.headers, body: req.body })
        if (o.onBody) o.onBody(i, res.statusCode, await res.body.text(), req)
        else await res.body.dump()
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1
        latencies.push(performance.now() - t0)
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker))
  const seconds = (performance.now() - start) / 1000
  await pool.close()
  latencies.sort((a, b) => a - b)
  const q = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN)
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), statuses, errors }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
