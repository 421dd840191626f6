// @vitest-environment jsdom
// Fonts are requested before Lightning builds its stage; the SDK's later load reuses them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

class FakeFontFace {
  static made: FakeFontFace[] = []
  /** When set, load() stays pending until the test calls finishLoad() or failLoad(). */
  static deferred = false
  loads = 0
  /** Follows load() like a real FontFace: 'unloaded' → 'loading' → 'loaded' or 'error'. */
  status: FontFaceLoadStatus = 'unloaded'
  finishLoad: () => void = () => undefined
  failLoad: (err: Error) => void = () => undefined
  constructor(
    readonly family: string,
    readonly source: string,
    readonly descriptors: FontFaceDescriptors,
  ) {
    FakeFontFace.made.push(this)
  }
  load() {
    this.loads++
    this.status = 'loading'
    if (!FakeFontFace.deferred) {
      this.status = 'loaded'
      return Promise.resolve(this)
    }
    return new Promise<FakeFontFace>((resolve, reject) => {
      this.finishLoad = () => {
        this.status = 'loaded'
        resolve(this)
      }
      this.failLoad = (err) => {
        this.status = 'error'
        reject(err)
      }
    })
  }
}

describe('fontLoader', () => {
  const added: unknown[] = []
  const deleted: unknown[] = []
  beforeEach(() => {
    vi.resetModules()
    // The registry of started faces is shared through a global (the boot script's and the app's bundles).
    delete (globalThis as Record<string, unknown>).__miiteeBoot
    FakeFontFace.made = []
    FakeFontFace.deferred = false
    added.length = 0
    vi.stubGlobal('FontFace', FakeFontFace)
    deleted.length = 0
    Object.defineProperty(document, 'fonts', { configurable: true, value: { add: (f: unknown) => added.push(f), delete: (f: unknown) => deleted.push(f) } })
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('reuses the faces preloaded from relative URLs when the SDK asks with absolute ones', async () => {
    const { preloadFonts, parallelFontLoader } = await import('../../../src/tv/text/fontLoader')
    const { appFonts } = await import('../../../src/tv/text/appFonts')
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

  it('takes over the faces the boot script started, though its bundle has its own copy of the loader', async () => {
    const boot = await import('../../../src/tv/text/fontLoader')
    const { appFonts } = await import('../../../src/tv/text/appFonts')
    FakeFontFace.deferred = true
    boot.preloadFonts(appFonts((rel) => `./static/${rel}`))
    vi.resetModules()
    const app = await import('../../../src/tv/text/fontLoader')
    expect(app).not.toBe(boot)
    const store: FontFace[] = []
    const loading = app.parallelFontLoader(appFonts((rel) => `${window.location.origin}/static/${rel}`), store)
    expect(FakeFontFace.made).toHaveLength(2)
    expect(store).toEqual(FakeFontFace.made)
    // The app waits for the boot script's downloads, which it did not start.
    expect(app.fontsAreSettled()).toBe(false)
    for (const f of FakeFontFace.made) f.finishLoad()
    await loading
    expect(app.fontsAreSettled()).toBe(true)
    expect(FakeFontFace.made.map((f) => f.loads)).toEqual([1, 1])
  })

  it('loads faces nobody preloaded, each once, in parallel', async () => {
    const { parallelFontLoader } = await import('../../../src/tv/text/fontLoader')
    const store: FontFace[] = []
    const fonts = [{ family: 'A', url: '/a.woff' }, { family: 'B', urls: ['/b.woff', '/b.ttf'] }]
    await parallelFontLoader(fonts, store)
    await parallelFontLoader(fonts, store)
    expect(FakeFontFace.made.map((f) => f.family)).toEqual(['A', 'B'])
    expect(store).toHaveLength(2)
  })

  it('deferredFontLoader resolves before the faces load, having started them and filled the store', async () => {
    FakeFontFace.deferred = true
    const { deferredFontLoader } = await import('../../../src/tv/text/fontLoader')
    const store: FontFace[] = []
    const loading = deferredFontLoader([{ family: 'A', url: '/a.woff' }, { family: 'B', url: '/b.woff' }], store)
    // No face has finished loading, yet the SDK may go on building the app.
    expect(await Promise.race([loading.then(() => 'resolved'), tick().then(() => 'still waiting')])).toBe('resolved')
    expect(FakeFontFace.made.map((f) => f.family)).toEqual(['A', 'B'])
    expect(FakeFontFace.made.map((f) => f.loads)).toEqual([1, 1])
    expect(store).toEqual(FakeFontFace.made)
    expect(added).toEqual(FakeFontFace.made)
  })

  it('deferredFontLoader reuses preloaded faces instead of starting new ones', async () => {
    FakeFontFace.deferred = true
    const { deferredFontLoader, preloadFonts } = await import('../../../src/tv/text/fontLoader')
    const { appFonts } = await import('../../../src/tv/text/appFonts')
    preloadFonts(appFonts((rel) => `./static/${rel}`))
    const store: FontFace[] = []
    await deferredFontLoader(appFonts((rel) => `${window.location.origin}/static/${rel}`), store)
    expect(FakeFontFace.made).toHaveLength(2)
    expect(store).toEqual(FakeFontFace.made)
    expect(FakeFontFace.made.map((f) => f.loads)).toEqual([1, 1])
  })

  it('fontsSettled waits for every face to load or fail, and resolves even when one fails', async () => {
    FakeFontFace.deferred = true
    const { deferredFontLoader, fontsSettled } = await import('../../../src/tv/text/fontLoader')
    await deferredFontLoader([{ family: 'A', url: '/a.woff' }, { family: 'B', url: '/b.woff' }], [])
    const settling = fontsSettled()
    const settled = settledFlag(settling)
    const [a, b] = FakeFontFace.made
    await tick()
    expect(settled()).toBe(false)
    a.finishLoad()
    await tick()
    expect(settled()).toBe(false)
    b.failLoad(new Error('font download failed'))
    await settling
    expect(settled()).toBe(true)
  })

  it('fontsSettled includes faces started by preloadFonts', async () => {
    FakeFontFace.deferred = true
    const { preloadFonts, fontsSettled } = await import('../../../src/tv/text/fontLoader')
    preloadFonts([{ family: 'A', url: '/a.woff' }])
    const settling = fontsSettled()
    const settled = settledFlag(settling)
    await tick()
    expect(settled()).toBe(false)
    FakeFontFace.made[0].failLoad(new Error('404'))
    await settling
    expect(settled()).toBe(true)
  })

  it('a download that stalls: fontsSettled gives up after FONT_WAIT_MS, drops the stalled face from document.fonts, and text goes on with the fallback font', async () => {
    vi.useFakeTimers()
    FakeFontFace.deferred = true
    const { deferredFontLoader, fontsSettled, fontsAreSettled, FONT_WAIT_MS } = await import('../../../src/tv/text/fontLoader')
    await deferredFontLoader([{ family: 'A', url: '/a.woff' }, { family: 'B', url: '/b.woff' }], [])
    const [a, b] = FakeFontFace.made
    const settled = settledFlag(fontsSettled())
    a.finishLoad()
    await vi.advanceTimersByTimeAsync(FONT_WAIT_MS - 1)
    expect(settled()).toBe(false)
    expect(fontsAreSettled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(settled()).toBe(true)
    expect(fontsAreSettled()).toBe(true)
    // Only the face still loading is dropped; the one that loaded stays in use.
    expect(deleted).toEqual([b])
    // Later waits resolve at once.
    const again = settledFlag(fontsSettled())
    await vi.advanceTimersByTimeAsync(0)
    expect(again()).toBe(true)
  })

  it('faces that load in time: fontsSettled resolves when they do and nothing is dropped at the deadline', async () => {
    vi.useFakeTimers()
    FakeFontFace.deferred = true
    const { deferredFontLoader, fontsSettled, FONT_WAIT_MS } = await import('../../../src/tv/text/fontLoader')
    await deferredFontLoader([{ family: 'A', url: '/a.woff' }], [])
    const settled = settledFlag(fontsSettled())
    await vi.advanceTimersByTimeAsync(100)
    FakeFontFace.made[0].finishLoad()
    await vi.advanceTimersByTimeAsync(0)
    expect(settled()).toBe(true)
    await vi.advanceTimersByTimeAsync(FONT_WAIT_MS)
    expect(deleted).toEqual([])
  })

  it('fontsAreSettled is true when no face was started', async () => {
    const { fontsAreSettled } = await import('../../../src/tv/text/fontLoader')
    expect(fontsAreSettled()).toBe(true)
  })

  it('fontsAreSettled is false while a face loads and true once it has loaded', async () => {
    FakeFontFace.deferred = true
    const { preloadFonts, fontsAreSettled } = await import('../../../src/tv/text/fontLoader')
    preloadFonts([{ family: 'A', url: '/a.woff' }])
    expect(fontsAreSettled()).toBe(false)
    FakeFontFace.made[0].finishLoad()
    // Synchronous: it reads the face's status, not the load promise.
    expect(fontsAreSettled()).toBe(true)
  })

  it('fontsAreSettled is true once a face has failed, and waits for every face', async () => {
    FakeFontFace.deferred = true
    const { deferredFontLoader, fontsAreSettled } = await import('../../../src/tv/text/fontLoader')
    await deferredFontLoader([{ family: 'A', url: '/a.woff' }, { family: 'B', url: '/b.woff' }], [])
    const [a, b] = FakeFontFace.made
    a.failLoad(new Error('404'))
    // B is still downloading.
    expect(fontsAreSettled()).toBe(false)
    b.finishLoad()
    expect(fontsAreSettled()).toBe(true)
  })

  it('fontsSettled returns one promise until another face is started, and the new one waits for that face', async () => {
    FakeFontFace.deferred = true
    const { preloadFonts, fontsSettled } = await import('../../../src/tv/text/fontLoader')
    preloadFonts([{ family: 'A', url: '/a.woff' }])
    const first = fontsSettled()
    expect(fontsSettled()).toBe(first)
    // Asking again for a face already started starts nothing, so the promise stays.
    preloadFonts([{ family: 'A', url: '/a.woff' }])
    expect(fontsSettled()).toBe(first)

    preloadFonts([{ family: 'B', url: '/b.woff' }])
    const second = fontsSettled()
    expect(second).not.toBe(first)
    expect(fontsSettled()).toBe(second)
    let secondSettled = false
    void second.then(() => {
      secondSettled = true
    })
    const [a, b] = FakeFontFace.made
    a.finishLoad()
    await first
    await tick()
    expect(secondSettled).toBe(false)
    b.finishLoad()
    await second
    expect(secondSettled).toBe(true)
  })

  it('fontsSettled runs callbacks in the order they were attached, also after the faces settled', async () => {
    FakeFontFace.deferred = true
    const { preloadFonts, fontsSettled } = await import('../../../src/tv/text/fontLoader')
    preloadFonts([{ family: 'A', url: '/a.woff' }])
    const order: string[] = []
    void fontsSettled().then(() => order.push('first'))
    void fontsSettled().then(() => order.push('second'))
    const kept = fontsSettled()
    void kept.then(() => order.push('third'))
    FakeFontFace.made[0].finishLoad()
    await kept
    await tick()
    expect(order).toEqual(['first', 'second', 'third'])
    // A fresh call attaches to the settled promise a caller kept, not to a slower new one.
    void fontsSettled().then(() => order.push('fourth'))
    void kept.then(() => order.push('fifth'))
    await tick()
    expect(order).toEqual(['first', 'second', 'third', 'fourth', 'fifth'])
  })
})

const tick = () => new Promise((r) => setTimeout(r, 0))

/** Reads whether a promise has resolved yet. */
function settledFlag(p: Promise<unknown>): () => boolean {
  let done = false
  void p.then(() => (done = true))
  return () => done
}
