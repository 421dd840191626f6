// Steps the capacity mix up (N live TVs per step) on one service process and measures each step
// in rounds: latencies and errors from the mix, CPU of the service (and its store) per
// operation, resident memory against the idle process. Stops after the first step not held.
import { cpuMs, rssKb, treeCpuMs } from './procs'
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

export async function runCapacity(mix: ServiceMix, m: Measured, o: CapacityOptions, log: (msg: string) => void): Promise<StepResult[]> {
  const storeCpu = () => m.storePids.reduce((t, pid) => t + treeCpuMs(pid), 0)
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
    const windows: WindowStats[] = []
    const cpuMsPerOp: number[] = []
    const storeCpuMsPerOp: number[] = []
    for (let r = 0; r < o.rounds; r++) {
      const c0 = cpuMs(m.servicePid)
      const s0 = storeCpu()
      mix.startWindow()
      await sleep(o.windowS * 1000)
      const w = mix.endWindow()
      const ops = Math.max(1, OPS.reduce((t, op) => t + w.counts[op], 0))
      cpuMsPerOp.push((cpuMs(m.servicePid) - c0) / ops)
      storeCpuMsPerOp.push((storeCpu() - s0) / ops)
      windows.push(w)
    }
    const errs = mix.takeErrors()
    const step: StepResult = {
      tvs: n,
      windows,
      errors: errs.count,
      errorKinds: errs.kinds,
      idleRssKb,
      rssKb: rssKb(m.servicePid),
      cpuMsPerOp,
      ...(redisPid ? { storeIdleRssKb, storeRssKb: rssKb(redisPid), storeCpuMsPerOp } : {}),
    }
    results.push(step)
    const p99s = windows.map(p99Of)
    log(`capacity: ${n} live TVs: p99 ${p99s.map((p) => p.toFixed(1)).join(' / ')} ms, ${step.errors} error(s)`)
    if (!isHeld(step)) break
  }
  return results
}
