// The printed capacity table of `npm run bench:service`: one row per step of live TVs, the
// largest step held, and what broke the first step that was not.
import { HELD_P99_MS, isHeld, type StepResult } from './capacity'
import type { MixProfile } from './service-mix'
import { OPS } from './service-mix'
import { median, opsPerSecond, p99Of, quantile, spread } from './stats'
import { num, renderTable, spreadText, type Align } from './text-table'

export interface CapacityContext {
  backend: string
  profile: MixProfile
  /** The interval the service gives TVs, seconds. */
  pollIntervalS: number
  rounds: number
  windowS: number
  /** The most TVs the open-file limit allows (two connections each), and that limit. */
  fdCap: { tvs: number; limit: number }
}

const perSecond = (s: StepResult, op: (typeof OPS)[number]) => median(s.windows.map((w) => w.counts[op] / w.seconds))

/**
 * Service memory per live TV, KB: the least-squares slope of resident memory over the steps.
 * The idle process counts only when there is one step: it still holds start-up garbage that a
 * later collection frees, which would pull the slope down.
 */
export function kbPerTv(steps: StepResult[]): number {
  if (!steps.length) return NaN
  const pts = steps.map((s) => ({ x: s.tvs, y: s.rssKb }))
  if (pts.length === 1) pts.unshift({ x: 0, y: steps[0].idleRssKb })
  const mx = pts.reduce((t, p) => t + p.x, 0) / pts.length
  const my = pts.reduce((t, p) => t + p.y, 0) / pts.length
  const sxx = pts.reduce((t, p) => t + (p.x - mx) ** 2, 0)
  return sxx ? pts.reduce((t, p) => t + (p.x - mx) * (p.y - my), 0) / sxx : NaN
}

export function capacityRows(steps: StepResult[]): string[][] {
  return steps.map((s, i) => {
    // Memory added since the step before (the idle process for the first).
    const prev = i ? { tvs: steps[i - 1].tvs, kb: steps[i - 1].rssKb } : { tvs: 0, kb: s.idleRssKb }
    const store = s.storeCpuMsPerOp && s.storeRssKb !== undefined && s.storeIdleRssKb !== undefined
    return [
      String(s.tvs),
      num(perSecond(s, 'poll')),
      num(perSecond(s, 'create') * 60),
      num(perSecond(s, 'claim'), 1),
      num(perSecond(s, 'decision'), 1),
      num(median(s.windows.map(opsPerSecond))),
      spreadText(spread(s.windows.map(p99Of)), 1),
      num(median(s.windows.map((w) => quantile(w.push, 0.99))), 1),
      String(s.errors),
      num(s.rssKb / 1024),
      num((s.rssKb - prev.kb) / (s.tvs - prev.tvs), 1),
      spreadText(spread(s.cpuMsPerOp), 3),
      store ? spreadText(spread(s.storeCpuMsPerOp ?? []), 3) : '–',
      store ? num(((s.storeRssKb as number) - (s.storeIdleRssKb as number)) / s.tvs, 1) : '–',
      num(median(s.loadCores), 2),
      num(median(s.otherCores), 1),
      `${isHeld(s) ? 'yes' : 'NO'}${s.retried ? ' (2nd)' : ''}`,
    ]
  })
}

const HEAD = ['live TVs', 'polls/s', 'pairings/min', 'claims/s', 'decisions/s', 'ops/s', 'p99 ms', 'push p99 ms', 'errors', 'RSS MB', 'Δ KB/TV', 'CPU ms/op', 'store ms/op', 'Redis KB/TV', 'load cores', 'others cores', 'held']
const ALIGN: Align[] = ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']

/** The largest step held, if any. */
export function largestHeld(steps: StepResult[]): StepResult | undefined {
  return [...steps].reverse().find(isHeld)
}

/** Why a step was not held: its p99 and each operation's, and its errors by kind. */
export function whyNotHeld(s: StepResult): string {
  const p99 = median(s.windows.map(p99Of))
  const perOp = OPS.map((op) => `${op} ${num(median(s.windows.map((w) => quantile(w.latencies[op], 0.99))), 1)}`).join(', ')
  const errors = Object.entries(s.errorKinds)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ')
  const load = median(s.loadCores)
  // The load generator is one thread: near a full core, the step measured it as much as the service.
  const busyLoad = load >= LOAD_SATURATED ? `; the load generator used ${num(load, 2)} of its one core, so it may be the limit` : ''
  return `p99 ${num(p99, 1)} ms (by operation, ms: ${perOp})${s.errors ? `; errors: ${errors}` : ''}${busyLoad}`
}

const LOAD_SATURATED = 0.85

const hundreds = (v: number) => (Number.isFinite(v) ? String(Math.round(v / 100) * 100) : 'n/a')

/** Service (and store) CPU one live TV costs per second of the mix, ms: operations per TV per second × CPU per operation. */
export function cpuMsPerTvSecond(s: StepResult): { service: number; store: number } {
  const opsPerTv = median(s.windows.map(opsPerSecond)) / s.tvs
  return { service: opsPerTv * median(s.cpuMsPerOp), store: opsPerTv * (s.storeCpuMsPerOp ? median(s.storeCpuMsPerOp) : 0) }
}

export function capacityTable(steps: StepResult[], c: CapacityContext): string[] {
  const p = c.profile
  const held = largestHeld(steps)
  const last = steps[steps.length - 1]
  const lines = [
    `Capacity — one service process on ${c.backend}: medians of ${c.rounds} round(s) × ${c.windowS} s per step, [min–max] of rounds`,
    `(each TV: its own keep-alive connection and an event stream, a status poll every ${c.pollIntervalS} s, a new code every ${p.rotateS} s;` +
      ` a phone pairs with each TV every ${p.pairEveryS} s on average: QR claim, provisioning request, the TV's signed decision; push = request → event on the other side)`,
    ...renderTable(HEAD, capacityRows(steps), ALIGN),
    held
      ? `largest N held (p99 < ${HELD_P99_MS} ms, zero errors): ${held.tvs} live TVs; service memory ${num(kbPerTv(steps), 1)} KB per live TV (slope over the steps); ${num(median(held.cpuMsPerOp), 3)} CPU ms per operation at ${held.tvs}`
      : `largest N held (p99 < ${HELD_P99_MS} ms, zero errors): none of the steps`,
  ]
  if (held) {
    const cpu = cpuMsPerTvSecond(held)
    const store = cpu.store > 0 ? ` (+ ${num(cpu.store, 4)} in Redis + PostgreSQL)` : ''
    lines.push(
      `service CPU per live TV at ${held.tvs}: ${num(cpu.service, 4)} ms per second${store}, i.e. about ${hundreds(1000 / (cpu.service + cpu.store))} live TVs of this mix per core (extrapolated from CPU alone)`,
    )
  }
  if (last && !isHeld(last)) lines.push(`${last.tvs} live TVs not held: ${whyNotHeld(last)}`)
  else if (last && last.tvs >= c.fdCap.tvs)
    lines.push(`every step held; ${c.fdCap.tvs} is as many as the open-file limit allows (ulimit -n ${c.fdCap.limit}, two connections per TV on each side)`)
  else if (last) lines.push(`every step held up to ${last.tvs} (the last step asked for)`)
  return lines
}
