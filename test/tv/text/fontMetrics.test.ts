// @vitest-environment jsdom
// The glyph advances are fetched once, taking over the boot script's request when it made one.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const URL_ = 'http://tv.local/static/fonts/MiiteeSans-metrics.json'
const FILE = { family: 'MiiteeSans', unitsPerEm: 1000, faces: { '400': { '500': 'ab' } } }

describe('loadFontMetrics', () => {
  beforeEach(() => {
    vi.resetModules()
    delete (globalThis as Record<string, unknown>).__miiteeBoot
  })
  afterEach(() => vi.unstubAllGlobals())

  it('uses the response the boot script requested ahead instead of requesting again', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify(FILE)))
    vi.stubGlobal('fetch', fetch)
    const { prefetchBody } = await import('../../../src/tv/startup/bootHandoff')
    prefetchBody(URL_)
    const { loadFontMetrics, fontMetrics } = await import('../../../src/tv/text/fontMetrics')
    const table = await loadFontMetrics(URL_)
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(table).not.toBeNull()
    expect(fontMetrics()).toBe(table)
  })

  it('requests the file itself without the boot script, once, and gives null (logged) for a bad answer', async () => {
    const fetch = vi.fn(async () => new Response('nope', { status: 404 }))
    vi.stubGlobal('fetch', fetch)
    const { loadFontMetrics, fontMetrics } = await import('../../../src/tv/text/fontMetrics')
    const { hook } = await import('../../../src/tv/qa/testHook')
    expect(await loadFontMetrics(URL_)).toBeNull()
    expect(await loadFontMetrics(URL_)).toBeNull()
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(fontMetrics()).toBeNull()
    expect(hook().logs.at(-1)).toBe(`font metrics not used (${URL_}): HTTP 404`)
  })
})
