// Re-consent as a viewer meets it (policy section 八): one section of the policy Markdown is
// swapped (in a copy), the policy rebuilt with tools/policy-build.ts, and the app relaunched with
// the previous acceptance kept. The gate names exactly that section (drawn and said), the contents
// mark exactly it 已更新 / Updated (drawn and said) and OK on it opens it; an acceptance kept before
// section hashes says the policy changed without marks. Screenshots: tv-reconsent-*.png.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sectionLabel, type PolicyDocument } from '../../src/core/policy/index'
import { splitSentences } from '../../src/core/speech/sentences'
import { translate, type UiLanguage } from '../../src/tv/i18n/strings'
import { COLORS, SAFE } from '../../src/tv/theme/screen'
import { consoleOf, launchChromium, openApp, press, renderFrames, screenshot, type ChromiumSession } from './harness/chromium'
import { BUILD_DIR, ROOT, requireBuild, type RemoteKey } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'
import { heard as heardIn, SPEECH_RECORDER, type Spoken } from './harness/speech'
import { ACCEPTANCE_KEY, focusedRef, hookState, menuState, paginationOf, PREFERENCES_KEY, screenTexts, seedStorage, storageItem, waitForFirstRoute } from './harness/tv'

const POLICY_SRC = join(ROOT, 'policy')
const SWAPPED_SECTION = 's3'
/** Section 三's first 公开披露 case, made stricter: characters the font subset already has (checked below). */
const SWAP_FROM = '1. 获得您明确同意后;'
const SWAP_TO = '1. 获得您明确同意后,我们才会公开披露;'

interface Box {
  x0: number
  y0: number
  x1: number
  y1: number
}

/** The gate's notice line as drawn: its text and screen box (after its texture rendered). */
function noticeProbe(page: Page): Promise<{ text: string; box: Box } | null> {
  return page.evaluate(() => {
    let found: any = null
    const find = (el: any) => {
      if (found || !el.enabled) return
      if (el.ref === 'Notice' && el.texture && typeof el.texture.text === 'string') found = el
      else if (el.childList) el.childList.forEach(find)
    }
    find((window as any).__miitee.app.stage.root)
    if (!found || !found.texture.source?.renderInfo) return null
    const c = found.core.getCornerPoints()
    return { text: found.texture.text, box: { x0: Math.min(c[0], c[4]), y0: Math.min(c[1], c[5]), x1: Math.max(c[2], c[6]), y1: Math.max(c[3], c[7]) } }
  })
}

/** The gate's key hint and its 阅读全文 button, as screen boxes. */
function hintProbe(page: Page): Promise<{ lines: (Box & { text: string })[]; read: Box } | null> {
  return page.evaluate(() => {
    let gate: any = null
    const find = (el: any) => {
      if (gate || !el.enabled) return
      if (el.tag && el.tag('Buttons') && el.tag('Notice')) gate = el
      else if (el.childList) el.childList.forEach(find)
    }
    find((window as any).__miitee.app.stage.root)
    if (!gate) return null
    const box = (el: any) => {
      const c = el.core.getCornerPoints()
      return { x0: Math.min(c[0], c[4]), y0: Math.min(c[1], c[5]), x1: Math.max(c[2], c[6]), y1: Math.max(c[3], c[7]) }
    }
    const hint = gate.tag('Hint')
    return { lines: [{ ...box(hint), text: hint.texture?.text ?? '' }], read: box(gate.tag('Buttons').tag('B_read')) }
  })
}

/** The contents row of `id`: its label and mark (value) boxes as drawn, their colours, and the panel's right edge. */
function rowProbe(page: Page, id: string): Promise<{ label: Box & { color: number }; value: (Box & { color: number }) | null; panelRight: number } | null> {
  return page.evaluate((sectionId) => {
    let reader: any = null
    const find = (el: any) => {
      if (reader || !el.attached) return
      if (typeof el.openSection === 'function' && el.tag('Contents.List')) reader = el
      else if (el.childList) el.childList.forEach(find)
    }
    find((window as any).__miitee.app.stage.root)
    if (!reader) return null
    const list = reader.tag('Contents.List')
    const i = list.entries.findIndex((e: { id: string }) => e.id === sectionId)
    const row = list.tag('Body.Rows').children[i]
    const box = (el: any) => {
      const c = el.core.getCornerPoints()
      return { x0: Math.min(c[0], c[4]), y0: Math.min(c[1], c[5]), x1: Math.max(c[2], c[6]), y1: Math.max(c[3], c[7]) }
    }
    const value = row.tag('Value')
    const label = row.tag('Label')
    const colour = (el: any) => (el.color === 0xffffffff ? el.texture.textColor ?? el.text?.textColor : el.color) >>> 0
    return { label: { ...box(label), color: colour(label) }, value: value ? { ...box(value), color: colour(value) } : null, panelRight: box(reader.tag('Contents')).x1 }
  }, id)
}

