// The phone page's error states in real Chromium at 360×640 against the real service: expired
// link (the service's clock moved by hand), decision window closed, link already used (and the
// TV told), service unreachable mid-flow (stopped, then restarted: the page says so, retries and
// recovers), unreachable while claiming, too many attempts (typed codes and QR claims), invalid
// link, code already taken. Each state: a screenshot and an axe-core check.
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { collectRequests, consoleOf } from './harness/chromium'
import {
  api,
  checkPhoneState,
  cspViolations,
  ManualClock,
  phoneTestBed,
  qrPath,
  qrTokenOf,
  requestFromPhone,
  tvCreatePairing,
  tvDecide,
  tvStatus,
} from './harness/phone'

const { service, phone } = phoneTestBed()

const title = (page: Page) => page.locator('#screen-title').innerText()

function pageErrors(page: Page): string[] {
  return consoleOf(page)
    .filter((l) => l.level === 'pageerror')
    .map((l) => l.text)
}

describe('phone page: errors a person can act on', () => {
  it('expired link: the QR is opened after the pairing’s 300 s', async () => {
    const clock = new ManualClock()
    const svc = await service({ clock })
    const tv = await tvCreatePairing(svc)
    clock.advance(301_000)
    const page = await phone()
    await page.goto(svc.url + qrPath(tv))
    await expect.poll(() => title(page)).toBe('配对码已过期')
    expect(await page.locator('.ended p').innerText()).toContain('扫描新的二维码')
    // The way out for someone who cannot scan: the typed-code page.
    expect(await page.locator('#enter-code').getAttribute('href')).toBe('/link')
    expect((await tvStatus(svc, tv)).state).toBe('expired')
    await checkPhoneState(page, 'expired')
  })

  it('decision window closed: the TV owner never decided', async () => {
    const clock = new ManualClock()
    const svc = await service({ clock })
    const tv = await tvCreatePairing(svc)
    const page = await phone()
    await requestFromPhone(page, svc, tv, ['bluetooth'])
    await expect.poll(() => title(page)).toBe('等待电视主人确认')
    // The countdown follows the service's clock (2030 here), not the phone's.
    expect(await page.locator('#time-left').innerText()).toBe('剩余时间 15:00')
    clock.advance(901_000)
    await expect.poll(() => title(page), { timeout: 5000 }).toBe('请求已超时')
    expect(await page.locator('.ended p').innerText()).toContain('没有在时限内作出选择')
    await checkPhoneState(page, 'window-closed')
  })

  it('link already used: presenting the QR token again cancels the pairing, and the TV is told', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    // Another phone got there first with the same QR link.
    const first = await api(svc, 'POST', '/v1/claims', { body: { qr_token: qrTokenOf(tv), phone_name: 'Other phone' } })
    expect(first.status).toBe(201)
    // The TV is waiting on a long-poll for what happens next.
    const tvHears = api(svc, 'GET', `/v1/pairings/${tv.pairing_id}?wait=20`, { token: tv.tv_token })
    const page = await phone()
    await page.goto(svc.url + qrPath(tv))
    await expect.poll(() => title(page)).toBe('此链接已被使用过')
    expect(await page.locator('.ended p').innerText()).toContain('电视上会说明取消的原因')
    const heard = await tvHears
    expect(heard.status).toBe(200)
    expect(heard.json.state).toBe('revoked')
    await checkPhoneState(page, 'used')
  })

  it('a second tab on the same link: that tab says "used", the first tab hears the cancellation', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const a = await phone()
    await a.goto(svc.url + qrPath(tv))
    await expect.poll(() => title(a)).toBe('核对电视')
    // A new context has its own sessionStorage: like opening the link on another phone.
    const b = await phone()
    // Lower-case path and token: the link is read case-insensitively.
    await b.goto(svc.url + qrPath(tv).toLowerCase())
    await expect.poll(() => title(b)).toBe('此链接已被使用过')
    await expect.poll(() => title(a), { timeout: 5000 }).toBe('配对已取消')
    expect((await tvStatus(svc, tv)).state).toBe('revoked')
    await checkPhoneState(a, 'cancelled')
  })

  it('service unreachable mid-flow: says so, retries with backoff, recovers when the service is back', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const page = await phone()
    await requestFromPhone(page, svc, tv, ['network'])
    await expect.poll(() => title(page)).toBe('等待电视主人确认')
    await svc.stop()
    await expect.poll(() => page.locator('#net-msg').innerText(), { timeout: 10_000 }).toBe('无法连接到配对服务，正在自动重试。请检查手机网络。')
    expect(await page.locator('.net-extra').isVisible()).toBe(true)
    await expect.poll(() => page.locator('.net-next').innerText()).toMatch(/^第 \d+ 次重试：\d+ 秒后。$/)
    expect(await page.locator('#net-msg').getAttribute('role')).toBe('status')
    // The screen stays where it was; the "live" mark is gone.
    expect(await title(page)).toBe('等待电视主人确认')
    expect(await page.locator('#live').isVisible()).toBe(false)
    await checkPhoneState(page, 'unreachable')
    // It keeps trying while the service is down (the attempt number grows).
    const attempt = async () => Number(/第 (\d+) 次/.exec(await page.locator('.net-next').innerText())?.[1] ?? 0)
    const first = await attempt()
    await expect.poll(attempt, { timeout: 10_000 }).toBeGreaterThan(first)

    await svc.restart()
    await expect.poll(() => page.locator('#net-msg').innerText(), { timeout: 20_000 }).toBe('已重新连接。')
    expect(await page.locator('.net-extra').isVisible()).toBe(false)
    await checkPhoneState(page, 'reconnected')
    await tvDecide(svc, tv, { network: 'granted' })
    await expect.poll(() => title(page), { timeout: 5000 }).toBe('电视已允许')
    expect(pageErrors(page)).toEqual([])
    expect(await cspViolations(page)).toEqual([])
  })

  it('unreachable while claiming: the claim is retried (and "Retry now" works), the link is not burnt', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const page = await phone()
    let refused = 0
    await page.route('**/v1/claims', async (route) => {
      if (refused < 2) {
        refused++
        return route.abort('connectionrefused')
      }
      return route.continue()
    })
    await page.goto(svc.url + qrPath(tv))
    await expect.poll(() => page.locator('#net-msg').innerText()).toBe('无法连接到配对服务，正在自动重试。请检查手机网络。')
    expect(await title(page)).toBe('正在连接电视…')
    await checkPhoneState(page, 'unreachable-claim')
    await expect.poll(() => refused).toBe(2)
    await page.tap('#retry-now')
    await expect.poll(() => title(page)).toBe('核对电视')
    expect((await tvStatus(svc, tv)).state).toBe('claimed')
  })

  it('too many attempts with typed codes: told how long to wait, the button waits too', async () => {
    const svc = await service({ clock: new ManualClock(), config: { limits: { claimsPerIp: 3 } } })
    await tvCreatePairing(svc)
    const page = await phone()
    const requests = collectRequests(page)
    await page.goto(`${svc.url}/link`)
    for (const code of ['BCDF-GHJK', 'BCDF-GHJL', 'BCDF-GHJM']) {
      await page.fill('#code', code)
      await page.tap('#code-submit')
      await expect.poll(() => page.locator('#code-error').innerText()).toBe('没有电视显示这个配对码。请核对电视屏幕上的配对码。')
      await page.fill('#code', '')
    }
    await checkPhoneState(page, 'link-unknown')
    await page.fill('#code', 'BCDF-GHJN')
    await page.tap('#code-submit')
    await expect.poll(() => page.locator('#code-error').innerText()).toBe('尝试次数过多。为了安全，请 10 分钟后再试。')
    expect(await page.locator('#code-submit').isDisabled()).toBe(true)
    await checkPhoneState(page, 'rate-limited')
    // No further request while the wait lasts, whatever is typed.
    const claims = requests.entries.filter((r) => r.url.endsWith('/v1/claims')).length
    await page.fill('#code', 'BCDF-GHJP')
    await page.press('#code', 'Enter')
    await page.waitForTimeout(300)
    expect(requests.entries.filter((r) => r.url.endsWith('/v1/claims')).length).toBe(claims)
  })

  it('too many attempts on a QR claim: a wait with a retry button', async () => {
    // QR claims spend no guessing budget; the limit per pairing (over its 900 s) counts them.
    const svc = await service({ clock: new ManualClock(), config: { limits: { claimsPerPairing: 1 } } })
    const other = await tvCreatePairing(svc)
    await api(svc, 'POST', '/v1/claims', { body: { user_code: other.user_code, phone_name: 'x' } })
    const page = await phone()
    await page.goto(svc.url + qrPath(other))
    await expect.poll(() => title(page)).toBe('尝试次数过多')
    expect(await page.locator('#blocked-retry').isDisabled()).toBe(true)
    expect(await page.locator('.card p').first().innerText()).toContain('15 分钟')
    await checkPhoneState(page, 'blocked')
  })

  it('policy unavailable: the flow goes on, the page says so and loads it on request', async () => {
    const svc = await service()
    const tv = await tvCreatePairing(svc)
    const page = await phone()
    await page.route('**/policy/**', (route) => route.abort('connectionrefused'))
    await page.goto(svc.url + qrPath(tv))
    await expect.poll(() => page.locator('.summary-body').innerText()).toContain('隐私政策暂时无法加载。')
    expect(await page.locator('#read-full').isVisible()).toBe(false)
    await page.tap('#confirm-yes')
    expect(await page.locator('#scope-bluetooth-desc').innerText()).toContain('政策依据暂时无法加载。')
    await checkPhoneState(page, 'policy-unavailable')
    await page.unroute('**/policy/**')
    await page.tap('.summary-body button')
    await expect.poll(() => page.locator('#scope-bluetooth-desc q').innerText()).toBe('附近大屏、大屏配网、大屏遥控、大屏名称')
    expect(await page.locator('#read-full').isVisible()).toBe(true)
  })

  it('a damaged link and a code another phone took', async () => {
    const svc = await service()
    const page = await phone()
    await page.goto(`${svc.url}/P/NOT-A-TOKEN`)
    await expect.poll(() => title(page)).toBe('链接无效')
    await checkPhoneState(page, 'invalid-link')

    const tv = await tvCreatePairing(svc)
    expect((await api(svc, 'POST', '/v1/claims', { body: { user_code: tv.user_code, phone_name: 'Other phone' } })).status).toBe(201)
    const page2 = await phone()
    await page2.goto(`${svc.url}/link`)
    await page2.fill('#code', tv.user_code)
    await page2.tap('#code-submit')
    await expect.poll(() => page2.locator('#code-error').innerText()).toContain('这台电视已经与另一部手机配对')
    await checkPhoneState(page2, 'taken')
  })
})
