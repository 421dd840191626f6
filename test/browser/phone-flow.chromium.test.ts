// The phone page in real Chromium at 360×640 (mobile, touch) against the real pairing service
// started in-process, the TV side driven through the API: the whole flow (granted, denied per
// scope, all denied, withdrawn), a reload that resumes instead of burning the QR token (with
// nothing secret in Web Storage), a reload where the token could only be kept in memory, typed
// entry with the keyboard only, English, the full policy, and the long-poll fallback. Every
// state gets a screenshot (artifacts/screenshots/phone-*.png) and an axe-core check.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { collectRequests, consoleOf } from './harness/chromium'
import {
  axeCheck,
  checkPhoneState,
  cspViolations,
  describeViolations,
  NO_INDEXEDDB_SCRIPT,
  NO_STREAMING_SCRIPT,
  NO_SUBTLE_SCRIPT,
  phoneShot,
  phoneTestBed,
  qrPath,
  qrTokenOf,
  requestFromPhone,
  seriousOnly,
  tvCreatePairing,
  tvDecide,
  tvStatus,
  tvWaitFor,
  tabKeys,
  tvWithdraw,
  webStorageText,
} from './harness/phone'

const { service, phone } = phoneTestBed()

const title = (page: Page) => page.locator('#screen-title').innerText()

/** No script errors, no CSP violation, nothing requested from anywhere but the service. */
async function clean(page: Page, origin: string, requests: ReturnType<typeof collectRequests>): Promise<void> {
  const errors = consoleOf(page).filter((l) => l.level === 'pageerror' || (l.level === 'error' && !/favicon|status of 4\d\d|status of 5\d\d|ERR_CONNECTION_REFUSED/.test(l.text)))
  expect(errors).toEqual([])
  expect(await cspViolations(page)).toEqual([])
  expect(requests.outside(origin).map((r) => r.url)).toEqual([])
}

