// Glyph advances read from the font files at build time (tools/font-subset.ts writes them next to
// the fonts), so laying out the first screen needs no slow canvas measureText call per new glyph;
// they are HarfBuzz's advances, the same the browser shapes text with.

/** The JSON file: per weight, the advances (in font units) and the characters that have each. */
export interface FontMetricsFile {
  family: string
  unitsPerEm: number
  /** weight ("400", "700") → advance in font units (as a decimal string) → every character with it. */
  faces: Record<string, Record<string, string>>
}

export class FontMetricsError extends Error {
  constructor(
    readonly code: 'FONT_METRICS_INVALID',
    message: string,
    /** JSON path of the field at fault, e.g. "faces.400.1000". */
    readonly field: string,
  ) {
    super(message)
  }
}

/** Advances of one font family, by weight, as fractions of the em (multiply by the font size). */
export class FontAdvanceTable {
  private readonly byWeight = new Map<string, Map<number, number>>()

  constructor(readonly family: string, faces: Map<string, Map<number, number>>) {
    for (const [w, m] of faces) this.byWeight.set(w, m)
  }

  /** Advance of `cp` in ems, or undefined when the font has no glyph for it (measure it instead). */
  advance(weight: 'normal' | 'bold', cp: number): number | undefined {
    return this.byWeight.get(weight === 'bold' ? '700' : '400')?.get(cp)
  }

  /** A few code points of the weight whose advances differ, to check the table against the live font. */
  probes(weight: 'normal' | 'bold'): number[] {
    const m = this.byWeight.get(weight === 'bold' ? '700' : '400')
    if (!m) return []
    const seen = new Map<number, number>()
    for (const [cp, em] of m) {
      if (cp > 0x20 && !seen.has(em)) seen.set(em, cp)
      if (seen.size === 3) break
    }
    return [...seen.values()]
  }
}

/** Checks and indexes a metrics file; throws FontMetricsError naming the field at fault. */
export function parseFontMetrics(json: unknown): FontAdvanceTable {
  function fail(field: string, what: string): never {
    throw new FontMetricsError('FONT_METRICS_INVALID', `font metrics: ${field} ${what}`, field)
  }
  if (!json || typeof json !== 'object') return fail('(root)', 'is not an object')
  const file = json as Partial<FontMetricsFile>
  if (typeof file.family !== 'string' || !file.family) return fail('family', 'must be a non-empty string')
  const upem = file.unitsPerEm
  if (typeof upem !== 'number' || !Number.isInteger(upem) || upem < 16 || upem > 16384) return fail('unitsPerEm', 'must be an integer from 16 to 16384')
  if (!file.faces || typeof file.faces !== 'object') return fail('faces', 'must be an object')
  const faces = new Map<string, Map<number, number>>()
  for (const [weight, groups] of Object.entries(file.faces)) {
    if (!/^[1-9]00$/.test(weight)) fail(`faces.${weight}`, 'is not a font weight (100…900)')
    if (!groups || typeof groups !== 'object') fail(`faces.${weight}`, 'must be an object')
    const advances = new Map<number, number>()
    for (const [units, chars] of Object.entries(groups)) {
      if (!/^\d+(\.\d+)?$/.test(units)) fail(`faces.${weight}.${units}`, 'is not an advance in font units')
      if (typeof chars !== 'string') fail(`faces.${weight}.${units}`, 'must be a string of characters')
      for (const ch of chars) {
        const cp = ch.codePointAt(0)!
        if (advances.has(cp)) fail(`faces.${weight}.${units}`, `lists U+${cp.toString(16).toUpperCase().padStart(4, '0')} a second time`)
        advances.set(cp, Number(units) / upem)
      }
    }
    faces.set(weight, advances)
  }
  return new FontAdvanceTable(file.family, faces)
}
