// The throttled rows of bench:tv: each rate gets its first-frame ratio (against the empty app at
// the same rate) and its flip median / p95; only the 6× rows carry the targets.
import { describe, expect, it } from 'vitest'
import { percentile } from '../../bench/lib/tv-report'
import { throttledRows, type ThrottledRun } from '../../bench/lib/tv-throttle'

const run = (rate: number, app: number, empty: number, flips: number[]): ThrottledRun => ({
  rate,
  app: [app, app * 1.02, app * 0.98, app * 1.01],
  empty: [empty, empty * 1.01, empty * 0.99, empty * 1.02],
  flips,
  failedFlips: 0,
})

const flips = (n: number, base: number, slowest: number) => [...Array(n - 1).fill(base), slowest]

describe('percentile', () => {
  it('is the nearest rank', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1)
    expect(percentile(xs, 95)).toBe(19)
    expect(percentile(xs, 50)).toBe(10)
    expect(percentile(xs, 100)).toBe(20)
    expect(percentile([], 95)).toBeNaN()
  })
})

describe('throttledRows', () => {
  it('judges only the 6× rows: flip p95 ≤ 100 ms and first frame ≤ 1.5× the empty app', () => {
    const rows = throttledRows([run(4, 900, 500, flips(20, 60, 400)), run(6, 1300, 700, flips(20, 80, 95))])
    expect(rows).toHaveLength(4)
    expect(rows.slice(0, 2).map((r) => r.verdict)).toEqual(['', ''])
    expect(rows[2]).toMatchObject({ ratio: '1.86×', verdict: 'FAIL' })
    expect(rows[2].measure).toMatch(/^6× CPU: first frame, median of 4 \(ratio 95% interval \d\.\d\d–\d\.\d\d×\)$/)
    expect(rows[3]).toMatchObject({ app: '80.0 ms / 80.0 ms', verdict: 'PASS' })
  })

  it('fails the flip target on a slow p95, on too few flips, and on a flip that drew nothing', () => {
    const slow = flips(20, 80, 300)
    slow[18] = 300 // two of twenty slow: the p95 (19th) is slow
    expect(throttledRows([run(6, 1000, 700, slow)])[1].verdict).toBe('FAIL')
    expect(throttledRows([run(6, 1000, 700, flips(5, 50, 50))])[1].verdict).toBe('FAIL')
    expect(throttledRows([{ ...run(6, 1000, 700, flips(20, 50, 50)), failedFlips: 1 }])[1]).toMatchObject({ verdict: 'FAIL', measure: expect.stringContaining('1 without a frame') })
    expect(throttledRows([run(6, 1000, 700, flips(20, 50, 50))])[0].verdict).toBe('PASS')
  })
})
