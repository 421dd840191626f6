// Smoke: the built TV app boots in Chromium, renders through WebGL and stays on its own origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectRequests, consoleOf, launchChromium, openApp, probeFonts, screenshot, type ChromiumSession } from './harness/chromium'
import { BUILD_DIR, requireBuild, shippedFonts } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'

describe('TV app in Chromium (smoke)', () => {
  let server: StaticServer
  let chromium: ChromiumSession

  beforeAll(async () => {
    requireBuild()
    server = await startStaticServer(BUILD_DIR)
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
    await server?.close()
  })

  it('boots, renders with WebGL and draws a non-blank frame, loading only from its own origin', async () => {
    const { page } = chromium
    const requests = collectRequests(page)
    const ready = await openApp(page, server.url, { clearStorage: true })
    expect(['hook', 'app']).toContain(ready)

    const renderer = await page.evaluate(`(function () {
      var a = (window.__miitee && window.__miitee.app) || window.app;
      return a && a.stage ? (a.stage.gl ? 'webgl' : 'canvas2d') : 'none';
    })()`)
    expect(renderer).toBe('webgl')

    const shot = await screenshot(page, 'smoke-chromium')
    expect(shot.distinctColours).toBeGreaterThanOrEqual(8)
    expect(shot.nonBackgroundPixels).toBeGreaterThanOrEqual(200)

    expect(requests.outside(server.url)).toEqual([])
    expect(consoleOf(page).filter((l) => l.level === 'pageerror')).toEqual([])
  })

  it('decodes every shipped subset font file', async () => {
    const fonts = shippedFonts()
    expect(fonts.urls.length).toBeGreaterThanOrEqual(2)
    const result = await probeFonts(chromium.page, fonts.urls)
    expect(result).toEqual(Object.fromEntries(fonts.urls.map((u) => [u, 'loaded'])))
  })
})
