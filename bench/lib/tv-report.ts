// Statistics and the printed table of `npm run bench:tv`.
import { seededRandom } from '../../tools/lib/seededRandom'

export function median(xs: number[]): number {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * Percentile bootstrap interval of median(a) / median(b) over paired rounds: round i gave a[i]
 * and b[i] side by side, so a round is resampled whole (what loaded the machine then weighs on
 * both). How far the printed ratio could move if the same run were repeated.
 */
export function bootstrapRatioOfMedians(a: number[], b: number[], opts: BootstrapOptions = {}): { lo: number; hi: number } {
  return pairedBootstrap(a, b, (ma, mb) => ma / mb, opts)
}

/** The same interval for median(a) − median(b) (e.g. guidance on − off, flip by flip). */
export function bootstrapDifferenceOfMedians(a: number[], b: number[], opts: BootstrapOptions = {}): { lo: number; hi: number } {
  return pairedBootstrap(a, b, (ma, mb) => ma - mb, opts)
}

interface BootstrapOptions {
  level?: number
  iterations?: number
  seed?: number
}

function pairedBootstrap(a: number[], b: number[], stat: (medianA: number, medianB: number) => number, opts: BootstrapOptions): { lo: number; hi: number } {
  if (a.length !== b.length || a.length < 2) throw new Error(`paired bootstrap: needs two paired samples of at least 2 (got ${a.length} and ${b.length})`)
  const { level = 0.95, iterations = 4000, seed = 1 } = opts
  const rnd = seededRandom(seed)
  const n = a.length
  const values: number[] = []
  const ra = new Array<number>(n)
  const rb = new Array<number>(n)
  for (let k = 0; k < iterations; k++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rnd() * n)
      ra[i] = a[j]
      rb[i] = b[j]
    }
    values.push(stat(median(ra), median(rb)))
  }
  values.sort((x, y) => x - y)
  const tail = (1 - level) / 2
  return { lo: values[Math.floor(tail * (iterations - 1))], hi: values[Math.ceil((1 - tail) * (iterations - 1))] }
}

/** Nearest-rank percentile (p in 0–100): the smallest value with at least p% of the sample at or below it. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

export function max(xs: number[]): number {
  return xs.length ? Math.max(...xs) : NaN
}

export type Verdict = 'PASS' | 'FAIL' | ''

export interface Row {
  measure: string
  app: string
  baseline: string
  ratio: string
  target: string
  verdict: Verdict
}

export const fmt = {
  ms: (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)} ms` : 'n/a'),
  signedMs: (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)} ms` : 'n/a'),
  kib: (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : 'n/a'),
  mib: (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : 'n/a'),
  mpx: (px: number) => (Number.isFinite(px) ? `${(px / 1e6).toFixed(2)} Mpx` : 'n/a'),
  ratio: (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : ''),
  int: (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : 'n/a'),
}

export function verdict(ok: boolean | null): Verdict {
  return ok === null ? '' : ok ? 'PASS' : 'FAIL'
}

export function printTable(rows: Row[]): string {
  const head: Row = { measure: 'measure', app: 'app', baseline: 'empty app / baseline', ratio: 'ratio', target: 'target', verdict: '' }
  const cols: (keyof Row)[] = ['measure', 'app', 'baseline', 'ratio', 'target', 'verdict']
  const width = (c: keyof Row) => Math.max(...[head, ...rows].map((r) => [...r[c]].length))
  const widths = cols.map(width)
  const line = (r: Row) => cols.map((c, i) => pad(r[c], widths[i])).join('  ').trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [line(head), rule, ...rows.map(line)].join('\n')
}

function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - [...s].length))
}
