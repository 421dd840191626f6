// The codes a poll comparison cycles through, oldest-polled first. The service paces each
// pairing (slow_down when polled again within 0.8 × interval), so the pool grows between
// rounds to what the last round's rate needs, and a code that was told to slow down (its
// interval is now longer) is swapped for a fresh one.
import { runLoad, type Req } from './load'
import { fill, type Side } from './peer-compare'
export class PollPool<T> {
  private items: T[]
  private cursor = 0
  private readonly slowed = new Set<T>()

  constructor(items: T[]) {
    if (!items.length) throw new Error('PollPool: needs at least one code')
    this.items = [...items]
  }

  get size(): number {
    return this.items.length
  }

  /** The code polled longest ago (or never). */
  next(): T {
    const t = this.items[this.cursor]
    this.cursor = (this.cursor + 1) % this.items.length
    return t
  }

  /** The service answered `t` with slow_down. */
  slowedDown(t: T): void {
    this.slowed.add(t)
  }

  /** How many fresh codes replace() and add() need: the slowed ones, and what `target` lacks. */
  wanted(target: number): number {
    return this.slowed.size + Math.max(0, target - this.items.length)
  }

  /** Swaps each slowed code for a fresh one in its place, then puts the rest next in line. */
  refresh(fresh: T[]): void {
    let f = 0
    if (this.slowed.size)
      for (let i = 0; i < this.items.length && f < fresh.length; i++)
        if (this.slowed.has(this.items[i])) {
          this.slowed.delete(this.items[i])
          this.items[i] = fresh[f++]
        }
    this.items = this.items.slice(0, this.cursor).concat(fresh.slice(f), this.items.slice(this.cursor))
  }
}

/** Seconds one pass over a pool should take at the rate just seen (pacing refuses under 0.8 s). */
export const PASS_S = 3

/** Where a pool's codes come from, and how one is polled. */
export interface CodeSource<T> {
  port: number
  pid: number
  storePids?: number[]
  concurrency: number
  create(i: number): Req
  /** The code in a creation's answer, if it is one. */
  parse(status: number, body: string): T | undefined
  poll(t: T): Req
}

async function createCodes<T>(src: CodeSource<T>, n: number): Promise<T[]> {
  const out: T[] = []
  await fill(src.port, n, src.concurrency, (i) => src.create(i), (status, body) => {
    const t = src.parse(status, body)
    if (t !== undefined) out.push(t)
  })
  return out
}

/**
 * A pool for `src`, from `seed` and fresh codes, large enough for a pass to take PASS_S at the
 * rate a probe measured: a separate set polled once each (never twice, so the probe itself is
 * not paced), its first half to warm the route up, its second half for the rate.
 */
export async function pacedPool<T>(seed: T[], src: CodeSource<T>, minimum: number, probeSize: number): Promise<{ pool: PollPool<T>; probeRate: number }> {
  const probe = await createCodes(src, probeSize)
  const half = probe.length >> 1
  const poll = (from: number, n: number) => runLoad({ port: src.port, concurrency: src.concurrency, durationMs: 60_000, maxRequests: n, make: (i) => src.poll(probe[from + i]) })
  await poll(0, half)
  const r = await poll(half, probe.length - half)
  const target = Math.max(minimum, Math.ceil(r.rps * PASS_S))
  const fresh = seed.length < target ? await createCodes(src, target - seed.length) : []
  return { pool: new PollPool([...seed, ...fresh]), probeRate: r.rps }
}

/** Our side of a poll comparison over `pool`: grows and refreshes it after each round. */
export function pacedSide<T>(pool: PollPool<T>, src: CodeSource<T>, ok: (status: number, body: string) => boolean): Side {
  return {
    port: src.port,
    pid: src.pid,
    storePids: src.storePids,
    make: () => {
      const t = pool.next()
      return { ...src.poll(t), tag: t }
    },
    ok: (status, body, req) => {
      if (status === 429 || body.includes('"slow_down"')) pool.slowedDown(req.tag as T)
      return ok(status, body)
    },
    between: async (rps) => {
      const n = pool.wanted(Math.ceil(rps * PASS_S))
      if (n) pool.refresh(await createCodes(src, n))
    },
  }
}
