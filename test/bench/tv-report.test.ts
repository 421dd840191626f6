import { describe, expect, it } from 'vitest'
import { bootstrapRatioOfMedians, median } from '../../bench/lib/tv-report'

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
