// Voice guidance on against off for `npm run bench:tv`: page flips in two reader tabs of the same
// build, one opened with ?voiceGuidance=on, alternated flip by flip (which tab goes first swaps
// each time; the flipping tab is brought to the front) so whatever loads the machine weighs on
// both alike. Each tab is on an origin of its own (a fresh box each). speechSynthesis is the
// browser tests' recorder in both tabs, so no audio
// plays; its utterances "last" a minute, so each flip with guidance on does what a viewer paging
// through a real voice causes: cancel the sentence being said, build the new page's reading and
// start its first sentence.
import type { Page } from 'playwright-core'
import { renderFrames, type ChromiumSession } from '../../test/browser/harness/chromium'
import { SPEECH_RECORDER } from '../../test/browser/harness/speech'
import { KEYS, READER, clearOrigin, flip, pressUntil, waitFirstFrame } from './tv-probe'

export interface GuidanceFlips {
  /** key→frame of the flips that drew in both tabs, paired: off[i] and on[i] showed the same page */
  off: number[]
  on: number[]
  /** flips without a frame in either tab */
  failed: number
  /** utterances started in each tab during the flips */
  utterances: { off: number; on: number }
}

const SPOKEN = 'window.__spokenAll.length'

async function openReader(session: ChromiumSession, url: string): Promise<Page> {
  const page = await session.newPage()
  await page.addInitScript(SPEECH_RECORDER)
  await page.addInitScript('window.__speechMs = 60000')
  await clearOrigin(page, url)
  await page.goto(url, { waitUntil: 'load', timeout: 30000 })
  await waitFirstFrame(page)
  await renderFrames(page, 3)
  await pressUntil(page, KEYS.Enter, `window.__miitee.route === 'policy' && ${READER} && ${READER}.mode === 'Contents'`)
  await page.waitForTimeout(300)
  await pressUntil(page, KEYS.Enter, `${READER}.mode === 'Reading'`)
  await page.waitForTimeout(300)
  return page
}

/** Up to `maxForward` flips forward, then back to the first page, in both tabs: `offUrl` and `onUrl` serve the same build on two origins. */
export async function guidanceFlips(session: ChromiumSession, offUrl: string, onUrl: string, maxForward: number, pauseMs: number): Promise<GuidanceFlips> {
  const off = await openReader(session, offUrl)
  const on = await openReader(session, `${onUrl}?voiceGuidance=on`)
  try {
    const start = await off.evaluate<{ pageIndex: number; pageCount: number }>(`({ pageIndex: ${READER}.pageIndex, pageCount: ${READER}.pageCount })`)
    const onStart = await on.evaluate<number>(`${READER}.pageIndex`)
    if (onStart !== start.pageIndex) throw new Error(`the two tabs opened on different pages (${start.pageIndex}, ${onStart})`)
    // Forward, then back to the first page: as many pairs as the policy gives, for a narrow interval.
    const forward = Math.min(start.pageCount - 1 - start.pageIndex, maxForward)
    const backward = start.pageIndex + forward
    const plan = [...Array<number>(forward).fill(1), ...Array<number>(backward).fill(-1)]
    const before = { off: await off.evaluate<number>(SPOKEN), on: await on.evaluate<number>(SPOKEN) }
    const result: GuidanceFlips = { off: [], on: [], failed: 0, utterances: { off: 0, on: 0 } }
    let index = start.pageIndex
    for (const [i, step] of plan.entries()) {
      index += step
      const k = step > 0 ? KEYS.Right : KEYS.Left
      const order = i % 2 === 0 ? [off, on] : [on, off]
      const ms = new Map<Page, number>()
      for (const page of order) {
        // A tab in the background gets its animation frames throttled: each flips in front.
        await page.bringToFront()
        await renderFrames(page, 2)
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
    await off.close()
    await on.close()
  }
}
