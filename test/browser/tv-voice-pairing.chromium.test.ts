// Pairing with voice guidance on, in Chromium against the real pairing service (its own process)
// and the real phone page: on #pair the user code is spelled and the URL said once; the claiming
// phone is named; each requested scope is said, as it is focused, with the policy row it quotes
// (in the policy's language, also in an English UI); the answer recorded is said. speechSynthesis is
// the recorder of harness/speech.ts; every expected text comes from the app's i18n strings, the
// pairing speech helpers, the sentence splitter and the served policy, not from copies.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PolicyDocument } from '../../src/core/policy/model'
import { scopeQuote } from '../../src/core/policy/scopes'
import type { Scope } from '../../src/core/protocol'
import { splitSentences } from '../../src/core/speech/sentences'
import { decisionsText, spelledCode } from '../../src/tv/features/pairing/pages/pairSpeech'
import { SCOPE_LABEL } from '../../src/tv/features/pairing/widgets/scopeLabels'
import { translate, type StringKey, type UiLanguage } from '../../src/tv/i18n/strings'
import { spokenForm } from '../../src/tv/voice/announcements'
import { launchChromium, openApp, press, screenshot, type ChromiumSession } from './harness/chromium'
import { BUILD_DIR, requireBuild, sleep, type RemoteKey } from './harness/common'
import { openableUrl, startServiceProcess, waitForPair, type ServiceProcess } from './harness/pairing'
import { newPhoneContext } from './harness/phone'
import { heard, SPEECH_RECORDER, type Spoken } from './harness/speech'
import { hookState, menuState, screenTexts, servedPolicyEntry, waitForFirstRoute } from './harness/tv'

const SCOPES: Scope[] = ['bluetooth', 'network']

/** The served policy, as the TV loads it: the rows its consent overlay quotes. */
function servedPolicy(): PolicyDocument {
  return JSON.parse(readFileSync(join(BUILD_DIR, 'static', servedPolicyEntry().path), 'utf8')) as PolicyDocument
}

/** Each sentence of a UI string, as the announcer queues it, in the UI language. */
const sentences = (lang: UiLanguage, text: string) => splitSentences(spokenForm(text, (k) => translate(lang, k))).map((t) => ({ text: t, lang }))

