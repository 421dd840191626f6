// Texture memory of the reader: only the current page and its neighbours may hold page textures,
// so a policy ten times longer must not raise texture memory by more than 10%.
//
// The built app is served twice: with the real policy, and (in a second browser launch) with a
// generated policy whose sections are the real ones repeated ten times (copies 2…10 with ids
// `<id>-r<k>`, its own SHA-256). Each run agrees on the gate, opens the reader and flips with
// Right from the first page to the last, sampling after every flip, once the new page is drawn:
//   - stage.textureManager.usedMemory (the hook's textureMemory(): what Lightning holds, pixels)
//   - the part of it used by elements in the tree (information)
//   - PolicyPageView instances under the reader and the children of its Strip's Views
// Nothing is freed by the test (no stage.gc()): it measures what the app really keeps.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { policyDocumentProblems, policyHashInput, type PolicyDocument, type PolicyIndexEntry } from '../../src/core/policy'
import { consoleOf, launchChromium, openApp, press, renderFrames, type ChromiumSession } from './harness/chromium'
import { ARTIFACTS_DIR, BUILD_DIR, requireBuild } from './harness/common'
import { startStaticServer, type StaticServer } from './harness/server'

const TIMES = 10
const TENFOLD_FILE = 'miitee-privacy-policy-x10.zh-CN.json'

interface Sample {
  pageIndex: number
  held: number
  inUse: number
  /** PolicyPageView instances under the reader page shown */
  readerViews: number
  /** children of that reader's Strip > Views */
  stripViews: number
  /** PolicyPageView instances anywhere in the tree that are active (drawn or within bounds) */
  activeViews: number
  /** PolicyPageView instances anywhere in the tree, hidden pages included (information) */
  allViews: number
}

interface RunResult {
  pageCount: number
  lastIndex: number
  flips: number
  start: Sample
  end: Sample
  maxHeld: number
  maxInUse: number
  maxReaderViews: number
  maxStripViews: number
  maxActiveViews: number
  maxAllViews: number
  /** flips after which usedMemory went down: Lightning's memory-pressure GC ran */
  gcDrops: { afterPage: number; from: number; to: number }[]
}

function repeated(doc: PolicyDocument, times: number): PolicyDocument {
  const sections = []
  for (let k = 1; k <= times; k++) for (const s of doc.sections) sections.push(k === 1 ? s : { ...s, id: `${s.id}-r${k}` })
  const big: PolicyDocument = { ...doc, sections, sha256: '' }
  big.sha256 = createHash('sha256').update(policyHashInput(big), 'utf8').digest('hex')
  return big
}

/** In the page: texture pixels held / used, and the reader's page views (no state is changed). */
const SAMPLE_FN = `(function () {
  var h = window.__miitee, st = h.app.stage, tm = st.textureManager;
  function kids(el) { return el.__childList ? el.__childList.get() : []; }
  function find(el, pred) {
    if (pred(el)) return el;
    var c = kids(el);
    for (var i = 0; i < c.length; i++) { var f = find(c[i], pred); if (f) return f; }
    return null;
  }
  function count(el, pred) {
    var n = pred(el) ? 1 : 0, c = kids(el);
    for (var i = 0; i < c.length; i++) n += count(c[i], pred);
    return n;
  }
  var inUse = 0;
  (tm._uploadedTextureSources || []).forEach(function (s) { if (s.isUsed()) inUse += s.w * s.h; });
  function isView(el) { return el.constructor && el.constructor.name === 'PolicyPageView'; }
  // The reader page shown: it has a Strip and a Contents panel, and is visible. (The router builds
  // a page per route up front and hides the others; the class name of a page in a state is the
  // state's, so the page is found by its parts, not by its class.)
  function child(el, ref) { var c = kids(el); for (var i = 0; i < c.length; i++) if (c[i].ref === ref) return c[i]; return null; }
  var reader = find(st.root, function (el) { return el.attached && el.visible && !!child(el, 'Strip') && !!child(el, 'Contents') && !!child(el, 'Header'); });
  var strip = reader && child(reader, 'Strip');
  var views = strip && child(strip, 'Views');
  return {
    pageIndex: h.state.reader ? h.state.reader.pageIndex : -1,
    held: h.textureMemory(),
    inUse: inUse,
    readerViews: reader ? count(reader, isView) : -1,
    stripViews: views ? kids(views).length : -1,
    activeViews: count(st.root, function (el) { return isView(el) && el.active; }),
    allViews: count(st.root, isView)
  };
})`
const SAMPLE = `${SAMPLE_FN}()`

