// Issue 18: clearing local data asks first and says what stays on the service, and 隐私设置 is
// rebuilt from the service (the TV's device credential lists its consents), so a grant can always
// be withdrawn from the TV; before 同意 nothing of the pairing feature is fetched, its menu
// entries say why they are unavailable (on screen and spoken), and #pair / #privacy refuse.
// Screenshots: artifacts/screenshots/tv-consent-*.png (zh-CN and en-US).
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectRequests, launchChromium, openApp, type ChromiumSession } from './harness/chromium'
import { requireBuild, sleep } from './harness/common'
import { HISTORY_KEY, privacyState, receiptsOf, startServiceProcess, statuses, waitForPair, type ServiceProcess } from './harness/pairing'
import { SIGNING_DEVICE, signingBridgeScript } from './harness/signingBridge'
import { SPEECH_RECORDER } from './harness/speech'
import { ACCEPTANCE_KEY, focusedRef, hookState, menuState, screenTexts, storageItem, waitForFirstRoute } from './harness/tv'
import { backToContents, key, launchAndAccept, launchFresh, openMenuEntry, phoneAsks, phoneTitle, requirePhoneBuild, tvShot } from './tv-consent-helpers'

const FEATURE = /\/features\/pairing\.js(\?|$)/

/** What the screen says, its wrapped lines joined again (Chinese breaks between characters, English at spaces). */
async function shownText(page: Page, lang: 'zh-CN' | 'en-US'): Promise<string> {
  return (await screenTexts(page)).map((t) => t.replace(/\n/g, lang === 'zh-CN' ? '' : ' ')).join('\n')
}