/** A UI string template as a pattern, `{name}` matching `fill`. */
function templatePattern(lang: UiLanguage, key: StringKey, name: string, fill: string): RegExp {
  const marker = '\u0000'
  const escaped = translate(lang, key, { [name]: marker }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replace(marker, fill)}$`)
}

describe('TV pairing with voice guidance (Chromium, the service as a process, the phone page)', () => {
  let svc: ServiceProcess
  let chromium: ChromiumSession
  const phones: BrowserContext[] = []
  const tv = () => chromium.page
  const key = (k: RemoteKey, times = 1) => press(tv(), k, { times })
  const spoken = () => tv().evaluate<Spoken[]>('window.__spoken.slice()')
  const clear = () => tv().evaluate('window.__spoken.length = 0')
  const until = (test: (s: Spoken) => boolean, what: string) => heard(spoken, test, what, 10_000)
  const doc = servedPolicy()

  beforeAll(async () => {
    requireBuild()
    const phonePage = join(BUILD_DIR, 'phone', 'index.html')
    for (let i = 0; i < 120 && !existsSync(phonePage); i++) await sleep(1000)
    if (!existsSync(phonePage)) throw new Error(`${phonePage} is missing: npm run build runs build:phone`)
    svc = await startServiceProcess()
    chromium = await launchChromium()
    await chromium.context.addInitScript(SPEECH_RECORDER)
  })
  afterAll(async () => {
    for (const c of phones) await c.close().catch(() => {})
    await chromium?.close()
    await svc?.close()
  })

  /** On the contents list or settings: Down/Up to `id`, then OK. */
  async function openMenuEntry(id: string): Promise<void> {
    const m = await menuState(tv())
    const target = m!.ids.indexOf(id)
    expect(target, `menu entry ${id} in ${m!.ids.join(',')}`).toBeGreaterThanOrEqual(0)
    await key(target > m!.index ? 'Down' : 'Up', Math.abs(target - m!.index))
    await key('Enter')
  }

  async function phoneOpens(qrUrl: string): Promise<Page> {
    const { context, page: phone } = await newPhoneContext(chromium.browser)
    phones.push(context)
    const title = () => phone.locator('#screen-title').innerText()
    await phone.goto(openableUrl(qrUrl))
    await expect.poll(title).toBe('核对电视')
    return phone
  }

  async function phoneRequests(phone: Page, scopes: Scope[]): Promise<void> {
    const title = () => phone.locator('#screen-title').innerText()
    await phone.tap('#confirm-yes')
    await expect.poll(title).toBe('选择要请求的功能')
    for (const s of scopes) await phone.tap(`label[for=scope-${s}]`)
    await phone.tap('#choose-submit')
    await expect.poll(title).toBe('等待电视主人确认')
  }

  /**
   * From the contents list, in UI language `lang`: 配对手机, a phone claims and asks for SCOPES,
   * the viewer hears each scope, allows the first and denies the second. Checks what is said at
   * each step; returns what was said since the last step began.
   */
  async function pairAndListen(lang: UiLanguage, shot: string): Promise<Spoken[]> {
    const t = (k: StringKey, vars?: Record<string, string | number>) => translate(lang, k, vars)
    const texts = async () => (await spoken()).map((s) => s.text)
    await clear()
    await openMenuEntry('pair')
    expect((await hookState(tv())).route).toBe('pair')
    const shown = await waitForPair(tv(), (s) => s.phase === 'waiting' && !!s.qrUrl && !!s.userCode, 'waiting with a code')

    // The code, spelled, after the screen's title, what to scan and the URL to type it at.
    const spelled = spelledCode(shown.userCode!)
    expect(spelled.split(/[ ,]+/).join('')).toBe(shown.userCode!.replace('-', ''))
    const orType = t('pairOrType', { url: `${svc.url}/link` })
    const onScreen = await screenTexts(tv())
    expect(onScreen).toContain(shown.userCode)
    expect(onScreen).toContain(orType)
    let all = await until((s) => s.text === spelled, 'the spelled user code')
    const order = [t('pairTitle'), t('pairScan'), orType, spelled].map((x) => all.findIndex((s) => s.text === x))
    expect(order.every((i) => i >= 0), `heard ${all.map((s) => s.text).join(' | ')}`).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(all.find((s) => s.text === spelled)!.lang).toBe(lang)
    await screenshot(tv(), `tv-voice-pair-${shot}-waiting`)

    // The phone claims: its name is said.
    const phone = await phoneOpens(shown.qrUrl!)
    const claimed = await waitForPair(tv(), (s) => s.phase === 'claimed', 'claimed')
    expect(claimed.phone).toBeTruthy()
    const claimText = t('pairClaimed', { phone: claimed.phone! })
    expect(await screenTexts(tv())).toContain(claimText)
    all = await until((s) => s.text === claimText, 'the phone claiming')
    expect(all.find((s) => s.text === claimText)!.lang).toBe(lang)

    // The request: who asks, how to answer, the time left; then the focused scope, said with the
    // policy row it quotes (in the policy's language).
    await clear()
    await phoneRequests(phone, SCOPES)
    const asked = await waitForPair(tv(), (s) => s.phase === 'consent', 'consent')
    expect(asked.scopes).toEqual(SCOPES)
    const scopeLine = (scope: Scope) => (s: Spoken) => s.lang === lang && s.text.startsWith(t(SCOPE_LABEL[scope]))
    const quoteOf = (scope: Scope) => {
      const q = scopeQuote(doc, scope)
      expect(q, `the policy's row for ${scope}`).not.toBeNull()
      return (s: Spoken) => s.lang === doc.locale && s.text.startsWith(q!.row) && s.text.includes(q!.uses)
    }
    all = await until(quoteOf(SCOPES[0]), `the policy row ${SCOPES[0]} quotes`)
    const intro = [...sentences(lang, t('consentTitle', { phone: claimed.phone! })), ...sentences(lang, t('consentIntro'))]
    // The request is said from its title on (the claimed screen's last words may still come before it).
    const requestStart = all.findIndex((s) => s.text === intro[0].text)
    expect(requestStart, `the request's title among ${all.map((s) => s.text).join(' | ')}`).toBeGreaterThanOrEqual(0)
    expect(all.slice(requestStart, requestStart + intro.length)).toEqual(intro.map((u) => expect.objectContaining(u)))
    // The time left is one string, said as the sentences the splitter makes of it (English splits at ';').
    const deadlineParts = sentences(lang, translate(lang, 'consentDeadline', { time: '0:00' })).length
    const deadline = all.slice(requestStart + intro.length, requestStart + intro.length + deadlineParts).map((s) => s.text).join(' ')
    expect(deadline).toMatch(templatePattern(lang, 'consentDeadline', 'time', '[0-9]+:[0-5][0-9]'))
    const line = all.findIndex(scopeLine(SCOPES[0]))
    expect(line, `${SCOPES[0]}'s line among ${all.map((s) => s.text).join(' | ')}`).toBeGreaterThan(requestStart + intro.length)
    // The scope, where it is among those asked, the focused button (拒绝) and its answer (none yet).
    const focusedScope = (scope: Scope, n: number) =>
      sentences(lang, t('spokenScope', { scope: t(SCOPE_LABEL[scope]), n, total: SCOPES.length, button: t('consentDeny'), answer: t('consentUnchosen') }))
    expect(all.slice(line, line + focusedScope(SCOPES[0], 1).length)).toEqual(focusedScope(SCOPES[0], 1).map((u) => expect.objectContaining(u)))
    expect(all.findIndex(quoteOf(SCOPES[0]))).toBeGreaterThan(line)
    expect(all.some(scopeLine(SCOPES[1])), 'only the focused scope is said').toBe(false)
    await screenshot(tv(), `tv-voice-pair-${shot}-consent`)

    // Down: the next scope, with its row.
    await clear()
    await key('Down')
    all = await until(quoteOf(SCOPES[1]), `the policy row ${SCOPES[1]} quotes`)
    expect(all.findIndex(scopeLine(SCOPES[1]))).toBeGreaterThanOrEqual(0)
    const second = all.findIndex(scopeLine(SCOPES[1]))
    expect(all.slice(second, second + focusedScope(SCOPES[1], 2).length)).toEqual(focusedScope(SCOPES[1], 2).map((u) => expect.objectContaining(u)))
    expect(all.findIndex(quoteOf(SCOPES[1]))).toBeGreaterThan(all.findIndex(scopeLine(SCOPES[1])))

    // The viewer's decision, handed to the pair page as the overlay hands it on sending (the
    // overlay's keys are tv-pairing's subject): the first scope allowed, the second denied.
    await clear()
    const decided = { [SCOPES[0]]: 'granted', [SCOPES[1]]: 'denied' } as const
    await tv().evaluate((d) => {
      // On the focus path, by its API (a component in a state shows the state's class name).
      const path: any[] = (window as any).__miitee.app.focusPath || []
      path.find((el) => typeof el.$consentDecided === 'function').$consentDecided(d)
    }, decided)
    const recorded = await waitForPair(tv(), (s) => s.phase === 'recorded', 'recorded')
    expect(recorded.decisions).toEqual(decided)

    // The answer recorded, scope by scope, after the status shown.
    const answer = [...sentences(lang, t('pairRecorded')), ...sentences(lang, decisionsText((k) => t(k), asked.scopes as Scope[], recorded.decisions!))]
    all = await until((s) => s.text === answer[answer.length - 1].text, 'the answer recorded')
    const from = all.findIndex((s) => s.text === answer[0].text)
    expect(from, (await texts()).join(' | ')).toBeGreaterThanOrEqual(0)
    expect(all.slice(from, from + answer.length)).toEqual(answer.map((u) => expect.objectContaining(u)))
    expect(await screenTexts(tv())).toContain(t('pairRecorded'))
    await screenshot(tv(), `tv-voice-pair-${shot}-recorded`)
    return all
  }

  /** Everything said from now until `run` ends (the steps in between empty window.__spoken). */
  async function visit(run: () => Promise<unknown>): Promise<Spoken[]> {
    const from = await tv().evaluate<number>('window.__spokenAll.length')
    await run()
    return tv().evaluate<Spoken[]>(`window.__spokenAll.slice(${from})`)
  }

  it('zh-CN: the code spelled and the URL said once; the phone named; each scope with the policy row it quotes; the answer recorded', async () => {
    expect(await openApp(tv(), `${svc.url}/?voiceGuidance=on`, { clearStorage: true })).toBe('hook')
    expect(await waitForFirstRoute(tv())).toBe('gate')
    await key('Enter') // 同意
    expect((await hookState(tv())).route).toBe('policy')
    const said = await visit(() => pairAndListen('zh-CN', 'zh'))
    expect(said.filter((s) => s.text === translate('zh-CN', 'pairOrType', { url: `${svc.url}/link` }))).toHaveLength(1)
  })

  it('en-US UI: the same in English, while the policy rows are still said in zh-CN', async () => {
    for (let i = 0; i < 3 && (await hookState(tv())).route !== 'policy'; i++) await key('Back')
    expect((await hookState(tv())).reader?.mode).toBe('Contents')
    await openMenuEntry('settings')
    expect((await hookState(tv())).route).toBe('settings')
    await key('Right') // 界面语言 → English
    await until((s) => s.lang === 'en-US', 'the English UI')
    // Back to the contents in the same session: the pair screen and the consent overlay it
    // opened in Chinese (left at its choosing step by the last request) now speak English.
    for (let i = 0; i < 3 && (await hookState(tv())).route !== 'policy'; i++) await key('Back')
    expect((await hookState(tv())).reader?.mode).toBe('Contents')
    const said = await visit(() => pairAndListen('en-US', 'en'))
    expect(said.filter((s) => s.text === translate('en-US', 'pairOrType', { url: `${svc.url}/link` }))).toHaveLength(1)
    // The policy's own words (the rows quoted) are the only zh-CN speech; the rest is in English.
    const quotes = SCOPES.map((scope) => scopeQuote(doc, scope)!)
    for (const s of said) {
      const quoted = quotes.some((q) => s.text.startsWith(q.row) && s.text.includes(q.uses))
      expect(s.lang, s.text).toBe(quoted ? doc.locale : 'en-US')
    }
    expect(said.filter((s) => s.lang === doc.locale).length).toBeGreaterThanOrEqual(SCOPES.length)
  })
})