/** True once page `index` is shown and every active texture on screen is displayed. */
const PAGE_DRAWN = `(function (index) {
  var h = window.__miitee;
  if (!h.state.reader || h.state.reader.pageIndex !== index) return false;
  var stack = [h.app.stage.root];
  while (stack.length) {
    var el = stack.pop();
    if (!el.active) continue;
    var tx = el.texture;
    if (tx && tx.isValid && !(tx.isLoaded() && el.displayedTexture === tx)) return false;
    var c = el.__childList ? el.__childList.get() : [];
    for (var i = 0; i < c.length; i++) stack.push(c[i]);
  }
  return true;
})`

const READER = 'window.__miitee.state.reader'

/**
 * One flip in a single round trip: keydown/keyup of Right (39) on document, then animation frames
 * until page `index` and every active texture (neighbours included) is displayed, one more
 * frame, and a sample. Resolves null after 10 s.
 */
const FLIP_AND_SAMPLE = `(function (index) {
  var drawn = ${PAGE_DRAWN}, sample = ${SAMPLE_FN};
  ['keydown', 'keyup'].forEach(function (type) {
    var ev = new KeyboardEvent(type, { key: 'ArrowRight', bubbles: true, cancelable: true });
    Object.defineProperty(ev, 'keyCode', { get: function () { return 39 } });
    Object.defineProperty(ev, 'which', { get: function () { return 39 } });
    document.dispatchEvent(ev);
  });
  var until = performance.now() + 10000;
  return new Promise(function (resolve) {
    (function tick() {
      if (drawn(index)) { requestAnimationFrame(function () { resolve(sample()); }); return; }
      if (performance.now() > until) { resolve(null); return; }
      requestAnimationFrame(tick);
    })();
  });
})`

/** Presses `key` until `cond` holds (a key pressed while the router is busy may be dropped). */
async function pressUntil(page: Page, key: 'Enter' | 'Right', cond: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await press(page, key, { settleFrames: 2 })
    try {
      await page.waitForFunction(cond, undefined, { timeout: 3000, polling: 50 })
      return
    } catch {
      if (await page.evaluate<boolean>(`!!(${cond})`)) return
    }
  }
  throw new Error(`${key} never led to: ${cond}`)
}

async function flipThrough(url: string): Promise<RunResult> {
  const chromium: ChromiumSession = await launchChromium()
  try {
    const { page } = chromium
    await openApp(page, url, { clearStorage: true })
    await page.waitForFunction(`window.__miitee.route === 'gate'`, undefined, { timeout: 30000 })
    await renderFrames(page, 5)
    await pressUntil(page, 'Enter', `window.__miitee.route === 'policy' && ${READER} && ${READER}.mode === 'Contents'`)
    await pressUntil(page, 'Enter', `${READER}.mode === 'Reading'`)
    const pageCount = await page.evaluate<number>(`${READER}.pageCount`)
    await page.waitForFunction(`${PAGE_DRAWN}(${READER}.pageIndex)`, undefined, { timeout: 10000, polling: 'raf' })

    const sample = () => page.evaluate<Sample>(SAMPLE)
    const start = await sample()
    let last = start
    const result: RunResult = {
      pageCount,
      lastIndex: start.pageIndex,
      flips: 0,
      start,
      end: start,
      maxHeld: start.held,
      maxInUse: start.inUse,
      maxReaderViews: start.readerViews,
      maxStripViews: start.stripViews,
      maxActiveViews: start.activeViews,
      maxAllViews: start.allViews,
      gcDrops: [],
    }
    for (let index = start.pageIndex + 1; index < pageCount; index++) {
      const s = await page.evaluate<Sample | null>(`${FLIP_AND_SAMPLE}(${index})`)
      if (!s) throw new Error(`page ${index + 1} of ${pageCount} not drawn within 10 s of Right`)
      result.flips++
      result.maxHeld = Math.max(result.maxHeld, s.held)
      result.maxInUse = Math.max(result.maxInUse, s.inUse)
      result.maxReaderViews = Math.max(result.maxReaderViews, s.readerViews)
      result.maxStripViews = Math.max(result.maxStripViews, s.stripViews)
      result.maxActiveViews = Math.max(result.maxActiveViews, s.activeViews)
      result.maxAllViews = Math.max(result.maxAllViews, s.allViews)
      if (s.held < last.held) result.gcDrops.push({ afterPage: index, from: last.held, to: s.held })
      last = s
    }
    result.end = last
    result.lastIndex = last.pageIndex
    expect(consoleOf(page).filter((l) => l.level === 'pageerror')).toEqual([])
    return result
  } finally {
    await chromium.close()
  }
}

function expectAtMostThreeViews(r: RunResult) {
  expect(r.start.readerViews, 'the reader page was found with its page views').toBeGreaterThan(0)
  expect(r.maxStripViews).toBeLessThanOrEqual(3)
  expect(r.maxReaderViews).toBeLessThanOrEqual(3)
  expect(r.maxActiveViews).toBeLessThanOrEqual(3)
}

