// Issue 18, "states that recover", in Chromium against the real service (its own process, the TV
// reaching it through a proxy that can take the API away) and the real phone page, zh-CN and
// en-US, voice guidance on (speech recorded):
// - the service restarts with a phone's claim in its memory: the TV says within seconds that the
//   service cannot be reached (retry countdown), then shows a new code and says the phone's
//   request ended; the new QR pairs;
// - #pair while the service is down: says so with the countdown to the next try, no QR, no raw
//   error, and a code once it is back;
// - a claimed QR gives way to the phone's name and what comes next; scanned again, the service
//   cancels the pairing and the TV and both phones say so;
// - after sending: what was recorded per scope and what the phone may now do, the granted scopes
//   handed to the bridge's onProvisioning.
// Every expected text comes from the app's strings. Screenshots: artifacts/screenshots/tv-recovery-*.png, phone-recovery-*.png.
import { readFileSync } from 'node:fs'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { STRINGS } from '../../src/phone/i18n'
import { splitSentences } from '../../src/core/speech/sentences'
import { translate, type StringKey } from '../../src/tv/i18n/strings'
import { spokenForm } from '../../src/tv/voice/announcements'
import { launchChromium, screenshot, type ChromiumSession } from './harness/chromium'
import { requireBuild, sleep } from './harness/common'
import { decodeQrPng, openableUrl, pairState, startApiProxy, startServiceProcess, waitForPair, type ApiProxy, type PairHookState, type ServiceProcess } from './harness/pairing'
import { newPhoneContext, phoneShot } from './harness/phone'
import { heard, SPEECH_RECORDER, type Spoken } from './harness/speech'
import { hookState, screenTexts } from './harness/tv'
import { key, launchAndAccept, openMenuEntry, PHONE_TEXT, phoneTitle, requirePhoneBuild, type Lang } from './tv-consent-helpers'

const PHONE_NAME = 'Pixel 8' // what the phone page derives from its user agent (harness/phone.ts)

/** A bridge like the browser default, recording what onProvisioning is handed. */
const RECORDING_BRIDGE = `(function () {
  var P = 'miitee.';
  var kv = {
    get: function (k) { return localStorage.getItem(P + k); },
    set: function (k, v) { localStorage.setItem(P + k, v); },
    remove: function (k) { localStorage.removeItem(P + k); },
    clear: function () { Object.keys(localStorage).filter(function (k) { return k.indexOf(P) === 0; }).forEach(function (k) { localStorage.removeItem(k); }); }
  };
  window.__provisioned = [];
  window.MiiteePlatformBridge = {
    identity: function () {
      if (!kv.get('device-id')) kv.set('device-id', 'browser-' + '7a'.repeat(16));
      return { id: kv.get('device-id'), name: 'Miitee TV', firmwareVersion: 'browser' };
    },
    storage: function () { return kv; },
    onProvisioning: function (scopes, grant) {
      window.__provisioned.push({ scopes: scopes.slice(), pairingId: grant.pairingId, receiptId: grant.receiptId, phoneName: grant.phoneName });
    }
  };
})();`

