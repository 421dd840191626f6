// What the consent suites (tv-consent-*.chromium.test.ts) share: the built TV app in Chromium
// against the real service, driven by remote keys; the phone page opened from the QR read back
// from a TV screenshot; probes of the consent overlay's state. The service runs as its own
// process (harness/pairing.ts); screenshots go to artifacts/screenshots/tv-consent-*.png.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'
import { openApp, press, screenshot } from './harness/chromium'
import { BUILD_DIR, sleep, type RemoteKey } from './harness/common'
import { decodeQrPng, openableUrl, pairState, QR_URL_PATTERN, waitForPair, type PairHookState } from './harness/pairing'
import { newPhoneContext, phoneShot } from './harness/phone'
import { focusedRef, hookState, menuState, waitForFirstRoute } from './harness/tv'

export type Lang = 'zh-CN' | 'en-US'

export const key = (page: Page, k: RemoteKey, times = 1) => press(page, k, { times })

/** build/phone is built by `npm run build`; give a build in progress a little time. */
export async function requirePhoneBuild(timeoutMs = 120_000): Promise<void> {
  const file = join(BUILD_DIR, 'phone', 'index.html')
  const until = Date.now() + timeoutMs
  while (!existsSync(file)) {
    if (Date.now() > until) throw new Error(`${file} is missing: the phone page is not built (npm run build runs build:phone)`)
    await sleep(1000)
  }
}

/** Fresh box in `lang` (a preference saved before the first frame): the consent gate. */
export async function launchFresh(page: Page, baseUrl: string, lang: Lang = 'zh-CN'): Promise<void> {
  expect(await openApp(page, baseUrl, { clearStorage: true })).toBe('hook')
  if (lang !== 'zh-CN') {
    await page.evaluate((l) => localStorage.setItem('miitee.preferences', JSON.stringify({ language: l })), lang)
    await page.reload({ waitUntil: 'load' })
  }
  expect(await waitForFirstRoute(page)).toBe('gate')
}

/** Fresh box → 同意 (OK on the focused 同意) → the reader's contents. */
export async function launchAndAccept(page: Page, baseUrl: string, lang: Lang = 'zh-CN'): Promise<void> {
  await launchFresh(page, baseUrl, lang)
  expect(await focusedRef(page)).toBe('B_agree')
  await key(page, 'Enter')
  expect((await hookState(page)).route).toBe('policy')
}

/** On a MenuList (contents, settings): Down/Up until `id` is selected, then OK. */
export async function openMenuEntry(page: Page, id: string): Promise<void> {
  const m = await menuState(page)
  if (!m) throw new Error('no menu on screen')
  const target = m.ids.indexOf(id)
  expect(target, `menu entry ${id} in ${m.ids.join(',')}`).toBeGreaterThanOrEqual(0)
  await key(page, target > m.index ? 'Down' : 'Up', Math.abs(target - m.index))
  expect((await menuState(page))?.selectedId).toBe(id)
  await key(page, 'Enter')
}

/** Back until the reader's contents list shows. */
export async function backToContents(page: Page): Promise<void> {
  for (let i = 0; i < 5 && !((await hookState(page)).route === 'policy' && (await hookState(page)).reader?.mode === 'Contents'); i++) await key(page, 'Back')
  expect((await hookState(page)).route).toBe('policy')
}

/** artifacts/screenshots/tv-consent-<name>.png, checked not blank. */
export async function tvShot(page: Page, name: string): Promise<string> {
  return (await screenshot(page, `tv-consent-${name}`)).path
}

export const phoneTitle = (phone: Page) => phone.locator('#screen-title').innerText()

/** Phone titles per language, as the phone page says them. */
export const PHONE_TEXT = {
  'zh-CN': { confirm: '核对电视', choose: '选择要请求的功能', waiting: '等待电视主人确认', timedOut: '请求已超时' },
  'en-US': { confirm: 'Check your TV', choose: 'Choose what to ask for', waiting: 'Waiting for the TV owner', timedOut: 'The request timed out' },
} as const

/**
 * From the contents: 配对手机, the QR read from a screenshot, a phone page (its own context, in
 * `lang`) opened at it, confirming the code and asking for `scopes`; returns once the TV shows
 * the consent overlay.
 */
export async function phoneAsks(
  browser: Browser,
  tv: Page,
  scopes: string[],
  o: { lang?: Lang; shot?: string; contexts: BrowserContext[] },
): Promise<{ phone: Page; pairingId: string }> {
  await openMenuEntry(tv, 'pair')
  const shown: PairHookState = await waitForPair(tv, (s) => s.phase === 'waiting' && !!s.qrUrl, 'waiting with a code')
  const shot = await screenshot(tv, `tv-consent-${o.shot ?? 'pair'}-waiting`)
  const qr = decodeQrPng(readFileSync(shot.path))
  expect(qr?.text).toMatch(QR_URL_PATTERN)
  expect(qr?.text).toBe(shown.qrUrl)
  const { context, page: phone } = await newPhoneContext(browser, { locale: o.lang ?? 'zh-CN' })
  o.contexts.push(context)
  await phone.goto(openableUrl(qr!.text))
  await confirmAndAsk(phone, scopes, o.lang ?? 'zh-CN')
  const asked = await waitForPair(tv, (s) => s.phase === 'consent', 'consent')
  expect(asked.pairingId).toBe(shown.pairingId)
  return { phone, pairingId: shown.pairingId! }
}

async function confirmAndAsk(phone: Page, scopes: string[], lang: Lang): Promise<void> {
  const t = PHONE_TEXT[lang]
  await expect.poll(() => phoneTitle(phone)).toBe(t.confirm)
  await phone.tap('#confirm-yes')
  await expect.poll(() => phoneTitle(phone)).toBe(t.choose)
  for (const s of scopes) await phone.tap(`label[for=scope-${s}]`)
  await phone.tap('#choose-submit')
  await expect.poll(() => phoneTitle(phone)).toBe(t.waiting)
}

export { phoneShot, pairState }

export interface ConsentProbe {
  step: 'choosing' | 'confirming' | 'closed'
  rows: { scope: string; choice: 'granted' | 'denied' | null; button: 'allow' | 'deny' | null }[]
  button: string | null
  deadline: string
  secondsLeft: number
}

/** window.__miitee.state.consent: the overlay's step, each row's answer and focus, the time left. */
export function consentState(page: Page): Promise<ConsentProbe | null> {
  return page.evaluate(() => {
    const c = (window as any).__miitee?.state?.consent
    return c ? JSON.parse(JSON.stringify(c)) : null
  })
}

/** `m:ss` in a text, as seconds (null when there is none). */
export function secondsIn(text: string): number | null {
  const m = /(\d+):(\d\d)/.exec(text)
  return m ? Number(m[1]) * 60 + Number(m[2]) : null
}