/** WCAG 2 contrast ratio of two ARGB colours (alpha ignored: both opaque here). */
function contrast(a: number, b: number): number {
  const lum = (c: number) => {
    const ch = [16, 8, 0].map((sh) => ((c >>> sh) & 0xff) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]
  }
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

/** Compiles the policy sources in `src` into `out` with the project's own build step. */
function buildPolicy(src: string, out: string): void {
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'tools/policy-build.ts'), '--src', src, '--out', out], { cwd: ROOT, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`policy-build failed (${r.status}): ${r.stderr}`)
}

function compiledDoc(dir: string): PolicyDocument {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'))
  return JSON.parse(readFileSync(join(dir, index[0].path.replace(/^policy\//, '')), 'utf8'))
}

/** SHA-256 of every policy source file, to show the repository's copy is left as it was. */
function sourceDigest(): string {
  const h = createHash('sha256')
  for (const f of readdirSync(POLICY_SRC).sort()) if (f.endsWith('.md')) h.update(f).update(readFileSync(join(POLICY_SRC, f)))
  return h.digest('hex')
}

describe('TV re-consent in Chromium: the sections changed since the accepted version, on the gate and in the contents', () => {
  let server: StaticServer
  let chromium: ChromiumSession
  let tmp: string
  let v1Dir: string
  let v2Dir: string
  let v1: PolicyDocument
  let v2: PolicyDocument
  /** Where /static/policy/* is served from: the policy as first built, or rebuilt after the swap. */
  let served: string
  let sourceBefore: string
  /** The acceptance stored by 同意 on v1, kept across the relaunches. */
  let v1Acceptance: string

  const page = () => chromium.page
  const key = (k: RemoteKey, times = 1) => press(page(), k, { times })
  const spoken = () => page().evaluate<Spoken[]>('window.__spoken.slice()')
  const heard = (test: (s: Spoken) => boolean, what: string) => heardIn(spoken, test, what)
  /** The section ids the gate says changed (null: it cannot tell which), as it publishes them. */
  const gateChanged = async (): Promise<string[] | null | undefined> => ((await hookState(page())).gate as { changedSections?: string[] | null } | undefined)?.changedSections
  const prefs = (language: UiLanguage) => JSON.stringify({ language, textSize: 'M', speechRate: 1 })

  /** Relaunches with `acceptance` stored (and the UI language), voice guidance on, serving `dir`'s policy. */
  async function relaunch(dir: string, acceptance: string, language: UiLanguage) {
    served = dir
    await seedStorage(page(), server.url, { [ACCEPTANCE_KEY]: acceptance, [PREFERENCES_KEY]: prefs(language) })
    expect(await openApp(page(), `${server.url}?voiceGuidance=on`)).toBe('hook')
    return waitForFirstRoute(page())
  }

  /** Waits for the gate's notice to be drawn. */
  async function notice() {
    for (let i = 0; i < 50; i++) {
      const n = await noticeProbe(page())
      if (n && n.text) return n
      await renderFrames(page(), 2)
    }
    throw new Error('the gate drew no notice')
  }

  beforeAll(async () => {
    requireBuild()
    sourceBefore = sourceDigest()
    tmp = mkdtempSync(join(tmpdir(), 'miitee-reconsent-'))
    const src = join(tmp, 'src')
    mkdirSync(src)
    for (const f of readdirSync(POLICY_SRC)) if (f.endsWith('.md')) copyFileSync(join(POLICY_SRC, f), join(src, f))
    v1Dir = join(tmp, 'v1')
    buildPolicy(src, v1Dir)
    const file = join(src, 'miitee-privacy-policy.zh-CN.md')
    const text = readFileSync(file, 'utf8')
    expect(text.split(SWAP_FROM)).toHaveLength(2)
    // The new words are drawn with the app's subset font: every character is one the policy has.
    for (const ch of SWAP_TO) expect(text.includes(ch), `“${ch}” is in the policy`).toBe(true)
    writeFileSync(file, text.replace(SWAP_FROM, SWAP_TO))
    v2Dir = join(tmp, 'v2')
    buildPolicy(src, v2Dir)
    v1 = compiledDoc(v1Dir)
    v2 = compiledDoc(v2Dir)
    expect(v2.sha256).not.toBe(v1.sha256)
    served = v1Dir
    server = await startStaticServer(BUILD_DIR, {
      handle: (req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname
        if (!path.startsWith('/static/policy/')) return false
        let body: Buffer
        try {
          body = readFileSync(join(served, path.slice('/static/policy/'.length)))
        } catch {
          return false
        }
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(body)
        return true
      },
    })
    chromium = await launchChromium()
    await chromium.context.addInitScript(SPEECH_RECORDER)
  })

  afterAll(async () => {
    await chromium?.close()
    await server?.close()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('同意 keeps each section hash of the accepted version with the acceptance, and no policy text', async () => {
    expect(await openApp(page(), server.url, { clearStorage: true })).toBe('hook')
    expect(await waitForFirstRoute(page())).toBe('gate')
    expect(await gateChanged()).toBeUndefined()
    expect(await focusedRef(page())).toBe('B_agree')
    await key('Enter')
    expect((await hookState(page())).route).toBe('policy')
    v1Acceptance = (await storageItem(page(), ACCEPTANCE_KEY))!
    const stored = JSON.parse(v1Acceptance)
    expect(stored).toMatchObject({ policyId: v1.id, sha256: v1.sha256, sections: Object.fromEntries(v1.sections.map((s) => [s.id, s.sha256])) })
    for (const s of v1.sections) expect(v1Acceptance).not.toContain(sectionLabel(s))
    // No marks once accepted.
    expect((await menuState(page()))!.entries.filter((e) => e.value === translate('zh-CN', 'sectionUpdated'))).toEqual([])
  })

  for (const lang of ['zh-CN', 'en-US'] as const) {
    it(`${lang}: after section 三 changed, the gate names exactly it, the contents mark exactly it, OK on the mark opens it`, async () => {
      const t = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate(lang, k, v)
      const changed = v2.sections.find((s) => s.id === SWAPPED_SECTION)!
      expect(await relaunch(v2Dir, v1Acceptance, lang)).toBe('gate')
      expect(await gateChanged()).toEqual([SWAPPED_SECTION])

      // The gate: one line naming the section, by title or by short name, inside the title-safe area.
      const byTitle = t('policyChangedSections', { sections: t('sectionQuoted', { title: sectionLabel(changed) }) })
      const byName = t('policyChangedSections', { sections: t('sectionShortNumbered', { ordinal: '三', n: 3 }) })
      const n = await notice()
      expect([byTitle, byName]).toContain(n.text)
      expect(n.box.x0).toBeGreaterThanOrEqual(SAFE.x)
      expect(n.box.x1, 'the notice fits the title-safe width').toBeLessThanOrEqual(SAFE.x + SAFE.w)
      expect(await screenTexts(page())).toContain(t('gateTitle'))
      expect(await focusedRef(page())).toBe('B_agree')
      // The key hint keeps to the right of the buttons, inside the safe area.
      const hint = (await hintProbe(page()))!
      expect(hint.lines.map((l) => l.text).join('')).toBe(t('gateHint'))
      for (const l of hint.lines) {
        expect(l.x0, `hint “${l.text}” clear of ${t('readFull')}`).toBeGreaterThanOrEqual(hint.read.x1 + 16)
        expect(l.x1).toBeLessThanOrEqual(SAFE.x + SAFE.w + 1)
        expect(l.y1).toBeLessThanOrEqual(SAFE.y + SAFE.h)
      }
      // Said after the title, sentence by sentence: in English by number, not by its Chinese title.
      const sentences = splitSentences(lang === 'zh-CN' ? byTitle : byName)
      const all = await heard((x) => x.text === sentences[sentences.length - 1], 'the changed section on the gate')
      const texts = all.map((x) => x.text)
      const at = sentences.map((x) => texts.indexOf(x))
      expect(at[0], `heard: ${texts.join(' | ')}`).toBeGreaterThan(texts.indexOf(t('gateTitle')))
      expect(at).toEqual(at.map((_, i) => at[0] + i))
      expect(all[at[0]].lang).toBe(lang)
      if (lang === 'en-US') expect(all.filter((x) => x.lang === 'en-US' && /[\u4e00-\u9fff]/.test(x.text)).map((x) => x.text)).toEqual([])
      await screenshot(page(), `tv-reconsent-gate-${lang}`)

      // 阅读全文: the contents open on the changed section, marked, the only mark.
      await key('Right', 2)
      expect(await focusedRef(page())).toBe('B_read')
      await page().evaluate('window.__spoken.length = 0')
      await key('Enter')
      const s = await hookState(page())
      expect(s.route).toBe('policy')
      expect(s.reader?.mode).toBe('Contents')
      const m = (await menuState(page()))!
      expect(m.entries.filter((e) => e.value === t('sectionUpdated')).map((e) => e.id)).toEqual([SWAPPED_SECTION])
      expect(m.selectedId).toBe(SWAPPED_SECTION)
      const entry = m.entries[m.index]
      const said = splitSentences(t('spokenSetting', { label: entry.label, value: t('sectionUpdated'), n: m.index + 1, total: m.ids.length }))
      await heard((x) => x.text === said[0], `“${said.join(' ')}”`)
      const row = (await rowProbe(page(), SWAPPED_SECTION))!
      expect(row.value, 'the mark is drawn').not.toBeNull()
      expect(row.label.x1, 'the title ends before its mark').toBeLessThanOrEqual(row.value!.x0)
      expect(row.value!.x1, 'the mark inside the panel').toBeLessThanOrEqual(row.panelRight)
      expect(row.value!.color, 'on the focus bar the mark takes the label’s colour').toBe(row.label.color)
      expect(await screenTexts(page())).toContain(t('sectionUpdated'))
      await screenshot(page(), `tv-reconsent-contents-${lang}`)
      // Off the focus bar the mark stands out in its own colour, readable on the panel.
      await key('Down')
      const off = (await rowProbe(page(), SWAPPED_SECTION))!
      expect(off.value!.color).not.toBe(off.label.color)
      expect(contrast(off.value!.color, COLORS.panel), 'mark on the panel').toBeGreaterThanOrEqual(4.5)
      await screenshot(page(), `tv-reconsent-contents-unfocused-${lang}`)
      await key('Up')

      // OK on the marked entry opens that section.
      await key('Enter')
      const p = await paginationOf(page())
      expect((await hookState(page())).reader).toMatchObject({ mode: 'Reading', sectionId: SWAPPED_SECTION, pageIndex: p.sectionFirstPage[SWAPPED_SECTION] })
      await key('Back')
      expect((await hookState(page())).reader?.mode).toBe('Contents')
      expect((await menuState(page()))!.selectedId).toBe(SWAPPED_SECTION)
      expect(consoleOf(page()).filter((e) => e.level === 'pageerror')).toEqual([])
    })
  }

  it('an acceptance kept before section hashes: the gate says the policy changed, naming none; the contents mark nothing', async () => {
    const { sections: _hashes, ...old } = JSON.parse(v1Acceptance)
    expect(await relaunch(v2Dir, JSON.stringify(old), 'zh-CN')).toBe('gate')
    expect(await gateChanged()).toBeNull()
    expect((await notice()).text).toBe(translate('zh-CN', 'policyChanged'))
    await key('Right', 2)
    await key('Enter')
    const m = (await menuState(page()))!
    expect(m.entries.filter((e) => e.value === translate('zh-CN', 'sectionUpdated'))).toEqual([])
    expect(m.selectedId).toBe('summary')
    expect(consoleOf(page()).filter((e) => e.level === 'pageerror')).toEqual([])
  })

  it('同意 on the changed policy stores its hashes; a relaunch skips the gate and marks nothing', async () => {
    expect(await relaunch(v2Dir, v1Acceptance, 'zh-CN')).toBe('gate')
    await key('Enter')
    const stored = JSON.parse((await storageItem(page(), ACCEPTANCE_KEY))!)
    expect(stored).toMatchObject({ sha256: v2.sha256, sections: Object.fromEntries(v2.sections.map((s) => [s.id, s.sha256])) })
    expect((await menuState(page()))!.entries.filter((e) => e.value === translate('zh-CN', 'sectionUpdated'))).toEqual([])
    await page().goto('about:blank')
    expect(await openApp(page(), server.url)).toBe('hook')
    expect(await waitForFirstRoute(page())).toBe('policy')
  })

  it('the repository’s policy source is unchanged', () => {
    expect(sourceDigest()).toBe(sourceBefore)
  })
})
