import { describe, expect, it } from 'vitest'
import { FontMetricsError, parseFontMetrics, type FontMetricsFile } from '../../../src/core/text/fontMetrics'

const cp = (ch: string) => ch.codePointAt(0)!

function valid(): FontMetricsFile {
  return {
    family: 'MiiteeSans',
    unitsPerEm: 1000,
    faces: {
      '400': { '224': ' ', '500': 'ab', '555': '0123', '1000': '一二𠀀' },
      '700': { '250': ' ', '520': 'ab', '1000': '一' },
    },
  }
}

function failure(json: unknown): FontMetricsError {
  try {
    parseFontMetrics(json)
  } catch (err) {
    expect(err).toBeInstanceOf(FontMetricsError)
    return err as FontMetricsError
  }
  throw new Error('parseFontMetrics accepted invalid metrics')
}

describe('parseFontMetrics', () => {
  it('gives advances in ems (units / unitsPerEm), normal from face 400 and bold from face 700', () => {
    const table = parseFontMetrics(valid())
    expect(table.family).toBe('MiiteeSans')
    expect(table.advance('normal', cp('a'))).toBe(0.5)
    expect(table.advance('normal', cp('3'))).toBe(0.555)
    expect(table.advance('normal', cp(' '))).toBe(0.224)
    expect(table.advance('bold', cp('a'))).toBe(0.52)
    expect(table.advance('bold', cp(' '))).toBe(0.25)
    expect(table.advance('bold', cp('一'))).toBe(1)
  })

  it('scales by the file unitsPerEm, not a fixed 1000', () => {
    const table = parseFontMetrics({ family: 'F', unitsPerEm: 2048, faces: { '400': { '1024': 'a' } } })
    expect(table.advance('normal', cp('a'))).toBe(0.5)
  })

  it('returns undefined for a code point the weight does not list', () => {
    const table = parseFontMetrics(valid())
    expect(table.advance('normal', cp('z'))).toBeUndefined()
    // Listed for 400 only.
    expect(table.advance('bold', cp('二'))).toBeUndefined()
  })

  it('returns undefined for every code point of a weight the file lacks', () => {
    const table = parseFontMetrics({ family: 'F', unitsPerEm: 1000, faces: { '400': { '500': 'a' } } })
    expect(table.advance('bold', cp('a'))).toBeUndefined()
  })

  it('reads an astral code point inside a group string as one character', () => {
    const table = parseFontMetrics(valid())
    expect(table.advance('normal', 0x20000)).toBe(1)
    // Its surrogate halves are not characters of the font.
    expect(table.advance('normal', 0xd840)).toBeUndefined()
    expect(table.advance('normal', 0xdc00)).toBeUndefined()
  })

  it.each([
    ['null', null, '(root)'],
    ['a string', 'metrics', '(root)'],
    ['a number', 42, '(root)'],
    ['a missing family', { unitsPerEm: 1000, faces: {} }, 'family'],
    ['an empty family', { family: '', unitsPerEm: 1000, faces: {} }, 'family'],
    ['a non-string family', { family: 7, unitsPerEm: 1000, faces: {} }, 'family'],
    ['a missing unitsPerEm', { family: 'F', faces: {} }, 'unitsPerEm'],
    ['a non-integer unitsPerEm', { family: 'F', unitsPerEm: 1000.5, faces: {} }, 'unitsPerEm'],
    ['a string unitsPerEm', { family: 'F', unitsPerEm: '1000', faces: {} }, 'unitsPerEm'],
    ['unitsPerEm 0', { family: 'F', unitsPerEm: 0, faces: {} }, 'unitsPerEm'],
    ['unitsPerEm 20000', { family: 'F', unitsPerEm: 20000, faces: {} }, 'unitsPerEm'],
    ['missing faces', { family: 'F', unitsPerEm: 1000 }, 'faces'],
    ['faces as a string', { family: 'F', unitsPerEm: 1000, faces: 'x' }, 'faces'],
    ['weight key "450"', { family: 'F', unitsPerEm: 1000, faces: { '450': { '500': 'a' } } }, 'faces.450'],
    ['weight key "bold"', { family: 'F', unitsPerEm: 1000, faces: { bold: { '500': 'a' } } }, 'faces.bold'],
    ['weight key "1000"', { family: 'F', unitsPerEm: 1000, faces: { '1000': { '500': 'a' } } }, 'faces.1000'],
    ['a face that is not an object', { family: 'F', unitsPerEm: 1000, faces: { '400': 5 } }, 'faces.400'],
    ['a non-numeric advance key', { family: 'F', unitsPerEm: 1000, faces: { '400': { wide: 'a' } } }, 'faces.400.wide'],
    ['a negative advance key', { family: 'F', unitsPerEm: 1000, faces: { '400': { '-5': 'a' } } }, 'faces.400.-5'],
    // Number() reads each of these as a number ("" as 0): the key itself must be decimal.
    ['an empty advance key', { family: 'F', unitsPerEm: 1000, faces: { '400': { '': 'a' } } }, 'faces.400.'],
    ['a hexadecimal advance key', { family: 'F', unitsPerEm: 1000, faces: { '400': { '0x10': 'a' } } }, 'faces.400.0x10'],
    ['an exponent advance key', { family: 'F', unitsPerEm: 1000, faces: { '400': { '1e3': 'a' } } }, 'faces.400.1e3'],
    ['an advance key with a leading point', { family: 'F', unitsPerEm: 1000, faces: { '400': { '.5': 'a' } } }, 'faces.400..5'],
    ['an advance key with a trailing point', { family: 'F', unitsPerEm: 1000, faces: { '400': { '5.': 'a' } } }, 'faces.400.5.'],
    ['an advance key with spaces', { family: 'F', unitsPerEm: 1000, faces: { '400': { ' 500': 'a' } } }, 'faces.400. 500'],
    ['non-string characters', { family: 'F', unitsPerEm: 1000, faces: { '400': { '500': ['a'] } } }, 'faces.400.500'],
    ['numeric characters', { family: 'F', unitsPerEm: 1000, faces: { '400': { '500': 97 } } }, 'faces.400.500'],
  ])('rejects %s with FONT_METRICS_INVALID naming the field', (_what, json, field) => {
    const err = failure(json)
    expect(err.code).toBe('FONT_METRICS_INVALID')
    expect(err.field).toBe(field)
    expect(err.message).toContain(field)
  })

  it('names the faulty face even when an earlier face is valid', () => {
    const json = valid() as unknown as { faces: Record<string, unknown> }
    json.faces['700'] = { '500': 'a', x: 'b' }
    expect(failure(json).field).toBe('faces.700.x')
  })

  it('accepts a decimal advance key with a fraction', () => {
    const table = parseFontMetrics({ family: 'F', unitsPerEm: 1000, faces: { '400': { '500.25': 'a', '0': '\u200b' } } })
    expect(table.advance('normal', cp('a'))).toBe(0.50025)
    expect(table.advance('normal', 0x200b)).toBe(0)
  })

  it('rejects a character listed under two advances of one weight, naming the second group and the code point', () => {
    const err = failure({ family: 'F', unitsPerEm: 1000, faces: { '400': { '500': 'ab', '600': 'cb' } } })
    expect(err.code).toBe('FONT_METRICS_INVALID')
    expect(err.field).toBe('faces.400.600')
    expect(err.message).toContain('faces.400.600')
    expect(err.message).toContain('U+0062')
  })

  it('names an astral code point listed twice by its full code point, not a surrogate', () => {
    const err = failure({ family: 'F', unitsPerEm: 1000, faces: { '400': { '1000': '𠀀', '1000.5': '𠀀' } } })
    expect(err.field).toBe('faces.400.1000.5')
    expect(err.message).toContain('U+20000')
  })

  it('names the weight whose groups repeat a character when another weight lists it once', () => {
    const err = failure({ family: 'F', unitsPerEm: 1000, faces: { '400': { '500': 'a' }, '700': { '520': 'a', '530': 'a' } } })
    expect(err.field).toBe('faces.700.530')
    expect(err.message).toContain('U+0061')
  })

  it('accepts a character listed once in each weight', () => {
    const table = parseFontMetrics({ family: 'F', unitsPerEm: 1000, faces: { '400': { '500': 'a' }, '700': { '520': 'a' } } })
    expect(table.advance('normal', cp('a'))).toBe(0.5)
    expect(table.advance('bold', cp('a'))).toBe(0.52)
  })

  it('accepts the bounds of unitsPerEm (16 and 16384)', () => {
    expect(parseFontMetrics({ family: 'F', unitsPerEm: 16, faces: { '400': { '8': 'a' } } }).advance('normal', cp('a'))).toBe(0.5)
    expect(parseFontMetrics({ family: 'F', unitsPerEm: 16384, faces: { '400': { '8192': 'a' } } }).advance('normal', cp('a'))).toBe(0.5)
  })
})

