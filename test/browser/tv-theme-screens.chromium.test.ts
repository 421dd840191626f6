// The theme as drawn, in zh-CN and en-US: the reader's contents and Settings with a focused row
// (its label and value tinted for the focus bar, and the bar's pixels in the screenshot giving
// them ≥ 4.5:1), and the contact section's mailto QR captioned by what scanning it does.
// Screenshots: artifacts/screenshots/tv-theme-<screen>-<lang>.png.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { contrastRatio, hex } from '../../src/tv/theme/contrast'
import { MIN_RATIO } from '../../src/tv/theme/colorPairs'
import { COLORS, MENU_COLORS } from '../../src/tv/theme/screen'
import { launchChromium, openApp, press, screenshot, type ChromiumSession } from './harness/chromium'
import { BUILD_DIR, requireBuild, type RemoteKey } from './harness/common'
import { decodePng } from './harness/png'
import { startStaticServer, type StaticServer } from './harness/server'
import { hookState, menuState, paginationOf, screenTexts, waitForFirstRoute } from './harness/tv'

interface FocusedRow {
  /** The focus bar's box on screen. */
  bar: { x0: number; y0: number; x1: number; y1: number }
  barColor: number
  barAlpha: number
  labelTint: number
  valueTint: number | null
}

/** The focused MenuList row: its bar's box and colour, its label's and value's tints. */
function focusedRow(page: Page): Promise<FocusedRow> {
  return page.evaluate(() => {
    let list: any = null
    const find = (el: any) => {
      if (list || !el.enabled) return
      if (el.constructor.name === 'MenuList') list = el
      else if (el.childList) el.childList.forEach(find)
    }
    find((window as any).__miitee.app.stage.root)
    const focus = list.tag('Body.Focus')
    const c = focus.core.getCornerPoints()
    const row = list.tag('Body.Rows').children[list.index]
    const value = row.tag('Value')
    return {
      bar: { x0: Math.min(c[0], c[6]), y0: Math.min(c[1], c[3]), x1: Math.max(c[2], c[4]), y1: Math.max(c[5], c[7]) },
      barColor: focus.color >>> 0,
      barAlpha: focus.alpha,
      labelTint: row.tag('Label').color >>> 0,
      valueTint: value ? value.color >>> 0 : null,
    }
  })
}

/** The pixel the viewer sees at (x, y) of a screenshot, as 0xffRRGGBB. */
function pixel(path: string, x: number, y: number): number {
  const img = decodePng(readFileSync(path))
  const i = (Math.round(y) * img.width + Math.round(x)) * 4
  return (0xff000000 | (img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]) >>> 0
}

describe('TV theme as drawn (Chromium): focused rows and QR captions in both languages', () => {
  let server: StaticServer
  let chromium: ChromiumSession
  const page = () => chromium.page
  const key = (k: RemoteKey, times = 1) => press(page(), k, { times })

  async function selectMenu(id: string) {
    const m = (await menuState(page()))!
    const target = m.ids.indexOf(id)
    expect(target, `menu entry ${id} in ${m.ids.join(',')}`).toBeGreaterThanOrEqual(0)
    await key(target > m.index ? 'Down' : 'Up', Math.abs(target - m.index))
    expect((await menuState(page()))!.selectedId).toBe(id)
  }

  /** The focused row is tinted for the bar, and the bar as drawn gives its text ≥ 4.5:1. */
  async function checkFocusedRow(shot: string, where: string) {
    const row = await focusedRow(page())
    expect(row.barAlpha, `${where}: the list has focus`).toBe(1)
    expect(row.barColor, `${where}: bar colour`).toBe(COLORS.focus)
    expect(row.labelTint, `${where}: label on the bar`).toBe(MENU_COLORS.onFocus)
    if (row.valueTint !== null) expect(row.valueTint, `${where}: value on the bar`).toBe(MENU_COLORS.onFocus)
    // A pixel of the bar left of the label (the label starts 20 px in).
    const drawn = pixel(shot, row.bar.x0 + 6, (row.bar.y0 + row.bar.y1) / 2)
    const ratio = contrastRatio(MENU_COLORS.onFocus, drawn)
    expect(ratio, `${where}: white on the bar as drawn (${hex(drawn)})`).toBeGreaterThanOrEqual(MIN_RATIO.text)
  }

  beforeAll(async () => {
    requireBuild()
    server = await startStaticServer(BUILD_DIR)
    chromium = await launchChromium()
    await openApp(page(), server.url, { clearStorage: true })
    expect(await waitForFirstRoute(page())).toBe('gate')
    await key('Enter')
    expect((await hookState(page())).route).toBe('policy')
  })
  afterAll(async () => {
    await chromium?.close()
    await server?.close()
  })

  for (const lang of ['zh-CN', 'en-US'] as const) {
    it(`${lang}: contents and Settings rows under focus; the mailto QR says it writes an e-mail`, async () => {
      // Settings first: the language is switched there.
      await selectMenu('settings')
      await key('Enter')
      expect((await hookState(page())).route).toBe('settings')
      await selectMenu('language')
      if (lang === 'en-US') await key('Right')
      expect(await page().evaluate(() => (window as any).__miitee.prefs().language)).toBe(lang)
      await selectMenu('textSize')
      const settings = await screenshot(page(), `tv-theme-settings-${lang}`)
      await checkFocusedRow(settings.path, `${lang} settings`)
      await key('Back')

      // The contents, focused on the contact section (九).
      const p = await paginationOf(page())
      const mailPage = p.pages.findIndex((pg) => pg.items.some((it) => it.kind === 'qr' && it.href.startsWith('mailto:')))
      expect(mailPage, 'a page with a mailto QR').toBeGreaterThanOrEqual(0)
      const sectionId = p.pages[mailPage].sectionId
      const m = (await menuState(page()))!
      const entry = m.ids.find((id) => id === sectionId || id.endsWith(sectionId))
      expect(entry, `contents entry of ${sectionId} in ${m.ids.join(',')}`).toBeDefined()
      await selectMenu(entry!)
      const contents = await screenshot(page(), `tv-theme-contents-${lang}`)
      await checkFocusedRow(contents.path, `${lang} contents`)

      // Its page with the mailto QR: the caption says what scanning does, in the UI language.
      await key('Enter')
      const first = p.sectionFirstPage[sectionId]
      await key('Right', mailPage - first)
      const qr = p.pages[mailPage].items.find((it) => it.kind === 'qr' && it.href.startsWith('mailto:'))!
      const address = qr.kind === 'qr' ? qr.href.slice('mailto:'.length) : ''
      const texts = (await screenTexts(page())).join('\n')
      const expected = lang === 'zh-CN' ? `扫码给 ${address} 写邮件` : `Scan to write an email to ${address}`
      expect(texts.replace(/\s+/g, ''), 'the mailto caption as drawn').toContain(expected.replace(/\s+/g, ''))
      expect(texts).not.toContain(lang === 'zh-CN' ? '扫码在手机上阅读\nmiitee' : 'Scan to read on your phone\nmiitee')
      await screenshot(page(), `tv-theme-mailto-${lang}`)
      await key('Back')
    }, 60_000)
  }
})
