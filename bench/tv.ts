// `npm run bench:tv`: the TV app against an empty Lightning app, both built minified with the
// project's CLI and run in one headless Chromium (1920×1080, WebGL through SwiftShader).
//
// Measured:
//   first frame      navigation start → first drawn Lightning frame with the first screen
//                    complete (TV app: route 'gate', the summary's textures displayed; empty
//                    app: its text displayed). Rounds alternate app/empty, order flipped each
//                    round, after one discarded warm-up of each; each cold start is a fresh tab
//                    on an origin whose stored data was cleared (both apps alike). The ratio
//                    of the medians is printed with its 95% bootstrap interval (rounds
//                    resampled as pairs), which says how far a repeat run could move it.
//   page flip        keydown → first drawn frame showing the new page with its textures, in the
//                    reader at 1080p; forward (Right) to the last page, then back (Left)
//   voice guidance   the same flips in two readers, guidance off and ?voiceGuidance=on (speech
//                    recorded, no audio), alternated flip by flip: both medians, the difference
//                    with its 95% bootstrap interval (flips resampled as pairs), and the
//                    utterances each tab started (none with guidance off)
//   agree → reader   Enter on 同意 → first complete frame of the reader (information)
//   pagination       the hook's timePagination: whole policy, cold glyph cache, median
//   JS heap          after a forced GC (DevTools protocol Runtime.getHeapUsage)
//   texture pixels   stage.textureManager.usedMemory (what Lightning holds), and the part of it
//                    used by elements in the tree
//   app code         gzip(appBundle.js + boot.js of the app) − gzip(appBundle.js of the empty app): the SDK
//                    is in both bundles; Lightning core is loaded separately from lib/. This is
//                    the code loaded to show the policy. The pairing feature (with axios) is a
//                    second bundle, fetched on the first visit to #pair or #privacy, or after
//                    同意 to resume the consent outbox; printed beside it, with the sum.
//   font subset      bytes shipped in static/fonts, per format
//   TV-class CPU     first frame (app and empty app, alternated) and page flips again with the
//                    tab's CPU throttled 4× and 6× (bench/lib/tv-throttle.ts): at each rate the
//                    first-frame ratio against the empty app at the same rate with its interval,
//                    and the flip median and p95; judged at 6×
// Run time: BENCH_TV_ROUNDS (1× cold-start rounds, default 101), BENCH_TV_THROTTLE_ROUNDS
// (rounds per throttled rate, default 15), BENCH_TV_THROTTLE_FLIPS (flips per rate, default 30),
// BENCH_TV_RATES (default 4,6). A quick run: BENCH_TV_ROUNDS=11 BENCH_TV_THROTTLE_ROUNDS=7.
// Targets from the issue are printed with PASS/FAIL. The exit code is 0 whatever the verdicts;
// it is 1 only when the benchmark itself could not run. Traffic stays on 127.0.0.1.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Page } from 'playwright-core'
import { launchChromium, renderFrames, type ChromiumOptions, type ChromiumSession } from '../test/browser/harness/chromium'
import { startStaticServer, type StaticServer } from '../test/browser/harness/server'
import { APP_OUT, EMPTY_OUT, buildApp, buildAssets, buildEmptyApp, type BuildStep } from './lib/tv-build'
import { HOOK, KEYS, PROBE_INIT, READER, clearOrigin, flip, pressUntil, waitFirstFrame } from './lib/tv-probe'
import { guidanceFlips, type GuidanceFlips } from './lib/tv-voice'
import { throttledRows, throttledRuns, type ThrottledRun } from './lib/tv-throttle'
import { bootstrapDifferenceOfMedians, bootstrapRatioOfMedians, fmt, max, median, printTable, verdict, type Row } from './lib/tv-report'

