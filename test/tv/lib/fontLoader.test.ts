// @vitest-environment jsdom
// Fonts are requested before Lightning builds its stage; the SDK's later load reuses them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

class FakeFontFace {
  static made: FakeFontFace[] = []
  loads = 0
  constructor(
    readonly family: string,
    readonly source: string,
    readonly descriptors: FontFaceDescriptors,
  ) {
    FakeFontFace.made.push(this)
  }
  load() {
    this.loads++
    return Promise.resolve(this)
  }
}

describe('fontLoader', () => {
  const added: unknown[] = []
  beforeEach(() => {
    vi.resetModules()
    FakeFontFace.made = []
    added.length = 0
    vi.stubGlobal('FontFace', FakeFontFace)
    Object.defineProperty(document, 'fonts', { configurable: true, value: { add: (f: unknown) => added.push(f) } })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('reuses the faces preloaded from relative URLs when the SDK asks with absolute ones', async () => {
    const { preloadFonts, parallelFontLoader } = await import('../../../src/tv/lib/fontLoader')
    const { appFonts } = await import('../../../src/tv/lib/appFonts')
    preloadFonts(appFonts((rel) => `./static/${rel}`))
    expect(FakeFontFace.made).toHaveLength(2)
    const store: FontFace[] = []
    await parallelFontLoader(appFonts((rel) => `${window.location.origin}/static/${rel}`), store)
    expect(FakeFontFace.made).toHaveLength(2)
    expect(store).toEqual(FakeFontFace.made)
    expect(added).toEqual(FakeFontFace.made)
    expect(FakeFontFace.made.map((f) => f.loads)).toEqual([1, 1])
    expect(FakeFontFace.made[0].source).toBe(`url(${window.location.origin}/static/fonts/MiiteeSans-Regular.woff), url(${window.location.origin}/static/fonts/MiiteeSans-Regular.ttf)`)
    expect(FakeFontFace.made.map((f) => f.descriptors.weight)).toEqual(['400', '700'])
  })

  it('loads faces nobody preloaded, each once, in parallel', async () => {
    const { parallelFontLoader } = await import('../../../src/tv/lib/fontLoader')
    const store: FontFace[] = []
    const fonts = [{ family: 'A', url: '/a.woff' }, { family: 'B', urls: ['/b.woff', '/b.ttf'] }]
    await parallelFontLoader(fonts, store)
    await parallelFontLoader(fonts, store)
    expect(FakeFontFace.made.map((f) => f.family)).toEqual(['A', 'B'])
    expect(store).toHaveLength(2)
  })
})
