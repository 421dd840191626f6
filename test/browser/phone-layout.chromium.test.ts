// The phone page at 360×640 as a thumb meets it, in zh-CN and en-US: on every screen of the flow and
// in the full policy, each interactive element's box is at least 44×44 px (a labelled checkbox
// answers on its whole card), no word is split across two lines, and axe-core finds nothing.
// Screenshots: artifacts/screenshots/phone-layout-<lang>-<state>.png.
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { axeCheck, describeViolations, PHONE_VIEWPORT, phoneShot, phoneTestBed, qrPath, tvCreatePairing, tvDecide, tvWaitFor, tvWithdraw } from './harness/phone'
import { MIN_TARGET, smallTargets, splitWords, touchTargets } from './harness/phone-layout'

const { service, phone } = phoneTestBed()

const title = (page: Page) => page.locator('#screen-title').innerText()

/** Screenshot, then: nothing wider than the screen, every target big enough, no word split, no axe-core violation of any impact. */
async function checkLayout(page: Page, state: string): Promise<void> {
  await phoneShot(page, state)
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${state}: page width`).toBeLessThanOrEqual(PHONE_VIEWPORT.width)
  const t = await touchTargets(page)
  expect(t.targets.length, `${state}: interactive elements found`).toBeGreaterThan(0)
  expect(smallTargets(t), `${state}: touch targets under ${MIN_TARGET}×${MIN_TARGET} px`).toEqual([])
  expect(await splitWords(page), `${state}: words split across lines`).toEqual([])
  const v = await axeCheck(page, state)
  expect(v, `${state}:\n${describeViolations(v)}`).toEqual([])
}

/** A tap on the card's bottom right corner: away from the checkbox and from the title. */
async function tapCardCorner(page: Page, scope: string): Promise<void> {
  const card = page.locator('.scope', { has: page.locator(`#scope-${scope}`) })
  await card.scrollIntoViewIfNeeded()
  const box = (await card.boundingBox())!
  await page.touchscreen.tap(box.x + box.width - 12, box.y + box.height - 8)
}

const checked = (page: Page, scope: string) => page.locator(`#scope-${scope}`).isChecked()

const LANGS = [
  { locale: 'zh-CN', tag: 'zh', tvName: '客厅电视', choose: '选择要请求的功能', partly: '电视允许了部分功能', withdrawn: '电视已撤回同意' },
  { locale: 'en-US', tag: 'en', tvName: 'Living room TV', choose: 'Choose what to ask for', partly: 'The TV allowed some items', withdrawn: 'The TV withdrew its consent' },
] as const

describe('phone page at 360 px: tap targets, whole words, axe', () => {
  for (const L of LANGS) {
    it(`${L.locale}: confirm, choose (whole cards toggle), waiting, result per scope, withdrawn`, async () => {
      const svc = await service()
      const tv = await tvCreatePairing(svc, L.tvName)
      const page = await phone({ locale: L.locale })
      await page.goto(svc.url + qrPath(tv))
      await expect.poll(() => page.locator('.summary-body .policy-body').count(), { timeout: 10_000 }).toBe(1)
      await checkLayout(page, `layout-${L.tag}-confirm`)

      await page.tap('#confirm-yes')
      await expect.poll(() => title(page)).toBe(L.choose)
      await expect.poll(() => page.locator('#scope-location-desc q').count(), { timeout: 10_000 }).toBe(1)
      await checkLayout(page, `layout-${L.tag}-choose`)
      // The whole card is the target: a tap on its corner ticks it, a second one unticks it.
      for (const scope of ['bluetooth', 'network', 'location']) {
        await tapCardCorner(page, scope)
        await expect.poll(() => checked(page, scope), { message: `${scope}: a tap on the card ticks it` }).toBe(true)
      }
      await tapCardCorner(page, 'location')
      await expect.poll(() => checked(page, 'location'), { message: 'a second tap unticks it' }).toBe(false)
      await tapCardCorner(page, 'location')
      await checkLayout(page, `layout-${L.tag}-choose-ticked`)

      await page.tap('#choose-submit')
      await tvWaitFor(svc, tv, 'consent_pending')
      await expect.poll(() => page.locator('#live').isVisible(), { timeout: 10_000 }).toBe(true)
      await checkLayout(page, `layout-${L.tag}-waiting`)

      await tvDecide(svc, tv, { bluetooth: 'granted', network: 'denied', location: 'denied' })
      await expect.poll(() => title(page), { timeout: 5000 }).toBe(L.partly)
      await checkLayout(page, `layout-${L.tag}-result`)

      await tvWithdraw(svc, tv, ['bluetooth'])
      await expect.poll(() => title(page), { timeout: 5000 }).toBe(L.withdrawn)
      await checkLayout(page, `layout-${L.tag}-withdrawn`)
    })

    it(`${L.locale}: typed code page, and the full policy with its contents`, async () => {
      const svc = await service()
      const tv = await tvCreatePairing(svc, L.tvName)
      const page = await phone({ locale: L.locale })
      await page.goto(`${svc.url}/link`)
      await expect.poll(() => page.locator('#code').count(), { timeout: 10_000 }).toBe(1)
      await checkLayout(page, `layout-${L.tag}-link`)

      await page.goto(svc.url + qrPath(tv))
      await expect.poll(() => page.locator('#read-full').isVisible(), { timeout: 10_000 }).toBe(true)
      await page.tap('#read-full')
      await expect.poll(() => page.locator('#policy').isVisible()).toBe(true)
      const toc = await page.locator('#policy nav a').evaluateAll((as) => as.map((a) => Math.round(a.getBoundingClientRect().height)))
      expect(toc.length).toBe(12)
      expect(Math.min(...toc), 'contents links are thumb-sized').toBeGreaterThanOrEqual(MIN_TARGET)
      await checkLayout(page, `layout-${L.tag}-policy`)
      // Scrolled to the permission table and the SDK cards: the rest of the document, same checks.
      await page.tap('#policy nav a[href="#policy-s5"]')
      await expect.poll(() => page.evaluate(() => location.hash)).toBe('#policy-s5')
      await checkLayout(page, `layout-${L.tag}-policy-section`)
    })
  }
})
