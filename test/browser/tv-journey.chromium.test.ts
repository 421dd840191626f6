// The viewer's journey through the built TV app in real Chromium, driven by remote keys only:
// consent gate → 同意 → reader (every page, contents, Up/Down, Back, exit question) → settings
// (language, text size) → relaunch → changed policy → 不同意. Each step leaves a screenshot in
// artifacts/screenshots/tv-journey-*.png (checked not to be blank).
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageOfAnchor } from '../../src/core/layout/paginator'
import type { Anchor, Pagination } from '../../src/core/layout/types'
import { canonicalJson } from '../../src/core/policy/canonical'
import { collectRequests, consoleOf, launchChromium, openApp, press, pressKeyCode, screenshot, type ChromiumSession, type RequestLog } from './harness/chromium'
import { BUILD_DIR, requireBuild, type RemoteKey } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'
import {
  ACCEPTANCE_KEY,
  focusedRef,
  hookState,
  menuState,
  paginationOf,
  renderedPage,
  screenTexts,
  servedPolicyEntry,
  storageItem,
  waitForFirstRoute,
  type MenuProbe,
  type ReaderState,
} from './harness/tv'

const POLICY_CHANGED_NOTICE = '隐私政策已更新，请重新阅读并确认。'

/** The enabled MenuList (reader contents or settings): its entries and the selected one. */
async function menu(page: ChromiumSession['page']): Promise<MenuProbe> {
  const m = await menuState(page)
  if (!m) throw new Error('no MenuList on screen')
  return m
}

/**
 * The policy text a pagination shows, per block, table cell and card field (whitespace removed:
 * the breaker drops spaces at line ends, and lines may break elsewhere when a UI string changes
 * the width of the QR captions beside the SDK cards), plus the QR links. It must not change with
 * the UI language.
 */
function policyText(p: Pagination): Record<string, string> {
  const out: Record<string, string> = {}
  const add = (key: string, lines: string[]) => (out[key] = (out[key] ?? '') + lines.join('').replace(/\s+/g, ''))
  for (const page of p.pages) {
    for (const it of page.items) {
      const at = `${it.anchor.sectionId}/${it.anchor.block}`
      if (it.kind === 'text') add(`${at}/text`, it.lines)
      else if (it.kind === 'table-row' && !it.repeated) it.cells.forEach((c, i) => add(`${at}/${it.header ? 'head' : `row${it.anchor.offset}`}/${i}`, c.lines))
      else if (it.kind === 'sdk-card') {
        add(`${at}/card${it.anchor.offset}/title`, it.title)
        it.fields.forEach((f) => {
          add(`${at}/card${it.anchor.offset}/${f.index}/label`, f.labelLines)
          add(`${at}/card${it.anchor.offset}/${f.index}/value`, f.lines)
        })
      } else if (it.kind === 'qr') add(`${at}/qr/${it.href}`, [])
    }
  }
  return out
}

