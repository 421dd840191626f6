// Issue 18, "consent must never be given by accident": the consent overlay in Chromium, driven
// by remote keys, against the real service and phone page. Each scope is two buttons, 允许 and
// 拒绝, nothing chosen and focus on 拒绝; 检查并发送 opens a confirmation listing what will be
// sent, whose 发送 sends. Stray OK presses never grant; a grant takes ← then OK, then 发送.
// Screenshots: artifacts/screenshots/tv-consent-*.png (zh-CN and en-US).
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleOf, launchChromium, type ChromiumSession } from './harness/chromium'
import { requireBuild } from './harness/common'
import { outboxEntries, receiptsOf, startServiceProcess, statuses, waitForPair, type ServiceProcess } from './harness/pairing'
import { screenTexts } from './harness/tv'
import { backToContents, consentState, key, launchAndAccept, phoneAsks, phoneShot, phoneTitle, requirePhoneBuild, tvShot, type Lang } from './tv-consent-helpers'

/** Text elements of the overlay that leave the title-safe area, or (in a scope row) run into its buttons. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const app = (window as any).__miitee.app
    let overlay: any = null
    const find = (el: any) => {
      if (overlay) return
      if (el.ref === 'Overlay' && typeof el.decisions === 'function') overlay = el
      else if (el.childList) el.childList.forEach(find)
    }
    find(app.stage.root)
    const out: string[] = []
    const walk = (el: any, limit: number) => {
      if (!el.enabled) return
      let right = limit
      if (el.constructor.name === 'ChoiceRow') right = el.core.getCornerPoints()[0] + el.tag('Allow').x - 8
      const t = el.texture
      const ri = t && t.source && t.source.renderInfo
      if (t && typeof t.text === 'string' && t.text && ri && !el.ref?.match(/^(Allow|Deny)$/) && el.parent?.ref !== 'Allow' && el.parent?.ref !== 'Deny') {
        const [x] = el.core.getCornerPoints()
        const widest = Math.max(...ri.lineWidths)
        if (x + widest > right + 1) out.push(`${t.text.slice(0, 40)}… ends at ${Math.round(x + widest)} > ${Math.round(right)}`)
      }
      if (el.childList) el.childList.forEach((c: any) => walk(c, right))
    }
    if (overlay) walk(overlay, 1824)
    return out
  })
}

function logsOf(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).__miitee.logs.slice())
}

describe('Consent overlay (Chromium): an explicit, visibly focused choice per scope and a confirmed send', () => {
  let svc: ServiceProcess
  let chromium: ChromiumSession
  let tv: Page
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    requireBuild()
    await requirePhoneBuild()
    svc = await startServiceProcess()
    chromium = await launchChromium()
    tv = chromium.page
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await chromium?.close()
    await svc?.close()
  })

  it('stray OK presses never grant: each OK chooses the focused 拒绝, nothing leaves before 发送, and what is sent denies every scope', async () => {
    await launchAndAccept(tv, `${svc.url}/`)
    const { phone, pairingId } = await phoneAsks(chromium.browser, tv, ['bluetooth', 'network', 'location'], { shot: 'stray', contexts })
    let c = await consentState(tv)
    expect(c).toMatchObject({ step: 'choosing', button: null })
    expect(c!.rows).toEqual([
      { scope: 'bluetooth', choice: null, button: 'deny' },
      { scope: 'network', choice: null, button: null },
      { scope: 'location', choice: null, button: null },
    ])
    const texts = await screenTexts(tv)
    for (const t of ['蓝牙：让手机通过蓝牙发现并连接这台电视', '允许', '拒绝', '检查并发送', '阅读政策条款', '未选择：按“拒绝”发送']) expect(texts).toContain(t)
    expect(texts.some((t) => /^剩余 1[45]:\d\d：到时未发送，请求结束，不授予任何权限$/.test(t)), texts.join(' | ')).toBe(true)
    expect(await overflowing(tv)).toEqual([])
    await tvShot(tv, 'choosing-zh')

    // A viewer leaning on OK: three on the first row, one on each of the others.
    await key(tv, 'Enter', 3)
    await key(tv, 'Down')
    await key(tv, 'Enter')
    await key(tv, 'Down')
    await key(tv, 'Enter')
    c = await consentState(tv)
    expect(c!.rows.map((r) => r.choice)).toEqual(['denied', 'denied', 'denied'])
    expect((await waitForPair(tv, () => true, 'any')).phase).toBe('consent')
    expect(await outboxEntries(tv)).toEqual([])
    expect(await receiptsOf(svc.dataDir, pairingId)).toEqual([])
    // On to the buttons, and OK twice more: 检查并发送, then 发送 on the confirmation.
    await key(tv, 'Down')
    expect((await consentState(tv))?.button).toBe('review')
    await key(tv, 'Enter')
    c = await consentState(tv)
    expect(c).toMatchObject({ step: 'confirming', button: 'send' })
    expect(await screenTexts(tv)).toContain('不会允许任何一项。')
    await key(tv, 'Enter')
    const recorded = await waitForPair(tv, (s) => s.phase === 'recorded', 'recorded')
    expect(recorded.decisions).toEqual({ bluetooth: 'denied', network: 'denied', location: 'denied' })
    const receipts = await receiptsOf(svc.dataDir, pairingId)
    expect(receipts).toHaveLength(1)
    expect(statuses(receipts[0])).toEqual({ bluetooth: 'denied', network: 'denied', location: 'denied' })
    expect((await logsOf(tv)).filter((l) => l.startsWith('provisioning authorized'))).toEqual([])
    await expect.poll(() => phoneTitle(phone), { timeout: 5000 }).toBe('电视拒绝了请求')
  })

  it('a grant takes ← to 允许 (a white focus ring, still unchosen), OK, then 检查并发送 and 发送; the confirmation lists each answer and Back returns with them kept', async () => {
    await backToContents(tv)
    const { phone, pairingId } = await phoneAsks(chromium.browser, tv, ['bluetooth', 'network'], { shot: 'grant', contexts })
    await key(tv, 'Left')
    let c = await consentState(tv)
    expect(c!.rows[0]).toEqual({ scope: 'bluetooth', choice: null, button: 'allow' })
    await tvShot(tv, 'focus-allow-zh')
    await key(tv, 'Enter')
    c = await consentState(tv)
    expect(c!.rows[0]).toEqual({ scope: 'bluetooth', choice: 'granted', button: 'allow' })
    expect(await screenTexts(tv)).toEqual(expect.arrayContaining(['✓ 允许', '已选：允许']))
    await tvShot(tv, 'chosen-zh')
    // Down keeps the column (允许); → and OK choose 拒绝 for the network.
    await key(tv, 'Down')
    expect((await consentState(tv))!.rows[1]).toEqual({ scope: 'network', choice: null, button: 'allow' })
    await key(tv, 'Right')
    await key(tv, 'Enter')
    await key(tv, 'Down')
    await key(tv, 'Enter') // 检查并发送
    c = await consentState(tv)
    expect(c).toMatchObject({ step: 'confirming', button: 'send' })
    const texts = await screenTexts(tv)
    for (const t of ['确认发送给“Pixel 8”的选择', '蓝牙：✓ 允许', '网络：拒绝', '将允许：蓝牙。之后可随时在“隐私设置”中撤回。', '发送', '返回修改']) expect(texts).toContain(t)
    expect(await overflowing(tv)).toEqual([])
    await tvShot(tv, 'confirm-zh')
    expect(await outboxEntries(tv)).toEqual([])

    await key(tv, 'Back')
    c = await consentState(tv)
    expect(c).toMatchObject({ step: 'choosing', button: 'review' })
    expect(c!.rows.map((r) => r.choice)).toEqual(['granted', 'denied'])
    expect(await receiptsOf(svc.dataDir, pairingId)).toEqual([])

    await key(tv, 'Enter')
    await key(tv, 'Enter') // 发送
    const recorded = await waitForPair(tv, (s) => s.phase === 'recorded', 'recorded')
    expect(recorded.decisions).toEqual({ bluetooth: 'granted', network: 'denied' })
    const receipts = await receiptsOf(svc.dataDir, pairingId)
    expect(receipts.map((r) => r.screen_id)).toEqual(['tv-consent-overlay'])
    expect(statuses(receipts[0])).toEqual({ bluetooth: 'granted', network: 'denied' })
    await expect.poll(() => phoneTitle(phone), { timeout: 5000 }).toBe('电视允许了部分功能')
    expect(consoleOf(tv).filter((l) => l.level === 'pageerror')).toEqual([])
  })

  it('en-US, three scopes: every label fits its box on both steps', async () => {
    const lang: Lang = 'en-US'
    await launchAndAccept(tv, `${svc.url}/`, lang)
    const { phone } = await phoneAsks(chromium.browser, tv, ['bluetooth', 'network', 'location'], { lang, shot: 'en', contexts })
    const texts = await screenTexts(tv)
    for (const t of ['"Pixel 8" asks for', 'Allow', 'Deny', 'Review', 'Read policy', 'Not chosen: sent as Deny']) expect(texts).toContain(t)
    expect(await overflowing(tv)).toEqual([])
    await key(tv, 'Down', 2)
    await key(tv, 'Left')
    await key(tv, 'Enter') // location: Allow
    await tvShot(tv, 'choosing-en')
    await key(tv, 'Down')
    await key(tv, 'Enter')
    expect((await consentState(tv))?.step).toBe('confirming')
    expect(await screenTexts(tv)).toEqual(expect.arrayContaining(['Location: ✓ Allow', 'Bluetooth: Deny', 'Will allow: Location. You can withdraw it at any time in Privacy settings.']))
    expect(await overflowing(tv)).toEqual([])
    await tvShot(tv, 'confirm-en')
    await key(tv, 'Enter')
    const recorded = await waitForPair(tv, (s) => s.phase === 'recorded', 'recorded')
    expect(recorded.decisions).toEqual({ bluetooth: 'denied', network: 'denied', location: 'granted' })
    await expect.poll(() => phoneTitle(phone), { timeout: 5000 }).toBe('The TV allowed some items')
    await tvShot(tv, 'recorded-en')
    await phoneShot(phone, 'tv-consent-partial-en')
  })
})
