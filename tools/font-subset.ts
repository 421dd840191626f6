// Cuts Noto Sans SC down to the characters Miitee can show: the policy text, the UI strings,
// printable ASCII and common CJK punctuation. TV firmware often has no CJK font, so the app
// ships this subset itself.
//
//   tsx tools/font-subset.ts [--out DIR] [--policy-dir DIR] [--weights 400,700] [--woff2]
//                            [--budget-kb 500] [--force]
//
// Writes MiiteeSans-<Weight>.ttf / .woff (/.woff2 with --woff2), MiiteeSans-metrics.json (each
// character's advance per weight, read with HarfBuzz, so the app lays text out without measuring
// it) and font-manifest.json into DIR (default static/fonts). When the manifest's char-set hash, source font fingerprint and
// options match and every file is present, nothing is rebuilt.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, closeSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FontMetricsFile } from '../src/core/text/fontMetrics'

type SubsetFont = (font: Buffer, text: string, options?: { targetFormat?: 'sfnt' | 'woff' | 'woff2'; keepFeatures?: string[]; noHinting?: boolean }) => Promise<Buffer>

const require = createRequire(import.meta.url)
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const FAMILY = 'MiiteeSans'
const SOURCE_PACKAGE = '@expo-google-fonts/noto-sans-sc'
const WEIGHTS: Record<number, { name: string; source: string }> = {
  400: { name: 'Regular', source: '400Regular/NotoSansSC_400Regular.ttf' },
  700: { name: 'Bold', source: '700Bold/NotoSansSC_700Bold.ttf' },
}
const FORMATS = {
  ttf: { target: 'sfnt', css: 'truetype' },
  woff: { target: 'woff', css: 'woff' },
  woff2: { target: 'woff2', css: 'woff2' },
} as const
type Ext = keyof typeof FORMATS
// Horizontal text only: vertical forms, width variants and the rest of the default feature
// closure would add ~400 glyphs (+65 KB) that canvas text never uses.
const KEEP_FEATURES = ['ccmp', 'locl', 'liga', 'calt', 'kern', 'mark', 'mkmk']
const MANIFEST = 'font-manifest.json'
export const METRICS_FILE = `${FAMILY}-metrics.json`
const TOOL_REVISION = 2

// Common CJK / full-width punctuation, digits and symbols the UI may use without them appearing
// in today's strings.
const EXTRA_CHARS =
  '\u00a0\u200b\u3000' +
  '、。〃〈〉《》「」『』【】〔〕〖〗〘〙〜〝〞・' +
  '！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～￥' +
  '０１２３４５６７８９' +
  '〇零一二三四五六七八九十百千万亿两第页章节条款共' +
  '‘’“”…‥—–‐·•°±×÷←↑→↓✓©®™№§¶'

export interface FontFile {
  file: string
  format: string
  weight: number
  style: 'normal'
  bytes: number
  glyphs: number
  sha256: string
}

export interface FontManifest {
  family: string
  tool: number
  source: { package: string; packageVersion: string; fonts: Record<string, { file: string; revision: string; checksum: string }> }
  options: { weights: number[]; formats: Ext[]; keepFeatures: string[] }
  charset: { sha256: string; count: number; sources: string[]; missingFromSource: string }
  glyphCount: number
  files: FontFile[]
  totals: Partial<Record<Ext, number>>
  budgetBytes: number
  droppedWeights: number[]
}

interface Options {
  out: string
  policyDir: string
  weights: number[]
  formats: Ext[]
  budgetBytes: number
  force: boolean
}

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    out: join(ROOT, 'static/fonts'),
    policyDir: join(ROOT, 'policy'),
    weights: [400, 700],
    formats: ['ttf', 'woff'],
    budgetBytes: 500 * 1024,
    force: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = () => {
      const v = inline ?? argv[++i]
      if (v === undefined) throw new Error(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case '--out': opts.out = resolve(value()); break
      case '--policy-dir': opts.policyDir = resolve(value()); break
      case '--weights': {
        opts.weights = value().split(',').map(Number)
        const bad = opts.weights.filter((w) => !WEIGHTS[w])
        if (bad.length || !opts.weights.includes(400)) throw new Error(`--weights must include 400 and use only ${Object.keys(WEIGHTS).join(',')}`)
        break
      }
      case '--woff2': opts.formats = ['ttf', 'woff', 'woff2']; break
      case '--budget-kb': opts.budgetBytes = Number(value()) * 1024; break
      case '--force': opts.force = true; break
      case '--help': case '-h':
        console.log('usage: tsx tools/font-subset.ts [--out DIR] [--policy-dir DIR] [--weights 400,700] [--woff2] [--budget-kb 500] [--force]')
        process.exit(0)
        break
      default: throw new Error(`unknown option ${arg}`)
    }
  }
  opts.weights.sort((a, b) => a - b)
  return opts
}

