import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { inflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFontMetrics, type FontMetricsFile } from '../../src/core/text/fontMetrics'

const ROOT = resolve(__dirname, '../..')
const TSX = join(ROOT, 'node_modules/.bin/tsx')
const BUDGET = 500 * 1024

function runTool(args: string[]): string {
  return execFileSync(TSX, ['tools/font-subset.ts', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

// --- a small, independent sfnt/WOFF reader ----------------------------------------------------

/** Table bytes by tag, for a TTF/OTF or a WOFF 1 file. */
function readTables(file: Buffer): Map<string, Buffer> {
  const tables = new Map<string, Buffer>()
  const sig = file.toString('latin1', 0, 4)
  if (sig === 'wOFF') {
    const n = file.readUInt16BE(12)
    for (let i = 0; i < n; i++) {
      const rec = 44 + 20 * i
      const tag = file.toString('latin1', rec, rec + 4)
      const offset = file.readUInt32BE(rec + 4)
      const compLength = file.readUInt32BE(rec + 8)
      const origLength = file.readUInt32BE(rec + 12)
      const raw = file.subarray(offset, offset + compLength)
      tables.set(tag, compLength < origLength ? inflateSync(raw) : raw)
    }
  } else if (sig === '\x00\x01\x00\x00' || sig === 'OTTO' || sig === 'true') {
    const n = file.readUInt16BE(4)
    for (let i = 0; i < n; i++) {
      const rec = 12 + 16 * i
      tables.set(file.toString('latin1', rec, rec + 4), file.subarray(file.readUInt32BE(rec + 8), file.readUInt32BE(rec + 8) + file.readUInt32BE(rec + 12)))
    }
  } else {
    throw new Error(`not a TTF/OTF/WOFF file (signature ${JSON.stringify(sig)})`)
  }
  return tables
}

/** Code point → glyph id, for every code point with a non-zero glyph in a Unicode cmap subtable of format 4 or 12. */
function cmapGlyphs(file: Buffer): Map<number, number> {
  const cmap = readTables(file).get('cmap')
  if (!cmap) throw new Error('no cmap table')
  const out = new Map<number, number>()
  for (let i = 0; i < cmap.readUInt16BE(2); i++) {
    const platform = cmap.readUInt16BE(4 + 8 * i)
    const encoding = cmap.readUInt16BE(6 + 8 * i)
    if (!(platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10)))) continue
    const t = cmap.subarray(cmap.readUInt32BE(8 + 8 * i))
    const format = t.readUInt16BE(0)
    if (format === 4) {
      const seg = t.readUInt16BE(6) / 2
      const endAt = (k: number) => t.readUInt16BE(14 + 2 * k)
      const startAt = (k: number) => t.readUInt16BE(16 + 2 * seg + 2 * k)
      const deltaAt = (k: number) => t.readUInt16BE(16 + 4 * seg + 2 * k)
      const roPos = (k: number) => 16 + 6 * seg + 2 * k
      for (let k = 0; k < seg; k++) {
        const ro = t.readUInt16BE(roPos(k))
        for (let c = startAt(k); c <= endAt(k) && c < 0xffff; c++) {
          const g = ro === 0 ? c + deltaAt(k) : t.readUInt16BE(roPos(k) + ro + 2 * (c - startAt(k)))
          const glyph = ro === 0 ? g & 0xffff : g && (g + deltaAt(k)) & 0xffff
          if (glyph) out.set(c, glyph)
        }
      }
    } else if (format === 12) {
      for (let g = 0; g < t.readUInt32BE(12); g++) {
        const [start, end, glyph] = [0, 4, 8].map((o) => t.readUInt32BE(16 + 12 * g + o))
        for (let c = start; c <= end; c++) if (glyph + c - start) out.set(c, glyph + c - start)
      }
    }
  }
  return out
}

/** Code points with a non-zero glyph in any Unicode cmap subtable of format 4 or 12. */
function mappedCodePoints(file: Buffer): Set<number> {
  return new Set(cmapGlyphs(file).keys())
}

/** Advance width (font units) of a glyph id, from hhea.numberOfHMetrics and hmtx. */
function glyphAdvances(file: Buffer): (glyph: number) => number {
  const tables = readTables(file)
  const hhea = tables.get('hhea')
  const hmtx = tables.get('hmtx')
  if (!hhea || !hmtx) throw new Error('no hhea/hmtx table')
  const n = hhea.readUInt16BE(34)
  // Glyphs past numberOfHMetrics repeat the last advance (monospaced tail).
  return (glyph) => hmtx.readUInt16BE(4 * Math.min(glyph, n - 1))
}

function unitsPerEm(file: Buffer): number {
  const head = readTables(file).get('head')
  if (!head) throw new Error('no head table')
  return head.readUInt16BE(18)
}

const visible = (text: string) => [...new Set([...text].filter((ch) => !/[\p{Cc}\p{Cf}\p{Cs}]/u.test(ch)))]

function policyText(): string {
  const dir = join(ROOT, 'policy')
  const md: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name))
      else if (e.name.endsWith('.md')) md.push(join(d, e.name))
    }
  }
  if (existsSync(dir)) walk(dir)
  const files = md.length ? md : [resolve(ROOT, 'policy/source/miitee-privacy-policy.zh-CN.txt')]
  return files.map((f) => readFileSync(f, 'utf8')).join('\n')
}