describe('清除本地数据 asks first; 隐私设置 comes back from the service and still withdraws (signed TV)', () => {
  let svc: ServiceProcess
  let chromium: ChromiumSession
  let tv: Page
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    requireBuild()
    await requirePhoneBuild()
    svc = await startServiceProcess({ env: { DEVICE_CREDENTIALS: JSON.stringify({ [SIGNING_DEVICE.id]: SIGNING_DEVICE.secret }) } })
    chromium = await launchChromium()
    await chromium.context.addInitScript(signingBridgeScript())
    tv = chromium.page
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await chromium?.close()
    await svc?.close()
  })

  it('grant Bluetooth; clear (the dialog says what stays; 取消 first, then 清除); 隐私设置 still lists the grant from the service, and withdrawing it reaches the ledger', async () => {
    await launchAndAccept(tv, `${svc.url}/`)
    const { phone, pairingId } = await phoneAsks(chromium.browser, tv, ['bluetooth'], { shot: 'privacy', contexts })
    await key(tv, 'Left')
    await key(tv, 'Enter')
    await key(tv, 'Down')
    await key(tv, 'Enter')
    await key(tv, 'Enter')
    expect((await waitForPair(tv, (s) => s.phase === 'recorded', 'recorded')).decisions).toEqual({ bluetooth: 'granted' })
    expect(JSON.parse((await storageItem(tv, HISTORY_KEY)) ?? '[]')).toHaveLength(1)

    await backToContents(tv)
    await openMenuEntry(tv, 'settings')
    await openMenuEntry(tv, 'clear')
    // Asked first, with 取消 focused: a stray OK clears nothing.
    expect((await hookState(tv) as { clearDialog?: boolean }).clearDialog).toBe(true)
    expect(await focusedRef(tv)).toBe('B_cancel')
    const dialog = await shownText(tv, 'zh-CN')
    expect(dialog).toContain('清除这台电视上的本地数据？')
    expect(dialog).toContain('配对服务上保留：您给出的每一项授权和撤回记录')
    await tvShot(tv, 'clear-confirm-zh')
    await key(tv, 'Enter')
    expect((await hookState(tv) as { clearDialog?: boolean }).clearDialog).toBe(false)
    expect(await storageItem(tv, HISTORY_KEY)).not.toBeNull()
    expect(await storageItem(tv, ACCEPTANCE_KEY)).not.toBeNull()

    await key(tv, 'Enter') // the dialog again
    await key(tv, 'Left')
    expect(await focusedRef(tv)).toBe('B_clear')
    await key(tv, 'Enter')
    expect(await storageItem(tv, HISTORY_KEY)).toBeNull()
    expect(await storageItem(tv, ACCEPTANCE_KEY)).toBeNull()
    // The device's identity stays: the service knows this TV's consents by it.
    expect(await storageItem(tv, 'miitee.device-id')).toBe(SIGNING_DEVICE.id)
    expect(await screenTexts(tv)).toContain('已清除。下次启动将重新询问；授权仍可在“隐私设置”中撤回。')
    await tvShot(tv, 'cleared-zh')

    await openMenuEntry(tv, 'privacy')
    expect((await hookState(tv)).route).toBe('privacy')
    await expect.poll(async () => (await privacyState(tv))?.source, { timeout: 10_000 }).toBe('service')
    expect((await privacyState(tv))?.records).toEqual([{ pairingId, active: ['bluetooth'] }])
    expect((await menuState(tv))?.entries[0].label).toMatch(/^蓝牙 · Pixel 8 · \d{4}-\d\d-\d\d · 版本 /)
    await tvShot(tv, 'privacy-rebuilt-zh')

    await key(tv, 'Enter')
    await key(tv, 'Enter')
    await expect.poll(async () => (await privacyState(tv))?.records, { timeout: 15_000 }).toEqual([{ pairingId, active: [] }])
    await expect.poll(async () => (await receiptsOf(svc.dataDir, pairingId)).map((r) => r.event), { timeout: 10_000 }).toEqual(['consent', 'withdrawal'])
    const receipts = await receiptsOf(svc.dataDir, pairingId)
    expect(statuses(receipts[1])).toEqual({ bluetooth: 'withdrawn' })
    await expect.poll(() => phoneTitle(phone), { timeout: 5000 }).toBe('电视已撤回同意')
    await tvShot(tv, 'privacy-withdrawn-zh')
  })

  it('en-US: the clear dialog and 隐私设置 fit and say the same', async () => {
    await key(tv, 'Back')
    expect((await hookState(tv)).route).toBe('settings')
    await key(tv, 'Up', 10)
    expect((await menuState(tv))?.selectedId).toBe('language')
    await key(tv, 'Right')
    await openMenuEntry(tv, 'clear')
    const dialog = await shownText(tv, 'en-US')
    expect(dialog).toContain('Clear local data on this TV?')
    expect(dialog).toContain('Kept on the pairing service: every consent you gave and every withdrawal.')
    await tvShot(tv, 'clear-confirm-en')
    await key(tv, 'Back')
    expect((await hookState(tv) as { clearDialog?: boolean }).clearDialog).toBe(false)
    await openMenuEntry(tv, 'privacy')
    await expect.poll(async () => (await privacyState(tv))?.source, { timeout: 10_000 }).toBe('service')
    expect((await menuState(tv))?.entries[0]).toMatchObject({ value: 'Withdrawn' })
    await tvShot(tv, 'privacy-en')
  })
})

