// Voice guidance on against off for `npm run bench:tv`: page flips in two readers of the same
// build, one opened with ?voiceGuidance=on, each in a browser of its own (a second tab of one
// browser is in the background, its frames throttled), alternated flip by flip (the order swapped
// half way) so whatever loads the machine weighs on both alike. Each is on an origin of
// its own (a fresh box each). speechSynthesis is the browser tests' recorder in both, so no audio
// plays; its utterances "last" a minute, so each flip with guidance on does what a viewer paging
// through a real voice causes: cancel the sentence being said, build the new page's reading and
// start its first sentence.
import type { Page } from 'playwright-core'
import { launchChromium, renderFrames, type ChromiumOptions, type ChromiumSession } from '../../test/browser/harness/chromium'
import { SPEECH_RECORDER } from '../../test/browser/harness/speech'
import { KEYS, PROBE_INIT, READER, clearOrigin, flip, pressUntil, waitFirstFrame } from './tv-probe'

export interface GuidanceFlips {
  /** key→frame of the flips that drew in both readers, paired: off[i] and on[i] showed the same page */
  off: number[]
  on: number[]
  /** flips without a frame in either reader */
  failed: number
  /** utterances started in each reader during the flips */
  utterances: { off: number; on: number }
}

const SPOKEN = 'window.__spokenAll.length'

async function openReader(options: ChromiumOptions, url: string): Promise<{ session: ChromiumSession; page: Page }> {
  const session = await launchChromium(options)
  const page = session.page
  await session.context.addInitScript(PROBE_INIT)
  await session.context.addInitScript(SPEECH_RECORDER)
  await session.context.addInitScript('window.__speechMs = 60000')
  await clearOrigin(page, url)
  await page.goto(url, { waitUntil: 'load', timeout: 30000 })
  await waitFirstFrame(page)
  await renderFrames(page, 3)
  await pressUntil(page, KEYS.Enter, `window.__miitee.route === 'policy' && ${READER} && ${READER}.mode === 'Contents'`)
  await page.waitForTimeout(300)
  await pressUntil(page, KEYS.Enter, `${READER}.mode === 'Reading'`)
  await page.waitForTimeout(300)
  return { session, page }
}

/**
 * Up to `maxForward` flips forward, then back to the first page, twice, in both readers (browsers
 * launched with `options`): `offUrl` and `onUrl` serve the same build on two origins.
 */
export async function guidanceFlips(options: ChromiumOptions, offUrl: string, onUrl: string, maxForward: number, pauseMs: number): Promise<GuidanceFlips> {
  const opened: ChromiumSession[] = []
  try {
    const offReader = await openReader(options, offUrl)
    opened.push(offReader.session)
    const onReader = await openReader(options, `${onUrl}?voiceGuidance=on`)
    opened.push(onReader.session)
    const off = offReader.page
    const on = onReader.page
    const start = await off.evaluate<{ pageIndex: number; pageCount: number }>(`({ pageIndex: ${READER}.pageIndex, pageCount: ${READER}.pageCount })`)
    const onStart = await on.evaluate<number>(`${READER}.pageIndex`)
    if (onStart !== start.pageIndex) throw new Error(`the two readers opened on different pages (${start.pageIndex}, ${onStart})`)
    // Forward, then back to the first page, twice: as many pairs as the policy gives, for a narrow interval.
    const forward = Math.min(start.pageCount - 1 - start.pageIndex, maxForward)
    const backward = start.pageIndex + forward
    const trip = [...Array<number>(forward).fill(1), ...Array<number>(backward).fill(-1), ...Array<number>(start.pageIndex).fill(1)]
    const plan = [...trip, ...trip]
    const before = { off: await off.evaluate<number>(SPOKEN), on: await on.evaluate<number>(SPOKEN) }
    const result: GuidanceFlips = { off: [], on: [], failed: 0, utterances: { off: 0, on: 0 } }
    let index = start.pageIndex
    for (const [i, step] of plan.entries()) {
      index += step
      const k = step > 0 ? KEYS.Right : KEYS.Left
      const ms = new Map<Page, number>()
      // The same order throughout each half, so each reader's flips are equally far apart (a flip
      // close behind its previous one waits for that one's neighbour pages); swapped at half time.
      for (const page of i < plan.length / 2 ? [off, on] : [on, off]) {
        const r = await flip(page, k.code, k.key, index)
        if (r.ok) ms.set(page, r.ms)
        await page.waitForTimeout(pauseMs)
      }
      if (ms.size === 2) {
        result.off.push(ms.get(off)!)
        result.on.push(ms.get(on)!)
      } else result.failed++
    }
    result.utterances = { off: (await off.evaluate<number>(SPOKEN)) - before.off, on: (await on.evaluate<number>(SPOKEN)) - before.on }
    return result
  } finally {
    for (const s of opened) await s.close()
  }
}