function uiText(): string {
  const files: string[] = []
  const walk = (d: string) => {
    if (!existsSync(d)) return
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name))
      else if (e.name.endsWith('.ts')) files.push(join(d, e.name))
    }
  }
  walk(join(ROOT, 'src/tv'))
  walk(join(ROOT, 'src/phone'))
  return files.map((f) => readFileSync(f, 'utf8')).join('\n').replace(/[\x00-\x7f]/g, '')
}

const missingFrom = (font: Buffer, chars: string[]) => {
  const mapped = mappedCodePoints(font)
  return chars.filter((ch) => !mapped.has(ch.codePointAt(0)!)).join('')
}

interface Manifest {
  family: string
  glyphCount: number
  charset: { sha256: string; count: number; missingFromSource: string }
  files: { file: string; format: string; weight: number; bytes: number; glyphs: number }[]
  totals: Record<string, number>
}

describe('tools/font-subset.ts', () => {
  let out: string
  let manifest: Manifest
  let log: string
  // Read before the last test rebuilds the output with another policy.
  let metricsJson: unknown
  let ttfs: { weight: number; data: Buffer }[]

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'miitee-font-'))
    log = runTool(['--out', out])
    manifest = JSON.parse(readFileSync(join(out, 'font-manifest.json'), 'utf8')) as Manifest
    const metricsFile = join(out, 'MiiteeSans-metrics.json')
    metricsJson = existsSync(metricsFile) ? JSON.parse(readFileSync(metricsFile, 'utf8')) : undefined
    ttfs = manifest.files.filter((f) => f.format === 'truetype').map((f) => ({ weight: f.weight, data: readFileSync(join(out, f.file)) }))
  })
  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('writes Regular TTF and WOFF plus a manifest that matches the files', () => {
    expect(log).toMatch(/MiiteeSans-Regular\.ttf\s+\d+ B/)
    expect(manifest.family).toBe('MiiteeSans')
    expect(manifest.charset.sha256).toMatch(/^[0-9a-f]{64}$/)
    const names = manifest.files.map((f) => f.file)
    expect(names).toEqual(expect.arrayContaining(['MiiteeSans-Regular.ttf', 'MiiteeSans-Regular.woff']))
    for (const f of manifest.files) {
      expect(statSync(join(out, f.file)).size).toBe(f.bytes)
      expect(f.glyphs).toBeGreaterThan(manifest.charset.count * 0.9)
    }
    expect(manifest.glyphCount).toBe(manifest.files.find((f) => f.file === 'MiiteeSans-Regular.ttf')!.glyphs)
  })

  it('writes MiiteeSans-metrics.json that parseFontMetrics accepts, with one face per built weight', () => {
    expect(metricsJson, 'MiiteeSans-metrics.json was not written').toBeDefined()
    const table = parseFontMetrics(metricsJson)
    const file = metricsJson as FontMetricsFile
    expect(table.family).toBe(manifest.family)
    expect(Object.keys(file.faces).sort()).toEqual(ttfs.map((t) => String(t.weight)).sort())
    for (const t of ttfs) expect(file.unitsPerEm).toBe(unitsPerEm(t.data))
    expect(table.probes('normal')).toHaveLength(3)
  })

  it('lists every character of the charset that the font maps, and only mapped ones', () => {
    const file = metricsJson as FontMetricsFile
    const policy = visible(policyText())
    const ui = visible(uiText())
    const ascii = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i))
    for (const t of ttfs) {
      const listed = new Set([...Object.values(file.faces[String(t.weight)]).join('')].map((ch) => ch.codePointAt(0)!))
      const missing = (chars: string[]) => chars.filter((ch) => !listed.has(ch.codePointAt(0)!)).join('')
      expect(missing(policy), `${t.weight}: policy characters without an advance`).toBe('')
      expect(missing(ui), `${t.weight}: UI characters without an advance`).toBe('')
      expect(missing(ascii), `${t.weight}: ASCII characters without an advance`).toBe('')
      const mapped = mappedCodePoints(t.data)
      expect([...listed].filter((cp) => !mapped.has(cp)).map((cp) => cp.toString(16)), `${t.weight}: listed but unmapped`).toEqual([])
      // Every charset character the font has is listed; U+200B is in the charset without a glyph.
      const unmapped = [...manifest.charset.missingFromSource].length + (listed.has(0x200b) ? 0 : 1)
      expect(listed.size).toBe(manifest.charset.count - unmapped)
    }
  })

  it('gives each character the advance of its cmap glyph in hmtx', () => {
    const file = metricsJson as FontMetricsFile
    expect(ttfs.length).toBeGreaterThanOrEqual(1)
    for (const t of ttfs) {
      const glyphs = cmapGlyphs(t.data)
      const advance = glyphAdvances(t.data)
      const wrong: string[] = []
      for (const [units, chars] of Object.entries(file.faces[String(t.weight)])) {
        for (const ch of chars) {
          const glyph = glyphs.get(ch.codePointAt(0)!)
          if (glyph === undefined || advance(glyph) !== Number(units)) wrong.push(`${ch} ${units} ≠ ${glyph === undefined ? 'unmapped' : advance(glyph)}`)
        }
      }
      expect(wrong, `${t.weight}: advances that differ from hmtx`).toEqual([])
    }
    // Regular and Bold are different fonts: the advances must not be copied from one weight.
    if (file.faces['700']) expect(file.faces['700']).not.toEqual(file.faces['400'])
  })

  it('stays within 500 KB for all files of each format', () => {
    const byFormat = new Map<string, number>()
    for (const f of manifest.files) byFormat.set(f.format, (byFormat.get(f.format) ?? 0) + statSync(join(out, f.file)).size)
    for (const [format, total] of byFormat) expect(total, format).toBeLessThanOrEqual(BUDGET)
  })

  it('maps every character of the policy and the UI strings, in every file', () => {
    const policy = visible(policyText())
    const ui = visible(uiText())
    expect(policy.length).toBeGreaterThan(500)
    for (const f of manifest.files) {
      const font = readFileSync(join(out, f.file))
      expect(missingFrom(font, policy), `${f.file}: policy characters without a glyph`).toBe('')
      expect(missingFrom(font, ui), `${f.file}: UI characters without a glyph`).toBe('')
    }
  })

  it('is a real subset: rare characters absent from the text are dropped', () => {
    const source = readFileSync(join(ROOT, 'node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'))
    const rare = ['龘', '齉', '靐']
    expect(missingFrom(source, rare)).toBe('')
    expect(missingFrom(readFileSync(join(out, 'MiiteeSans-Regular.ttf')), rare)).toBe(rare.join(''))
  })

  it('skips the work when nothing changed, and rebuilds when the policy changes', () => {
    const before = statSync(join(out, 'MiiteeSans-Regular.ttf')).mtimeMs
    expect(runTool(['--out', out])).toContain('up to date')
    expect(statSync(join(out, 'MiiteeSans-Regular.ttf')).mtimeMs).toBe(before)

    const policyDir = join(out, 'policy')
    mkdirSync(policyDir)
    writeFileSync(join(policyDir, 'extra.md'), '# 附录\n\n龘齉靐：罕见字测试。\n')
    expect(runTool(['--out', out, '--policy-dir', policyDir])).not.toContain('up to date')
    const next = JSON.parse(readFileSync(join(out, 'font-manifest.json'), 'utf8')) as Manifest
    expect(next.charset.sha256).not.toBe(manifest.charset.sha256)
    for (const f of next.files) expect(missingFrom(readFileSync(join(out, f.file)), visible('龘齉靐附录罕见字测试'))).toBe('')
    const metrics = parseFontMetrics(JSON.parse(readFileSync(join(out, 'MiiteeSans-metrics.json'), 'utf8')))
    for (const ch of '龘齉靐') expect(metrics.advance('normal', ch.codePointAt(0)!), `${ch} in the rebuilt metrics`).toBeGreaterThan(0)
  })

  it('rebuilds when the metrics file is missing', () => {
    runTool(['--out', out])
    expect(runTool(['--out', out])).toContain('up to date')
    rmSync(join(out, 'MiiteeSans-metrics.json'))
    expect(runTool(['--out', out])).not.toContain('up to date')
    expect(() => parseFontMetrics(JSON.parse(readFileSync(join(out, 'MiiteeSans-metrics.json'), 'utf8')))).not.toThrow()
  })
})
