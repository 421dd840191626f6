// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'
import { setHashSynchronously } from '../../../src/tv/startup/syncHashNavigation'

describe('setHashSynchronously', () => {
  const listeners: ((e: Event) => void)[] = []
  const listen = (fn: (e: Event) => void) => {
    listeners.push(fn)
    window.addEventListener('hashchange', fn)
  }
  afterEach(() => {
    for (const fn of listeners.splice(0)) window.removeEventListener('hashchange', fn)
    history.replaceState(null, '', '#')
  })

  it('updates the hash and hands the hashchange event to listeners before returning', () => {
    history.replaceState(null, '', '#gate')
    const seen: { hash: string; oldURL: string; newURL: string }[] = []
    listen((e) => {
      const h = e as HashChangeEvent
      seen.push({ hash: location.hash, oldURL: h.oldURL, newURL: h.newURL })
    })
    setHashSynchronously('policy/3')
    expect(location.hash).toBe('#policy/3')
    expect(seen).toHaveLength(1)
    expect(seen[0].hash).toBe('#policy/3')
    expect(seen[0].oldURL.endsWith('#gate')).toBe(true)
    expect(seen[0].newURL).toBe(location.href)
  })

  it('pushes one history entry per navigation, as setting location.hash does', () => {
    const before = history.length
    setHashSynchronously('settings')
    setHashSynchronously('policy')
    expect(history.length).toBe(before + 2)
  })

  it('dispatches exactly one event: the browser fires none for pushState', async () => {
    let count = 0
    listen(() => count++)
    setHashSynchronously('declined')
    // A native hashchange would arrive as a task of its own.
    await new Promise((r) => setTimeout(r, 20))
    expect(count).toBe(1)
  })
})