// Cold starts vary a lot on a shared machine: the printed bootstrap interval says how far a
// repeat run could move the ratio. BENCH_TV_ROUNDS changes the count.
const ROUNDS = roundsFromEnv(process.env.BENCH_TV_ROUNDS, 101)
const THROTTLE_ROUNDS = roundsFromEnv(process.env.BENCH_TV_THROTTLE_ROUNDS, 15, 'BENCH_TV_THROTTLE_ROUNDS')
const THROTTLE_FLIPS = roundsFromEnv(process.env.BENCH_TV_THROTTLE_FLIPS, 30, 'BENCH_TV_THROTTLE_FLIPS')
const RATES = ratesFromEnv(process.env.BENCH_TV_RATES)
const MIN_FLIPS = 40
const FLIP_PAUSE_MS = 150
const PAGINATION_RUNS = 21
const BROWSER: ChromiumOptions = { viewport: { width: 1920, height: 1080 }, args: ['--enable-precise-memory-info'] }
const KIB = 1024
const TARGET = {
  paginationMs: 20,
  firstFrameRatio: 1.5,
  flipMedianMs: 100,
  voiceFlipDeltaMs: 5,
  appCodeGzipBytes: 40 * KIB,
  fontBytesPerFormat: 500 * KIB,
}

const STAGE = '((window.__miitee && window.__miitee.app) || window.app).stage'

interface Startup {
  firstFrameMs: number
  phases: Record<string, number>
  heapBytes: number
  texturePixels: number
}

async function heapAfterGc(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('HeapProfiler.collectGarbage')
    const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
    return usage.usedSize
  } finally {
    await cdp.detach()
  }
}

function texturePixels(page: Page): Promise<{ held: number; inUse: number }> {
  return page.evaluate<{ held: number; inUse: number }>(`(function () {
    var tm = ${STAGE}.textureManager;
    var inUse = 0;
    (tm._uploadedTextureSources || []).forEach(function (s) { if (s.isUsed()) inUse += s.w * s.h; });
    return { held: tm.usedMemory, inUse: inUse };
  })()`)
}

/** One cold start in a fresh tab: navigation → first complete frame, then heap and textures. */
async function startup(session: ChromiumSession, url: string, isApp: boolean): Promise<Startup> {
  const page = await session.newPage()
  try {
    // First launch: the TV app shows the consent gate. Both origins are cleared alike, so neither
    // app starts with caches (e.g. compiled shaders) the other was denied.
    await clearOrigin(page, url)
    await page.goto(url, { waitUntil: 'load', timeout: 30000 })
    const first = await waitFirstFrame(page)
    if (isApp !== first.hook) throw new Error(`${url}: expected ${isApp ? 'the TV app' : 'the empty app'} (hook ${first.hook})`)
    await renderFrames(page, 3)
    const heapBytes = await heapAfterGc(page)
    const tex = await texturePixels(page)
    return { firstFrameMs: first.ms, phases: first.phases, heapBytes, texturePixels: tex.held }
  } finally {
    await page.close()
  }
}

interface ReaderRun {
  agreeMs: number
  openMs: number
  pageCount: number
  flips: number[]
  /** page index shown by each flip in `flips` */
  flipTargets: number[]
  /** texture pixels held (usedMemory) after each flip in `flips` */
  flipHeld: number[]
  forward: number
  backward: number
  failedFlips: number
  heapBytes: number
  textures: { afterFlips: { held: number; inUse: number }; maxHeld: number; maxInUse: number }
  pagination: { first: number; runs: number[] }
}

