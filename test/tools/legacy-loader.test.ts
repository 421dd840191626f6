// @vitest-environment jsdom
// The page's loader (src/tv/startup/legacy/loader.ts, built by tools/tv-legacy-build.ts): which
// build an engine gets, and the not-supported text where none can run or the chosen one fails.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { chooseBuild, hasGlobal, parses, showUnsupported, START_GRACE_MS, watchStart, type EngineChoice, type LoaderConfig } from '../../src/tv/startup/legacy/loader'
import { LEVEL_PROBES, probeFor } from '../../tools/legacy-syntax'

const config: LoaderConfig = { modern: ['./js/appBundle.js'], legacy: ['./js/legacy/polyfills.js', './js/legacy/appBundle.js'], modernSyntax: probeFor(2020), polyfilled: ['Promise.allSettled', 'globalThis'] }
const everything = { Promise: { allSettled: () => 0 }, globalThis: {}, Map, Set, WeakMap, Symbol, XMLHttpRequest: () => 0, requestAnimationFrame: () => 0, Uint8Array, JSON }
/** An engine that parses up to ECMAScript `level`. */
const parsesUpTo = (level: number) => (s: string) => Object.entries(LEVEL_PROBES).every(([l, probe]) => Number(l) <= level || !s.includes(probe!))

describe('src/tv/startup/legacy/loader', () => {
  afterEach(() => {
    document.body.innerHTML = ''
    vi.useRealTimers()
  })

  it('serves the modern build where the newest syntax parses and every polyfilled API exists', () => {
    expect(chooseBuild(config, null, { parses: parsesUpTo(2022), root: everything })).toEqual({ build: 'modern', missing: [] })
  })

  it('serves the legacy build to an ES2015 engine, or to a modern parser that lacks a polyfilled API', () => {
    expect(chooseBuild(config, null, { parses: parsesUpTo(2015), root: everything })).toEqual({ build: 'legacy', missing: ['modern syntax'] })
    const noAllSettled = { ...everything, Promise: {} }
    expect(chooseBuild(config, null, { parses: parsesUpTo(2022), root: noAllSettled })).toEqual({ build: 'legacy', missing: ['Promise.allSettled'] })
    // ?build= forces one, for QA.
    expect(chooseBuild(config, 'legacy', { parses: parsesUpTo(2022), root: everything }).build).toBe('legacy')
  })

  it('serves nothing where ES2015 does not parse or an API no polyfill gives is missing', () => {
    expect(chooseBuild(config, null, { parses: () => false, root: everything })).toMatchObject({ build: 'unsupported', missing: ['ES2015 syntax'] })
    const { Map: _map, ...noMap } = everything
    expect(chooseBuild(config, null, { parses: parsesUpTo(2022), root: noMap })).toEqual({ build: 'unsupported', missing: ['Map'] })
  })

  it('probes syntax by compiling it, and globals by their dotted path', () => {
    expect(parses('let a = 1')).toBe(true)
    expect(parses('let = = 1')).toBe(false)
    expect(hasGlobal('Promise.allSettled', { Promise: { allSettled: 1 } })).toBe(true)
    expect(hasGlobal('Promise.allSettled', { Promise: null })).toBe(false)
  })

  it('shows the not-supported text in the UI language, as plain text on the app’s background', () => {
    const zh = showUnsupported('zh-CN')
    expect(zh.getAttribute('role')).toBe('alert')
    expect(zh.textContent).toContain('此电视的浏览器版本过旧')
    expect(document.body.contains(zh)).toBe(true)
    document.body.innerHTML = ''
    expect(showUnsupported('en-US').textContent).toContain("This TV's browser is not supported")
  })

  it('shows the text when a script of the chosen build does not load and no canvas follows', () => {
    vi.useFakeTimers()
    const choice: EngineChoice = { build: 'legacy', missing: [], scripts: [], failed: [], errors: [] }
    watchStart(choice)('./js/legacy/appBundle.js')
    expect(document.querySelector('p[role=alert]')).toBeNull()
    vi.advanceTimersByTime(START_GRACE_MS)
    expect(document.querySelector('p[role=alert]')).not.toBeNull()
    expect(choice).toMatchObject({ build: 'unsupported', failed: ['./js/legacy/appBundle.js'] })
  })

  it('keeps the app when its canvas is on the page by then (an error it survived)', () => {
    vi.useFakeTimers()
    const choice: EngineChoice = { build: 'modern', missing: [], scripts: [], failed: [], errors: [] }
    watchStart(choice)
    window.dispatchEvent(new ErrorEvent('error', { message: 'early' }))
    document.body.appendChild(document.createElement('canvas'))
    vi.advanceTimersByTime(START_GRACE_MS)
    expect(document.querySelector('p[role=alert]')).toBeNull()
    expect(choice.build).toBe('modern')
    expect(choice.errors).toEqual(['early'])
  })
})
