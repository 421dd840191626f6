// Every screen the TV app shows without the pairing service, in both UI languages: the gate, its
// exit question, the declined page, the contents, a reader page, Settings, the clear-data
// question and a feature that cannot load. Each is shot to artifacts/screenshots/tv-screen-*.png
// and every text drawn on it must end inside the title-safe area (no label running off or into
// the next box because a language's words are longer).
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SAFE } from '../../src/tv/theme/screen'
import { launchChromium, openApp, press, screenshot, type ChromiumSession } from './harness/chromium'
import { BUILD_DIR, requireBuild, type RemoteKey } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'
import { hookState, menuState, waitForFirstRoute } from './harness/tv'

/** Texts drawn (visible, on screen) whose right edge passes the title-safe area. */
function textsPastSafeArea(page: Page, right: number): Promise<string[]> {
  return page.evaluate((limit) => {
    const out: string[] = []
    const walk = (el: any) => {
      if (!el.visible || el.alpha === 0 || !el.attached) return
      const t = el.texture
      const ri = t && t.source && t.source.renderInfo
      if (t && typeof t.text === 'string' && t.text.trim() && ri && el.core.worldAlpha > 0) {
        const c = el.core.getCornerPoints()
        const x = Math.min(c[0], c[6])
        const widest = Math.max(...ri.lineWidths)
        const y = Math.min(c[1], c[3])
        // Rows a list scrolled out of its viewport are off the stage vertically: not drawn.
        if (y >= 0 && y < 1080 && x + widest > limit + 1) out.push(`"${t.text.slice(0, 40)}" ends at ${Math.round(x + widest)}`)
      }
      if (el.childList) el.childList.forEach(walk)
    }
    walk((window as any).__miitee.app.stage.root)
    return out
  }, right)
}

describe('Every local screen in zh-CN and en-US fits the title-safe area (Chromium)', () => {
  let server: StaticServer
  let chromium: ChromiumSession
  const page = () => chromium.page
  const key = (k: RemoteKey, times = 1) => press(page(), k, { times })

  beforeAll(async () => {
    requireBuild()
    server = await startStaticServer(BUILD_DIR)
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
    await server?.close()
  })

  async function select(id: string) {
    const m = (await menuState(page()))!
    const target = m.ids.indexOf(id)
    expect(target, `menu entry ${id} in ${m.ids.join(',')}`).toBeGreaterThanOrEqual(0)
    await key(target > m.index ? 'Down' : 'Up', Math.abs(target - m.index))
  }

  for (const lang of ['zh-CN', 'en-US'] as const) {
    it(`${lang}: gate, exit question, declined, contents, a reader page, settings, clear-data question, an unavailable feature`, async () => {
      const checked: string[] = []
      const shot = async (name: string) => {
        await page().waitForTimeout(300)
        expect(await textsPastSafeArea(page(), SAFE.x + SAFE.w), `${name} (${lang})`).toEqual([])
        await screenshot(page(), `tv-screen-${name}-${lang}`)
        checked.push(name)
      }
      await openApp(page(), server.url, { clearStorage: true })
      await page().evaluate((l) => localStorage.setItem('miitee.preferences', JSON.stringify({ language: l })), lang)
      await page().reload({ waitUntil: 'load' })
      expect(await waitForFirstRoute(page())).toBe('gate')
      await shot('gate')
      await key('Back')
      expect((await hookState(page())).exitDialog).toBe(true)
      await shot('exit-question')
      await key('Back')
      await key('Right')
      await key('Enter') // 不同意
      expect((await hookState(page())).route).toBe('declined')
      await shot('declined')
      await key('Enter') // 重新阅读
      expect((await hookState(page())).route).toBe('gate')
      await key('Left', 3)
      await key('Enter') // 同意
      expect((await hookState(page())).reader?.mode).toBe('Contents')
      await shot('contents')
      await select('s1')
      await key('Enter')
      expect((await hookState(page())).reader?.mode).toBe('Reading')
      await key('Right')
      await shot('reader-page')
      await key('Back')
      await select('settings')
      await key('Enter')
      expect((await hookState(page())).route).toBe('settings')
      await shot('settings')
      await select('clear')
      await key('Enter')
      expect((await hookState(page())).clearDialog).toBe(true)
      await shot('clear-question')
      await key('Back')
      await key('Back')

      await page().route('**/features/**', (r) => r.abort())
      try {
        await openApp(page(), server.url)
        expect(await waitForFirstRoute(page())).toBe('policy')
        await select('pair')
        await key('Enter')
        await expect.poll(async () => (await hookState(page())).route).toBe('pair')
        await shot('feature-unavailable')
      } finally {
        await page().unroute('**/features/**')
      }
      expect(checked).toHaveLength(8)
    }, 120_000)
  }
})
