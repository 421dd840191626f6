// The journey's smoke in WPE WebKit (the engine of RDK set-top boxes): boot on a fresh box, the
// consent gate shows, 同意 with OK opens the reader, a section opens and a page flips, and the
// WebGL frames are not blank. Screenshots: artifacts/screenshots/wpe-tv-journey-*.png.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUILD_DIR, requireBuild, sleep } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'
import { ACCEPTANCE_KEY, servedPolicyEntry, type HookSnapshot } from './harness/tv'
import { startWpe, type WpeSession } from './harness/wpe'

describe('TV journey in WPE WebKit (smoke): gate → 同意 → reader → open a section → flip a page', () => {
  let server: StaticServer
  let wpe: WpeSession

  const state = () =>
    wpe.execute<HookSnapshot>(() => {
      const h = (window as any).__miitee
      return JSON.parse(JSON.stringify({ ready: h.ready, route: h.route, ...h.state }))
    })
  const focused = () =>
    wpe.execute<string>(() => {
      const path = (window as any).__miitee.app.focusPath || []
      return path.length ? String(path[path.length - 1].ref) : ''
    })

  const waitForRoute = (route: string, timeoutMs = 15000) => waitForState((s) => s.route === route, `route "${route}"`, timeoutMs)

  async function waitForState(done: (s: HookSnapshot) => boolean, what: string, timeoutMs = 5000): Promise<HookSnapshot> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const s = await state()
      if (done(s)) return s
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
      await sleep(50)
    }
  }

  beforeAll(async () => {
    requireBuild()
    server = await startStaticServer(BUILD_DIR)
    wpe = await startWpe()
  })
  afterAll(async () => {
    await wpe?.close()
    await server?.close()
  })

  it('boots into the consent gate, 同意 (OK) stores the acceptance and opens the reader; a section opens and Right flips a page', async () => {
    await wpe.navigate(server.url, { clearStorage: true })
    expect(await wpe.waitForAppReady()).toBe('hook')
    await waitForRoute('gate')
    // The first screen lays out only its page; the rest of the summary (and the page count) follows
    // right after that frame, as the Chromium journey's launch waits a few frames for.
    const gate = await waitForState((s) => ((s.gate as { pageCount?: number } | undefined)?.pageCount ?? 0) > 0, 'the whole summary laid out')
    const summaryPages = await wpe.execute<number>(() => (window as any).__miitee.summaryPagination().pages.length)
    expect(gate.gate).toMatchObject({ pageIndex: 0, pageCount: summaryPages })
    expect(await focused()).toBe('B_agree')
    expect(await wpe.execute<string | null>((k: string) => localStorage.getItem(k), [ACCEPTANCE_KEY])).toBeNull()
    const gateShot = await wpe.screenshot('tv-journey-1-gate')
    expect(gateShot.forcedFrames).toBe(true)
    expect(gateShot.distinctColours).toBeGreaterThanOrEqual(8)

    await wpe.press('Enter')
    const opened = await waitForRoute('policy')
    const pageCount = await wpe.execute<number>(() => (window as any).__miitee.pagination().pages.length)
    expect(opened.reader).toMatchObject({ mode: 'Contents', pageIndex: 0, pageCount })
    const stored = JSON.parse((await wpe.execute<string | null>((k: string) => localStorage.getItem(k), [ACCEPTANCE_KEY])) ?? 'null')
    const entry = servedPolicyEntry()
    expect(stored).toMatchObject({ policyId: entry.id, version: entry.version, sha256: entry.sha256, locale: 'zh-CN' })
    await wpe.screenshot('tv-journey-2-contents')

    // Contents: 摘要, 隐私政策, 一, …: two Downs select 一, OK opens it.
    const firstPageOfOne = await wpe.execute<number>(() => (window as any).__miitee.pagination().sectionFirstPage.s1)
    await wpe.press('Down', { times: 2 })
    await wpe.press('Enter')
    const reading = (await state()).reader!
    expect(reading).toMatchObject({ mode: 'Reading', sectionId: 's1', pageIndex: firstPageOfOne })
    expect(firstPageOfOne).toBeGreaterThan(0)
    const before = await wpe.screenshot('tv-journey-3-section')

    await wpe.press('Right')
    const flipped = (await state()).reader!
    expect(flipped.pageIndex).toBe(reading.pageIndex + 1)
    expect(flipped.mode).toBe('Reading')
    const after = await wpe.screenshot('tv-journey-4-flipped')
    expect(after.forcedFrames).toBe(true)
    expect(after.distinctColours).toBeGreaterThanOrEqual(8)
    expect(after.nonBackgroundPixels).toBeGreaterThanOrEqual(200)
    // Another page is on screen: the picture changed.
    expect(readFileSync(after.path).equals(readFileSync(before.path))).toBe(false)

    const errors = (await wpe.readConsole()).filter((l) => l.level === 'pageerror')
    expect(errors).toEqual([])
    expect(server.requests.filter((r) => r.status >= 500)).toEqual([])
  })
})
