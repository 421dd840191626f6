// Every line the TV app lays out for the real policy, at text sizes S, M and L, read through the
// test hook in real Chromium with the app's own font: line-breaking rules (no closing mark at a
// line start, no opening mark at a line end), real canvas widths within each line's box, items
// inside the body box and the texture limit, and what Lightning draws equal to the layout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FontSpec, Pagination, TextSize } from '../../src/core/layout/types'
import { LINE_END_FORBIDDEN, LINE_START_FORBIDDEN } from '../../src/core/text/charClasses'
import { GATE_BODY, READER_BODY } from '../../src/tv/theme/layout'
import { FONT_DESCENT_EM, FONT_FAMILY } from '../../src/tv/theme/screen'
import { launchChromium, openApp, press, screenshot, type ChromiumSession } from './harness/chromium'
import { BUILD_DIR, requireBuild } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'
import { PREFERENCES_KEY, hookState, paginationOf, renderedPage, seedStorage, waitForFirstRoute, type RenderedPage } from './harness/tv'

const MAX_TEXTURE = 2048
/** Canvas widths are fractional and Lightning rounds texture sizes: one pixel of slack. */
const TOLERANCE = 1

type LineKind = 'text' | 'cell' | 'card-title' | 'card-label' | 'card-value' | 'qr-caption'

interface Line {
  where: string
  kind: LineKind
  text: string
  font: FontSpec
  /** width the line must fit in */
  avail: number
}

/** One text element the renderer draws for an item, as the layout says it should be. */
interface ExpectedText {
  text: string
  lines: number
  avail: number
}

const START_FORBIDDEN = new Set(LINE_START_FORBIDDEN)
const END_FORBIDDEN = new Set(LINE_END_FORBIDDEN)

/** Every laid-out line of a pagination with the font it is drawn in and the width it must fit. */
function linesOf(p: Pagination, label: string): Line[] {
  const out: Line[] = []
  p.pages.forEach((page, pi) => {
    page.items.forEach((it, ii) => {
      const where = `${label} page ${pi + 1} item ${ii} (${it.kind}, ${it.anchor.sectionId}/${it.anchor.block})`
      const add = (kind: LineKind, lines: string[], font: FontSpec, avail: number) => lines.forEach((text, li) => out.push({ where: `${where} ${kind} line ${li}`, kind, text, font, avail }))
      switch (it.kind) {
        case 'text':
          add('text', it.lines, it.font, it.width)
          break
        case 'table-row':
          it.cells.forEach((c) => add('cell', c.lines, it.font, c.width - 2 * it.padding))
          break
        case 'sdk-card':
          add('card-title', it.title, it.titleFont, it.width - 2 * it.padding)
          it.fields.forEach((f) => {
            add('card-label', f.labelLines, it.labelFont, f.labelWidth)
            add('card-value', f.lines, it.font, f.width)
          })
          break
        case 'qr':
          add('qr-caption', it.caption, it.captionFont, it.captionWidth)
          break
      }
    })
  })
  return out
}

/** The text elements PolicyPageView creates for each item of a page, in tree order. */
function expectedTexts(p: Pagination, pageIndex: number): ExpectedText[][] {
  return p.pages[pageIndex].items.map((it) => {
    const t = (lines: string[], avail: number): ExpectedText => ({ text: lines.join('\n'), lines: lines.length, avail })
    switch (it.kind) {
      case 'text':
        return it.marker ? [t(it.lines, it.width), t([it.marker], it.font.size)] : [t(it.lines, it.width)]
      case 'table-row':
        return it.cells.filter((c) => c.lines.length > 0).map((c) => t(c.lines, c.width - 2 * it.padding))
      case 'sdk-card':
        return [
          ...(it.title.length ? [t(it.title, it.width - 2 * it.padding)] : []),
          ...it.fields.flatMap((f) => [...(f.labelLines.length ? [t(f.labelLines, f.labelWidth)] : []), ...(f.lines.length ? [t(f.lines, f.width)] : [])]),
        ]
      case 'qr':
        return [t(it.caption, it.captionWidth)]
    }
  })
}

