// The reader's contents and page as a viewer meets them: the contents list scrolls inside the
// title-safe area with every title inside its opaque panel, a reader opened at a section shows
// that page (not the contents over it), and a text-size change keeps the highlighted block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import type { Anchor } from '../../src/core/layout/types'
import { SAFE } from '../../src/tv/theme/screen'
import { launchChromium, openApp, press, screenshot, type ChromiumSession } from './harness/chromium'
import { BUILD_DIR, requireBuild, type RemoteKey } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'
import { hookState, menuState, paginationOf, waitForFirstRoute, type ReaderState } from './harness/tv'

interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

interface ContentsGeometry {
  visible: boolean
  panel: Box & { alpha: number }
  focus: Box & { alpha: number }
  /** The focused row's label, as drawn. */
  label: Box & { text: string }
  hint: Box
}

/** Screen boxes of the reader's contents panel, its focus bar, the focused label and the key hint. */
function contentsGeometry(page: Page): Promise<ContentsGeometry> {
  return page.evaluate(() => {
    const app = (window as any).__miitee.app
    let reader: any = null
    // The reader page is in a state class (Contents / Reading): find it by what it has.
    const find = (el: any) => {
      if (reader || !el.attached) return
      if (typeof el.openSection === 'function' && el.tag('Contents.List')) reader = el
      else if (el.childList) el.childList.forEach(find)
    }
    find(app.stage.root)
    const box = (el: any) => {
      const c = el.core.getCornerPoints()
      const xs = [c[0], c[2], c[4], c[6]]
      const ys = [c[1], c[3], c[5], c[7]]
      return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) }
    }
    const panel = reader.tag('Contents')
    const list = reader.tag('Contents.List')
    const focus = list.tag('Body.Focus')
    const row = list.tag('Body.Rows').children[list.index]
    const label = row.tag('Label')
    return {
      visible: panel.visible === true && panel.alpha > 0,
      panel: { ...box(panel), alpha: (panel.color >>> 24) / 255 },
      focus: { ...box(focus), alpha: focus.alpha },
      label: { ...box(label), text: label.text.text },
      hint: box(reader.tag('Hint')),
    }
  })
}