describe('TV journey in Chromium: gate, reader, settings, relaunch, changed policy, decline', () => {
  let server: StaticServer
  let chromium: ChromiumSession
  let requests: RequestLog
  /** Requests the page made from launch until just before 同意. */
  let beforeConsent: { url: string; resourceType: string; failure?: string }[] = []
  /** When set, the server serves this policy (index + document) instead of the built one. */
  let changedPolicy: { index: string; doc: string; sha256: string } | null = null

  let entry: ReturnType<typeof servedPolicyEntry>
  /** URL path of the pairing feature's bundle */
  const PAIRING_BUNDLE = '/features/pairing.js'
  /** URL path of the compiled policy document, as the app requests it */
  let docPath: string
  let servedDoc: any

  const page = () => chromium.page
  const state = () => hookState(page())
  const reader = async (): Promise<ReaderState> => {
    const s = await state()
    if (!s.reader) throw new Error(`no reader state (route ${s.route})`)
    return s.reader
  }
  const key = (k: RemoteKey, times = 1) => press(page(), k, { times })
  let shot = 0
  const snap = (name: string) => screenshot(page(), `tv-journey-${String(++shot).padStart(2, '0')}-${name}`)

  /** Presses Down/Up on the focused list until `id` is selected. */
  async function selectMenu(id: string) {
    const m = await menu(page())
    const target = m.ids.indexOf(id)
    expect(target, `menu entry ${id} in ${m.ids.join(',')}`).toBeGreaterThanOrEqual(0)
    const step = target > m.index ? 'Down' : 'Up'
    await key(step, Math.abs(target - m.index))
    expect((await menu(page())).selectedId).toBe(id)
  }

  /** From the reader's contents list: opens settings. */
  async function openSettings() {
    expect((await reader()).mode).toBe('Contents')
    await selectMenu('settings')
    await key('Enter')
    expect((await state()).route).toBe('settings')
  }

  /** Relaunch: leave the app and load it again in the same tab (storage kept). */
  async function relaunch() {
    await page().goto('about:blank')
    await launch()
  }

  /** Loads the app (optionally on a wiped origin) and waits for its first page. */
  async function launch(clearStorage = false) {
    expect(await openApp(page(), server.url, { clearStorage })).toBe('hook')
    await waitForFirstRoute(page())
  }

  beforeAll(async () => {
    requireBuild()
    entry = servedPolicyEntry()
    docPath = `/static/${entry.path.replace(/^(\.\/)?(static\/)?/, '')}`
    servedDoc = JSON.parse(readFileSync(join(BUILD_DIR, docPath), 'utf8'))
    server = await startStaticServer(BUILD_DIR, {
      handle: (req, res) => {
        if (!changedPolicy) return false
        const path = new URL(req.url ?? '/', 'http://x').pathname
        const body = path === '/static/policy/index.json' ? changedPolicy.index : path === docPath ? changedPolicy.doc : null
        if (body === null) return false
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(body)
        return true
      },
    })
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
    await server?.close()
  })

  it('boots on a fresh box into the consent gate: 摘要 paged by Up/Down, 同意 focused, Left/Right across the buttons', async () => {
    requests = collectRequests(page())
    await launch(true)
    const s = await state()
    expect(s.route).toBe('gate')
    const summary = await paginationOf(page(), 'summary')
    expect(s.gate).toMatchObject({ pageIndex: 0, pageCount: summary.pages.length })
    expect(summary.pages.length).toBeGreaterThanOrEqual(2)
    expect(summary.pages.every((p) => p.sectionId === 'summary')).toBe(true)
    expect(await focusedRef(page())).toBe('B_agree')
    const texts = await screenTexts(page())
    for (const t of ['隐私政策摘要', '同意', '不同意', '阅读全文', `1 / ${summary.pages.length}`]) expect(texts).toContain(t)
    expect(await storageItem(page(), ACCEPTANCE_KEY)).toBeNull()
    await snap('gate')

    await key('Down')
    expect((await state()).gate?.pageIndex).toBe(1)
    expect(await screenTexts(page())).toContain(`2 / ${summary.pages.length}`)
    await snap('gate-summary-page-2')
    await key('Down', summary.pages.length + 1)
    expect((await state()).gate?.pageIndex).toBe(summary.pages.length - 1)
    await key('Up', summary.pages.length + 1)
    expect((await state()).gate?.pageIndex).toBe(0)

    const seen: string[] = []
    for (const k of ['Right', 'Right', 'Right', 'Left', 'Left', 'Left'] as const) {
      await key(k)
      seen.push(await focusedRef(page()))
    }
    expect(seen).toEqual(['B_disagree', 'B_read', 'B_read', 'B_disagree', 'B_agree', 'B_agree'])
    expect((await state()).route).toBe('gate')

    beforeConsent = requests.entries.map((e) => ({ ...e }))
    console.log(`requests before 同意 (${beforeConsent.length}):\n${beforeConsent.map((e) => `  ${e.resourceType.padEnd(10)} ${e.url}${e.failure ? ` (${e.failure})` : ''}`).join('\n')}`)
    expect(beforeConsent.length).toBeGreaterThan(0)
    expect(requests.outside(server.url)).toEqual([])
    expect(beforeConsent.filter((e) => e.failure)).toEqual([])
    // The policy itself comes from the app's own static assets.
    expect(beforeConsent.map((e) => new URL(e.url).pathname)).toEqual(expect.arrayContaining(['/static/policy/index.json', docPath]))
    // The pairing feature (a second bundle) is not even fetched before 同意.
    expect(beforeConsent.map((e) => new URL(e.url).pathname)).not.toContain(PAIRING_BUNDLE)
  })

  it('before 同意 every request is a file of the build, served with 200 (nothing missing, nothing generated elsewhere)', () => {
    expect(beforeConsent.length).toBeGreaterThan(0)
    const problems: string[] = []
    for (const e of beforeConsent) {
      const u = new URL(e.url)
      const rel = decodeURIComponent(u.pathname) === '/' ? 'index.html' : decodeURIComponent(u.pathname).slice(1)
      const file = join(BUILD_DIR, rel)
      if (!existsSync(file) || !statSync(file).isFile()) problems.push(`${u.pathname}: no such file in ${BUILD_DIR}`)
      const served = server.requests.filter((r) => new URL(r.url, 'http://x').pathname === u.pathname)
      if (served.length === 0 || served.some((r) => r.status !== 200)) problems.push(`${u.pathname}: HTTP ${served.map((r) => r.status).join(',') || 'never served'}`)
    }
    expect(problems).toEqual([])
  })

  it('the boot script requests the fonts, the policy and the glyph advances before the app bundle, and the app does not request them again', () => {
    const paths = beforeConsent.map((e) => new URL(e.url).pathname)
    const firstScreen = ['/static/fonts/MiiteeSans-Regular.woff', '/static/fonts/MiiteeSans-Bold.woff', '/static/fonts/MiiteeSans-metrics.json', '/static/policy/index.json', docPath]
    for (const p of [...firstScreen, '/boot.js', '/appBundle.js']) expect(paths.filter((q) => q === p), p).toHaveLength(1)
    // Requested in this order by the page: the boot script before Lightning's loader, its downloads before the app bundle.
    expect(paths.indexOf('/boot.js')).toBeLessThan(paths.indexOf('/startApp.js'))
    for (const p of firstScreen) expect(paths.indexOf(p), p).toBeLessThan(paths.indexOf('/appBundle.js'))
  })

  it('同意 stores the acceptance with the served policy id, version and hash, and opens the reader on its contents', async () => {
    expect(await focusedRef(page())).toBe('B_agree')
    const t0 = Date.now()
    await key('Enter')
    const s = await state()
    expect(s.route).toBe('policy')
    const p = await paginationOf(page())
    expect(s.reader).toMatchObject({ mode: 'Contents', pageIndex: 0, pageCount: p.pages.length, sectionId: 'summary', textSize: 'M' })

    const stored = JSON.parse((await storageItem(page(), ACCEPTANCE_KEY)) ?? 'null')
    const { sha256: docHash, ...unhashed } = servedDoc
    const recomputed = createHash('sha256').update(canonicalJson(unhashed)).digest('hex')
    expect(recomputed).toBe(docHash)
    expect(entry.sha256).toBe(docHash)
    const sections = Object.fromEntries(servedDoc.sections.map((x: { id: string; sha256: string }) => [x.id, x.sha256]))
    expect(stored).toEqual({ policyId: entry.id, version: entry.version, sha256: entry.sha256, locale: 'zh-CN', acceptedAt: expect.any(String), sections })
    const at = Date.parse(stored.acceptedAt)
    expect(at).toBeGreaterThanOrEqual(t0 - 2000)
    expect(at).toBeLessThanOrEqual(Date.now() + 2000)

    const m = await menu(page())
    expect(m.ids).toEqual([...servedDoc.sections.map((x: { id: string }) => x.id), 'pair', 'privacy', 'settings'])
    expect(m.selectedId).toBe('summary')
    const texts = await screenTexts(page())
    for (const t of ['目录', '摘要:', '隐私政策:', '一、我们如何收集和使用您的个人信息', '十、协议的生效', '设置', `1 / ${p.pages.length}`]) expect(texts).toContain(t)
    await snap('reader-contents')

    // Accepted: the pairing feature loads behind the reader (to resume the consent outbox), once.
    const t1 = Date.now()
    while (!requests.entries.some((e) => new URL(e.url).pathname === PAIRING_BUNDLE) && Date.now() - t1 < 5000) await page().waitForTimeout(50)
    const loads = requests.entries.filter((e) => new URL(e.url).pathname === PAIRING_BUNDLE)
    expect(loads.map((e) => e.failure ?? 'ok')).toEqual(['ok'])
    expect(server.requests.filter((r) => new URL(r.url, 'http://x').pathname === PAIRING_BUNDLE).map((r) => r.status)).toEqual([200])
  })

  it('flips through every page with Right to the end (Right there stays) and back to page 1 with Left / PageUp', async () => {
    const p = await paginationOf(page())
    const n = p.pages.length
    await key('Enter') // 摘要 → Reading, page 1
    expect(await reader()).toMatchObject({ mode: 'Reading', pageIndex: 0, pageCount: n })

    for (let i = 1; i < n; i++) {
      await key('Right')
      const r = await reader()
      expect(r.pageIndex, `after ${i} × Right`).toBe(i)
      expect(r.sectionId).toBe(p.pages[i].sectionId)
      const drawn = await renderedPage(page())
      expect(drawn.pageIndex).toBe(i)
      const texts = await screenTexts(page())
      expect(texts).toContain(`${i + 1} / ${n}`)
      expect(texts).toContain(p.pages[i].sectionTitle)
      if (i % 5 === 0 || i === n - 1) await screenshot(page(), `tv-journey-flip-${String(i + 1).padStart(2, '0')}-of-${n}`)
    }
    await key('Right', 2)
    expect((await reader()).pageIndex).toBe(n - 1)

    for (let i = n - 2; i >= 0; i--) {
      const k = i % 2 === 0 ? 'Left' : 'PageUp'
      await key(k)
      expect((await reader()).pageIndex, `${k} to page ${i + 1}`).toBe(i)
    }
    await key('Left')
    await key('PageUp')
    expect(await reader()).toMatchObject({ mode: 'Reading', pageIndex: 0 })
    await key('PageDown')
    expect((await reader()).pageIndex).toBe(1)
    await key('PageUp')
    expect((await reader()).pageIndex).toBe(0)
    console.log(`reader pages at M: ${n}`)
  }, 300_000)

  it('jumps from the contents to 五、您的权利: the section opens on its first page', async () => {
    await key('Back')
    expect((await reader()).mode).toBe('Contents')
    const p = await paginationOf(page())
    const five = servedDoc.sections.find((x: { title: string }) => x.title.startsWith('五')).id as string
    await selectMenu(five)
    await key('Enter')
    const r = await reader()
    expect(r).toMatchObject({ mode: 'Reading', sectionId: five, pageIndex: p.sectionFirstPage[five] })
    expect(r.pageIndex).toBeGreaterThan(0)
    expect(await screenTexts(page())).toContain('五、您的权利')
    expect((await renderedPage(page())).pageIndex).toBe(p.sectionFirstPage[five])
    await snap('contents-jump-five')
  })

  it('Up/Down move the highlight item by item and cross page edges', async () => {
    const p = await paginationOf(page())
    const start = (await reader()).pageIndex
    const count = p.pages[start].items.length
    expect(count).toBeGreaterThanOrEqual(2)
    for (let i = 0; i < count; i++) {
      await key('Down')
      expect(await reader()).toMatchObject({ pageIndex: start, focusIndex: i })
    }
    await snap('highlight-last-item')
    await key('Down')
    expect(await reader()).toMatchObject({ pageIndex: start + 1, focusIndex: 0 })
    await key('Up')
    expect(await reader()).toMatchObject({ pageIndex: start, focusIndex: count - 1 })
    await key('Up')
    expect(await reader()).toMatchObject({ pageIndex: start, focusIndex: count - 2 })
    await key('Down', 2)
    expect(await reader()).toMatchObject({ pageIndex: start + 1, focusIndex: 0 })
    await snap('highlight-crossed-page')
  })

  it('Back: Reading → contents → exit question (other keys do nothing there) → Back closes it', async () => {
    await key('Back')
    const before = await reader()
    expect(before.mode).toBe('Contents')
    expect((await state()).route).toBe('policy')
    await key('Back')
    expect((await state()).exitDialog).toBe(true)
    expect(await focusedRef(page())).toBe('ExitDialog')
    const texts = await screenTexts(page())
    expect(texts).toContain('退出 Miitee？')
    expect(texts).toContain('按 OK 退出，按返回键继续阅读。')
    await snap('exit-question')
    await key('Down')
    await key('Right')
    expect(await state()).toMatchObject({ route: 'policy', exitDialog: true, reader: before })
    await key('Back')
    const s = await state()
    expect(s).toMatchObject({ route: 'policy', exitDialog: false, reader: { mode: 'Contents' } })
    expect(s.exited).toBeUndefined()
    expect(await focusedRef(page())).toBe('List')
    expect(await screenTexts(page())).not.toContain('退出 Miitee？')
    await snap('exit-question-closed')
  })

  it('settings: the UI language switches zh-CN ↔ en-US, the policy text stays as it is', async () => {
    const zh = await paginationOf(page())
    await openSettings()
    let texts = await screenTexts(page())
    for (const t of ['设置', '界面语言', '简体中文', '文字大小', '中', '清除本地数据']) expect(texts).toContain(t)
    await snap('settings-zh')
    expect((await menu(page())).selectedId).toBe('language')

    await key('Right')
    expect(await page().evaluate(() => (window as any).__miitee.prefs().language)).toBe('en-US')
    texts = await screenTexts(page())
    for (const t of ['Settings', 'Language', 'English', 'Text size', 'Medium', 'Clear local data']) expect(texts).toContain(t)
    for (const t of ['界面语言', '简体中文', '文字大小']) expect(texts).not.toContain(t)
    await snap('settings-en')

    await key('Back')
    expect((await state()).route).toBe('policy')
    texts = await screenTexts(page())
    expect(texts).toContain('Contents')
    expect(texts).toContain('Settings')
    expect(texts).not.toContain('目录')
    // Section names come from the policy: they stay Chinese.
    expect(texts).toContain('五、您的权利')
    await snap('reader-contents-en')

    const en = await paginationOf(page())
    expect(policyText(en)).toEqual(policyText(zh))
    const captions = (p: Pagination) => p.pages.flatMap((pg) => pg.items.flatMap((it) => (it.kind === 'qr' ? [it.caption[0]] : [])))
    expect(captions(zh).length).toBeGreaterThan(0)
    expect(captions(zh).every((c) => c.startsWith('扫码'))).toBe(true)
    expect(captions(en).every((c) => c.startsWith('Scan'))).toBe(true)

    // And back to Chinese with Left.
    await openSettings()
    await selectMenu('language')
    await key('Left')
    expect(await page().evaluate(() => (window as any).__miitee.prefs().language)).toBe('zh-CN')
    expect(await screenTexts(page())).toContain('界面语言')
    await key('Back')
    expect(await screenTexts(page())).toContain('目录')
    expect(policyText(await paginationOf(page()))).toEqual(policyText(zh))
  })

  it('text size M → L → M re-paginates and keeps the reading position', async () => {
    const m = await paginationOf(page())
    const one = servedDoc.sections.find((x: { title: string }) => x.title.startsWith('一')).id as string
    await selectMenu(one)
    await key('Enter')
    await key('Right', 2)
    await key('Down', 3)
    const r0 = await reader()
    expect(r0).toMatchObject({ mode: 'Reading', pageIndex: m.sectionFirstPage[one] + 2, focusIndex: 2, textSize: 'M' })
    expect(r0.sectionId).toBe(one)
    const anchor: Anchor = m.pages[r0.pageIndex].items[r0.focusIndex].anchor
    await snap('position-before-L')

    await key('Back')
    await openSettings()
    await selectMenu('textSize')
    await key('Right')
    expect(await page().evaluate(() => (window as any).__miitee.prefs().textSize)).toBe('L')
    expect(await screenTexts(page())).toContain('大')
    await key('Right')
    expect(await page().evaluate(() => (window as any).__miitee.prefs().textSize)).toBe('L')
    await snap('settings-size-L')
    await key('Back')

    const l = await paginationOf(page())
    const r1 = await reader()
    expect(l.textSize).toBe('L')
    expect(r1.textSize).toBe('L')
    expect(l.pages.length).toBeGreaterThan(m.pages.length)
    expect(r1.pageCount).toBe(l.pages.length)
    const expected = pageOfAnchor(l, anchor)
    expect(r1.pageIndex).toBe(expected)
    expect(r1.sectionId).toBe(anchor.sectionId)
    // The page shown holds the block the viewer was reading.
    expect(l.pages[r1.pageIndex].items.some((it) => it.anchor.sectionId === anchor.sectionId && it.anchor.block === anchor.block)).toBe(true)
    expect((await renderedPage(page())).pageIndex).toBe(r1.pageIndex)
    await snap('position-after-L')
    console.log(`text size M → L: page ${r0.pageIndex + 1}/${m.pages.length} (anchor ${JSON.stringify(anchor)}) → page ${r1.pageIndex + 1}/${l.pages.length}`)

    // Back to M: the anchor is now the top of the L page shown.
    const back: Anchor = l.pages[r1.pageIndex].items[Math.max(0, r1.focusIndex)].anchor
    await openSettings()
    await selectMenu('textSize')
    await key('Left')
    expect(await page().evaluate(() => (window as any).__miitee.prefs().textSize)).toBe('M')
    await key('Back')
    const r2 = await reader()
    expect(r2).toMatchObject({ textSize: 'M', pageCount: m.pages.length, pageIndex: pageOfAnchor(m, back), sectionId: back.sectionId })
  })

  it('settings: OK cycles the text size S → M → L → S', async () => {
    await openSettings()
    await selectMenu('textSize')
    const sizes: string[] = []
    for (let i = 0; i < 4; i++) {
      await key('Enter')
      sizes.push(await page().evaluate(() => (window as any).__miitee.prefs().textSize))
    }
    expect(sizes).toEqual(['L', 'S', 'M', 'L'])
    await key('Left')
    expect(await page().evaluate(() => (window as any).__miitee.prefs().textSize)).toBe('M')
    await key('Back')
    expect(await reader()).toMatchObject({ textSize: 'M' })
  })

  it('platform remote keys: channel +/- (427/428) flip, Tizen Back (10009) and webOS Back (461) act as Back', async () => {
    expect((await reader()).mode).toBe('Contents')
    await selectMenu((await reader()).sectionId!)
    await key('Enter')
    const r0 = await reader()
    expect(r0.mode).toBe('Reading')
    expect(r0.pageIndex).toBeLessThan(r0.pageCount - 1)
    await pressKeyCode(page(), 428)
    expect((await reader()).pageIndex).toBe(r0.pageIndex + 1)
    await pressKeyCode(page(), 427)
    expect((await reader()).pageIndex).toBe(r0.pageIndex)
    await pressKeyCode(page(), 10009)
    expect((await reader()).mode).toBe('Contents')
    await key('Enter')
    expect((await reader()).mode).toBe('Reading')
    await pressKeyCode(page(), 461)
    expect((await reader()).mode).toBe('Contents')
    await pressKeyCode(page(), 10009)
    expect((await state()).exitDialog).toBe(true)
    await snap('tizen-back-exit-question')
    await pressKeyCode(page(), 10009)
    expect(await state()).toMatchObject({ route: 'policy', exitDialog: false })
  })

  it('a relaunch with the acceptance stored skips the gate', async () => {
    const stored = await storageItem(page(), ACCEPTANCE_KEY)
    await relaunch()
    const s = await state()
    expect(s.route).toBe('policy')
    expect(s.reader).toMatchObject({ mode: 'Contents', pageIndex: 0 })
    expect(s.gate).toBeUndefined()
    expect(await storageItem(page(), ACCEPTANCE_KEY)).toBe(stored)
    expect(await focusedRef(page())).toBe('List')
    expect(await screenTexts(page())).not.toContain('隐私政策摘要')
    await snap('relaunch-skips-gate')
  })

  it('a changed policy hash shows the gate again with the “policy changed” notice; 同意 stores the new hash', async () => {
    const doc = structuredClone(servedDoc)
    const last = doc.sections[doc.sections.length - 1]
    const para = last.blocks.find((b: { type: string }) => b.type === 'paragraph')
    para.text = `${para.text}本政策已修订。`
    delete doc.sha256
    const sha256 = createHash('sha256').update(canonicalJson(doc)).digest('hex')
    expect(sha256).not.toBe(entry.sha256)
    const index = JSON.parse(readFileSync(join(BUILD_DIR, 'static/policy/index.json'), 'utf8'))
    const entries = Array.isArray(index) ? index : index.policies
    entries.forEach((e: { sha256: string }) => (e.sha256 = sha256))
    changedPolicy = { index: JSON.stringify(index), doc: JSON.stringify({ ...doc, sha256 }), sha256 }

    const oldAcceptance = JSON.parse((await storageItem(page(), ACCEPTANCE_KEY)) ?? 'null')
    expect(oldAcceptance.sha256).toBe(entry.sha256)
    await relaunch()
    let s = await state()
    expect(s.route).toBe('gate')
    expect(await page().evaluate(() => (window as any).__miitee.pagination().pages.at(-1).items.some((it: any) => it.kind === 'text' && it.lines.join('').includes('本政策已修订。')))).toBe(true)
    let texts = await screenTexts(page())
    expect(texts).toContain(POLICY_CHANGED_NOTICE)
    expect(texts).toContain('隐私政策摘要')
    expect(await focusedRef(page())).toBe('B_agree')
    await snap('changed-policy-gate')

    await key('Enter')
    s = await state()
    expect(s.route).toBe('policy')
    const accepted = JSON.parse((await storageItem(page(), ACCEPTANCE_KEY)) ?? 'null')
    expect(accepted).toMatchObject({ policyId: entry.id, version: entry.version, sha256 })

    // Serving the original again is a change too.
    changedPolicy = null
    await relaunch()
    s = await state()
    expect(s.route).toBe('gate')
    texts = await screenTexts(page())
    expect(texts).toContain(POLICY_CHANGED_NOTICE)
    await key('Enter')
    expect((await state()).route).toBe('policy')
    expect(JSON.parse((await storageItem(page(), ACCEPTANCE_KEY)) ?? 'null').sha256).toBe(entry.sha256)
    await relaunch()
    expect((await state()).route).toBe('policy')
  })

  it('不同意 → declined page (nothing stored) → 重新阅读 → gate, and again: never a loop', async () => {
    await launch(true)
    for (let round = 1; round <= 2; round++) {
      expect((await state()).route).toBe('gate')
      await key('Left', 3)
      await key('Right')
      expect(await focusedRef(page())).toBe('B_disagree')
      await key('Enter')
      expect((await state()).route).toBe('declined')
      const texts = await screenTexts(page())
      for (const t of ['您未同意隐私政策', '重新阅读', '退出']) expect(texts).toContain(t)
      expect(texts.some((t) => t.includes('扫码与手机配对'))).toBe(true)
      expect(await focusedRef(page())).toBe('B_read')
      expect(await storageItem(page(), ACCEPTANCE_KEY)).toBeNull()
      if (round === 1) await snap('declined')
      // 重新阅读 in round 1, Back in round 2: both return to the gate.
      await key(round === 1 ? 'Enter' : 'Back')
      expect((await state()).route).toBe('gate')
      expect(await screenTexts(page())).toContain('隐私政策摘要')
    }
    await snap('declined-read-again-gate')
  })

  it('Back on the gate after 重新阅读 asks before exit (the gate is the root: no dead key press, no way back to 不同意)', async () => {
    expect((await state()).route).toBe('gate')
    await key('Back')
    const s = await state()
    expect(s.route).toBe('gate')
    expect(s.exitDialog).toBe(true)
    await key('Back')
    expect(await state()).toMatchObject({ route: 'gate', exitDialog: false })
  })

  it('OK on the exit question exits the app; no request ever left the origin, no page error', async () => {
    await relaunch()
    expect((await state()).route).toBe('gate')
    await key('Back')
    expect((await state()).exitDialog).toBe(true)
    await press(page(), 'Enter', { settleFrames: 0 })
    await page().waitForFunction(() => (window as any).__miitee.state.exited === true, undefined, { timeout: 5000 })
    // A tab the script did not open ignores window.close(): the app stays on screen, never torn down to a white page.
    expect(await page().evaluate(() => (window as any).__miitee.logs.filter((l: string) => l.startsWith('exit:')))).toEqual(['exit: window.close'])
    expect(await page().evaluate(() => !!(window as any).__miitee.app.tag('App'))).toBe(true)

    expect(requests.outside(server.url)).toEqual([])
    // The browser's own icon fetch (resource type "other", not the app's) may be aborted as the tab is asked to close.
    expect(requests.entries.filter((e) => e.failure && e.resourceType !== 'other')).toEqual([])
    expect(consoleOf(page()).filter((l) => l.level === 'pageerror')).toEqual([])
  })
})
