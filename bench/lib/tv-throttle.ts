// TV-class CPUs for `npm run bench:tv`: the same cold starts (app and empty app, alternated, each
// in a fresh tab on a cleared origin) and page flips, with Chromium's CPU throttled per tab
// (DevTools Emulation.setCPUThrottlingRate: every task in the renderer runs `rate` times slower,
// the nearest stand-in here for a TV SoC). The first-frame ratio compares app and empty app at
// the same rate, so the throttled machine is its own baseline.
import type { CDPSession, Page } from 'playwright-core'
import { renderFrames, type ChromiumSession } from '../../test/browser/harness/chromium'
import { HOOK, KEYS, READER, clearOrigin, flip, pressUntil, waitFirstFrame } from './tv-probe'
import { bootstrapRatioOfMedians, fmt, median, percentile, verdict, type Row } from './tv-report'

export interface ThrottledRun {
  rate: number
  /** first complete frame, ms since navigation start, paired by round */
  app: number[]
  empty: number[]
  /** key→frame of each page flip that drew */
  flips: number[]
  failedFlips: number
}

export const THROTTLED_TARGET = { rate: 6, flipP95Ms: 100, firstFrameRatio: 1.5 }

async function throttledPage(session: ChromiumSession, rate: number): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await session.newPage()
  const cdp = await page.context().newCDPSession(page)
  // Kept attached for the tab's life: the emulation ends with the session that set it.
  await cdp.send('Emulation.setCPUThrottlingRate', { rate })
  return { page, cdp }
}

async function coldStart(session: ChromiumSession, url: string, rate: number, isApp: boolean): Promise<number> {
  const { page, cdp } = await throttledPage(session, rate)
  try {
    await clearOrigin(page, url)
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 })
    const first = await waitFirstFrame(page, 60_000)
    if (isApp !== first.hook) throw new Error(`${url}: expected ${isApp ? 'the TV app' : 'the empty app'} at ${rate}× CPU`)
    return first.ms
  } finally {
    await cdp.detach().catch(() => {})
    await page.close()
  }
}

async function throttledFlips(session: ChromiumSession, url: string, rate: number, maxFlips: number, pauseMs: number): Promise<{ flips: number[]; failed: number }> {
  const { page, cdp } = await throttledPage(session, rate)
  try {
    await clearOrigin(page, url)
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 })
    await waitFirstFrame(page, 60_000)
    await renderFrames(page, 3)
    await pressUntil(page, KEYS.Enter, `${HOOK}.route === 'policy' && ${READER} && ${READER}.mode === 'Contents'`)
    await page.waitForTimeout(500)
    await pressUntil(page, KEYS.Enter, `${READER}.mode === 'Reading'`)
    await page.waitForTimeout(500)
    const start = await page.evaluate<{ pageIndex: number; pageCount: number }>(`({ pageIndex: ${READER}.pageIndex, pageCount: ${READER}.pageCount })`)
    const forward = Math.min(start.pageCount - 1 - start.pageIndex, Math.ceil(maxFlips / 2))
    const backward = Math.min(start.pageIndex + forward, maxFlips - forward)
    const flips: number[] = []
    let failed = 0
    let index = start.pageIndex
    for (const k of [...Array(forward).fill(KEYS.Right), ...Array(backward).fill(KEYS.Left)] as { code: number; key: string }[]) {
      index += k === KEYS.Right ? 1 : -1
      const r = await flip(page, k.code, k.key, index)
      if (r.ok) flips.push(r.ms)
      else failed++
      await page.waitForTimeout(pauseMs)
    }
    return { flips, failed }
  } finally {
    await cdp.detach().catch(() => {})
    await page.close()
  }
}

export interface ThrottleOptions {
  rates: number[]
  rounds: number
  flips: number
  pauseMs: number
  log(line: string): void
}

/** At each rate: a warm-up of each app, `rounds` alternated cold starts, then the reader's flips. */
export async function throttledRuns(session: ChromiumSession, appUrl: string, emptyUrl: string, o: ThrottleOptions): Promise<ThrottledRun[]> {
  const out: ThrottledRun[] = []
  for (const rate of o.rates) {
    const run: ThrottledRun = { rate, app: [], empty: [], flips: [], failedFlips: 0 }
    await coldStart(session, appUrl, rate, true)
    await coldStart(session, emptyUrl, rate, false)
    for (let i = 0; i < o.rounds; i++) {
      for (const which of i % 2 === 0 ? ['app', 'empty'] : ['empty', 'app']) {
        if (which === 'app') run.app.push(await coldStart(session, appUrl, rate, true))
        else run.empty.push(await coldStart(session, emptyUrl, rate, false))
      }
    }
    o.log(`  ${rate}× CPU: first frame median app ${fmt.ms(median(run.app))}, empty ${fmt.ms(median(run.empty))} (${o.rounds} rounds)`)
    const f = await throttledFlips(session, appUrl, rate, o.flips, o.pauseMs)
    run.flips = f.flips
    run.failedFlips = f.failed
    o.log(`  ${rate}× CPU: ${f.flips.length} flips, median ${fmt.ms(median(f.flips))}, p95 ${fmt.ms(percentile(f.flips, 95))}`)
    out.push(run)
  }
  return out
}

/** The table rows for each rate; the targets are judged at THROTTLED_TARGET.rate only. */
export function throttledRows(runs: ThrottledRun[]): Row[] {
  const rows: Row[] = []
  for (const r of runs) {
    const judged = r.rate === THROTTLED_TARGET.rate
    const ff = { app: median(r.app), empty: median(r.empty) }
    const ci = r.app.length >= 2 ? bootstrapRatioOfMedians(r.app, r.empty) : { lo: NaN, hi: NaN }
    const p95 = percentile(r.flips, 95)
    const enoughFlips = r.flips.length >= 10 && r.failedFlips === 0
    rows.push(
      {
        measure: `${r.rate}× CPU: first frame, median of ${r.app.length} (ratio 95% interval ${ci.lo.toFixed(2)}–${ci.hi.toFixed(2)}×)`,
        app: fmt.ms(ff.app),
        baseline: fmt.ms(ff.empty),
        ratio: fmt.ratio(ff.app, ff.empty),
        target: judged ? `≤ ${THROTTLED_TARGET.firstFrameRatio}× empty at ${r.rate}×` : '',
        verdict: judged ? verdict(ff.app <= THROTTLED_TARGET.firstFrameRatio * ff.empty) : '',
      },
      {
        measure: `${r.rate}× CPU: page flip key→frame, median / p95 of ${r.flips.length}${r.failedFlips ? ` (${r.failedFlips} without a frame)` : ''}`,
        app: `${fmt.ms(median(r.flips))} / ${fmt.ms(p95)}`,
        baseline: '',
        ratio: '',
        target: judged ? `p95 ≤ ${THROTTLED_TARGET.flipP95Ms} ms` : '',
        verdict: judged ? verdict(enoughFlips && p95 <= THROTTLED_TARGET.flipP95Ms) : '',
      },
    )
  }
  return rows
}
