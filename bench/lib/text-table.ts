// Plain-text tables with aligned columns (numbers right, words left) and number formats.
import type { Spread } from './stats'

export type Align = 'l' | 'r'

export function renderTable(head: string[], rows: string[][], align: Align[]): string[] {
  const width = head.map((h, c) => Math.max([...h].length, ...rows.map((r) => [...(r[c] ?? '')].length)))
  const cell = (s: string, c: number) => (align[c] === 'r' ? s.padStart(width[c]) : s.padEnd(width[c]))
  const line = (r: string[]) => r.map((s, c) => cell(s ?? '', c)).join('  ').trimEnd()
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}

/** A number with `digits` decimals, or `n/a`. */
export function num(v: number, digits = 0): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a'
}

/** `median [min–max]`, or the median alone when every round agreed. */
export function spreadText(s: Spread, digits = 0): string {
  if (!Number.isFinite(s.median)) return 'n/a'
  const lo = num(s.min, digits)
  const hi = num(s.max, digits)
  return lo === hi ? num(s.median, digits) : `${num(s.median, digits)} [${lo}–${hi}]`
}
