// A font server that never answers must not leave the first screen without its text: the app
// waits FONT_WAIT_MS for the web fonts, then draws with the engine's fallback font.
import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FONT_WAIT_MS } from '../../src/tv/text/fontLoader'
import { launchChromium, openApp, renderFrames, screenshot, type ChromiumSession } from './harness/chromium'
import { BUILD_DIR, requireBuild } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'
import { hookState, screenTexts } from './harness/tv'

describe('TV first screen when the font download stalls (Chromium)', () => {
  let server: StaticServer
  let chromium: ChromiumSession
  /** Font requests the server holds open without ever answering. */
  const held: ServerResponse[] = []

  beforeAll(async () => {
    requireBuild()
    server = await startStaticServer(BUILD_DIR, {
      handle: (req, res) => {
        if (!/\/fonts\/MiiteeSans-\w+\.(woff2?|ttf)$/.test(req.url ?? '')) return false
        held.push(res)
        return true
      },
    })
    chromium = await launchChromium()
  })

  afterAll(async () => {
    for (const res of held) res.destroy()
    await chromium?.close()
    await server?.close()
  })

  it('shows the consent gate with its text after the wait, in the fallback font', async () => {
    const page = chromium.page
    expect(await openApp(page, server.url, { clearStorage: true })).toBe('hook')
    expect((await hookState(page)).route).toBe('gate')
    // Drawn: the summary's first block shown (the page in the frames, alpha > 0) and every texture
    // on screen loaded and displayed. Resolves with the page's clock at that moment.
    const shownAt = await page.waitForFunction(
      `(function () {
        var pending = 0, summaryShown = false;
        function shown(el) { for (var e = el; e; e = e.parent) if (!(e.alpha > 0)) return false; return true; }
        (function walk(el) {
          if (!el.active) return;
          var t = el.texture;
          if (t && t.isValid && !(t.isLoaded() && el.displayedTexture === t)) pending++;
          if (t && t.text === '摘要:' && shown(el) && t.isLoaded()) summaryShown = true;
          el.childList.forEach(walk);
        })(window.__miitee.app.stage.root);
        return pending === 0 && summaryShown ? performance.now() : 0;
      })()`,
      null,
      { timeout: FONT_WAIT_MS + 15000, polling: 50 },
    )
    const ms = (await shownAt.jsonValue()) as number
    expect(held.length).toBeGreaterThan(0) // the font requests did stall
    // Kept out of the frames until the wait was over, then drawn.
    expect(ms).toBeGreaterThanOrEqual(FONT_WAIT_MS)
    const logs = await page.evaluate<string[]>('window.__miitee.logs')
    expect(logs.some((l) => l.startsWith('fonts not loaded after'))).toBe(true)
    await renderFrames(page, 3)
    const texts = await screenTexts(page)
    for (const t of ['隐私政策摘要', '同意', '不同意', '阅读全文', '摘要:']) expect(texts).toContain(t)
    await screenshot(page, 'tv-fonts-stalled-gate')
  })
})
