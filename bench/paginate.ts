// `npx tsx bench/paginate.ts`: time whole-policy pagination against baselines measured in the same run.
//
// The measurer is deterministic (widths by character kind) and costs what a canvas measureText
// call costs on this kind of machine (~1 µs, simulated with calibrated busy work), so the cache's
// effect shows the way it does on a TV. Cases:
//   cached, cold   fresh glyph cache each run: what the TV pays for its first pagination
//   cached, warm   cache kept between runs: re-pagination after a text-size change
//   uncached       the same paginator, measuring every glyph on every use (baseline)
//   plain loop     one pass over the document's characters summing cached widths (floor)
//   10× document   the policy repeated ten times with new section ids (linear-time check)
// Target: cached cold pagination of the whole policy ≤ 20 ms (median). Exit code 1 if missed.

import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { paginate } from '../src/core/layout/paginator'
import type { LayoutOptions, TextSize } from '../src/core/layout/types'
import type { PolicyDocument } from '../src/core/policy/model'
import {
  createGlyphWidthCache,
  sumCodePoints,
  type FontSpec,
  type GlyphMeasurer,
  type GlyphWidthCache,
} from '../src/core/text/glyphWidths'

const ROOT = resolve(__dirname, '..')
const JSON_PATH = join(ROOT, 'static/policy/miitee-privacy-policy.zh-CN.json')
const MD_PATH = join(ROOT, 'policy/miitee-privacy-policy.zh-CN.md')
const RUNS = 40
const WARMUP = 8
const TARGET_MS = 20

async function loadPolicy(): Promise<{ doc: PolicyDocument; source: string }> {
  if (existsSync(JSON_PATH)) return { doc: JSON.parse(readFileSync(JSON_PATH, 'utf8')) as PolicyDocument, source: JSON_PATH }
  if (existsSync(MD_PATH)) {
    const { compilePolicy } = await import('../tools/policy/compiler')
    return { doc: compilePolicy(readFileSync(MD_PATH, 'utf8'), MD_PATH), source: `${MD_PATH} (compiled now)` }
  }
  throw new Error(`no compiled policy at ${JSON_PATH} (run npm run build:policy)`)
}

// ---- a deterministic measurer with the cost of a canvas call -------------------------------

let sink = 0
function spin(n: number): void {
  let x = sink
  for (let i = 0; i < n; i++) x = (x * 31 + i) | 0
  sink = x
}

function calibrateSpinPerMicrosecond(): number {
  const n = 2_000_000
  spin(n) // warm up
  const t0 = performance.now()
  spin(n)
  const us = (performance.now() - t0) * 1000
  return Math.max(1, Math.round(n / us))
}

const SPIN_PER_CALL = calibrateSpinPerMicrosecond() // ≈ 1 µs of work per measure call
let measureCalls = 0

function glyphWidth(glyph: string, font: FontSpec): number {
  const cp = glyph.codePointAt(0)!
  let em: number
  if (cp >= 0x2e80) em = 1
  else if (cp === 0x20) em = 0.3
  else if (/[il.,:;|!'"()[\]]/.test(glyph)) em = 0.3
  else if (/[A-Zmw]/.test(glyph)) em = 0.68
  else em = 0.55
  return em * font.size * (font.weight === 'bold' ? 1.05 : 1)
}

function measureGlyph(glyph: string, font: FontSpec): number {
  measureCalls++
  spin(SPIN_PER_CALL)
  return glyphWidth(glyph, font)
}

/** The same interface without a cache: every width asks the measurer again. */
function uncachedWidths(): GlyphWidthCache {
  const measurer = (font: FontSpec): GlyphMeasurer => {
    const codePointWidth = (cp: number) => measureGlyph(String.fromCodePoint(cp), font)
    return { font, codePointWidth, width: (text) => sumCodePoints(text, codePointWidth) }
  }
  return {
    width: (text, font) => measurer(font).width(text),
    measurer,
    stats: () => ({ hits: 0, misses: measureCalls, fonts: 0, entries: 0 }),
    clear: () => undefined,
  }
}

// ---- document helpers ------------------------------------------------------------------------

function documentText(doc: PolicyDocument): string {
  const parts: string[] = []
  for (const s of doc.sections) {
    parts.push(s.title)
    for (const b of s.blocks) {
      if (b.type === 'heading' || b.type === 'paragraph') parts.push(b.text)
      else if (b.type === 'list') parts.push(...b.items)
      else if (b.type === 'table') parts.push(...b.columns, ...b.rows.flat())
      else for (const e of b.entries) for (const f of e.fields) parts.push(f.label, f.value)
    }
  }
  return parts.join('\n')
}

/** The document's sections repeated with new ids; deep copies, so no per-block work is shared. */
function repeated(doc: PolicyDocument, times: number): PolicyDocument {
  const sections = []
  for (let k = 0; k < times; k++) for (const s of doc.sections) sections.push({ ...structuredClone(s), id: `${s.id}-r${k}` })
  return { ...doc, sections }
}

// ---- timing ----------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function time(runs: number, fn: () => void): number {
  for (let i = 0; i < WARMUP; i++) fn()
  const ts: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    ts.push(performance.now() - t0)
  }
  return median(ts)
}