describe('phone page: the whole flow', () => {
  it('QR → the TV’s name and code → confirm → scopes quoting the policy → waiting live → granted', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc, '客厅电视')
    const page = await phone()
    const requests = collectRequests(page)
    const res = await page.goto(svc.url + qrPath(tv))
    // The page's own CSP: strict, no 'unsafe-inline'.
    const csp = res!.headers()['content-security-policy']
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]))
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
      'require-trusted-types-for': "'script'",
    })
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|data:|blob:|\*/)
    // Its script and stylesheet come from the service itself, under the same policy.
    expect(await page.evaluate(() => Array.from(document.querySelectorAll('script[src], link[rel=stylesheet]')).map((e) => new URL((e as HTMLScriptElement).src || (e as HTMLLinkElement).href).pathname))).toEqual([
      '/phone/app.css',
      '/phone/app.js',
    ])

    await expect.poll(() => title(page)).toBe('核对电视')
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    expect(await page.locator('.question').innerText()).toBe(`您的电视是否显示 ${tv.user_code}？`)
    expect(await page.locator('.tv-name').innerText()).toContain('客厅电视')
    // The policy summary is on the page, from the compiled model.
    await expect.poll(() => page.locator('.summary-body .policy-body').count()).toBe(1)
    expect(await page.locator('#summary-title').innerText()).toBe('隐私政策摘要')
    expect((await page.locator('.summary-body').innerText()).length).toBeGreaterThan(200)
    // The TV sees the claim with the phone's name.
    const claimed = await tvWaitFor(svc, tv, 'claimed')
    expect(claimed.phone).toEqual({ name: 'Pixel 8' })
    await checkPhoneState(page, 'confirm')

    await page.tap('#confirm-yes')
    await expect.poll(() => title(page)).toBe('选择要请求的功能')
    // Each scope quotes the 用到的地方 cell of its permission-table row.
    await expect.poll(() => page.locator('#scope-bluetooth-desc q').innerText()).toBe('附近大屏、大屏配网、大屏遥控、大屏名称')
    expect(await page.locator('#scope-network-desc q').innerText()).toBe('访问网络、获取网络状态')
    expect(await page.locator('#scope-location-desc q').innerText()).toBe('附近大屏')
    expect(await page.locator('#scope-bluetooth-desc').innerText()).toContain('权限表「蓝牙」')
    expect(await page.locator('#scope-network-desc').innerText()).toContain('权限表「网络」')
    expect(await page.locator('#scope-location-desc').innerText()).toContain('权限表「定位」')
    // Nothing is pre-ticked; asking for nothing is refused with a message.
    expect(await page.locator('input[name=scopes]:checked').count()).toBe(0)
    await page.tap('#choose-submit')
    expect(await page.locator('#choose-error').innerText()).toBe('请至少选择一项功能。')
    await checkPhoneState(page, 'choose-none')
    await page.tap('label[for=scope-bluetooth]')
    await page.tap('label[for=scope-network]')
    expect(await page.locator('#choose-error').innerText()).toBe('')
    await checkPhoneState(page, 'choose')

    await page.tap('#choose-submit')
    await expect.poll(() => title(page)).toBe('等待电视主人确认')
    const pending = await tvWaitFor(svc, tv, 'consent_pending')
    expect(pending.scopes_requested).toEqual(['bluetooth', 'network'])
    expect(await page.locator('#waiting-body').innerText()).toContain('蓝牙配对、大屏配网')
    await expect.poll(() => page.locator('#live').innerText()).toBe('已实时连接')
    expect(await page.locator('#time-left').innerText()).toMatch(/^剩余时间 1[45]:\d\d$/)
    await checkPhoneState(page, 'waiting')

    const before = Date.now()
    await tvDecide(svc, tv, { bluetooth: 'granted', network: 'granted' })
    await expect.poll(() => title(page), { timeout: 5000 }).toBe('电视已允许')
    // Live: well within a second or two, not a poll interval later.
    expect(Date.now() - before).toBeLessThan(3000)
    expect(await page.locator('#outcomes li').allInnerTexts()).toEqual(['✓\n蓝牙配对：\n已允许', '✓\n大屏配网：\n已允许'])
    expect(await page.locator('#result-next').innerText()).toMatch(/^下一步：/)
    await checkPhoneState(page, 'granted')
    await clean(page, svc.url, requests)
    // The page followed the pairing over the event stream, authorised by its phone token.
    expect(requests.urls().some((u) => u.endsWith(`/v1/pairings/${tv.pairing_id}/events`))).toBe(true)
  })

  it('a reload resumes with the phone token: the pairing is not burnt', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const page = await phone()
    const requests = collectRequests(page)
    const claim = page.waitForResponse((r) => r.url().endsWith('/v1/claims') && r.request().method() === 'POST')
    await page.goto(svc.url + qrPath(tv))
    const phoneToken = ((await (await claim).json()) as { phone_token: string }).phone_token
    expect(phoneToken.length).toBeGreaterThan(16)
    await expect.poll(() => title(page)).toBe('核对电视')
    // The sealed record lands a moment after the claim (key from IndexedDB, AES-GCM); a reload
    // before it finds only the "used here" marker, by design (session.ts).
    await expect.poll(() => webStorageText(page)).toContain('"sealed":"')
    await page.reload()
    await expect.poll(() => title(page)).toBe('核对电视')
    expect(await page.locator('.question').innerText()).toContain(tv.user_code)
    expect((await tvStatus(svc, tv)).state).toBe('claimed')
    const sealedBefore = await webStorageText(page)
    await page.tap('#confirm-yes')
    await page.tap('label[for=scope-location]')
    await page.tap('#choose-submit')
    await expect.poll(() => title(page)).toBe('等待电视主人确认')
    await expect.poll(() => webStorageText(page)).not.toBe(sealedBefore)
    await page.reload()
    await expect.poll(() => title(page)).toBe('等待电视主人确认')
    expect((await tvStatus(svc, tv)).state).toBe('consent_pending')
    // One claim in all, with the QR token; the rest with the phone token.
    expect(requests.entries.filter((r) => r.url.endsWith('/v1/claims'))).toHaveLength(1)

    // Nothing secret at rest in clear: Web Storage holds the link under the QR token's SHA-256,
    // with iv + ciphertext only; the tab's key is a non-extractable AES-GCM CryptoKey in IndexedDB.
    const stored = await webStorageText(page)
    const qrToken = qrTokenOf(tv)
    for (const secret of [phoneToken, qrToken, qrToken.toUpperCase(), qrToken.toLowerCase(), tv.user_code, tv.user_code.replace('-', '')]) expect(stored).not.toContain(secret)
    expect(stored).toContain(`session:miitee.phone.session.qr.${createHash('sha256').update(qrToken.toUpperCase()).digest('hex')}={"v":2,"sealed":"`)
    expect(await tabKeys(page)).toEqual([expect.objectContaining({ type: '[object CryptoKey]', extractable: false, algorithm: 'AES-GCM-256', usages: ['decrypt', 'encrypt'] })])

    await tvDecide(svc, tv, { location: 'granted' })
    await expect.poll(() => title(page)).toBe('电视已允许')
  })

  for (const [what, initScript] of [
    ['no crypto.subtle (http:// from a LAN address)', NO_SUBTLE_SCRIPT],
    ['no IndexedDB', NO_INDEXEDDB_SCRIPT],
  ] as const) {
    it(`${what}: the phone token stays in memory; a reload says the link was used here and does not present it again`, async () => {
      const svc = await service()
      const tv = await tvCreatePairing(svc)
      const page = await phone({ initScript })
      const requests = collectRequests(page)
      const claim = page.waitForResponse((r) => r.url().endsWith('/v1/claims') && r.request().method() === 'POST')
      await page.goto(svc.url + qrPath(tv))
      const phoneToken = ((await (await claim).json()) as { phone_token: string }).phone_token
      await expect.poll(() => title(page)).toBe('核对电视')
      // The flow works with the token in memory.
      await page.tap('#confirm-yes')
      await expect.poll(() => title(page)).toBe('选择要请求的功能')
      const stored = await webStorageText(page)
      const qrToken = qrTokenOf(tv)
      for (const secret of [phoneToken, qrToken, qrToken.toUpperCase(), qrToken.toLowerCase(), tv.user_code, tv.user_code.replace('-', '')]) expect(stored).not.toContain(secret)
      expect(stored).not.toContain('sealed')
      await page.reload()
      await expect.poll(() => title(page)).toBe('此链接已在这部手机上使用过')
      expect(await page.locator('.ended p').innerText()).toContain('扫描电视上的新二维码')
      // Not presented again: one claim in all, and the pairing is not cancelled.
      expect(requests.entries.filter((r) => r.url.endsWith('/v1/claims'))).toHaveLength(1)
      expect((await tvStatus(svc, tv)).state).toBe('claimed')
      if (initScript === NO_SUBTLE_SCRIPT) {
        expect(await tabKeys(page)).toEqual([])
        await checkPhoneState(page, 'used-here')
      }
    })
  }

  it('denied per scope, then all denied', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const page = await phone()
    await requestFromPhone(page, svc, tv, ['bluetooth', 'network', 'location'])
    await tvDecide(svc, tv, { bluetooth: 'granted', network: 'denied', location: 'denied' })
    await expect.poll(() => title(page)).toBe('电视允许了部分功能')
    expect(await page.locator('#outcomes li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-scope')}:${e.className}`))).toEqual([
      'bluetooth:outcome granted',
      'network:outcome denied',
      'location:outcome denied',
    ])
    expect(await page.locator('#result-next').innerText()).toContain('被拒绝的功能')
    await checkPhoneState(page, 'denied-per-scope')

    const tv2 = await tvCreatePairing(svc)
    const page2 = await phone()
    await requestFromPhone(page2, svc, tv2, ['network'])
    await tvDecide(svc, tv2, { network: 'denied' })
    await expect.poll(() => title(page2)).toBe('电视拒绝了请求')
    expect(await page2.locator('#outcomes li').allInnerTexts()).toEqual(['×\n大屏配网：\n已拒绝'])
    expect(await page2.locator('#result-next').innerText()).toContain('重新开始配对')
    await checkPhoneState(page2, 'denied')
  })

  it('withdrawn on the TV after granting: the phone is told which scope stopped', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const page = await phone()
    await requestFromPhone(page, svc, tv, ['bluetooth', 'location'])
    await tvDecide(svc, tv, { bluetooth: 'granted', location: 'granted' })
    await expect.poll(() => title(page)).toBe('电视已允许')
    await tvWithdraw(svc, tv, ['location'])
    await expect.poll(() => title(page), { timeout: 5000 }).toBe('电视已撤回同意')
    expect(await page.locator('#outcomes li').allInnerTexts()).toEqual(['✓\n蓝牙配对：\n已允许', '×\n附近大屏（定位）：\n已撤回'])
    // Focus moves to the new title so a screen reader reads the change.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('screen-title')
    await checkPhoneState(page, 'withdrawn')
  })

  it('falls back to long-poll where fetch cannot stream, and still hears the TV live', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const page = await phone({ initScript: NO_STREAMING_SCRIPT })
    const requests = collectRequests(page)
    await requestFromPhone(page, svc, tv, ['network'])
    await expect.poll(() => title(page)).toBe('等待电视主人确认')
    await expect.poll(() => requests.urls().filter((u) => /\?wait=25&after=\d+$/.test(u)).length).toBeGreaterThan(0)
    const t0 = Date.now()
    await tvDecide(svc, tv, { network: 'granted' })
    await expect.poll(() => title(page), { timeout: 5000 }).toBe('电视已允许')
    expect(Date.now() - t0).toBeLessThan(3000)
    // No plain polling: only long-polls, so no slow_down.
    expect(requests.urls().filter((u) => new RegExp(`/v1/pairings/${tv.pairing_id}$`).test(u))).toEqual([])
  })
})

describe('phone page: typed code, language, policy', () => {
  it('/link with the keyboard only: code typed in lower case without the dash, Enter, Tab, Space', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc, '会议室大屏')
    const page = await phone()
    await page.goto(`${svc.url}/link`)
    await expect.poll(() => title(page)).toBe('输入电视上的配对码')
    // Focus order from the top of the page: language switch, the code field, its button.
    const order: string[] = []
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab')
      order.push(await page.evaluate(() => document.activeElement?.id ?? ''))
    }
    expect(order).toEqual(['lang', 'code', 'code-submit'])
    await checkPhoneState(page, 'link')
    expect(await page.locator('label[for=code]').innerText()).toBe('配对码')
    await page.keyboard.press('Shift+Tab')
    // A wrong character is named, and the field says it is invalid.
    await page.keyboard.type('wdjb-mj0')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('#code-error').innerText()).toContain('配对码中没有 0')
    expect(await page.locator('#code').getAttribute('aria-invalid')).toBe('true')
    await checkPhoneState(page, 'link-invalid')
    await page.fill('#code', '')
    await page.keyboard.type(` ${tv.user_code.replace('-', '').toLowerCase()} `)
    await page.keyboard.press('Enter')
    await expect.poll(() => title(page)).toBe('核对电视')
    expect(await page.locator('#user-code').innerText()).toBe(tv.user_code)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('screen-title')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm-yes')
    await page.keyboard.press('Enter')
    await expect.poll(() => title(page)).toBe('选择要请求的功能')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('scope-bluetooth')
    await page.keyboard.press('Space')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Space')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('scope-location')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('choose-submit')
    await page.keyboard.press('Enter')
    await expect.poll(() => title(page)).toBe('等待电视主人确认')
    expect((await tvWaitFor(svc, tv, 'consent_pending')).scopes_requested).toEqual(['bluetooth', 'location'])
  })

  it('a code the TV does not show stops the flow ("not my TV")', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const page = await phone()
    await page.goto(`${svc.url}/link?code=${encodeURIComponent(tv.user_code.toLowerCase())}`)
    await expect.poll(() => title(page)).toBe('核对电视')
    await page.tap('#confirm-no')
    await expect.poll(() => title(page)).toBe('请不要继续')
    expect(await page.locator('.ended p').innerText()).toContain('您扫描的可能不是您的电视')
    await checkPhoneState(page, 'mismatch')
    // A reload keeps saying so (the answer is remembered with the session).
    await page.reload()
    await expect.poll(() => title(page)).toBe('请不要继续')
    // And the typed-code page offers to start over with another code.
    await page.tap('#new-code')
    await expect.poll(() => title(page)).toBe('输入电视上的配对码')
  })

  it('English when the browser prefers it; switchable both ways, and remembered', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc, 'Living room TV')
    const page = await phone({ locale: 'en-US' })
    await page.goto(svc.url + qrPath(tv))
    await expect.poll(() => title(page)).toBe('Check your TV')
    expect(await page.locator('html').getAttribute('lang')).toBe('en-US')
    expect(await page.locator('.question').innerText()).toBe(`Does your TV show ${tv.user_code}?`)
    expect(await page.locator('#lang').innerText()).toBe('中文')
    await page.tap('#confirm-yes')
    await expect.poll(() => page.locator('#scope-bluetooth-desc q').count()).toBe(1)
    // The quoted policy text stays Chinese, marked as such.
    expect(await page.locator('#scope-bluetooth-desc q').getAttribute('lang')).toBe('zh-CN')
    await checkPhoneState(page, 'choose-en')
    await page.tap('#lang')
    await expect.poll(() => title(page)).toBe('选择要请求的功能')
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    await page.tap('#lang')
    await expect.poll(() => title(page)).toBe('Choose what to ask for')
    await page.tap('#lang')
    await page.reload()
    await expect.poll(() => title(page)).toBe('选择要请求的功能')
  })

  it('the full policy one tap away: contents, the permission table, SDK cards, live links; Back returns', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const page = await phone()
    await page.goto(svc.url + qrPath(tv))
    await expect.poll(() => title(page)).toBe('核对电视')
    await expect.poll(() => page.locator('#read-full').isVisible()).toBe(true)
    await page.tap('#read-full')
    await expect.poll(() => page.locator('#policy').isVisible()).toBe(true)
    expect(await page.locator('#flow').isVisible()).toBe(false)
    expect(await page.locator('#policy h1').innerText()).toBe('Miitee隐私政策')
    expect(await page.locator('#policy nav li').count()).toBe(12)
    const headers = await page.locator('#policy table thead th').allInnerTexts()
    expect(headers).toEqual(['APP权限名称', 'APP权限值', '用到的地方', '是否用到时才申请/用户确认弹框', '是否是敏感权限'])
    expect(await page.locator('#policy table tbody th').allInnerTexts()).toEqual(expect.arrayContaining(['蓝牙', '定位', '网络']))
    expect(await page.locator('#policy .sdk-card').count()).toBeGreaterThan(3)
    const links = await page.locator('#policy a.policy-link').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))
    expect(links.length).toBeGreaterThan(5)
    expect(links.every((h) => /^(https?:|mailto:)/.test(h))).toBe(true)
    await phoneShot(page, 'policy')
    const v = await axeCheck(page, 'policy')
    expect(seriousOnly(v), describeViolations(seriousOnly(v))).toEqual([])
    // A contents entry jumps to its section.
    await page.tap('#policy nav a[href="#policy-s5"]')
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#policy-s5')
    await expect.poll(() => page.locator('#policy-s5-title').evaluate((e) => Math.round(e.getBoundingClientRect().top))).toBeLessThan(100)
    await phoneShot(page, 'policy-section')
    await page.tap('#policy-back')
    await expect.poll(() => page.locator('#flow').isVisible()).toBe(true)
    expect(await title(page)).toBe('核对电视')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('read-full')
  })
})