/** A UI string template as a pattern, each `{name}` in `fills` matching its pattern. */
function templatePattern(lang: Lang, k: StringKey, fills: Record<string, string>, literal: Record<string, string> = {}): RegExp {
  const markers = Object.fromEntries(Object.keys(fills).map((n, i) => [n, `\u0000${i}\u0000`]))
  let text = translate(lang, k, { ...literal, ...markers }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  for (const [n, m] of Object.entries(markers)) text = text.replace(m, fills[n])
  return new RegExp(`^${text}$`)
}

const secondsPattern = (lang: Lang) => templatePattern(lang, 'pairUnreachable', { seconds: '(\\d+)' })

describe('States that recover (Chromium, the service as a process behind a proxy, the phone page)', () => {
  let svc: ServiceProcess
  let proxy: ApiProxy
  let chromium: ChromiumSession
  let tv: Page
  const phones: BrowserContext[] = []

  const t = (lang: Lang, k: StringKey, vars?: Record<string, string | number>) => translate(lang, k, vars)
  const spoken = () => tv.evaluate<Spoken[]>('window.__spoken.slice()')
  /** Waits until the first sentence of `text` (a UI string) has been said in `lang`. */
  const said = (lang: Lang, text: string) => {
    const first = splitSentences(spokenForm(text, (k) => translate(lang, k)))[0]
    return heard(spoken, (s) => s.text === first && s.lang === lang, `"${first}" said`, 10_000)
  }
  /** Whether `text` is on screen as one element (its lines broken anywhere). */
  const norm = (x: string) => x.replace(/\s+/g, '')
  const shows = async (text: string) => (await screenTexts(tv)).some((x) => norm(x) === norm(text))
  /** Waits until a sentence like the first of UI string `k` (its seconds any number) has been said. */
  const saidLike = (lang: Lang, k: StringKey) => {
    const first = splitSentences(spokenForm(translate(lang, k, { seconds: 999 }), (x) => translate(lang, x)))[0]
    const pattern = new RegExp(`^${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('999', '\\d+')}$`)
    return heard(spoken, (s) => pattern.test(s.text) && s.lang === lang, `${pattern} said`, 10_000)
  }

  async function newPhone(lang: Lang): Promise<Page> {
    const { context, page } = await newPhoneContext(chromium.browser, { locale: lang })
    phones.push(context)
    return page
  }

  /** Fresh box in `lang` → 同意 → 配对手机: a code waiting, its QR read from a screenshot. */
  async function pairPage(lang: Lang, shot: string): Promise<{ shown: PairHookState; qrText: string }> {
    await launchAndAccept(tv, `${proxy.url}?voiceGuidance=on`, lang)
    await openMenuEntry(tv, 'pair')
    const shown = await waitForPair(tv, (s) => s.phase === 'waiting' && !!s.qrUrl, 'waiting with a code')
    const qr = decodeQrPng(readFileSync((await screenshot(tv, `tv-recovery-${shot}-${lang}`)).path))
    expect(qr?.text).toBe(shown.qrUrl)
    return { shown, qrText: qr!.text }
  }

  /** A phone opens `qrText` and confirms the code: the TV shows it as claimed. */
  async function phoneClaims(lang: Lang, qrText: string): Promise<Page> {
    const phone = await newPhone(lang)
    await phone.goto(openableUrl(qrText))
    await expect.poll(() => phoneTitle(phone)).toBe(PHONE_TEXT[lang].confirm)
    await waitForPair(tv, (s) => s.phase === 'claimed', 'claimed')
    return phone
  }

  beforeAll(async () => {
    requireBuild()
    await requirePhoneBuild()
    svc = await startServiceProcess()
    proxy = await startApiProxy(svc.port)
    chromium = await launchChromium()
    await chromium.context.addInitScript(SPEECH_RECORDER)
    await chromium.context.addInitScript(RECORDING_BRIDGE)
    tv = chromium.page
  })
  // Each test starts with the service up, whatever the one before left.
  beforeEach(async () => {
    proxy.up()
    if (!svc.running) await svc.restart()
  })
  afterAll(async () => {
    for (const c of phones) await c.close().catch(() => {})
    await chromium?.close()
    await proxy?.close()
    await svc?.close()
  })

  for (const lang of ['zh-CN', 'en-US'] as Lang[]) {
    it(`${lang}: the service restarts with a claim in memory: the TV says it cannot reach it (next try counted down), then a new code and that the phone's request ended; the new QR pairs`, async () => {
      const { shown, qrText } = await pairPage(lang, 'restart-waiting')
      await phoneClaims(lang, qrText)

      // Down: the claimed state says so, with the seconds to the next try.
      await svc.stop('SIGTERM')
      const stoppedAt = Date.now()
      const offline = await waitForPair(tv, (s) => s.offline === true && !!s.trouble && secondsPattern(lang).test(s.trouble), 'offline with a countdown', 10_000)
      console.log(`${lang}: the TV showed the outage ${Date.now() - stoppedAt} ms after the service stopped: "${offline.trouble}"`)
      expect(offline.phase).toBe('claimed')
      expect(await shows(offline.trouble!)).toBe(true)
      await saidLike(lang, 'pairUnreachable')
      await screenshot(tv, `tv-recovery-claimed-offline-${lang}`)

      // Back, without the pairing: a new code within seconds, and the phone's request said to have ended.
      await svc.restart()
      const restartedAt = Date.now()
      const fresh = await waitForPair(tv, (s) => s.phase === 'waiting' && !!s.pairingId && s.pairingId !== shown.pairingId, 'a new code', 15_000)
      const noticeMs = Date.now() - restartedAt
      console.log(`${lang}: new code ${noticeMs} ms after the restarted service listened`)
      expect(fresh.notice).toBe('ended')
      expect(fresh.offline).toBe(false)
      const notice = t(lang, 'pairNoticeEnded', { phone: PHONE_NAME })
      expect(await shows(notice)).toBe(true)
      await said(lang, notice)
      const shot = await screenshot(tv, `tv-recovery-restarted-${lang}`)
      const qr = decodeQrPng(readFileSync(shot.path))
      expect(qr?.text).toBe(fresh.qrUrl)

      // The new QR works: no rescan loop.
      const phone = await phoneClaims(lang, qr!.text)
      const claimed = await pairState(tv)
      expect(claimed?.pairingId).toBe(fresh.pairingId)
      expect(claimed?.notice).toBeUndefined()
      await phoneShot(phone, `recovery-restarted-claim-${lang}`)
    })

    it(`${lang}: #pair while the service is down says it cannot be reached and counts down to the next try (no QR, no raw error); a code once it is back`, async () => {
        await launchAndAccept(tv, `${proxy.url}?voiceGuidance=on`, lang)
      proxy.down('refuse')
      try {
        await openMenuEntry(tv, 'pair')
        expect((await hookState(tv)).route).toBe('pair')
        const first = await waitForPair(tv, (s) => s.phase === 'error' && !!s.trouble && secondsPattern(lang).test(s.trouble), 'the retry countdown', 15_000)
        expect(first.qrShown).toBe(false)
        const texts = await screenTexts(tv)
        expect(await shows(first.trouble!)).toBe(true)
        expect(await shows(t(lang, 'pairScan'))).toBe(false)
        expect(texts.some((x) => /Network Error|ERR_|Error/.test(x)), texts.join(' | ')).toBe(false)
        await saidLike(lang, 'pairUnreachable')
        const shot = await screenshot(tv, `tv-recovery-down-${lang}`)
        expect(decodeQrPng(readFileSync(shot.path))).toBeNull()
        // The countdown moves: over a few seconds, some reading shows fewer seconds than the one before.
        const seen: number[] = []
        for (let i = 0; i < 16; i++) {
          const m = secondsPattern(lang).exec((await pairState(tv))?.trouble ?? '')
          if (m) seen.push(Number(m[1]))
          await sleep(250)
        }
        expect(seen.some((n, i) => i > 0 && n < seen[i - 1]), `seconds seen: ${seen.join(',')}`).toBe(true)
      } finally {
        proxy.up()
      }
      const back = await waitForPair(tv, (s) => s.phase === 'waiting' && !!s.qrUrl, 'a code once the service is back', 20_000)
      expect(back.trouble).toBeUndefined()
      expect(await shows(t(lang, 'pairScan'))).toBe(true)
    })

    it(`${lang}: once claimed the QR gives way to the phone's name, the code to check and what comes next; scanned again, the pairing is cancelled and the TV and both phones say why`, async () => {
      const { shown, qrText } = await pairPage(lang, 'reuse-waiting')
      const first = await phoneClaims(lang, qrText)
      const claimed = await pairState(tv)
      expect(claimed?.qrShown).toBe(false)
      for (const x of [t(lang, 'pairClaimed', { phone: PHONE_NAME }), t(lang, 'pairClaimedCheck'), shown.userCode!, t(lang, 'pairClaimedNext')]) expect(await shows(x), x).toBe(true)
      expect(await shows(t(lang, 'pairScan'))).toBe(false)
      await said(lang, t(lang, 'pairClaimedNext'))
      // The code to check is drawn whole: its texture is as wide as its glyphs and their spacing.
      const drawn = await tv.evaluate((code) => {
        let found: any = null
        const walk = (el: any) => {
          if (el.texture && el.texture.text === code) found = el
          else if (el.childList) el.childList.forEach(walk)
        }
        walk((window as any).__miitee.app.stage.root)
        const settings = found.texture
        const ctx = document.createElement('canvas').getContext('2d')!
        ctx.font = `${settings.fontSize}px ${settings.fontFace}`
        return { width: found.renderWidth as number, glyphs: ctx.measureText(code).width + (settings.letterSpacing ?? 0) * (code.length - 1) }
      }, shown.userCode!)
      expect(drawn.width, JSON.stringify(drawn)).toBeGreaterThanOrEqual(drawn.glyphs - 2)
      const shot = await screenshot(tv, `tv-recovery-claimed-${lang}`)
      expect(decodeQrPng(readFileSync(shot.path)), 'no QR on screen after the claim').toBeNull()

      // A second scan of the same QR (a photo of it, another phone): the service cancels the pairing.
      const second = await newPhone(lang)
      await second.goto(openableUrl(qrText))
      const p = STRINGS[lang]
      await expect.poll(() => phoneTitle(second)).toBe(p.endedTitle.used)
      expect(await second.locator('.ended p').innerText()).toContain(p.endedBody.used)
      await expect.poll(() => phoneTitle(first), { timeout: 10_000 }).toBe(p.endedTitle.cancelled)
      expect(await first.locator('.ended p').innerText()).toContain(p.endedBody.cancelled)

      // The TV tells it as both phones are told: cancelled for safety, a new QR to scan.
      const fresh = await waitForPair(tv, (s) => s.phase === 'waiting' && !!s.pairingId && s.pairingId !== shown.pairingId, 'a new code', 10_000)
      expect(fresh.notice).toBe('cancelled')
      const notice = t(lang, 'pairNoticeCancelled', { phone: PHONE_NAME })
      expect(await shows(notice)).toBe(true)
      await said(lang, notice)
      const after = await screenshot(tv, `tv-recovery-reused-${lang}`)
      expect(decodeQrPng(readFileSync(after.path))?.text).toBe(fresh.qrUrl)
      await phoneShot(second, `recovery-reused-second-${lang}`)
      await phoneShot(first, `recovery-reused-first-${lang}`)
    })

    it(`${lang}: after sending, the TV shows what was recorded per scope and what the phone may now do, and hands the granted scopes to onProvisioning`, async () => {
      const { qrText } = await pairPage(lang, 'sent-waiting')
      const phone = await phoneClaims(lang, qrText)
      await phone.tap('#confirm-yes')
      await expect.poll(() => phoneTitle(phone)).toBe(PHONE_TEXT[lang].choose)
      for (const s of ['bluetooth', 'network']) await phone.tap(`label[for=scope-${s}]`)
      await phone.tap('#choose-submit')
      const asked = await waitForPair(tv, (s) => s.phase === 'consent', 'consent')
      await key(tv, 'Left') // bluetooth: 允许
      await key(tv, 'Enter')
      await key(tv, 'Down')
      await key(tv, 'Right') // network: 拒绝
      await key(tv, 'Enter')
      await key(tv, 'Down') // 检查并发送
      await key(tv, 'Enter')
      await key(tv, 'Enter') // 发送
      const recorded = await waitForPair(tv, (s) => s.phase === 'recorded', 'recorded')
      expect(recorded.decisions).toEqual({ bluetooth: 'granted', network: 'denied' })

      const allow = t(lang, 'consentAllow')
      const deny = t(lang, 'consentDeny')
      const scopeName = (k: StringKey) => t(lang, k).split(/[：:]/)[0].trim()
      const colon = lang === 'zh-CN' ? '：' : ': '
      const lines = [`${scopeName('scopeBluetooth')}${colon}${allow} · ${t(lang, 'pairMayBluetooth')}`, `${scopeName('scopeNetwork')}${colon}${deny} · ${t(lang, 'pairMayNotNetwork')}`]
      expect(recorded.lines).toEqual(lines)
      for (const x of [t(lang, 'pairRecorded'), t(lang, 'pairRecordedNext'), t(lang, 'pairAgain')]) expect(await shows(x), x).toBe(true)
      expect(await shows(t(lang, 'pairScan'))).toBe(false)
      await said(lang, t(lang, 'pairMayBluetooth'))
      await said(lang, t(lang, 'pairRecordedNext'))
      await screenshot(tv, `tv-recovery-recorded-${lang}`)

      // Firmware is handed the granted scope, once.
      await expect.poll(() => tv.evaluate(() => (window as any).__provisioned)).toEqual([expect.objectContaining({ scopes: ['bluetooth'], pairingId: asked.pairingId, phoneName: PHONE_NAME })])

      // The phone says what it may do and that the TV lists it too (no pointing at instructions the TV lacks).
      const p = STRINGS[lang]
      await expect.poll(() => phoneTitle(phone), { timeout: 5000 }).toBe(p.resultTitle.partial)
      const body = await phone.locator('body').innerText()
      expect(body).toContain(p.resultNext.partial)
      await phoneShot(phone, `recovery-recorded-${lang}`)
    })
  }
})
