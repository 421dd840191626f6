// Voice guidance in real Chromium, with speechSynthesis replaced by a recorder (headless Chromium
// has no voices): what each screen says, in which language, in which order, and what a key press
// cuts short, what PlayPause and Info do. The bridge case gives the app a platform TTS and the
// platform's guidance switch; one case runs the dist output (`npm run dist` first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page as Layout } from '../../src/core/layout/types'
import { itemReading, pageReading } from '../../src/core/speech/pageReading'
import { splitSentences } from '../../src/core/speech/sentences'
import { translate } from '../../src/tv/i18n/strings'
import { launchChromium, openApp, press, pressKeyCode, screenshot, type ChromiumSession } from './harness/chromium'
import { BUILD_DIR, requireBuild, sleep, type RemoteKey } from './harness/common'
import { stageDist } from './harness/dist'
import { startStaticServer, type StaticServer } from './harness/server'
import { heard as heardIn, SPEECH_RECORDER, speakingBridgeScript, type Spoken } from './harness/speech'
import { hookState, menuState, paginationOf, waitForFirstRoute } from './harness/tv'

describe('TV voice guidance (Chromium)', () => {
  let server: StaticServer
  let chromium: ChromiumSession
  const page = () => chromium.page
  const key = (k: RemoteKey, times = 1) => press(page(), k, { times })
  const spoken = () => page().evaluate<Spoken[]>('window.__spoken.slice()')
  const clear = () => page().evaluate('window.__spoken.length = 0')

  /** Waits until something matching `test` has been said, returns everything said so far. */
  const heard = (test: (s: Spoken) => boolean, what: string, timeoutMs = 5000) => heardIn(spoken, test, what, timeoutMs)
  /** The remote's play/pause and info keys (179 and 457, as settings.json maps them). */
  const playPause = () => pressKeyCode(page(), 179, 'MediaPlayPause')
  const info = () => pressKeyCode(page(), 457, 'Info')
  const speechCalls = () => page().evaluate<string[]>('window.__speechCalls.slice()')

  const sentencesOf = (layout: Layout) =>
    pageReading(layout).flatMap((p) => (p.kind === 'text' ? splitSentences(p.text) : []))

  beforeAll(async () => {
    requireBuild()
    server = await startStaticServer(BUILD_DIR)
    chromium = await launchChromium()
    await chromium.context.addInitScript(SPEECH_RECORDER)
  })

  afterAll(async () => {
    await chromium?.close()
    await server?.close()
  })

  it('the gate says its title, the summary page it shows, the focused button with role and place, then the key hint, once', async () => {
    expect(await openApp(page(), `${server.url}?voiceGuidance=on`, { clearStorage: true })).toBe('hook')
    expect(await waitForFirstRoute(page())).toBe('gate')
    const all = await heard((s) => s.text.includes('上下键'), 'the key hint')
    const summary = (await paginationOf(page(), 'summary')).pages[0]
    const expected = sentencesOf(summary)
    const texts = all.map((s) => s.text)
    const title = texts.indexOf('隐私政策摘要')
    const first = texts.indexOf(expected[0])
    const button = texts.indexOf('同意，按钮，1/3')
    const hint = texts.findIndex((t) => t.includes('上下键'))
    expect(title).toBe(0)
    expect(first).toBeGreaterThan(title)
    // Every sentence of the summary page, in order, before the buttons.
    expect(texts.slice(first, first + expected.length)).toEqual(expected)
    expect(button).toBe(first + expected.length)
    expect(hint).toBeGreaterThan(button)
    expect(texts.filter((t) => t.includes('上下键'))).toHaveLength(1)
    expect(new Set(all.map((s) => s.lang))).toEqual(new Set(['zh-CN']))
    await screenshot(page(), 'tv-voice-gate')
  })

  it('focus moves say the new button; Down pages the summary and reads the new page', async () => {
    await clear()
    await key('Right')
    await heard((s) => s.text === '不同意，按钮，2/3', 'the second button')
    await clear()
    await key('Down')
    const next = (await paginationOf(page(), 'summary')).pages[1]
    const expected = sentencesOf(next)
    const all = await heard((s) => s.text === expected[expected.length - 1], "the second page's last sentence")
    expect(all.map((s) => s.text)).toEqual(expected)
    await key('Left')
  })

  it("the reader reads a flipped page's sentences in order; a fast second flip cancels the stale page and reads the newest", async () => {
    await key('Up')
    await clear()
    await key('Enter') // 同意
    await heard((s) => s.text.startsWith('摘要'), 'the contents entry')
    expect((await hookState(page())).route).toBe('policy')
    await key('Right') // resume reading at the first page
    await key('Right') // flip to page 2
    const pages = (await paginationOf(page())).pages
    const reader = (await hookState(page())).reader!
    expect(reader.pageIndex).toBe(1)
    const expected = sentencesOf(pages[1])
    const all = await heard((s) => s.text === expected[expected.length - 1], "page 2's last sentence")
    const texts = all.map((s) => s.text)
    expect(texts.slice(texts.indexOf(expected[0]), texts.indexOf(expected[0]) + expected.length)).toEqual(expected)

    await page().evaluate('window.__speechMs = 5000')
    await clear()
    await key('Right')
    const stale = sentencesOf(pages[2])
    await heard((s) => s.text === stale[0], "page 3's first sentence")
    const cancelsBefore = await page().evaluate<number>('window.__cancels')
    await key('Right')
    const newest = sentencesOf(pages[3])
    await heard((s) => s.text === newest[0], "page 4's first sentence, at once")
    expect(await page().evaluate<number>('window.__cancels')).toBe(cancelsBefore + 1)
    const said = (await spoken()).map((s) => s.text)
    // Page 3 was cut after its first sentence.
    expect(said).toEqual([stale[0], newest[0]])
    await page().evaluate('window.__speechMs = 20')
  })

  it('PlayPause pauses reading mid-page and resumes at the sentence it stopped in; a flip while paused is heard; Info says the page, or the focused block, again', async () => {
    const pages = (await paginationOf(page())).pages
    const readable = (i: number) => pageReading(pages[i]).every((p) => p.kind === 'text') && sentencesOf(pages[i]).length >= 3
    // Onwards to a page of text only with at least three sentences (a QR's line is not one of them).
    let index = (await hookState(page())).reader!.pageIndex
    const target = pages.findIndex((_, i) => i > index && readable(i) && i + 1 < pages.length)
    expect(target, 'a page of three sentences or more').toBeGreaterThan(index)
    await key('Right', target - index - 1)
    index = target
    await page().evaluate('window.__speechMs = 1500')
    await clear()
    await key('Right')
    expect((await hookState(page())).reader!.pageIndex).toBe(index)
    const expected = sentencesOf(pages[index])
    await heard((s) => s.text === expected[0], 'the first sentence')
    await playPause()
    expect((await speechCalls()).at(-1)).toBe('pause')
    await sleep(1800)
    // Paused inside the first sentence: nothing after it was said.
    expect((await spoken()).map((s) => s.text)).toEqual([expected[0]])
    await page().evaluate('window.__speechMs = 20')
    await playPause()
    expect((await speechCalls()).at(-1)).toBe('resume')
    await heard((s) => s.text === expected[expected.length - 1], 'the last sentence after resuming')
    // The rest of the page, each sentence once, the first not started over.
    expect((await spoken()).map((s) => s.text)).toEqual(expected)

    await clear()
    await info()
    await heard((s) => s.text === expected[expected.length - 1], 'the page again')
    expect((await spoken()).map((s) => s.text)).toEqual(expected)

    // Paused, then a flip: the engine is resumed, so the new page is heard.
    await page().evaluate('window.__speechMs = 1500')
    await clear()
    await key('Right')
    const next = sentencesOf(pages[index + 1])
    await heard((s) => s.text === next[0], 'the next page')
    await playPause()
    await key('Left')
    await heard((s) => s.text === expected[0], 'the page flipped back to, while paused')
    expect((await speechCalls()).slice(-3)).toEqual(['pause', 'cancel', 'resume'])
    await page().evaluate('window.__speechMs = 20')

    // A block focused with Down: Info says that block, not the page.
    await heard((s) => s.text === expected[expected.length - 1], 'the page read to its end')
    await clear()
    await key('Down')
    const focus = (await hookState(page())).reader!.focusIndex
    const block = itemReading(pages[index], focus).flatMap((p) => (p.kind === 'text' ? splitSentences(p.text) : []))
    await heard((s) => s.text === block[block.length - 1], 'the focused block')
    const said = (await spoken()).map((s) => s.text)
    await clear()
    await info()
    await heard((s) => s.text === block[block.length - 1], 'the focused block again')
    expect((await spoken()).map((s) => s.text)).toEqual(said)
  })

  it('in an English UI the policy is still spoken in zh-CN, the UI in en-US; Settings switches guidance off and the choice is kept', async () => {
    await key('Back') // contents
    const m = await menuState(page())
    await key('Down', m!.ids.indexOf('settings') - m!.index)
    await key('Enter')
    expect((await hookState(page())).route).toBe('settings')
    await clear()
    await key('Right') // language → English
    await heard((s) => s.lang === 'en-US' && s.text.startsWith('Language: English'), 'the language entry in English')
    await key('Back')
    await clear()
    await key('Right') // back to reading
    const all = await heard((s) => s.lang === 'zh-CN', 'policy text')
    expect(all.filter((s) => s.lang === 'zh-CN').length).toBeGreaterThan(0)
    for (const s of all) if (/[\u4e00-\u9fff]{4}/.test(s.text)) expect(s.lang, s.text).toBe('zh-CN')

    await key('Back')
    const c = await menuState(page())
    await key('Down', c!.ids.indexOf('settings') - c!.index)
    await key('Enter')
    const s = await menuState(page())
    await key('Down', s!.ids.indexOf('voice') - s!.index)
    await heard((x) => x.text.startsWith('Voice guidance: On'), 'the voice entry')
    await key('Enter')
    expect((await menuState(page()))!.entries.find((e) => e.id === 'voice')!.value).toBe('Off')
    await screenshot(page(), 'tv-voice-settings-en')
    // Without the URL switch, the saved choice decides: off, nothing said after a reload.
    await openApp(page(), server.url)
    await waitForFirstRoute(page())
    await new Promise((r) => setTimeout(r, 800))
    expect(await spoken()).toEqual([])
    // Turned on in Settings: kept across a reload.
    expect((await hookState(page())).reader?.mode).toBe('Contents')
    const c2 = await menuState(page())
    await key('Down', c2!.ids.indexOf('settings') - c2!.index)
    await key('Enter')
    const s2 = await menuState(page())
    await key('Down', s2!.ids.indexOf('voice') - s2!.index)
    await key('Enter')
    await heard((x) => x.text.startsWith('Voice guidance: On'), 'guidance turned on')
    await openApp(page(), server.url)
    await waitForFirstRoute(page())
    await heard((x) => x.text === 'Contents', 'the reader after a reload')
  })

  it('dialogs and errors say their whole message: the exit question, the clear-data question, a feature that cannot load', async () => {
    const zh = (k: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('zh-CN', k, vars)
    const sentences = (k: Parameters<typeof translate>[1]) => splitSentences(zh(k))
    /** Waits for the last sentence of `keys`, then checks every sentence of each was said, in order. */
    async function saysAll(keys: Parameters<typeof translate>[1][], what: string): Promise<string[]> {
      const expected = keys.flatMap(sentences)
      const texts = (await heard((x) => x.text === expected[expected.length - 1], what)).map((x) => x.text)
      const from = texts.indexOf(expected[0])
      expect(from, `${what}: heard ${texts.join(' | ')}`).toBeGreaterThanOrEqual(0)
      expect(texts.slice(from, from + expected.length)).toEqual(expected)
      return texts
    }
    expect(await openApp(page(), `${server.url}?voiceGuidance=on`, { clearStorage: true })).toBe('hook')
    expect(await waitForFirstRoute(page())).toBe('gate')
    await heard((x) => x.text.includes('上下键'), 'the gate')
    await clear()
    await key('Back') // at the root: the exit question
    expect((await hookState(page())).exitDialog).toBe(true)
    await saysAll(['exitConfirmTitle', 'exitConfirmBody'], 'the exit question')
    await screenshot(page(), 'tv-voice-exit-dialog')
    await key('Back')
    expect((await hookState(page())).exitDialog).toBe(false)

    await key('Enter') // 同意
    const m = await menuState(page())
    await key('Down', m!.ids.indexOf('settings') - m!.index)
    await key('Enter')
    const s = await menuState(page())
    await key('Down', s!.ids.indexOf('clear') - s!.index)
    await clear()
    await key('Enter')
    const texts = await saysAll(['clearConfirmTitle', 'clearConfirmBody'], 'the clear-data question')
    // Then the focused 取消 (清除 is first in the row), after the whole question.
    const cancel = zh('spokenButton', { label: zh('clearConfirmCancel'), n: 2, total: 2 })
    const all = (await heard((x) => x.text === cancel, 'its focused 取消')).map((x) => x.text)
    expect(all.indexOf(cancel)).toBeGreaterThan(texts.lastIndexOf(sentences('clearConfirmBody').pop()!))
    await key('Back')

    // The pairing feature's script cannot be fetched: the screen says so, and so does the voice.
    await page().route('**/features/**', (r) => r.abort())
    try {
      expect(await openApp(page(), `${server.url}?voiceGuidance=on`)).toBe('hook')
      expect(await waitForFirstRoute(page())).toBe('policy')
      const c = await menuState(page())
      await key('Down', c!.ids.indexOf('pair') - c!.index)
      await clear()
      await key('Enter')
      await saysAll(['featureUnavailable'], 'the feature that could not load')
      await screenshot(page(), 'tv-voice-feature-unavailable')
      await key('Back')
    } finally {
      await page().unroute('**/features/**')
    }
  })

  it('the dist output (npm run dist, what an OEM ships) speaks too: the gate says its title, then 同意 with its role and place', async () => {
    const staged = stageDist()
    const dist = await startStaticServer(staged.dir)
    const session = await launchChromium()
    try {
      await session.context.addInitScript(SPEECH_RECORDER)
      expect(await openApp(session.page, `${dist.url}?voiceGuidance=on`, { clearStorage: true })).toBe('hook')
      expect(await waitForFirstRoute(session.page)).toBe('gate')
      const zh = (k: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('zh-CN', k, vars)
      const agree = zh('spokenButton', { label: zh('agree'), n: 1, total: 3 })
      const said = await heardIn(() => session.page.evaluate<Spoken[]>('window.__spoken.slice()'), (s) => s.text === agree, 'the focused 同意 button')
      expect(said[0]).toMatchObject({ text: zh('gateTitle'), lang: 'zh-CN', via: 'speechSynthesis' })
      expect(said.findIndex((s) => s.text === agree)).toBeGreaterThan(0)
    } finally {
      await session.close()
      await dist.close()
      staged.close()
    }
  })

  it("speaks through the platform bridge's TTS when the platform's voice guidance is on", async () => {
    const session = await launchChromium()
    try {
      await session.context.addInitScript(speakingBridgeScript({ platformGuidance: true }))
      expect(await openApp(session.page, server.url, { clearStorage: true })).toBe('hook')
      await waitForFirstRoute(session.page)
      const until = Date.now() + 5000
      let said: Spoken[] = []
      while (Date.now() < until && !said.some((s) => s.text === '同意，按钮，1/3')) {
        said = await session.page.evaluate<Spoken[]>('window.__spoken.slice()')
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(said[0]).toMatchObject({ text: '隐私政策摘要', lang: 'zh-CN', rate: 1, via: 'bridge' })
      expect(said.map((s) => s.text)).toContain('同意，按钮，1/3')
      expect(said.every((s) => s.via === 'bridge')).toBe(true)
    } finally {
      await session.close()
    }
  })
})