/** Geometry problems of a pagination laid out for `box`: items outside it, over the texture limit, overlapping, or with sub-boxes outside the item. */
function geometryProblems(p: Pagination, box: { width: number; height: number }, label: string): string[] {
  const bad: string[] = []
  p.pages.forEach((page, pi) => {
    const at = (ii: number) => `${label} page ${pi + 1} item ${ii} (${page.items[ii].kind})`
    if (page.items.length === 0) bad.push(`${label} page ${pi + 1} is empty`)
    page.items.forEach((it, ii) => {
      if (!(it.x >= 0 && it.y >= 0 && it.x + it.width <= box.width && it.y + it.height <= box.height)) {
        bad.push(`${at(ii)} box ${it.x},${it.y} ${it.width}×${it.height} outside the body ${box.width}×${box.height}`)
      }
      if (!(it.width > 0 && it.height > 0 && it.width <= MAX_TEXTURE && it.height <= MAX_TEXTURE)) bad.push(`${at(ii)} is ${it.width}×${it.height}`)
      switch (it.kind) {
        case 'text':
          if (it.lines.length === 0 || it.lines.length * it.lineHeight > it.height) bad.push(`${at(ii)}: ${it.lines.length} lines × ${it.lineHeight} in height ${it.height}`)
          if (it.marker && it.x - it.font.size < 0) bad.push(`${at(ii)}: marker left of the body`)
          break
        case 'table-row': {
          let right = 0
          it.cells.forEach((c, ci) => {
            if (c.x < right || c.width <= 2 * it.padding) bad.push(`${at(ii)} cell ${ci}: x ${c.x} width ${c.width}`)
            right = c.x + c.width
            if (c.lines.length * it.lineHeight + 2 * it.paddingY > it.height) bad.push(`${at(ii)} cell ${ci}: ${c.lines.length} lines overflow height ${it.height}`)
          })
          if (right > it.width) bad.push(`${at(ii)}: cells end at ${right} > row width ${it.width}`)
          break
        }
        case 'sdk-card': {
          const titleH = it.title.length * it.titleLineHeight
          if (it.padding + titleH > it.height) bad.push(`${at(ii)}: title overflows`)
          it.fields.forEach((f, fi) => {
            const rows = Math.max(f.labelLines.length, f.lines.length, 1)
            if (f.labelX < it.padding || f.labelX + f.labelWidth > f.x || f.x + f.width > it.width - it.padding) bad.push(`${at(ii)} field ${fi}: columns ${f.labelX}+${f.labelWidth}, ${f.x}+${f.width} in ${it.width}`)
            if (f.y < it.padding + titleH || f.y + rows * it.lineHeight > it.height - it.padding) bad.push(`${at(ii)} field ${fi}: rows ${f.y}..${f.y + rows * it.lineHeight} in height ${it.height}`)
          })
          break
        }
        case 'qr': {
          if (it.size > it.width || it.size > it.height) bad.push(`${at(ii)}: QR ${it.size} in ${it.width}×${it.height}`)
          if (it.captionX + it.captionWidth > it.width || it.captionY + it.caption.length * it.captionLineHeight > it.height) bad.push(`${at(ii)}: caption outside the item`)
          if (it.captionX < it.size && it.captionY < it.size) bad.push(`${at(ii)}: caption over the QR square`)
          if (it.caption.length === 0) bad.push(`${at(ii)}: no caption`)
          break
        }
      }
    })
    // No two items of a page overlap.
    for (let a = 0; a < page.items.length; a++) {
      for (let b = a + 1; b < page.items.length; b++) {
        const A = page.items[a], B = page.items[b]
        if (A.x < B.x + B.width && B.x < A.x + A.width && A.y < B.y + B.height && B.y < A.y + A.height) bad.push(`${at(a)} overlaps item ${b}`)
      }
    }
  })
  return bad
}

function punctuationProblems(lines: Line[]): string[] {
  const bad: string[] = []
  for (const l of lines) {
    const chars = [...l.text]
    if (chars.length === 0) {
      bad.push(`${l.where}: empty line`)
      continue
    }
    if (START_FORBIDDEN.has(chars[0])) bad.push(`${l.where}: starts with closing "${chars[0]}": ${l.text}`)
    if (END_FORBIDDEN.has(chars[chars.length - 1])) bad.push(`${l.where}: ends with opening "${chars[chars.length - 1]}": ${l.text}`)
  }
  return bad
}