describe('TV reader screens in Chromium: contents that scroll and fit, a section opened alone, the block kept', () => {
  let server: StaticServer
  let chromium: ChromiumSession
  const page = () => chromium.page
  const key = (k: RemoteKey, times = 1) => press(page(), k, { times })
  const reader = async (): Promise<ReaderState> => {
    const s = await hookState(page())
    if (!s.reader) throw new Error(`no reader state (route ${s.route})`)
    return s.reader
  }
  /** Down/Up on the focused list until `id` is selected. */
  async function selectMenu(id: string) {
    const m = (await menuState(page()))!
    const target = m.ids.indexOf(id)
    expect(target, `menu entry ${id} in ${m.ids.join(',')}`).toBeGreaterThanOrEqual(0)
    await key(target > m.index ? 'Down' : 'Up', Math.abs(target - m.index))
    expect((await menuState(page()))!.selectedId).toBe(id)
  }
  /** From the contents: settings, `entry` changed by `k`, back to the contents. */
  async function changeSetting(entry: string, k: RemoteKey) {
    expect((await reader()).mode).toBe('Contents')
    await selectMenu('settings')
    await key('Enter')
    expect((await hookState(page())).route).toBe('settings')
    await selectMenu(entry)
    await key(k)
    await key('Back')
    expect((await reader()).mode).toBe('Contents')
  }

  /** A fresh box: the gate, 同意 (focused), the reader's contents. */
  async function acceptPolicy() {
    await openApp(page(), server.url, { clearStorage: true })
    expect(await waitForFirstRoute(page())).toBe('gate')
    await key('Enter')
    expect((await reader()).mode).toBe('Contents')
  }

  beforeAll(async () => {
    requireBuild()
    server = await startStaticServer(BUILD_DIR)
    chromium = await launchChromium()
    await acceptPolicy()
  })
  afterAll(async () => {
    await chromium?.close()
    await server?.close()
  })

  for (const lang of ['zh-CN', 'en-US'] as const) {
    it(`${lang}: every contents entry, the last included, is focused whole inside the title-safe area and its panel`, async () => {
      if (lang === 'en-US') await changeSetting('language', 'Enter')
      expect((await reader()).mode).toBe('Contents')
      const m = (await menuState(page()))!
      await key('Up', m.index)
      const safeBottom = SAFE.y + SAFE.h
      for (let i = 0; i < m.ids.length; i++) {
        if (i > 0) await key('Down')
        const g = await contentsGeometry(page())
        const where = `${lang} entry ${i + 1}/${m.ids.length} “${g.label.text}”`
        expect(g.visible, where).toBe(true)
        expect(g.panel.alpha, `${where}: the panel is opaque`).toBe(1)
        expect(g.focus.alpha, `${where}: focus bar drawn`).toBe(1)
        expect(g.focus.y0, `${where}: focus bar top`).toBeGreaterThanOrEqual(SAFE.y)
        expect(g.focus.y1, `${where}: focus bar bottom`).toBeLessThanOrEqual(safeBottom)
        expect(g.label.y1, `${where}: label above the key hint`).toBeLessThanOrEqual(g.hint.y0)
        expect(g.label.x1, `${where}: label inside the panel`).toBeLessThanOrEqual(g.panel.x1 - 16)
        expect(g.label.y0).toBeGreaterThanOrEqual(g.focus.y0 - 1)
        expect(g.label.y0, `${where}: label starts inside its focus bar`).toBeLessThan(g.focus.y1)
        // The texture holds the line's descent below the bar's last line; the next row starts 8 px lower.
        expect(g.label.y1, `${where}: label inside its row`).toBeLessThanOrEqual(g.focus.y1 + 20)
        expect(g.panel.y1, `${where}: the key hint is not under the panel`).toBeLessThanOrEqual(g.hint.y0)
      }
      expect((await menuState(page()))!.selectedId).toBe('settings')
      await screenshot(page(), `tv-reader-contents-end-${lang}`)
      await key('Up', m.ids.length - 1)
      await screenshot(page(), `tv-reader-contents-top-${lang}`)
      if (lang === 'en-US') await changeSetting('language', 'Enter')
    })
  }

  it('a cold start on a section (#policy/<id>) shows that page with nothing over it; Back opens the contents', async () => {
    const p = await paginationOf(page())
    const section = Object.keys(p.sectionFirstPage)[3]
    await page().goto('about:blank')
    await openApp(page(), `${server.url.replace(/\/$/, '')}/#policy/${section}`)
    await waitForFirstRoute(page())
    const r = await reader()
    expect(r).toMatchObject({ mode: 'Reading', sectionId: section, pageIndex: p.sectionFirstPage[section] })
    expect((await contentsGeometry(page())).visible).toBe(false)
    await screenshot(page(), 'tv-reader-section-cold-start')
    await key('Back')
    expect((await reader()).mode).toBe('Contents')
    expect((await contentsGeometry(page())).visible).toBe(true)
  })

  it('a text-size change keeps the highlighted block, not only its page', async () => {
    const m = await paginationOf(page())
    expect(m.textSize).toBe('M')
    await key('Enter') // the section the contents shows
    await key('Right')
    await key('Down', 3)
    const r0 = await reader()
    const anchor: Anchor = m.pages[r0.pageIndex].items[r0.focusIndex].anchor
    expect(r0.focusIndex).toBe(2)
    await key('Back')
    await changeSetting('textSize', 'Right')
    await key('Right') // resume reading where the viewer was
    const l = await paginationOf(page())
    expect(l.textSize).toBe('L')
    const r1 = await reader()
    const shown = l.pages[r1.pageIndex].items[r1.focusIndex]?.anchor
    expect(shown, `highlight on page ${r1.pageIndex + 1}, item ${r1.focusIndex}`).toBeDefined()
    expect({ sectionId: shown!.sectionId, block: shown!.block }).toEqual({ sectionId: anchor.sectionId, block: anchor.block })
    expect(shown!.offset).toBeLessThanOrEqual(anchor.offset)
    await screenshot(page(), 'tv-reader-size-L-block-kept')
  })
  for (const lang of ['zh-CN', 'en-US'] as const) {
    it(`${lang}: the gate's key hint sits beside its buttons, inside the title-safe area`, async () => {
      await openApp(page(), server.url, { clearStorage: true })
      await page().evaluate((l) => localStorage.setItem('miitee.preferences', JSON.stringify({ language: l })), lang)
      await page().reload({ waitUntil: 'load' })
      expect(await waitForFirstRoute(page())).toBe('gate')
      const g = await page().evaluate(() => {
        let gate: any = null
        const find = (el: any) => {
          if (gate || !el.attached) return
          if (el.strip && el.buttons && el.tag('Hint')) gate = el
          else if (el.childList) el.childList.forEach(find)
        }
        find((window as any).__miitee.app.stage.root)
        const box = (el: any) => {
          const c = el.core.getCornerPoints()
          return { x0: Math.min(c[0], c[6]), x1: Math.max(c[2], c[4]) }
        }
        const buttons = gate.buttons.children.map(box)
        return { buttonsEnd: Math.max(...buttons.map((b: { x1: number }) => b.x1)), hint: box(gate.tag('Hint')) }
      })
      expect(g.hint.x1 - g.hint.x0, 'the hint is drawn').toBeGreaterThan(100)
      expect(g.hint.x0, `hint ${JSON.stringify(g.hint)} after the buttons ending at ${g.buttonsEnd}`).toBeGreaterThanOrEqual(g.buttonsEnd + 24)
      expect(g.hint.x1).toBeLessThanOrEqual(SAFE.x + SAFE.w + 1)
      await screenshot(page(), `tv-gate-hint-${lang}`)
    })
  }
})