describe('FontAdvanceTable.probes', () => {
  it('returns up to 3 printable code points whose advances differ pairwise', () => {
    const table = parseFontMetrics(valid())
    for (const weight of ['normal', 'bold'] as const) {
      const probes = table.probes(weight)
      expect(probes.length).toBeGreaterThan(0)
      expect(probes.length).toBeLessThanOrEqual(3)
      for (const p of probes) {
        expect(p).toBeGreaterThan(0x20)
        expect(table.advance(weight, p)).toBeDefined()
      }
      const advances = probes.map((p) => table.advance(weight, p))
      expect(new Set(advances).size).toBe(probes.length)
    }
    // 400 has four advances besides the space's: three probes.
    expect(table.probes('normal')).toHaveLength(3)
    // 700 has only two besides the space's.
    expect(table.probes('bold')).toHaveLength(2)
  })

  it('skips the space and other code points up to U+0020 even when their advance is unique', () => {
    const table = parseFontMetrics({ family: 'F', unitsPerEm: 1000, faces: { '400': { '100': '\t', '224': ' ', '500': 'a' } } })
    expect(table.probes('normal')).toEqual([cp('a')])
  })

  it('returns [] for a weight the file lacks', () => {
    const table = parseFontMetrics({ family: 'F', unitsPerEm: 1000, faces: { '400': { '500': 'a', '600': 'b' } } })
    expect(table.probes('bold')).toEqual([])
  })

  it('returns [] when the weight holds only the space', () => {
    const table = parseFontMetrics({ family: 'F', unitsPerEm: 1000, faces: { '400': { '224': ' ' } } })
    expect(table.probes('normal')).toEqual([])
  })
})
