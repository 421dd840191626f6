// Steps the capacity mix up (N live TVs per step) on one service process and measures each step
// in rounds: latencies and errors from the mix, CPU of the service (and its store) per
// operation, resident memory against the idle process, and how busy other processes kept the
// machine. A step too slow without errors is measured once more; the first step not held ends the run.
import { cpuMs, otherLoad, rssKb, selfCpuMs, treeCpuMs } from './procs'
import { OPS, type ServiceMix, type WindowStats } from './service-mix'
import { median, p99Of } from './stats'

/** A step is held when its rounds' median p99 stays under this and nothing failed. */
export const HELD_P99_MS = 200

export interface StepResult {
  tvs: number
  windows: WindowStats[]
  /** Errors during the step: its ramp-up and its rounds. */
  errors: number
  errorKinds: Record<string, number>
  idleRssKb: number
  rssKb: number
  /** Redis's resident memory, idle and now (absent on memory + SQLite). */
  storeIdleRssKb?: number
  storeRssKb?: number
  /** Service CPU ms per operation, per round. */
  cpuMsPerOp: number[]
  /** CPU ms of Redis + PostgreSQL per operation, per round (absent on memory + SQLite). */
  storeCpuMsPerOp?: number[]
  /** Cores kept busy by processes other than the service, its store and the load generator, per round. */
  otherCores: number[]
  /** Cores the load generator (this process, one thread) used, per round. */
  loadCores: number[]
  /** The rounds shown are a second measurement: the first was too slow (without errors). */
  retried: boolean
}

export interface CapacityOptions {
  steps: number[]
  rounds: number
  windowS: number
  /** Seconds after a ramp-up before the first round (its burst of new pairings settles). */
  settleS: number
}

export interface Measured {
  servicePid: number
  /** Processes of the store (Redis first), whose CPU and memory count as the store's. */
  storePids: number[]
}

export function isHeld(s: StepResult): boolean {
  return s.errors === 0 && median(s.windows.map(p99Of)) < HELD_P99_MS
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Rounds {
  windows: WindowStats[]
  cpuMsPerOp: number[]
  storeCpuMsPerOp: number[]
  otherCores: number[]
  loadCores: number[]
}

async function measureRounds(mix: ServiceMix, m: Measured, o: CapacityOptions): Promise<Rounds> {
  const storeCpu = () => m.storePids.reduce((t, pid) => t + treeCpuMs(pid), 0)
  const out: Rounds = { windows: [], cpuMsPerOp: [], storeCpuMsPerOp: [], otherCores: [], loadCores: [] }
  for (let r = 0; r < o.rounds; r++) {
    const c0 = cpuMs(m.servicePid)
    const s0 = storeCpu()
    const others = otherLoad(() => cpuMs(m.servicePid) + storeCpu())
    const l0 = selfCpuMs()
    mix.startWindow()
    await sleep(o.windowS * 1000)
    const w = mix.endWindow()
    out.otherCores.push(others.stop(w.seconds * 1000))
    out.loadCores.push((selfCpuMs() - l0) / (w.seconds * 1000))
    const ops = Math.max(1, OPS.reduce((t, op) => t + w.counts[op], 0))
    out.cpuMsPerOp.push((cpuMs(m.servicePid) - c0) / ops)
    out.storeCpuMsPerOp.push((storeCpu() - s0) / ops)
    out.windows.push(w)
  }
  return out
}

export async function runCapacity(mix: ServiceMix, m: Measured, o: CapacityOptions, log: (msg: string) => void): Promise<StepResult[]> {
  const redisPid = m.storePids[0]
  await sleep(1500)
  const idleRssKb = rssKb(m.servicePid)
  const storeIdleRssKb = redisPid ? rssKb(redisPid) : undefined
  const results: StepResult[] = []
  for (const n of o.steps) {
    const t0 = Date.now()
    await mix.grow(n)
    log(`capacity: ${n} live TVs (ramp-up ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    await sleep(o.settleS * 1000)
    const step = (r: Rounds, errs: { count: number; kinds: Record<string, number> }, retried: boolean): StepResult => ({
      tvs: n,
      windows: r.windows,
      errors: errs.count,
      errorKinds: errs.kinds,
      idleRssKb,
      rssKb: rssKb(m.servicePid),
      cpuMsPerOp: r.cpuMsPerOp,
      otherCores: r.otherCores,
      loadCores: r.loadCores,
      retried,
      ...(redisPid ? { storeIdleRssKb, storeRssKb: rssKb(redisPid), storeCpuMsPerOp: r.storeCpuMsPerOp } : {}),
    })
    let result = step(await measureRounds(mix, m, o), mix.takeErrors(), false)
    const say = (s: StepResult) =>
      log(`capacity: ${n} live TVs: p99 ${s.windows.map((w) => p99Of(w).toFixed(1)).join(' / ')} ms, ${s.errors} error(s), other processes busy ${s.otherCores.map((c) => c.toFixed(1)).join(' / ')} cores`)
    say(result)
    // Slow without a single error is what other work on a shared machine also causes: measure once more before giving up.
    if (!isHeld(result) && result.errors === 0) {
      log(`capacity: ${n} live TVs: p99 over ${HELD_P99_MS} ms; measuring the step again`)
      await sleep(o.settleS * 1000)
      result = step(await measureRounds(mix, m, o), mix.takeErrors(), true)
      say(result)
    }
    results.push(result)
    if (!isHeld(result)) break
  }
  return results
}
