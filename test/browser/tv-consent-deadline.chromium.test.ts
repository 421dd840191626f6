// Issue 18: one decision window, shown on both sides. The deadline is the service's (a 30 s
// window here, DECISION_WINDOW_SECONDS): the TV's overlay, the reader opened from it (阅读政策条款)
// and the phone page count down to the same moment, and when it passes both say the request
// timed out with nothing allowed, and nothing is recorded. zh-CN and en-US, real time.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, type ChromiumSession } from './harness/chromium'
import type { PolicyDocument } from '../../src/core/policy/model'
import { scopeQuote } from '../../src/core/policy/scopes'
import { BUILD_DIR, requireBuild, sleep } from './harness/common'
import { outboxEntries, pairState, receiptsOf, startServiceProcess, type ServiceProcess } from './harness/pairing'
import { hookState, paginationOf, screenTexts, servedPolicyEntry } from './harness/tv'
import { backToContents, consentState, key, launchAndAccept, PHONE_TEXT, phoneAsks, phoneShot, phoneTitle, requirePhoneBuild, secondsIn, tvShot, type Lang } from './tv-consent-helpers'

const WINDOW_S = 30

/** The served policy, as the TV loads it. */
const servedPolicy = (): PolicyDocument => JSON.parse(readFileSync(join(BUILD_DIR, 'static', servedPolicyEntry().path), 'utf8')) as PolicyDocument

const TV_TEXT = {
  'zh-CN': { closed: '请求已超时：没有在时限内作出选择，未授予任何权限', nothing: '未授予任何权限' },
  'en-US': { closed: 'The request timed out: no choice was made in time, nothing was allowed', nothing: 'nothing was allowed' },
} as const

/** Seconds left on the TV (overlay, or the reader's banner) and on the phone, read back to back. */
async function bothCountdowns(tv: Page, phone: Page): Promise<{ tv: number; phone: number }> {
  const [t, p] = await Promise.all([
    tv.evaluate(() => {
      const h = (window as any).__miitee
      return String(h.route).startsWith('policy') ? (h.state.consentBanner ?? '') : (h.state.consent?.deadline ?? '')
    }),
    phone.locator('#time-left').innerText(),
  ])
  const tvLeft = secondsIn(t)
  const phoneLeft = secondsIn(p)
  expect(tvLeft, `TV shows "${t}"`).not.toBeNull()
  expect(phoneLeft, `phone shows "${p}"`).not.toBeNull()
  return { tv: tvLeft!, phone: phoneLeft! }
}

describe('One decision deadline, from the service, on the TV and the phone (Chromium, 30 s window)', () => {
  let svc: ServiceProcess
  let chromium: ChromiumSession
  let tv: Page
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    requireBuild()
    await requirePhoneBuild()
    svc = await startServiceProcess({ env: { DECISION_WINDOW_SECONDS: String(WINDOW_S) } })
    chromium = await launchChromium()
    tv = chromium.page
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await chromium?.close()
    await svc?.close()
  })

  for (const lang of ['zh-CN', 'en-US'] as Lang[]) {
    it(`${lang}: the overlay, the reader opened from it and the phone agree within 2 s; at the deadline both say it timed out, nothing recorded`, async () => {
      await launchAndAccept(tv, `${svc.url}/`, lang)
      const { phone, pairingId } = await phoneAsks(chromium.browser, tv, ['bluetooth', 'location'], { lang, shot: `deadline-${lang}`, contexts })
      const first = await bothCountdowns(tv, phone)
      console.log(`${lang}: overlay ${first.tv} s, phone ${first.phone} s`)
      // The service's window, not a TV-side one (a second of rounding and clock estimate aside).
      expect(first.tv).toBeLessThanOrEqual(WINDOW_S + 1)
      expect(first.tv).toBeGreaterThan(WINDOW_S - 10)
      expect(Math.abs(first.tv - first.phone)).toBeLessThanOrEqual(2)
      await tvShot(tv, `deadline-overlay-${lang}`)
      await phoneShot(phone, `tv-consent-waiting-${lang}`)

      // A choice made but not sent does not count; then 阅读政策条款 (Down to the buttons, → , OK).
      await key(tv, 'Left')
      await key(tv, 'Enter')
      await key(tv, 'Down', 2)
      await key(tv, 'Right')
      expect((await consentState(tv))?.button).toBe('policy')
      await key(tv, 'Enter')
      expect((await hookState(tv)).route).toMatch(/^policy/)
      // It opens at the permission table's row the focused scope (定位, the second) quotes, highlighted.
      const quote = scopeQuote(servedPolicy(), 'location')!
      const reader = (await hookState(tv)).reader!
      expect(reader.mode).toBe('Reading')
      expect(reader.focusIndex).toBeGreaterThanOrEqual(0)
      const item = (await paginationOf(tv, 'reader')).pages[reader.pageIndex].items[reader.focusIndex]
      expect(item.kind).toBe('table-row')
      expect(item.anchor).toEqual({ sectionId: quote.sectionId, block: quote.block, offset: quote.rowIndex })
      await expect.poll(() => tv.evaluate(() => (window as any).__miitee.state.consentBanner ?? null)).not.toBeNull()
      const reading = await bothCountdowns(tv, phone)
      console.log(`${lang}: reader banner ${reading.tv} s, phone ${reading.phone} s`)
      expect(Math.abs(reading.tv - reading.phone)).toBeLessThanOrEqual(2)
      await tvShot(tv, `deadline-reader-${lang}`)

      // The deadline passes while the viewer reads.
      const seen: { tv?: number; phone?: number } = {}
      const until = Date.now() + (WINDOW_S + 15) * 1000
      while ((!seen.tv || !seen.phone) && Date.now() < until) {
        if (!seen.tv && (await pairState(tv))?.phase === 'window-closed') seen.tv = Date.now()
        if (!seen.phone && (await phoneTitle(phone)) === PHONE_TEXT[lang].timedOut) seen.phone = Date.now()
        await sleep(100)
      }
      expect(seen.tv, 'the TV saw the deadline pass').toBeDefined()
      expect(seen.phone, 'the phone saw the deadline pass').toBeDefined()
      console.log(`${lang}: timed out on the TV and the phone ${Math.abs(seen.tv! - seen.phone!)} ms apart`)
      expect(Math.abs(seen.tv! - seen.phone!)).toBeLessThanOrEqual(2000)
      const banner = await tv.evaluate(() => (window as any).__miitee.state.consentBanner ?? '')
      expect(banner).toContain(TV_TEXT[lang].nothing)
      await tvShot(tv, `deadline-reader-closed-${lang}`)
      expect(await phone.locator('.ended p').innerText()).toContain(TV_TEXT[lang].nothing)
      await phoneShot(phone, `tv-consent-timed-out-${lang}`)

      // Back on the pair page it says the same; nothing was sent or recorded.
      for (let i = 0; i < 3 && (await hookState(tv)).route !== 'pair'; i++) await key(tv, 'Back')
      expect((await hookState(tv)).route).toBe('pair')
      expect(await screenTexts(tv)).toContain(TV_TEXT[lang].closed)
      await tvShot(tv, `deadline-closed-${lang}`)
      expect(await outboxEntries(tv)).toEqual([])
      expect(await receiptsOf(svc.dataDir, pairingId)).toEqual([])
      await backToContents(tv)
    }, 150_000)
  }
})