function listFiles(dir: string, accept: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...listFiles(path, accept))
    else if (entry.isFile() && accept(entry.name)) out.push(path)
  }
  return out.sort()
}

/** Characters that are never drawn: controls and format characters (U+200B is added back on purpose). */
function isInvisible(ch: string): boolean {
  return /[\p{Cc}\p{Cf}\p{Cs}]/u.test(ch)
}

function collectCharset(policyDir: string): { chars: string[]; sources: string[] } {
  const set = new Set<string>()
  const add = (text: string, nonAsciiOnly: boolean) => {
    for (const ch of text) {
      if (nonAsciiOnly && ch.codePointAt(0)! < 0x80) continue
      if (!isInvisible(ch)) set.add(ch)
    }
  }
  let policyFiles = listFiles(policyDir, (n) => n.endsWith('.md'))
  if (policyFiles.length === 0) {
    const seed = resolve(ROOT, 'policy/source/miitee-privacy-policy.zh-CN.txt')
    if (!existsSync(seed)) throw new Error(`no policy text: ${relative(ROOT, policyDir) || policyDir}/*.md is empty and ${seed} is missing`)
    policyFiles = [seed]
  }
  const uiFiles = ['src/tv', 'src/phone', 'src/core'].flatMap((d) => listFiles(join(ROOT, d), (n) => n.endsWith('.ts')))
  for (const f of policyFiles) add(readFileSync(f, 'utf8'), false)
  for (const f of uiFiles) add(readFileSync(f, 'utf8'), true)
  for (let c = 0x20; c < 0x7f; c++) set.add(String.fromCharCode(c))
  add(EXTRA_CHARS, false)
  set.add('\u200b')
  const chars = [...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)
  const sources = [...policyFiles, ...uiFiles].map((f) => relative(ROOT, f))
  return { chars, sources }
}

// --- minimal sfnt reading -------------------------------------------------------------------

function tableOffset(font: Buffer, tag: string): number {
  const count = font.readUInt16BE(4)
  for (let i = 0; i < count; i++) {
    const rec = 12 + 16 * i
    if (font.toString('latin1', rec, rec + 4) === tag) return font.readUInt32BE(rec + 8)
  }
  throw new Error(`font has no ${tag} table`)
}

function glyphCount(font: Buffer): number {
  return font.readUInt16BE(tableOffset(font, 'maxp') + 4)
}

/** Code points mapped by the font's Unicode cmap (format 4 and 12 subtables). */
function cmapCodePoints(font: Buffer): Set<number> {
  const cmap = tableOffset(font, 'cmap')
  const result = new Set<number>()
  const n = font.readUInt16BE(cmap + 2)
  for (let i = 0; i < n; i++) {
    const platform = font.readUInt16BE(cmap + 4 + 8 * i)
    const encoding = font.readUInt16BE(cmap + 6 + 8 * i)
    if (!((platform === 3 && (encoding === 1 || encoding === 10)) || platform === 0)) continue
    const sub = cmap + font.readUInt32BE(cmap + 8 + 8 * i)
    const format = font.readUInt16BE(sub)
    if (format === 4) {
      const segX2 = font.readUInt16BE(sub + 6)
      const ends = sub + 14
      const starts = ends + segX2 + 2
      const deltas = starts + segX2
      const rangeOffsets = deltas + segX2
      for (let s = 0; s < segX2; s += 2) {
        const end = font.readUInt16BE(ends + s)
        const start = font.readUInt16BE(starts + s)
        const delta = font.readUInt16BE(deltas + s)
        const ro = font.readUInt16BE(rangeOffsets + s)
        for (let c = start; c <= end && c !== 0xffff; c++) {
          let glyph: number
          if (ro === 0) glyph = (c + delta) & 0xffff
          else {
            const g = font.readUInt16BE(rangeOffsets + s + ro + 2 * (c - start))
            glyph = g === 0 ? 0 : (g + delta) & 0xffff
          }
          if (glyph !== 0) result.add(c)
        }
      }
    } else if (format === 12) {
      const groups = font.readUInt32BE(sub + 12)
      for (let g = 0; g < groups; g++) {
        const rec = sub + 16 + 12 * g
        const start = font.readUInt32BE(rec)
        const end = font.readUInt32BE(rec + 4)
        const startGlyph = font.readUInt32BE(rec + 8)
        for (let c = start; c <= end; c++) if (startGlyph + (c - start) !== 0) result.add(c)
      }
    }
  }
  return result
}