async function readerRun(session: ChromiumSession, url: string): Promise<ReaderRun> {
  const page = await session.newPage()
  try {
    await clearOrigin(page, url)
    await page.goto(url, { waitUntil: 'load', timeout: 30000 })
    await waitFirstFrame(page)
    await renderFrames(page, 3)
    const agree = await pressUntil(page, KEYS.Enter, `${HOOK}.route === 'policy' && ${READER} && ${READER}.mode === 'Contents'`)
    await page.waitForTimeout(300)
    const open = await pressUntil(page, KEYS.Enter, `${READER}.mode === 'Reading'`)
    await page.waitForTimeout(300)

    const start = await page.evaluate<{ pageIndex: number; pageCount: number }>(`({ pageIndex: ${READER}.pageIndex, pageCount: ${READER}.pageCount })`)
    const flips: number[] = []
    const flipTargets: number[] = []
    const flipHeld: number[] = []
    let failedFlips = 0
    let maxHeld = 0
    let maxInUse = 0
    let index = start.pageIndex
    const forward = Math.min(start.pageCount - 1 - index, MIN_FLIPS)
    const backward = Math.min(index + forward, Math.max(10, MIN_FLIPS - forward))
    const plan = [...Array(forward).fill(KEYS.Right), ...Array(backward).fill(KEYS.Left)] as { code: number; key: string }[]
    for (const k of plan) {
      index += k === KEYS.Right ? 1 : -1
      const r = await flip(page, k.code, k.key, index)
      const tex = await texturePixels(page)
      if (r.ok) {
        flips.push(r.ms)
        flipTargets.push(index)
        flipHeld.push(tex.held)
      } else failedFlips++
      maxHeld = Math.max(maxHeld, tex.held)
      maxInUse = Math.max(maxInUse, tex.inUse)
      await page.waitForTimeout(FLIP_PAUSE_MS)
    }
    const afterFlips = await texturePixels(page)
    const heapBytes = await heapAfterGc(page)

    const first = await page.evaluate<number[]>(`${HOOK}.timePagination('M', 1)`)
    await page.evaluate(`${HOOK}.timePagination('M', 3)`) // warm-up
    const runs = await page.evaluate<number[]>(`${HOOK}.timePagination('M', ${PAGINATION_RUNS})`)
    return {
      agreeMs: agree.ms,
      openMs: open.ms,
      pageCount: start.pageCount,
      flips,
      flipTargets,
      flipHeld,
      forward,
      backward,
      failedFlips,
      heapBytes,
      textures: { afterFlips, maxHeld, maxInUse },
      pagination: { first: first[0], runs },
    }
  } finally {
    await page.close()
  }
}

function gzipBytes(file: string): { raw: number; gzip: number } {
  const buf = readFileSync(file)
  return { raw: buf.length, gzip: gzipSync(buf, { level: 6 }).length }
}

function fontFormats(dir: string): Map<string, { files: string[]; bytes: number }> {
  const out = new Map<string, { files: string[]; bytes: number }>()
  for (const f of readdirSync(dir)) {
    const ext = extname(f).slice(1).toLowerCase()
    if (!['ttf', 'otf', 'woff', 'woff2'].includes(ext)) continue
    const e = out.get(ext) ?? { files: [], bytes: 0 }
    e.files.push(f)
    e.bytes += statSync(join(dir, f)).size
    out.set(ext, e)
  }
  return out
}

