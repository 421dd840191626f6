import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PolicyDocument } from '../../../src/core/policy/model'
import type { PolicyIndexEntry } from '../../../src/core/policy'
import { createGlyphWidthCache } from '../../../src/core/text/glyphWidths'
import { PolicyLibrary, PolicyLoadError, loadPolicy } from '../../../src/tv/services/PolicyLibrary'
import { policyPath } from '../../../src/tv/services/policyRequests'
import { prefetchBody } from '../../../src/tv/startup/bootHandoff'

const BASE = 'http://tv.local/static/'

const doc = (id: string, locale = 'zh-CN'): PolicyDocument => ({
  schema: 1,
  id,
  version: '2024-02-29',
  effectiveDate: '2024-02-29',
  locale,
  title: id,
  sections: [],
  sha256: `sha-${id}`,
})

const entry = (id: string, path: string, locale = 'zh-CN'): PolicyIndexEntry => ({ id, locale, version: '2024-02-29', sha256: `sha-${id}`, path })

interface Pending {
  url: string
  respond(body: unknown, status?: number): void
  fail(error: Error): void
}

/** A fetch whose responses the test releases one by one; `events` records requests and responses in order. */
function controlledFetch() {
  const events: string[] = []
  const pending: Pending[] = []
  const rel = (url: string) => url.replace(BASE, '')
  const fetch = vi.fn((url: string) => {
    events.push(`request ${rel(url)}`)
    return new Promise<Response>((resolve, reject) => {
      pending.push({
        url: rel(url),
        respond(body, status = 200) {
          events.push(`respond ${rel(url)}`)
          resolve(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }))
        },
        fail(error) {
          events.push(`fail ${rel(url)}`)
          reject(error)
        },
      })
    })
  })
  vi.stubGlobal('fetch', fetch)
  /** The still-unanswered request for `url` (after letting the loader run up to it). */
  const request = async (url: string): Promise<Pending> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const at = pending.findIndex((p) => p.url === url)
      if (at >= 0) return pending.splice(at, 1)[0]
      await tick()
    }
    throw new Error(`${url} was never requested (requests: ${events.filter((e) => e.startsWith('request')).join(', ')})`)
  }
  const requested = (url: string) => fetch.mock.calls.filter(([u]) => rel(u) === url).length
  return { events, request, requested }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('policyPath', () => {
  it('strips a leading ./ and static/ so index and settings paths compare equal', () => {
    expect(policyPath('./static/policy/x.json')).toBe('policy/x.json')
    expect(policyPath('static/policy/x.json')).toBe('policy/x.json')
    expect(policyPath('./policy/x.json')).toBe('policy/x.json')
    expect(policyPath('policy/x.json')).toBe('policy/x.json')
  })
})