describe('TV layout in Chromium: every line laid out for the real policy at S, M and L', () => {
  let server: StaticServer
  let chromium: ChromiumSession
  const summary: Record<string, unknown>[] = []

  beforeAll(async () => {
    requireBuild()
    server = await startStaticServer(BUILD_DIR)
    chromium = await launchChromium()
  })
  afterAll(async () => {
    if (summary.length) console.log(`layout checked:\n${summary.map((s) => `  ${JSON.stringify(s)}`).join('\n')}`)
    await chromium?.close()
    await server?.close()
  })

  it('the checks have something to bite on: the policy holds closing and opening marks, and the checkers catch bad lines and boxes', async () => {
    const { page } = chromium
    await seedStorage(page, server.url, { [PREFERENCES_KEY]: JSON.stringify({ language: 'zh-CN', textSize: 'M' }) })
    await openApp(page, server.url)
    await waitForFirstRoute(page)
    const all = linesOf(await paginationOf(page), 'M').map((l) => l.text).join('')
    const closing = [...all].filter((c) => START_FORBIDDEN.has(c)).length
    const opening = [...all].filter((c) => END_FORBIDDEN.has(c)).length
    expect(closing).toBeGreaterThan(500)
    expect(opening).toBeGreaterThan(20)

    // The checkers catch what they look for.
    const font = { size: 34 }
    const probe = (text: string): Line => ({ where: 'probe', kind: 'text', text, font, avail: 100 })
    expect(punctuationProblems([probe('，我们'), probe('我们（'), probe(')ok'), probe('ok“'), probe('我们，'), probe('（我们')]).length).toBe(4)
    const p: Pagination = {
      textSize: 'M',
      sectionFirstPage: { s: 0 },
      pages: [{ index: 0, sectionId: 's', sectionTitle: 's', items: [
        { kind: 'text', role: 'paragraph', x: 0, y: 0, width: 100, height: 54, anchor: { sectionId: 's', block: 0, offset: 0 }, lines: ['a'], font, lineHeight: 54, continued: false },
        { kind: 'text', role: 'paragraph', x: 0, y: 40, width: 100, height: 54, anchor: { sectionId: 's', block: 1, offset: 0 }, lines: ['b'], font, lineHeight: 54, continued: false },
        { kind: 'text', role: 'paragraph', x: 0, y: 100, width: 100, height: 2100, anchor: { sectionId: 's', block: 2, offset: 0 }, lines: ['c'], font, lineHeight: 54, continued: false },
      ] }],
    }
    expect(geometryProblems(p, { width: 100, height: 500 }, 'probe')).toEqual([
      'probe page 1 item 2 (text) box 0,100 100×2100 outside the body 100×500',
      'probe page 1 item 2 (text) is 100×2100',
      'probe page 1 item 0 (text) overlaps item 1',
    ])
  })

  for (const size of ['S', 'M', 'L'] as TextSize[]) {
    it(`text size ${size}: punctuation rules, real widths, body box and 2048 px limit on every line; Lightning draws exactly those lines`, async () => {
      const { page } = chromium
      // First launch with the size preset: the gate (summary) first, then the reader after 同意.
      await seedStorage(page, server.url, { [PREFERENCES_KEY]: JSON.stringify({ language: 'zh-CN', textSize: size }) })
      await openApp(page, server.url)
      expect(await waitForFirstRoute(page)).toBe('gate')

      const reader = await paginationOf(page, 'reader')
      const gate = await paginationOf(page, 'summary')
      expect(reader.textSize).toBe(size)
      expect(gate.textSize).toBe(size)
      expect(gate.pages.length).toBeGreaterThanOrEqual(1)
      expect(reader.pages.length).toBeGreaterThan(gate.pages.length)

      // Geometry of every item.
      expect(geometryProblems(reader, READER_BODY, `reader ${size}`)).toEqual([])
      expect(geometryProblems(gate, GATE_BODY, `gate ${size}`)).toEqual([])

      // Every line: 禁则 and its real width in the app's font.
      const lines = [...linesOf(reader, `reader ${size}`), ...linesOf(gate, `gate ${size}`)]
      const byKind: Record<string, number> = {}
      for (const l of lines) byKind[l.kind] = (byKind[l.kind] ?? 0) + 1
      for (const k of ['text', 'cell', 'card-title', 'card-label', 'card-value', 'qr-caption']) expect(byKind[k], `${k} lines`).toBeGreaterThan(0)
      expect(punctuationProblems(lines)).toEqual([])

      const widths = await page.evaluate(
        (ls) => ls.map((l) => (window as any).__miitee.measureText(l.text, l.size, l.weight) as number),
        lines.map((l) => ({ text: l.text, size: l.font.size, weight: l.font.weight ?? 'normal' })),
      )
      expect(widths.length).toBe(lines.length)
      // A page's text atlas gives each line one font size above its baseline and FONT_DESCENT_EM
      // below: no glyph's ink may reach past either, or it would be cut off.
      const ink = await page.evaluate(
        ([ls, family]) => {
          const ctx = document.createElement('canvas').getContext('2d')!
          return ls.map((l) => {
            ctx.font = `${l.weight === 'bold' ? 'bold ' : ''}${l.size}px "${family}"`
            const m = ctx.measureText(l.text)
            return [m.actualBoundingBoxAscent / l.size, m.actualBoundingBoxDescent / l.size]
          })
        },
        [lines.map((l) => ({ text: l.text, size: l.font.size, weight: l.font.weight ?? 'normal' })), FONT_FAMILY] as const,
      )
      const cut = lines.flatMap((l, i) => (ink[i][0] > 1 || ink[i][1] > FONT_DESCENT_EM ? [`${l.where}: ink ${ink[i][0].toFixed(3)} em up, ${ink[i][1].toFixed(3)} em down: ${l.text}`] : []))
      expect(cut).toEqual([])
      expect(Math.max(...ink.map((e) => e[1]))).toBeGreaterThan(0.15) // descenders were measured, not zero
      expect(widths.every((w) => Number.isFinite(w) && w > 0)).toBe(true)
      const tooWide = lines.flatMap((l, i) => (widths[i] > l.avail + TOLERANCE ? [`${l.where}: ${widths[i].toFixed(2)} px > ${l.avail} px: ${l.text}`] : []))
      expect(tooWide).toEqual([])
      // The measurer is real: a line of ten ideographs is about ten glyphs wide.
      const probe = await page.evaluate((s) => (window as any).__miitee.measureText('隐私政策隐私政策隐私', s), reader.pages[0].items[0].kind === 'text' ? reader.pages[0].items[0].font.size : 34)
      expect(probe).toBeGreaterThan(9 * (reader.pages[0].items[0] as { font: FontSpec }).font.size)
      const fill = Math.max(...lines.map((l, i) => widths[i] / l.avail))

      // What Lightning draws: the gate's summary pages (Down), then every reader page (Right).
      const drawn = { elements: 0, lines: 0, maxTexture: 0 }
      const checkDrawn = (p: Pagination, r: RenderedPage, index: number, label: string) => {
        expect(r.pageIndex, `${label}: the page on screen`).toBe(index)
        expect(r.samePageObject).toBe(true)
        const want = expectedTexts(p, index)
        expect(r.items.map((it) => it.texts.map((t) => t.text)), `${label} texts`).toEqual(want.map((it) => it.map((t) => t.text)))
        r.items.forEach((it, ii) => {
          it.texts.forEach((t, ti) => {
            const w = want[ii][ti]
            expect(t.lineWidths, `${label} item ${ii} text ${ti} rendered`).not.toBeNull()
            expect(t.lineWidths!.length, `${label} item ${ii} text ${ti}: ${t.lineWidths!.length} lines drawn for ${w.lines}`).toBe(w.lines)
            const over = t.lineWidths!.filter((lw) => lw > w.avail + TOLERANCE)
            expect(over, `${label} item ${ii} text ${ti} (${t.ref}) drawn wider than ${w.avail}: ${t.text}`).toEqual([])
            expect(Math.max(t.w!, t.h!)).toBeLessThanOrEqual(MAX_TEXTURE)
            drawn.elements++
            drawn.lines += t.lineWidths!.length
            drawn.maxTexture = Math.max(drawn.maxTexture, t.w!, t.h!)
          })
          const item = p.pages[index].items[ii]
          if (item.kind === 'qr') {
            expect(it.qrSide).not.toBeNull()
            expect(it.qrSide!).toBeLessThanOrEqual(item.size)
          }
        })
      }
      expect((await hookState(page)).gate).toMatchObject({ pageIndex: 0, pageCount: gate.pages.length })
      for (let i = 0; i < gate.pages.length; i++) {
        checkDrawn(gate, await renderedPage(page, 'summary'), i, `gate ${size} page ${i + 1}`)
        await press(page, 'Down')
      }
      await screenshot(page, `tv-layout-${size}-gate`)
      await press(page, 'Up', { times: gate.pages.length })
      await press(page, 'Enter') // 同意
      await press(page, 'Enter') // 摘要 → Reading, page 1
      expect((await hookState(page)).reader).toMatchObject({ mode: 'Reading', pageIndex: 0, pageCount: reader.pages.length, textSize: size })
      for (let i = 0; i < reader.pages.length; i++) {
        checkDrawn(reader, await renderedPage(page, 'reader'), i, `reader ${size} page ${i + 1}`)
        if (i === Math.floor(reader.pages.length / 2)) await screenshot(page, `tv-layout-${size}-reader-middle`)
        await press(page, 'Right')
      }

      const items = reader.pages.reduce((n, p) => n + p.items.length, 0) + gate.pages.reduce((n, p) => n + p.items.length, 0)
      summary.push({ size, readerPages: reader.pages.length, gatePages: gate.pages.length, items, linesChecked: lines.length, byKind, widestFill: Number(fill.toFixed(4)), drawn })
      expect(fill).toBeGreaterThan(0.9) // lines do fill their boxes: the width check is not vacuous
    }, 300_000) // up to ~50 pages, each probed after its key press, on a busy software-rendering box
  }
})