const describeViews = (r: RunResult) =>
  `page views: reader max ${r.maxReaderViews}, Strip > Views max ${r.maxStripViews}, active in the tree max ${r.maxActiveViews}, in the tree incl. hidden pages max ${r.maxAllViews}`

const mpx = (px: number) => `${(px / 1e6).toFixed(2)} Mpx`

describe('TV reader texture memory (Chromium)', () => {
  let real: StaticServer
  let tenfold: StaticServer
  let realDoc: PolicyDocument
  let bigDoc: PolicyDocument
  const results: { real?: RunResult; tenfold?: RunResult } = {}

  beforeAll(async () => {
    requireBuild()
    const policyDir = join(BUILD_DIR, 'static/policy')
    const index = JSON.parse(readFileSync(join(policyDir, 'index.json'), 'utf8')) as PolicyIndexEntry[] | { policies: PolicyIndexEntry[] }
    const entries = Array.isArray(index) ? index : index.policies
    const entry = entries.find((e) => e.locale === 'zh-CN') ?? entries[0]
    realDoc = JSON.parse(readFileSync(join(BUILD_DIR, 'static', entry.path.replace(/^(\.\/)?(static\/)?/, '')), 'utf8')) as PolicyDocument
    bigDoc = repeated(realDoc, TIMES)
    const bigIndex = JSON.stringify([{ ...entry, sha256: bigDoc.sha256, path: `policy/${TENFOLD_FILE}` }])
    const bigJson = JSON.stringify(bigDoc)

    real = await startStaticServer(BUILD_DIR)
    tenfold = await startStaticServer(BUILD_DIR, {
      handle: (req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname
        const body = path === '/static/policy/index.json' ? bigIndex : path === `/static/policy/${TENFOLD_FILE}` ? bigJson : null
        if (body === null) return false
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(body)
        return true
      },
    })
  })

  afterAll(async () => {
    await real?.close()
    await tenfold?.close()
    mkdirSync(ARTIFACTS_DIR, { recursive: true })
    writeFileSync(join(ARTIFACTS_DIR, 'tv-memory.json'), JSON.stringify(results, null, 2))
  })

  it('the generated policy is a valid document ten times as long, with its own hash', () => {
    expect(policyDocumentProblems(bigDoc)).toEqual([])
    expect(bigDoc.sections.length).toBe(TIMES * realDoc.sections.length)
    expect(new Set(bigDoc.sections.map((s) => s.id)).size).toBe(bigDoc.sections.length)
    expect(bigDoc.sha256).not.toBe(realDoc.sha256)
  })

  it('flips through the real policy holding at most three page views', { timeout: 240000 }, async () => {
    const r = (results.real = await flipThrough(real.url))
    console.log(
      `real policy: ${r.pageCount} pages, ${r.flips} flips; texture memory held max ${mpx(r.maxHeld)}, end ${mpx(r.end.held)}; ` +
        `used by the tree max ${mpx(r.maxInUse)}, end ${mpx(r.end.inUse)}; Lightning GC drops ${JSON.stringify(r.gcDrops)}; ${describeViews(r)}`,
    )
    expect(r.lastIndex).toBe(r.pageCount - 1)
    expectAtMostThreeViews(r)
  })

  it('flips through a policy ten times longer: ~10× the pages, texture memory within 110%', { timeout: 480000 }, async () => {
    const r = (results.tenfold = await flipThrough(tenfold.url))
    const base = results.real
    console.log(
      `10× policy: ${r.pageCount} pages, ${r.flips} flips; texture memory held max ${mpx(r.maxHeld)}, end ${mpx(r.end.held)}; ` +
        `used by the tree max ${mpx(r.maxInUse)}, end ${mpx(r.end.inUse)}; Lightning GC drops: ${r.gcDrops.length}; ${describeViews(r)}` +
        (base ? `; max held 10× / real = ${(r.maxHeld / base.maxHeld).toFixed(3)}, max used 10× / real = ${(r.maxInUse / base.maxInUse).toFixed(3)}` : ''),
    )
    expect(base, 'the real-policy run must have run first').toBeDefined()
    expect(r.lastIndex).toBe(r.pageCount - 1)
    expectAtMostThreeViews(r)
    expect(r.pageCount).toBeGreaterThanOrEqual(Math.floor(base!.pageCount * TIMES * 0.95))
    expect(r.pageCount).toBeLessThanOrEqual(Math.ceil(base!.pageCount * TIMES * 1.05))
    expect(r.maxHeld).toBeLessThanOrEqual(1.1 * base!.maxHeld)
    // Dropped pages' textures are freed at once: what Lightning holds is what the tree uses.
    expect(r.maxHeld).toBeLessThanOrEqual(1.1 * r.maxInUse)
    expect(base!.maxHeld).toBeLessThanOrEqual(1.1 * base!.maxInUse)
  })
})