/** Revision and checksum from the head table, read without loading the whole (10 MB) file. */
function fontFingerprint(path: string): { revision: string; checksum: string } {
  const fd = openSync(path, 'r')
  try {
    const dir = Buffer.alloc(12 + 16 * 64)
    readSync(fd, dir, 0, dir.length, 0)
    const head = tableOffset(dir, 'head')
    const buf = Buffer.alloc(12)
    readSync(fd, buf, 0, 12, head)
    return { revision: (buf.readInt32BE(4) / 65536).toFixed(3), checksum: buf.readUInt32BE(8).toString(16).padStart(8, '0') }
  } finally {
    closeSync(fd)
  }
}

/**
 * Advance of every character of `chars` in each built weight, grouped by advance (font units):
 * the app's glyph widths. HarfBuzz maps each code point to its nominal glyph as browsers do.
 */
async function fontMetrics(built: { weight: number; ext: Ext; data: Buffer }[], chars: string[]): Promise<FontMetricsFile> {
  const hb = await import('harfbuzzjs')
  const faces: FontMetricsFile['faces'] = {}
  let unitsPerEm = 0
  for (const b of built.filter((x) => x.ext === 'ttf')) {
    const face = new hb.Face(new hb.Blob(b.data))
    const font = new hb.Font(face)
    if (unitsPerEm && face.upem !== unitsPerEm) throw new Error(`weights disagree on units per em (${unitsPerEm}, ${face.upem})`)
    unitsPerEm = face.upem
    const groups: Record<string, string> = {}
    for (const ch of chars) {
      const glyph = font.nominalGlyph(ch.codePointAt(0)!)
      if (glyph === undefined || glyph === 0) continue
      const units = String(font.glyphHAdvance(glyph))
      groups[units] = (groups[units] ?? '') + ch
    }
    faces[String(b.weight)] = groups
  }
  return { family: FAMILY, unitsPerEm, faces }
}

// --------------------------------------------------------------------------------------------

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

function printSizes(m: FontManifest, label: string) {
  console.log(`font-subset: ${label}: ${m.family}, ${m.charset.count} chars, ${m.glyphCount} glyphs`)
  for (const f of m.files) console.log(`  ${f.file.padEnd(28)} ${String(f.bytes).padStart(8)} B  (${kb(f.bytes)})`)
  console.log(`  totals: ${Object.entries(m.totals).map(([ext, n]) => `${ext} ${kb(n!)}`).join(', ')} (budget ${kb(m.budgetBytes)} per format)`)
}

function upToDate(manifestPath: string, expected: Pick<FontManifest, 'tool' | 'source' | 'options' | 'charset' | 'budgetBytes'>): FontManifest | null {
  if (!existsSync(manifestPath)) return null
  let m: FontManifest
  try {
    m = JSON.parse(readFileSync(manifestPath, 'utf8')) as FontManifest
  } catch {
    return null
  }
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
  if (m.tool !== expected.tool || m.charset?.sha256 !== expected.charset.sha256 || !same(m.source, expected.source) || !same(m.options, expected.options) || m.budgetBytes !== expected.budgetBytes) return null
  const dir = dirname(manifestPath)
  if (!existsSync(join(dir, METRICS_FILE))) return null
  for (const f of m.files ?? []) {
    const p = join(dir, f.file)
    if (!existsSync(p) || statSync(p).size !== f.bytes) return null
  }
  return m
}

