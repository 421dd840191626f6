import { afterEach, describe, expect, it, vi } from 'vitest'

// The web fonts' state as showFirstPage sees it.
const fonts = vi.hoisted(() => ({ settled: true, release: () => undefined as void, whenSettled: Promise.resolve() as Promise<void> }))
vi.mock('../../../src/tv/text/fontLoader', () => ({
  fontsAreSettled: () => fonts.settled,
  fontsSettled: () => fonts.whenSettled,
}))

import { showFirstPage } from '../../../src/tv/startup/firstPageReveal'

function fakeStage(updating = false) {
  const frames: { pageAlpha: number }[] = []
  let page: { alpha: number } | null = null
  return {
    frames,
    bind(p: { alpha: number }) {
      page = p
    },
    isUpdatingFrame: () => updating,
    drawFrame: () => void frames.push({ pageAlpha: page ? page.alpha : NaN }),
  }
}

function pendingFonts() {
  fonts.settled = false
  fonts.whenSettled = new Promise<void>((resolve) => {
    fonts.release = () => {
      fonts.settled = true
      resolve()
    }
  })
}

describe('showFirstPage', () => {
  afterEach(() => {
    fonts.settled = true
    fonts.whenSettled = Promise.resolve()
  })

  it('draws one frame at once, with the page shown, when the fonts are in', () => {
    const stage = fakeStage()
    const page = { alpha: 1 }
    stage.bind(page)
    showFirstPage(stage, page)
    expect(stage.frames).toEqual([{ pageAlpha: 1 }])
  })

  it('keeps the page out of the frames while the fonts download, then shows it and draws it at once', async () => {
    pendingFonts()
    const stage = fakeStage()
    const page = { alpha: 1 }
    stage.bind(page)
    showFirstPage(stage, page)
    expect(page.alpha).toBe(0)
    expect(stage.frames).toEqual([])
    fonts.release()
    await fonts.whenSettled
    await Promise.resolve()
    expect(page.alpha).toBe(1)
    expect(stage.frames).toEqual([{ pageAlpha: 1 }])
  })

  it('leaves the frame to Lightning when called inside one', () => {
    const stage = fakeStage(true)
    showFirstPage(stage, { alpha: 1 })
    expect(stage.frames).toEqual([])
  })

  it('draws at once without a page to hide', () => {
    pendingFonts()
    const stage = fakeStage()
    showFirstPage(stage, null)
    expect(stage.frames).toHaveLength(1)
  })
})