describe('loadPolicy', () => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  beforeEach(() => {
    unhandled.length = 0
    process.on('unhandledRejection', onUnhandled)
  })
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled)
    vi.unstubAllGlobals()
    delete (globalThis as Record<string, unknown>).__miiteeBoot
  })

  it('requests the preloaded document together with the index and fetches it once when the index names it', async () => {
    const f = controlledFetch()
    const loading = loadPolicy(BASE, { preload: 'policy/a.json' })
    const index = await f.request('policy/index.json')
    const preloaded = await f.request('policy/a.json')
    // Both requests went out before the index came back.
    expect(f.events).toEqual(['request policy/index.json', 'request policy/a.json'])
    index.respond([entry('a', 'policy/a.json')])
    preloaded.respond(doc('a'))
    expect((await loading).id).toBe('a')
    expect(f.requested('policy/a.json')).toBe(1)
    expect(f.events).toEqual(['request policy/index.json', 'request policy/a.json', 'respond policy/index.json', 'respond policy/a.json'])
  })

  it('uses the preloaded document even when it arrives before the index', async () => {
    const f = controlledFetch()
    const loading = loadPolicy(BASE, { preload: 'policy/a.json' })
    ;(await f.request('policy/a.json')).respond(doc('a'))
    ;(await f.request('policy/index.json')).respond({ policies: [entry('a', 'policy/a.json')] })
    expect((await loading).id).toBe('a')
    expect(f.requested('policy/a.json')).toBe(1)
  })

  it('fetches the index entry\'s document after the index when the preload names another one', async () => {
    const f = controlledFetch()
    const loading = loadPolicy(BASE, { preload: 'policy/old.json' })
    const stale = await f.request('policy/old.json')
    ;(await f.request('policy/index.json')).respond([entry('new', 'policy/new.json')])
    const current = await f.request('policy/new.json')
    expect(f.events.indexOf('request policy/new.json')).toBeGreaterThan(f.events.indexOf('respond policy/index.json'))
    stale.respond(doc('old'))
    current.respond(doc('new'))
    expect((await loading).id).toBe('new')
  })

  it('without a preload requests only the index, then the document it names', async () => {
    const f = controlledFetch()
    const loading = loadPolicy(BASE)
    ;(await f.request('policy/index.json')).respond([entry('a', './static/policy/a.json')])
    ;(await f.request('policy/a.json')).respond(doc('a'))
    expect((await loading).id).toBe('a')
    expect(f.events).toEqual(['request policy/index.json', 'respond policy/index.json', 'request policy/a.json', 'respond policy/a.json'])
  })

  it('normalises a preload of "./static/policy/x.json" to the index\'s "policy/x.json" and requests it from the base URL', async () => {
    const f = controlledFetch()
    const loading = loadPolicy(BASE, { preload: './static/policy/x.json' })
    const preloaded = await f.request('policy/x.json')
    ;(await f.request('policy/index.json')).respond([entry('x', 'policy/x.json')])
    preloaded.respond(doc('x'))
    expect((await loading).id).toBe('x')
    expect(f.requested('policy/x.json')).toBe(1)
    expect(f.events.filter((e) => e.startsWith('request'))).toEqual(['request policy/index.json', 'request policy/x.json'])
  })

  it('picks the index entry of the requested locale', async () => {
    const f = controlledFetch()
    const index = [entry('zh', 'policy/zh.json', 'zh-CN'), entry('en', 'policy/en.json', 'en-US')]
    const loading = loadPolicy(BASE, { locale: 'en-US' })
    ;(await f.request('policy/index.json')).respond(index)
    ;(await f.request('policy/en.json')).respond(doc('en', 'en-US'))
    expect((await loading).id).toBe('en')
    expect(f.requested('policy/zh.json')).toBe(0)
  })

  it('defaults to the zh-CN entry, and falls back to the first entry for an unknown locale', async () => {
    const index = [entry('en', 'policy/en.json', 'en-US'), entry('zh', 'policy/zh.json', 'zh-CN')]
    let f = controlledFetch()
    let loading = loadPolicy(BASE)
    ;(await f.request('policy/index.json')).respond(index)
    ;(await f.request('policy/zh.json')).respond(doc('zh'))
    expect((await loading).id).toBe('zh')

    f = controlledFetch()
    loading = loadPolicy(BASE, { locale: 'fr-FR' })
    ;(await f.request('policy/index.json')).respond(index)
    ;(await f.request('policy/en.json')).respond(doc('en', 'en-US'))
    expect((await loading).id).toBe('en')
  })

  it('rejects a document without sections or sha256 as POLICY_MALFORMED', async () => {
    const f = controlledFetch()
    const loading = loadPolicy(BASE, { preload: 'policy/a.json' })
    ;(await f.request('policy/index.json')).respond([entry('a', 'policy/a.json')])
    ;(await f.request('policy/a.json')).respond({ id: 'a', sections: 'none', sha256: 'x' })
    await expect(loading).rejects.toMatchObject({ code: 'POLICY_MALFORMED' })
    await expect(loading).rejects.toBeInstanceOf(PolicyLoadError)

    const g = controlledFetch()
    const noHash = loadPolicy(BASE)
    ;(await g.request('policy/index.json')).respond([entry('a', 'policy/a.json')])
    ;(await g.request('policy/a.json')).respond({ ...doc('a'), sha256: '' })
    await expect(noHash).rejects.toMatchObject({ code: 'POLICY_MALFORMED' })
  })

  it('reports HTTP 404 on the document as POLICY_HTTP, fetched after the index or preloaded', async () => {
    const f = controlledFetch()
    const loading = loadPolicy(BASE)
    ;(await f.request('policy/index.json')).respond([entry('a', 'policy/a.json')])
    ;(await f.request('policy/a.json')).respond('not found', 404)
    await expect(loading).rejects.toMatchObject({ code: 'POLICY_HTTP', message: expect.stringContaining('404') })

    const g = controlledFetch()
    const preloaded = loadPolicy(BASE, { preload: 'policy/a.json' })
    ;(await g.request('policy/a.json')).respond('not found', 404)
    await tick()
    ;(await g.request('policy/index.json')).respond([entry('a', 'policy/a.json')])
    await expect(preloaded).rejects.toMatchObject({ code: 'POLICY_HTTP' })
    expect(unhandled).toEqual([])
  })

  it('rejects an empty index as POLICY_INDEX_EMPTY', async () => {
    const f = controlledFetch()
    const loading = loadPolicy(BASE)
    ;(await f.request('policy/index.json')).respond({ policies: [] })
    await expect(loading).rejects.toMatchObject({ code: 'POLICY_INDEX_EMPTY' })
  })

  it('takes over the requests the boot script made ahead, once: a later load requests again', async () => {
    const f = controlledFetch()
    prefetchBody(`${BASE}policy/index.json`)
    prefetchBody(`${BASE}policy/a.json`)
    const index = await f.request('policy/index.json')
    const ahead = await f.request('policy/a.json')
    const loading = loadPolicy(BASE, { preload: 'policy/a.json' })
    await tick()
    // Nothing requested a second time: the loader waits for the boot script's responses.
    expect(f.events).toEqual(['request policy/index.json', 'request policy/a.json'])
    index.respond([entry('a', 'policy/a.json')])
    ahead.respond(doc('a'))
    expect((await loading).id).toBe('a')
    expect([f.requested('policy/index.json'), f.requested('policy/a.json')]).toEqual([1, 1])
    // A response body is read once: loading again (a retry, say) fetches anew.
    const again = loadPolicy(BASE, { preload: 'policy/a.json' })
    ;(await f.request('policy/index.json')).respond([entry('a', 'policy/a.json')])
    ;(await f.request('policy/a.json')).respond(doc('a'))
    expect((await again).id).toBe('a')
    expect([f.requested('policy/index.json'), f.requested('policy/a.json')]).toEqual([2, 2])
  })

  it('reports a failed request of the boot script as the load\'s error, without an unhandled rejection, and the next load fetches anew', async () => {
    const f = controlledFetch()
    prefetchBody(`${BASE}policy/index.json`)
    // Fails before the app bundle has even asked for it.
    ;(await f.request('policy/index.json')).fail(new TypeError('network down'))
    await tick()
    await tick()
    expect(unhandled).toEqual([])
    await expect(loadPolicy(BASE)).rejects.toThrow('network down')
    const retry = loadPolicy(BASE)
    ;(await f.request('policy/index.json')).respond([entry('a', 'policy/a.json')])
    ;(await f.request('policy/a.json')).respond(doc('a'))
    expect((await retry).id).toBe('a')
    expect(f.requested('policy/index.json')).toBe(2)
  })

  it.each([
    ['a network error', (p: Pending) => p.fail(new TypeError('network down'))],
    ['HTTP 404', (p: Pending) => p.respond('not found', 404)],
  ])('loads the indexed document without an unhandled rejection when a stale preload fails with %s', async (_what, failPreload) => {
    const f = controlledFetch()
    const loading = loadPolicy(BASE, { preload: 'policy/gone.json' })
    // Fails before anyone awaits it: the loader is still waiting for the index.
    failPreload(await f.request('policy/gone.json'))
    await tick()
    await tick()
    ;(await f.request('policy/index.json')).respond([entry('a', 'policy/a.json')])
    ;(await f.request('policy/a.json')).respond(doc('a'))
    expect((await loading).id).toBe('a')
    // Node reports unhandled rejections after the microtask queue drains.
    await tick()
    await tick()
    expect(unhandled).toEqual([])
  })
})