async function main(): Promise<void> {
  const t0 = performance.now()
  console.log('bench:tv: builds (minified, no source maps)')
  const built = await buildApp()
  const steps: BuildStep[] = [...buildAssets(), ...built.steps, buildEmptyApp()]
  for (const s of steps) console.log(`  ${s.name.padEnd(24)} ${(s.ms / 1000).toFixed(1)} s`)

  const appBundle = gzipBytes(join(APP_OUT, 'appBundle.js'))
  const emptyBundle = gzipBytes(join(EMPTY_OUT, 'appBundle.js'))
  const bootScript = gzipBytes(join(APP_OUT, 'boot.js'))
  const fonts = fontFormats(join(APP_OUT, 'static/fonts'))

  let appServer: StaticServer | null = null
  let emptyServer: StaticServer | null = null
  let session: ChromiumSession | null = null
  const outside: string[] = []
  const app: Startup[] = []
  const empty: Startup[] = []
  let reader: ReaderRun
  let voice: GuidanceFlips
  let throttled: ThrottledRun[]
  let voiceServer: StaticServer | null = null
  try {
    appServer = await startStaticServer(APP_OUT)
    emptyServer = await startStaticServer(EMPTY_OUT)
    session = await launchChromium(BROWSER)
    await session.context.addInitScript(PROBE_INIT)
    session.context.on('request', (r) => {
      const u = new URL(r.url())
      if (!['data:', 'blob:', 'about:'].includes(u.protocol) && u.hostname !== '127.0.0.1') outside.push(r.url())
    })
    await session.page.close()

    console.log(`bench:tv: first frame, ${ROUNDS} rounds after a warm-up (alternating app / empty app)`)
    await startup(session, appServer.url, true)
    await startup(session, emptyServer.url, false)
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? ['app', 'empty'] : ['empty', 'app']
      for (const which of order) {
        if (which === 'app') app.push(await startup(session, appServer.url, true))
        else empty.push(await startup(session, emptyServer.url, false))
      }
      if ((i + 1) % 10 === 0 || i + 1 === ROUNDS) {
        const from = Math.floor(i / 10) * 10
        const part = (runs: Startup[]) => fmt.ms(median(runs.slice(from, i + 1).map((r) => r.firstFrameMs)))
        process.stdout.write(`  rounds ${from + 1}–${i + 1}: median app ${part(app)}, empty ${part(empty)}\n`)
      }
    }

    console.log('bench:tv: reader (agree, open, page flips, pagination)')
    reader = await readerRun(session, appServer.url)

    console.log('bench:tv: page flips with voice guidance off and on (two browsers, alternating)')
    voiceServer = await startStaticServer(APP_OUT)
    voice = await guidanceFlips(BROWSER, appServer.url, voiceServer.url, MIN_FLIPS, FLIP_PAUSE_MS)

    console.log(`bench:tv: TV-class CPU (${RATES.join('×, ')}× throttling), ${THROTTLE_ROUNDS} rounds and ${THROTTLE_FLIPS} flips per rate`)
    throttled = await throttledRuns(session, appServer.url, emptyServer.url, {
      rates: RATES,
      rounds: THROTTLE_ROUNDS,
      flips: THROTTLE_FLIPS,
      pauseMs: FLIP_PAUSE_MS,
      log: (line) => console.log(line),
    })
  } finally {
    await session?.close()
    await appServer?.close()
    await voiceServer?.close()
    await emptyServer?.close()
  }

  const ff = { app: median(app.map((s) => s.firstFrameMs)), empty: median(empty.map((s) => s.firstFrameMs)) }
  const ffInterval = bootstrapRatioOfMedians(
    app.map((s) => s.firstFrameMs),
    empty.map((s) => s.firstFrameMs),
  )
  const ffMax = { app: max(app.map((s) => s.firstFrameMs)), empty: max(empty.map((s) => s.firstFrameMs)) }
  const heap = { app: median(app.map((s) => s.heapBytes)), empty: median(empty.map((s) => s.heapBytes)) }
  const tex = { app: median(app.map((s) => s.texturePixels)), empty: median(empty.map((s) => s.texturePixels)) }
  const flipMedian = median(reader.flips)
  const flipMax = max(reader.flips)
  const voiceMedian = { off: median(voice.off), on: median(voice.on) }
  const voiceDelta = voiceMedian.on - voiceMedian.off
  const voiceInterval = voice.on.length >= 2 ? bootstrapDifferenceOfMedians(voice.on, voice.off) : { lo: NaN, hi: NaN }
  const pagMedian = median(reader.pagination.runs)
  const appCode = appBundle.gzip + bootScript.gzip - emptyBundle.gzip
  const worstFont = max([...fonts.values()].map((f) => f.bytes))
  const na = ''

  const rows: Row[] = [
    {
      measure: `first frame, median of ${ROUNDS}`,
      app: fmt.ms(ff.app),
      baseline: fmt.ms(ff.empty),
      ratio: fmt.ratio(ff.app, ff.empty),
      target: `≤ ${TARGET.firstFrameRatio}× empty`,
      verdict: verdict(ff.app <= TARGET.firstFrameRatio * ff.empty),
    },
    {
      measure: 'first frame ratio, 95% interval (bootstrap)',
      app: na,
      baseline: na,
      ratio: `${ffInterval.lo.toFixed(2)}–${ffInterval.hi.toFixed(2)}×`,
      target: na,
      verdict: '',
    },
    { measure: `first frame, max of ${ROUNDS}`, app: fmt.ms(ffMax.app), baseline: fmt.ms(ffMax.empty), ratio: fmt.ratio(ffMax.app, ffMax.empty), target: na, verdict: '' },
    {
      measure: `page flip key→frame, median of ${reader.flips.length}`,
      app: fmt.ms(flipMedian),
      baseline: na,
      ratio: na,
      target: `≤ ${TARGET.flipMedianMs} ms`,
      verdict: verdict(reader.flips.length >= 20 && reader.failedFlips === 0 && flipMedian <= TARGET.flipMedianMs),
    },
    { measure: `page flip key→frame, max`, app: fmt.ms(flipMax), baseline: na, ratio: na, target: na, verdict: '' },
    {
      measure: `page flip key→frame, guidance on / off, medians of ${voice.on.length} pairs`,
      app: fmt.ms(voiceMedian.on),
      baseline: `${fmt.ms(voiceMedian.off)} (off)`,
      ratio: fmt.ratio(voiceMedian.on, voiceMedian.off),
      target: `on ≤ off + ${TARGET.voiceFlipDeltaMs} ms`,
      verdict: verdict(voice.on.length >= 20 && voice.failed === 0 && voiceDelta <= TARGET.voiceFlipDeltaMs),
    },
    {
      measure: 'guidance on − off, flip median, 95% interval (bootstrap)',
      app: fmt.signedMs(voiceDelta),
      baseline: na,
      ratio: `${fmt.signedMs(voiceInterval.lo)} … ${fmt.signedMs(voiceInterval.hi)}`,
      target: na,
      verdict: '',
    },
    {
      measure: 'utterances started during those flips, off / on',
      app: `${voice.utterances.off} / ${voice.utterances.on}`,
      baseline: na,
      ratio: na,
      target: 'none with guidance off',
      verdict: verdict(voice.utterances.off === 0 && voice.utterances.on > 0),
    },
    { measure: 'agree → reader frame (Enter on 同意)', app: fmt.ms(reader.agreeMs), baseline: na, ratio: na, target: na, verdict: '' },
    {
      measure: `whole-policy pagination, median of ${PAGINATION_RUNS}`,
      app: fmt.ms(pagMedian),
      baseline: na,
      ratio: na,
      target: `≤ ${TARGET.paginationMs} ms`,
      verdict: verdict(pagMedian <= TARGET.paginationMs),
    },
    { measure: 'whole-policy pagination, max / first run', app: `${fmt.ms(max(reader.pagination.runs))} / ${fmt.ms(reader.pagination.first)}`, baseline: na, ratio: na, target: na, verdict: '' },
    { measure: 'JS heap after GC, first screen', app: fmt.mib(heap.app), baseline: fmt.mib(heap.empty), ratio: fmt.ratio(heap.app, heap.empty), target: na, verdict: '' },
    { measure: `JS heap after GC, reader after ${reader.flips.length} flips`, app: fmt.mib(reader.heapBytes), baseline: fmt.mib(heap.empty), ratio: fmt.ratio(reader.heapBytes, heap.empty), target: na, verdict: '' },
    { measure: 'texture pixels, first screen', app: fmt.mpx(tex.app), baseline: fmt.mpx(tex.empty), ratio: fmt.ratio(tex.app, tex.empty), target: na, verdict: '' },
    {
      measure: `texture pixels held, reader, max over flips`,
      app: fmt.mpx(reader.textures.maxHeld),
      baseline: fmt.mpx(tex.empty),
      ratio: fmt.ratio(reader.textures.maxHeld, tex.empty),
      target: na,
      verdict: '',
    },
    {
      measure: `texture pixels in use by the tree, reader, max`,
      app: fmt.mpx(reader.textures.maxInUse),
      baseline: fmt.mpx(tex.empty),
      ratio: fmt.ratio(reader.textures.maxInUse, tex.empty),
      target: na,
      verdict: '',
    },
    { measure: 'appBundle.js gzip (minified)', app: fmt.kib(appBundle.gzip), baseline: fmt.kib(emptyBundle.gzip), ratio: fmt.ratio(appBundle.gzip, emptyBundle.gzip), target: na, verdict: '' },
    { measure: 'boot.js gzip (minified, run first)', app: fmt.kib(bootScript.gzip), baseline: na, ratio: na, target: na, verdict: '' },
    {
      measure: 'app code gzip, first bundle + boot script (app − empty)',
      app: fmt.kib(appCode),
      baseline: na,
      ratio: na,
      target: `≤ ${TARGET.appCodeGzipBytes / KIB} KiB`,
      verdict: verdict(appCode <= TARGET.appCodeGzipBytes),
    },
    ...built.features.map((f): Row => ({
      measure: `${f.name} feature gzip (features/${f.name}.js, on demand)`,
      app: fmt.kib(f.gzip),
      baseline: na,
      ratio: na,
      target: na,
      verdict: '',
    })),
    {
      measure: 'app code gzip, all bundles',
      app: fmt.kib(appCode + built.features.reduce((n, f) => n + f.gzip, 0)),
      baseline: na,
      ratio: na,
      target: na,
      verdict: '',
    },
    ...[...fonts.entries()].map(([ext, f]): Row => ({
      measure: `font subset, ${ext} (${f.files.length} files)`,
      app: fmt.kib(f.bytes),
      baseline: na,
      ratio: na,
      target: `≤ ${TARGET.fontBytesPerFormat / KIB} KiB per format`,
      verdict: verdict(f.bytes <= TARGET.fontBytesPerFormat),
    })),
  ]

  rows.push(...throttledRows(throttled))

  console.log('')
  console.log(printTable(rows))
  console.log('')
  for (const [name, runs] of [['app', app], ['empty app', empty]] as const) {
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.phases)))]
    const phases = keys
      .map((k) => ({ k, ms: median(runs.map((r) => r.phases[k]).filter((v) => Number.isFinite(v))) }))
      .concat([{ k: 'first frame', ms: median(runs.map((r) => r.firstFrameMs)) }])
      .sort((a, b) => a.ms - b.ms)
    console.log(`${name} start-up, medians from navigation start: ${phases.map((p) => `${p.k} ${fmt.ms(p.ms)}`).join(' → ')}`)
  }
  console.log(`reader: ${reader.pageCount} pages; ${reader.forward} flips forward (Right), ${reader.backward} back (Left), ${reader.failedFlips} without a frame in 5 s; open section ${fmt.ms(reader.openMs)}`)
  console.log(
    `voice guidance: ${voice.on.length} flips paired, ${voice.failed} without a frame in a tab; speech recorded, each utterance held a minute (a flip cancels the sentence being said and starts the new page)` +
      (voiceInterval.hi - voiceInterval.lo > 2 * TARGET.voiceFlipDeltaMs ? `; the interval is wider than ±${TARGET.voiceFlipDeltaMs} ms: this run cannot resolve the budget (a busy machine), repeat it on a quiet one` : ''),
  )
  const slowest = reader.flips
    .map((ms, i) => ({ ms, page: reader.flipTargets[i] + 1, gc: i > 0 && reader.flipHeld[i] < reader.flipHeld[i - 1] }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3)
  console.log(`slowest flips: ${slowest.map((f) => `to page ${f.page} ${fmt.ms(f.ms)}${f.gc ? ' (Lightning texture GC ran)' : ''}`).join(', ')}`)
  console.log(
    `textures after the flips: ${fmt.mpx(reader.textures.afterFlips.held)} held by Lightning, ${fmt.mpx(reader.textures.afterFlips.inUse)} used by the tree ` +
      `(the rest is kept until Lightning's memory-pressure GC)`,
  )
  console.log(`bundles: app ${fmt.kib(appBundle.raw)} raw / ${fmt.kib(appBundle.gzip)} gzip, empty ${fmt.kib(emptyBundle.raw)} raw / ${fmt.kib(emptyBundle.gzip)} gzip (gzip level 6)`)
  console.log(`fonts: ${[...fonts.entries()].map(([ext, f]) => `${ext} ${f.files.join(' + ')} = ${fmt.kib(f.bytes)}`).join('; ')}; largest format ${fmt.kib(worstFont)}`)
  console.log(`requests outside 127.0.0.1: ${outside.length}${outside.length ? ` (${outside.slice(0, 5).join(', ')})` : ''}`)
  const fails = rows.filter((r) => r.verdict === 'FAIL').map((r) => r.measure)
  console.log(`targets: ${rows.filter((r) => r.verdict === 'PASS').length} PASS, ${fails.length} FAIL${fails.length ? ` (${fails.join('; ')})` : ''}`)
  console.log(`bench:tv finished in ${((performance.now() - t0) / 1000).toFixed(0)} s (a benchmark: the exit code does not depend on the targets)`)
}

function roundsFromEnv(value: string | undefined, fallback: number, name = 'BENCH_TV_ROUNDS'): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 3 || n > 1001) throw new Error(`${name} must be a whole number from 3 to 1001 (got "${value}")`)
  return n
}

function ratesFromEnv(value: string | undefined): number[] {
  if (value === undefined || value === '') return [4, 6]
  const rates = value.split(',').map((v) => Number(v.trim()))
  if (!rates.length || rates.some((r) => !Number.isFinite(r) || r < 1 || r > 20)) throw new Error(`BENCH_TV_RATES must list throttling rates from 1 to 20, comma-separated (got "${value}")`)
  return rates
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:tv could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    process.exit(1)
  },
)
