// Hidden and visible (issue 17): leaving the app (visibilitychange with document.hidden, as Tizen
// and webOS fire it; or the platform bridge's suspend, as a Firebolt adapter reports it) closes the pairing
// event stream and stops the countdown; back in view, the TV re-reads the pairing's status,
// reopens the stream from the last event and shows what happened meanwhile (a phone claimed the
// code while the TV was hidden). The built app against the real service, zh-CN and en-US.
// Headless Chromium keeps every page visible and ignores DevTools' Page.setWebLifecycleState
// 'frozen' for a visible page (no freeze event fires), so the hiding is dispatched in the page.
// Screenshots: artifacts/screenshots/tv-lifecycle-*.png.
import type { Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, screenshot, type ChromiumSession } from './harness/chromium'
import { requireBuild, sleep } from './harness/common'
import { pairState, startServiceProcess, waitForPair, type ServiceProcess } from './harness/pairing'
import { hookState, screenTexts } from './harness/tv'
import { backToContents, launchAndAccept, openMenuEntry, type Lang } from './tv-consent-helpers'

const EVENTS = /\/v1\/pairings\/[^/?]+\/events$/
const STATUS_READ = /\/v1\/pairings\/[^/?]+\?wait=0&/

interface Traffic {
  opened: Request[]
  closed: Request[]
  statusReads: Request[]
}

function watch(page: Page): Traffic {
  const t: Traffic = { opened: [], closed: [], statusReads: [] }
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname + new URL(r.url()).search
    if (EVENTS.test(new URL(r.url()).pathname)) t.opened.push(r)
    else if (STATUS_READ.test(path)) t.statusReads.push(r)
  })
  const ended = (r: Request) => {
    if (EVENTS.test(new URL(r.url()).pathname)) t.closed.push(r)
  }
  page.on('requestfailed', ended)
  page.on('requestfinished', ended)
  return t
}

/** What Tizen and webOS do when the viewer leaves or returns: document.hidden flips, visibilitychange fires. */
function setDocumentHidden(page: Page, hidden: boolean): Promise<void> {
  return page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h })
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
}

/** The countdown line on the pair page ("… 4:12"), as drawn. */
async function countdown(page: Page): Promise<string> {
  const texts = await screenTexts(page)
  const line = texts.find((t) => !t.includes('://') && /(^|\D)\d{1,2}:\d\d($|\D)/.test(t))
  if (!line) throw new Error(`no countdown on screen: ${texts.join(' | ')}`)
  return line
}

const lifecycleOf = (h: object) => (h as { lifecycle?: string }).lifecycle

/**
 * A platform bridge whose suspend / resume the test drives (`window.__platformVisible(false|true)`),
 * as an OEM's Firebolt adapter reports its Lifecycle, and a Tizen input device that records the
 * keys the app registers at start.
 */
const PLATFORM_SCRIPT = `(function () {
  var P = 'miitee.', listeners = [];
  var kv = {
    get: function (k) { return localStorage.getItem(P + k); },
    set: function (k, v) { localStorage.setItem(P + k, v); },
    remove: function (k) { localStorage.removeItem(P + k); },
    clear: function () { Object.keys(localStorage).filter(function (k) { return k.indexOf(P) === 0; }).forEach(function (k) { localStorage.removeItem(k); }); }
  };
  window.__platformVisible = function (v) { listeners.forEach(function (l) { l(v); }); };
  window.__registeredKeys = [];
  window.tizen = { tvinputdevice: {
    getSupportedKeys: function () { return ['ChannelUp', 'ChannelDown', 'ColorF0Red', 'ColorF1Green', 'ColorF2Yellow', 'ColorF3Blue', 'MediaPlayPause', 'VolumeUp'].map(function (n, i) { return { name: n, code: 400 + i }; }); },
    registerKey: function (n) { window.__registeredKeys.push(n); }
  } };
  window.MiiteePlatformBridge = {
    identity: function () { if (!kv.get('device-id')) kv.set('device-id', 'browser-' + '7a'.repeat(16)); return { id: kv.get('device-id'), name: 'Miitee TV', firmwareVersion: 'test' }; },
    storage: function () { return kv; },
    provisioningAuthorized: function () {},
    onVisibility: function (l) { listeners.push(l); return function () { listeners = listeners.filter(function (x) { return x !== l; }); }; }
  };
})();`

async function until(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(100)
  }
}

/** A phone claiming the shown code by typing it (the service's API, as the phone page sends it). */
async function claimByCode(svcUrl: string, userCode: string): Promise<void> {
  const res = await fetch(`${svcUrl}/v1/claims`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_code: userCode, phone_name: 'Pixel 8' }) })
  // The answer carries the phone's token: only its status is shown.
  expect(res.status).toBe(201)
}

