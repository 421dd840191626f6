// Statistics of the service benchmark: quantiles, and the median with min–max over rounds
// (the machine is shared, so one round says little and the spread says how much).
import { OPS, type WindowStats } from './service-mix'

/** The q-quantile (nearest rank) of `xs`; NaN when empty. */
export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export interface Spread {
  median: number
  min: number
  max: number
}

export function spread(xs: number[]): Spread {
  const finite = xs.filter(Number.isFinite)
  return finite.length ? { median: median(finite), min: Math.min(...finite), max: Math.max(...finite) } : { median: NaN, min: NaN, max: NaN }
}

/** Per-round ratios a[i] / b[i] of paired rounds. */
export function ratios(a: number[], b: number[]): number[] {
  if (a.length !== b.length) throw new Error(`ratios: unpaired rounds (${a.length} and ${b.length})`)
  return a.map((x, i) => x / b[i])
}

/** p99 of every timed operation of a round, all kinds together. */
export function p99Of(w: WindowStats): number {
  return quantile(
    OPS.flatMap((op) => w.latencies[op]),
    0.99,
  )
}

/** Operations per second in a round, all kinds together. */
export function opsPerSecond(w: WindowStats): number {
  return OPS.reduce((t, op) => t + w.counts[op], 0) / w.seconds
}