describe('Before 同意: the pairing feature is not fetched, its entries say why, #pair and #privacy refuse', () => {
  let svc: ServiceProcess
  let chromium: ChromiumSession
  let tv: Page

  beforeAll(async () => {
    requireBuild()
    svc = await startServiceProcess()
    chromium = await launchChromium()
    await chromium.context.addInitScript(SPEECH_RECORDER)
    tv = chromium.page
  })
  afterAll(async () => {
    await chromium?.close()
    await svc?.close()
  })

  const spoken = () => tv.evaluate(() => ((window as any).__spokenAll as { text: string }[]).map((s) => s.text))

  it('contents and settings: 配对手机 / 隐私设置 dimmed with the reason shown and spoken; OK on them stays put; no request for features/pairing.js', async () => {
    const requests = collectRequests(tv)
    await launchFresh(tv, `${svc.url}/?voiceGuidance=on`)
    await key(tv, 'Right', 2)
    expect(await focusedRef(tv)).toBe('B_read')
    await key(tv, 'Enter') // 阅读全文
    expect((await hookState(tv)).route).toMatch(/^policy/)
    await backToContents(tv)
    const m = await menuState(tv)
    expect(m!.entries.filter((e) => e.id === 'pair' || e.id === 'privacy')).toEqual([
      { id: 'pair', label: '配对手机', value: '同意政策后可用' },
      { id: 'privacy', label: '隐私设置', value: '同意政策后可用' },
    ])
    await openMenuEntry(tv, 'pair')
    await sleep(500)
    expect((await hookState(tv)).route).toBe('policy')
    await expect.poll(spoken).toContain(`配对手机：不可用，同意隐私政策后才能使用，${m!.ids.indexOf('pair') + 1}/${m!.ids.length}`)
    await tvShot(tv, 'contents-unavailable-zh')
    await openMenuEntry(tv, 'privacy')
    await sleep(500)
    expect((await hookState(tv)).route).toBe('policy')

    await openMenuEntry(tv, 'settings')
    const settings = await menuState(tv)
    expect(settings!.entries.find((e) => e.id === 'privacy')).toEqual({ id: 'privacy', label: '隐私设置', value: '同意政策后可用' })
    await openMenuEntry(tv, 'privacy')
    await sleep(500)
    expect((await hookState(tv)).route).toBe('settings')
    await tvShot(tv, 'settings-unavailable-zh')

    // Typed or linked: the routes refuse, the gate shows.
    await tv.evaluate(() => (location.hash = '#privacy'))
    await expect.poll(async () => (await hookState(tv)).route).toBe('gate')
    await tv.evaluate(() => (location.hash = '#pair'))
    await sleep(500)
    expect((await hookState(tv)).route).toBe('gate')
    expect(requests.urls().filter((u) => FEATURE.test(u))).toEqual([])
    expect(requests.outside(svc.url)).toEqual([])
    requests.stop()
  })

  it('a cold start on #privacy (and on #pair) shows the consent gate, and fetches nothing of the feature', async () => {
    const requests = collectRequests(tv)
    for (const [i, hash] of ['#privacy', '#pair'].entries()) {
      // A query of its own each time, so the browser loads the page anew rather than only moving the hash.
      expect(await openApp(tv, `${svc.url}/?cold=${i}${hash}`, { clearStorage: true })).toBe('hook')
      expect(await waitForFirstRoute(tv)).toBe('gate')
      await sleep(300)
      expect((await hookState(tv)).route).toBe('gate')
    }
    await tvShot(tv, 'cold-privacy-gate-zh')
    expect(requests.urls().filter((u) => FEATURE.test(u))).toEqual([])
    // After 同意 the same entry opens the feature (fetched then, not before).
    expect(await focusedRef(tv)).toBe('B_agree')
    await key(tv, 'Enter')
    await backToContents(tv)
    await openMenuEntry(tv, 'privacy')
    await expect.poll(async () => (await hookState(tv)).route).toBe('privacy')
    expect(requests.urls().filter((u) => FEATURE.test(u)).length).toBeGreaterThanOrEqual(1)
    requests.stop()
  })

  it('en-US: the reason fits beside each entry', async () => {
    await launchFresh(tv, `${svc.url}/`, 'en-US')
    await key(tv, 'Right', 2)
    await key(tv, 'Enter')
    await backToContents(tv)
    const m = await menuState(tv)
    expect(m!.entries.find((e) => e.id === 'pair')).toEqual({ id: 'pair', label: 'Pair a phone', value: 'After you agree' })
    await openMenuEntry(tv, 'privacy')
    await tvShot(tv, 'contents-unavailable-en')
    expect((await hookState(tv)).route).toBe('policy')
  })
})
