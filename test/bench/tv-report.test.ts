import { describe, expect, it } from 'vitest'
import { bootstrapDifferenceOfMedians, bootstrapRatioOfMedians, median } from '../../bench/lib/tv-report'

describe('bootstrapRatioOfMedians', () => {
  it('brackets the ratio of the medians and narrows as rounds are added', () => {
    // Paired rounds: the app near 1.4× the baseline, both spread by the same machine load.
    const rounds = (n: number) => {
      const a: number[] = []
      const b: number[] = []
      for (let i = 0; i < n; i++) {
        const load = 1 + ((i * 37) % 23) / 50
        b.push(260 * load + ((i * 11) % 7))
        a.push(364 * load + ((i * 13) % 17) * 3)
      }
      return { a, b }
    }
    const small = rounds(21)
    const large = rounds(201)
    const r = median(small.a) / median(small.b)
    const ci = bootstrapRatioOfMedians(small.a, small.b)
    expect(ci.lo).toBeLessThanOrEqual(r)
    expect(ci.hi).toBeGreaterThanOrEqual(r)
    const wide = bootstrapRatioOfMedians(large.a, large.b)
    expect(wide.hi - wide.lo).toBeLessThan(ci.hi - ci.lo)
    expect(wide.lo).toBeGreaterThan(1.3)
    expect(wide.hi).toBeLessThan(1.5)
  })

  it('gives the same interval for the same rounds (seeded) and another for another seed', () => {
    const a = [300, 420, 380, 360, 500, 390, 410, 370, 350, 440]
    const b = [250, 280, 270, 300, 260, 290, 265, 275, 255, 310]
    expect(bootstrapRatioOfMedians(a, b)).toEqual(bootstrapRatioOfMedians(a, b))
    expect(bootstrapRatioOfMedians(a, b, { seed: 7 })).not.toEqual(bootstrapRatioOfMedians(a, b, { seed: 8, iterations: 50 }))
  })

  it('is a single point when every round gives the same pair', () => {
    const ci = bootstrapRatioOfMedians([300, 300, 300], [200, 200, 200])
    expect(ci).toEqual({ lo: 1.5, hi: 1.5 })
  })

  it('rejects unpaired or too small samples', () => {
    expect(() => bootstrapRatioOfMedians([1, 2, 3], [1, 2])).toThrow(/paired/)
    expect(() => bootstrapRatioOfMedians([1], [1])).toThrow(/at least 2/)
  })
})

describe('bootstrapDifferenceOfMedians', () => {
  // Paired flips: guidance on costs `cost` ms over off, both swung by the same machine load.
  const flips = (n: number, cost: number) => {
    const on: number[] = []
    const off: number[] = []
    for (let i = 0; i < n; i++) {
      const load = 20 + ((i * 37) % 23)
      off.push(load + ((i * 11) % 5))
      on.push(load + cost + ((i * 13) % 5))
    }
    return { on, off }
  }

  it('brackets the difference of the medians, and holds 0 when guidance costs nothing', () => {
    const free = flips(140, 0)
    const d = median(free.on) - median(free.off)
    const ci = bootstrapDifferenceOfMedians(free.on, free.off)
    expect(ci.lo).toBeLessThanOrEqual(d)
    expect(ci.hi).toBeGreaterThanOrEqual(d)
    expect(ci.lo).toBeLessThanOrEqual(0)
    expect(ci.hi).toBeGreaterThanOrEqual(0)
  })

  it('excludes 0 and sits near the cost when guidance costs 8 ms', () => {
    const costly = flips(140, 8)
    const ci = bootstrapDifferenceOfMedians(costly.on, costly.off)
    expect(ci.lo).toBeGreaterThan(4)
    expect(ci.hi).toBeLessThan(12)
  })

  it('is a single point when every pair differs alike, and rejects unpaired samples', () => {
    expect(bootstrapDifferenceOfMedians([12, 12, 12], [10, 10, 10])).toEqual({ lo: 2, hi: 2 })
    expect(() => bootstrapDifferenceOfMedians([1, 2, 3], [1, 2])).toThrow(/paired/)
  })
})