describe('Hidden and visible: the pairing stream and the countdown pause and resume (Chromium)', () => {
  let svc: ServiceProcess
  let chromium: ChromiumSession

  beforeAll(async () => {
    requireBuild()
    svc = await startServiceProcess()
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
    await svc?.close()
  })

  async function openPair(lang: Lang): Promise<{ tv: Page; traffic: Traffic }> {
    const tv = await chromium.newPage()
    const traffic = watch(tv)
    await launchAndAccept(tv, `${svc.url}/`, lang)
    await openMenuEntry(tv, 'pair')
    expect((await hookState(tv)).route).toBe('pair')
    await waitForPair(tv, (s) => s.phase === 'waiting', 'a code')
    await until('the event stream', () => traffic.opened.length === 1)
    return { tv, traffic }
  }

  it('zh-CN, visibilitychange: hidden closes the stream and stops the countdown; visible re-reads the status, reopens from the last event and shows the phone that claimed meanwhile', async () => {
    const { tv, traffic } = await openPair('zh-CN')
    await sleep(1500)
    await setDocumentHidden(tv, true)
    await until('the stream closed', () => traffic.closed.length === 1, 3000)
    expect(lifecycleOf(await hookState(tv))).toBe('paused')
    const frozenAt = await countdown(tv)

    // Hidden: nothing reopens, the countdown stands still, and a phone claims the code.
    const code = (await pairState(tv))!.userCode!
    await claimByCode(svc.url, code)
    await sleep(2500)
    expect(traffic.opened).toHaveLength(1)
    expect(traffic.statusReads).toHaveLength(0)
    expect(await countdown(tv)).toBe(frozenAt)
    expect((await pairState(tv))!.phase).toBe('waiting')

    await setDocumentHidden(tv, false)
    await until('the stream reopened', () => traffic.opened.length === 2)
    expect(traffic.statusReads).toHaveLength(1)
    expect(traffic.statusReads[0].headers()['authorization']).toMatch(/^Bearer /)
    const lastEventId = Number(traffic.opened[1].headers()['last-event-id'])
    expect(lastEventId).toBeGreaterThan(0)
    expect(lifecycleOf(await hookState(tv))).toBe('active')
    await waitForPair(tv, (s) => s.phase === 'claimed', 'the claim made while hidden', 3000)
    await screenshot(tv, 'tv-lifecycle-resumed-claimed-zh-CN')
    await backToContents(tv)
    await tv.close()
  }, 120_000)

  it("en-US, the platform bridge's suspend / resume (a Firebolt-style lifecycle): the stream closes and reopens, the countdown runs again; the Tizen keys were registered at start", async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 })
    await context.addInitScript(PLATFORM_SCRIPT)
    const tv = await context.newPage()
    const traffic = watch(tv)
    await launchAndAccept(tv, `${svc.url}/`, 'en-US')
    expect(await tv.evaluate(() => (window as any).__registeredKeys)).toEqual(['ChannelUp', 'ChannelDown', 'ColorF0Red', 'ColorF1Green', 'ColorF2Yellow', 'ColorF3Blue', 'MediaPlayPause'])
    await openMenuEntry(tv, 'pair')
    await waitForPair(tv, (s) => s.phase === 'waiting', 'a code')
    await until('the event stream', () => traffic.opened.length === 1)

    await tv.evaluate(() => (window as any).__platformVisible(false))
    await until('the stream closed', () => traffic.closed.length === 1, 3000)
    expect(lifecycleOf(await hookState(tv))).toBe('paused')
    const frozenAt = await countdown(tv)
    await sleep(2500)
    expect(traffic.opened).toHaveLength(1)
    expect(await countdown(tv)).toBe(frozenAt)

    await tv.evaluate(() => (window as any).__platformVisible(true))
    await until('the stream reopened', () => traffic.opened.length === 2)
    expect(traffic.statusReads).toHaveLength(1)
    expect(Number(traffic.opened[1].headers()['last-event-id'])).toBeGreaterThan(0)
    expect(lifecycleOf(await hookState(tv))).toBe('active')
    // Back in view the countdown shows the time now at once, having lost the 2.5 s it stood still.
    expect(await countdown(tv)).not.toBe(frozenAt)
    expect((await pairState(tv))!.phase).toBe('waiting')
    await screenshot(tv, 'tv-lifecycle-resumed-en-US')
    await backToContents(tv)
    await context.close()
  }, 120_000)
})
