// One operation against the peer and against the service, in alternating rounds so both see
// the same machine: requests/s of expected answers, p99, and process CPU per request per round.
import { runLoad, type Req } from './load'
import { cpuMs, otherLoad, treeCpuMs } from './procs'

export interface Side {
  port: number
  pid: number
  /** Processes of the side's store (Redis, PostgreSQL), whose CPU counts too. */
  storePids?: number[]
  /** The i-th request of the whole comparison (warm-up included), so pools rotate across rounds. */
  make: (i: number) => Req
  /** The answer this operation should get (anything else counts as bad, not as throughput). */
  ok: (status: number, body: string, req: Req) => boolean
  /** Receives each expected answer (to keep the codes it hands out). */
  keep?: (body: string) => void
  /** Runs after each of this side's rounds (warm-up included), unmeasured, with the rate it just took. */
  between?: (requestsPerSecond: number) => Promise<void>
}

export interface Operation {
  name: string
  peerLabel: string
  oursLabel: string
  peer: Side
  ours: Side
}

export interface SideRounds {
  /** Expected answers per second, per round. */
  rps: number[]
  p99: number[]
  /** CPU of the answering process per request, µs, per round. */
  cpuUs: number[]
  /** CPU of its store per request, µs, per round (all 0 without a store process). */
  storeCpuUs: number[]
  /** Cores kept busy by other processes than this side's and the load generator, per round. */
  otherCores: number[]
  /** Unexpected answers and failed requests over every round. */
  bad: number
  badKinds: Record<string, number>
}

export interface Comparison {
  name: string
  peerLabel: string
  oursLabel: string
  peer: SideRounds
  ours: SideRounds
}

export interface RoundOptions {
  rounds: number
  durationMs: number
  concurrency: number
  /** Unmeasured load on each side first (JIT, caches, connections). */
  warmMs: number
}

function sideCounter(side: Side): (i: number) => Req {
  let n = 0
  return () => side.make(n++)
}

async function round(side: Side, make: (i: number) => Req, o: RoundOptions, durationMs: number, into?: SideRounds): Promise<void> {
  let good = 0
  const storeCpu = () => (side.storePids ?? []).reduce((t, pid) => t + treeCpuMs(pid), 0)
  const c0 = cpuMs(side.pid)
  const s0 = storeCpu()
  const others = otherLoad(() => cpuMs(side.pid) + storeCpu())
  const r = await runLoad({
    port: side.port,
    concurrency: o.concurrency,
    durationMs,
    make,
    onBody: (_i, status, body, req) => {
      if (side.ok(status, body, req)) {
        good++
        side.keep?.(body)
      } else if (into) {
        into.bad++
        const kind = `${status} ${/"error":"([a-z_]+)"/.exec(body)?.[1] ?? ''}`.trim()
        into.badKinds[kind] = (into.badKinds[kind] ?? 0) + 1
      }
    },
  })
  const otherCores = others.stop(r.seconds * 1000)
  const cpu = cpuMs(side.pid) - c0
  const store = storeCpu() - s0
  await side.between?.((r.requests + r.errors) / r.seconds)
  if (!into) return
  into.rps.push(good / r.seconds)
  into.p99.push(r.p99)
  into.cpuUs.push((cpu * 1000) / Math.max(1, r.requests))
  into.storeCpuUs.push((store * 1000) / Math.max(1, r.requests))
  into.otherCores.push(otherCores)
  if (r.errors) {
    into.bad += r.errors
    into.badKinds['request failed'] = (into.badKinds['request failed'] ?? 0) + r.errors
  }
}

function emptyRounds(): SideRounds {
  return { rps: [], p99: [], cpuUs: [], storeCpuUs: [], otherCores: [], bad: 0, badKinds: {} }
}

/** Runs `op` for o.rounds rounds per side, the peer first in even rounds and the service first in odd ones. */
export async function compare(op: Operation, o: RoundOptions): Promise<Comparison> {
  const peerMake = sideCounter(op.peer)
  const oursMake = sideCounter(op.ours)
  await round(op.peer, peerMake, o, o.warmMs)
  await round(op.ours, oursMake, o, o.warmMs)
  const peer = emptyRounds()
  const ours = emptyRounds()
  for (let k = 0; k < o.rounds; k++) {
    const pair: [Side, (i: number) => Req, SideRounds][] = [
      [op.peer, peerMake, peer],
      [op.ours, oursMake, ours],
    ]
    if (k % 2) pair.reverse()
    for (const [side, make, into] of pair) await round(side, make, o, o.durationMs, into)
  }
  return { name: op.name, peerLabel: op.peerLabel, oursLabel: op.oursLabel, peer, ours }
}

/** Sends `n` requests (unmeasured), e.g. to fill a pool of codes to poll. */
export async function fill(port: number, n: number, concurrency: number, make: (i: number) => Req, keep: (status: number, body: string) => void): Promise<void> {
  await runLoad({ port, concurrency, durationMs: 600_000, maxRequests: n, make, onBody: (_i, status, body) => keep(status, body) })
}