async function main() {
  const started = performance.now()
  const opts = parseArgs(process.argv.slice(2))
  const pkgDir = dirname(require.resolve(`${SOURCE_PACKAGE}/package.json`))
  const packageVersion = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version
  const fonts: FontManifest['source']['fonts'] = {}
  for (const w of opts.weights) fonts[w] = { file: WEIGHTS[w].source, ...fontFingerprint(join(pkgDir, WEIGHTS[w].source)) }

  const { chars, sources } = collectCharset(opts.policyDir)
  const text = chars.join('')
  const expected = {
    tool: TOOL_REVISION,
    source: { package: SOURCE_PACKAGE, packageVersion, fonts },
    options: { weights: opts.weights, formats: opts.formats, keepFeatures: KEEP_FEATURES },
    charset: { sha256: sha256(text), count: chars.length, sources, missingFromSource: '' },
    budgetBytes: opts.budgetBytes,
  }
  const manifestPath = join(opts.out, MANIFEST)
  const current = opts.force ? null : upToDate(manifestPath, expected)
  if (current) {
    printSizes(current, `up to date (${Math.round(performance.now() - started)} ms)`)
    return
  }

  const subsetFont = require('subset-font') as SubsetFont
  mkdirSync(opts.out, { recursive: true })
  const built: { weight: number; ext: Ext; data: Buffer }[] = []
  let missing = ''
  for (const w of opts.weights) {
    const source = readFileSync(join(pkgDir, WEIGHTS[w].source))
    if (w === 400) {
      const mapped = cmapCodePoints(source)
      missing = chars.filter((ch) => !mapped.has(ch.codePointAt(0)!) && ch !== '\u200b').join('')
    }
    for (const ext of opts.formats) {
      built.push({ weight: w, ext, data: await subsetFont(source, text, { targetFormat: FORMATS[ext].target, keepFeatures: KEEP_FEATURES }) })
    }
  }

  // Budget: the sum of all weights in one format must fit. Bold goes first (the canvas can
  // synthesise bold from Regular); Regular alone over budget is an error.
  const dropped: number[] = []
  const totalsOf = () => {
    const t: Partial<Record<Ext, number>> = {}
    for (const b of built) t[b.ext] = (t[b.ext] ?? 0) + b.data.length
    return t
  }
  const over = () => Object.entries(totalsOf()).filter(([, n]) => n! > opts.budgetBytes)
  while (over().length) {
    const heaviest = Math.max(...built.map((b) => b.weight))
    if (heaviest === 400) {
      throw new Error(`subset over budget even with Regular alone: ${over().map(([e, n]) => `${e} ${kb(n!)}`).join(', ')} > ${kb(opts.budgetBytes)} (raise --budget-kb or trim the character set)`)
    }
    console.warn(`font-subset: WARNING dropping weight ${heaviest}: ${over().map(([e, n]) => `${e} ${kb(n!)}`).join(', ')} > ${kb(opts.budgetBytes)}`)
    dropped.push(heaviest)
    built.splice(0, built.length, ...built.filter((b) => b.weight !== heaviest))
  }

  const files: FontFile[] = built.map((b) => {
    const file = `${FAMILY}-${WEIGHTS[b.weight].name}.${b.ext}`
    writeFileSync(join(opts.out, file), b.data)
    const sfnt = b.ext === 'ttf' ? b.data : built.find((x) => x.weight === b.weight && x.ext === 'ttf')?.data
    return { file, format: FORMATS[b.ext].css, weight: b.weight, style: 'normal', bytes: b.data.length, glyphs: sfnt ? glyphCount(sfnt) : 0, sha256: sha256(b.data) }
  })
  // Remove earlier outputs that this run no longer produces (a dropped weight, woff2 turned off).
  const keep = new Set(files.map((f) => f.file))
  for (const name of readdirSync(opts.out)) {
    if (name.startsWith(`${FAMILY}-`) && /\.(ttf|woff2?)$/.test(name) && !keep.has(name)) unlinkSync(join(opts.out, name))
  }
  const manifest: FontManifest = {
    family: FAMILY,
    ...expected,
    charset: { ...expected.charset, missingFromSource: missing },
    glyphCount: files.find((f) => f.weight === 400)!.glyphs,
    files,
    totals: totalsOf(),
    droppedWeights: dropped,
  }
  writeFileSync(join(opts.out, METRICS_FILE), JSON.stringify(await fontMetrics(built, chars)) + '\n')
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n')
  if (missing) console.warn(`font-subset: WARNING ${[...missing].length} characters are not in Noto Sans SC and will fall back to another font: ${missing}`)
  printSizes(manifest, `built in ${Math.round(performance.now() - started)} ms into ${relative(process.cwd(), opts.out) || '.'}`)
}

main().catch((err: unknown) => {
  console.error(`font-subset: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