async function main() {
  const { doc, source } = await loadPolicy()
  const text = documentText(doc)
  const size: TextSize = 'M'
  const options: LayoutOptions = { page: { width: 1728, height: 820 }, textSize: size, qrCaptions: { web: '扫码在手机上阅读', mail: '扫码给 {address} 写邮件', tel: '扫码拨打 {number}' }, qrSize: 200 }
  const chars = [...text].length

  console.log(`policy: ${source}`)
  console.log(`${doc.sections.length} sections, ${chars} characters; body box 1728×820, text size ${size}`)
  console.log(`simulated measureText: ${SPIN_PER_CALL} spin iterations per call (≈1 µs)`)

  let pages = 0
  let coldCalls = 0
  const cold = time(RUNS, () => {
    const before = measureCalls
    pages = paginate(doc, options, createGlyphWidthCache(measureGlyph)).pages.length
    coldCalls = measureCalls - before
  })
  const warmCache = createGlyphWidthCache(measureGlyph)
  const warm = time(RUNS, () => paginate(doc, options, warmCache))
  let uncachedCalls = 0
  const uncached = time(Math.max(5, RUNS >> 2), () => {
    const before = measureCalls
    paginate(doc, options, uncachedWidths())
    uncachedCalls = measureCalls - before
  })
  const loopCache = createGlyphWidthCache(measureGlyph)
  const body = loopCache.measurer({ size: 34, weight: 'normal' })
  let total = 0
  const loop = time(RUNS, () => {
    total = body.width(text)
  })
  const big = repeated(doc, 10)
  let bigPages = 0
  const tenfold = time(Math.max(5, RUNS >> 2), () => {
    bigPages = paginate(big, options, warmCache).pages.length
  })

  const sizes: Record<string, number> = {}
  for (const s of ['S', 'M', 'L'] as const) sizes[s] = time(RUNS, () => paginate(doc, { ...options, textSize: s }, warmCache))

  const row = (name: string, ms: number, note = '') => console.log(`${name.padEnd(22)}${ms.toFixed(3).padStart(10)} ms  ${note}`)
  console.log('')
  console.log('case                  median')
  row('cached, cold', cold, `${pages} pages, ${coldCalls} measure calls`)
  row('cached, warm', warm, `S ${sizes.S.toFixed(2)} / M ${sizes.M.toFixed(2)} / L ${sizes.L.toFixed(2)} ms`)
  row('uncached (baseline)', uncached, `${uncachedCalls} measure calls`)
  row('plain loop (floor)', loop, `sum ${Math.round(total)} px`)
  row('10× document, warm', tenfold, `${bigPages} pages`)
  console.log('')
  console.log(`uncached / cached cold: ${(uncached / cold).toFixed(1)}×`)
  console.log(`uncached / cached warm: ${(uncached / warm).toFixed(1)}×`)
  console.log(`cached warm / plain loop: ${(warm / loop).toFixed(1)}×`)
  console.log(`10× document / 1×: ${(tenfold / warm).toFixed(1)}× time, ${(bigPages / pages).toFixed(2)}× pages`)
  const met = cold <= TARGET_MS
  console.log(`target: whole-policy pagination ≤ ${TARGET_MS} ms (cached, cold): ${met ? 'met' : 'NOT met'} (${cold.toFixed(2)} ms)`)
  if (!met) process.exitCode = 1
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