describe('PolicyLibrary', () => {
  // Long enough to wrap over several lines, so wider glyphs change the layout.
  const text = '为保证您可以正常使用我们的服务，更准确地发现并解决您在使用我们的服务时遇到的问题，我们将收集您的设备信息。'.repeat(6)
  const policy: PolicyDocument = {
    ...doc('p'),
    sections: [{ id: 'summary', part: 'summary', title: '摘要', blocks: [{ type: 'paragraph', text }] }],
  }

  /** A library over glyph widths whose em (px per px of font size) the test can change. */
  function library(of: PolicyDocument = policy) {
    const glyphs = { em: 1 }
    const widths = createGlyphWidthCache((_glyph, font) => glyphs.em * font.size)
    return { glyphs, widths, lib: new PolicyLibrary(of, widths, { width: 800, height: 600 }, 200) }
  }
  const req = { textSize: 'M' as const, qrCaptions: { web: 'scan', mail: 'mail {address}', tel: 'call {number}' } }

  it('keeps each pagination until clear(), then lays out again the same when the widths did not change', () => {
    const { lib } = library()
    const first = lib.pagination(req)
    expect(lib.pagination(req)).toBe(first)
    lib.clear()
    const again = lib.pagination(req)
    expect(again).not.toBe(first)
    expect(again).toEqual(first)
  })

  it('lays out with the new widths after clear()', () => {
    const { glyphs, widths, lib } = library()
    const first = lib.pagination(req)
    glyphs.em = 1.5
    widths.clear()
    // Until clear() the library keeps what it laid out with the old widths.
    expect(lib.pagination(req)).toBe(first)
    lib.clear()
    const wider = lib.pagination(req)
    expect(wider).not.toEqual(first)
    const lineCount = (p: typeof first) => p.pages.flatMap((pg) => pg.items).reduce((n, it) => n + (it.kind === 'text' ? it.lines.length : 0), 0)
    expect(lineCount(wider)).toBeGreaterThan(lineCount(first))
  })
})
