// @vitest-environment jsdom
// Hidden / visible in one place: the document (visibilitychange, freeze / resume) and the
// platform bridge each say hidden or visible; participants pause while any says hidden.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AppLifecycle, type VisibilityDocument } from '../../../src/tv/services/AppLifecycle'
import { hook } from '../../../src/tv/qa/testHook'

class FakeDocument implements VisibilityDocument {
  hidden = false
  private listeners = new Map<string, Set<() => void>>()
  addEventListener(type: string, l: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set())
    this.listeners.get(type)!.add(l)
  }
  removeEventListener(type: string, l: () => void) {
    this.listeners.get(type)?.delete(l)
  }
  fire(type: string) {
    this.listeners.get(type)?.forEach((l) => l())
  }
  setHidden(hidden: boolean) {
    this.hidden = hidden
    this.fire('visibilitychange')
  }
}

function recorder() {
  const calls: string[] = []
  return { calls, participant: { pause: () => calls.push('pause'), resume: () => calls.push('resume') } }
}

describe('AppLifecycle', () => {
  it('pauses on visibilitychange to hidden and resumes when visible again, once each', () => {
    const doc = new FakeDocument()
    const lc = new AppLifecycle()
    lc.attach(doc)
    const r = recorder()
    lc.join(r.participant)
    doc.setHidden(true)
    doc.setHidden(true)
    expect(lc.paused).toBe(true)
    expect(hook().state.lifecycle).toBe('paused')
    doc.setHidden(false)
    expect(r.calls).toEqual(['pause', 'resume'])
    expect(lc.paused).toBe(false)
    expect(hook().state.lifecycle).toBe('active')
  })

  it('stays paused until every source says visible (document, freeze, platform)', () => {
    const doc = new FakeDocument()
    let platform: (visible: boolean) => void = () => {}
    const lc = new AppLifecycle()
    lc.attach(doc, { onVisibility: (l) => ((platform = l), () => {}) })
    const r = recorder()
    lc.join(r.participant)
    platform(false)
    doc.setHidden(true)
    doc.fire('freeze')
    doc.setHidden(false)
    doc.fire('resume')
    expect(r.calls).toEqual(['pause'])
    platform(true)
    expect(r.calls).toEqual(['pause', 'resume'])
  })

  it('pauses a participant that joins while hidden, at once', () => {
    const doc = new FakeDocument()
    doc.hidden = true
    const lc = new AppLifecycle()
    lc.attach(doc)
    const r = recorder()
    lc.join(r.participant)
    expect(r.calls).toEqual(['pause'])
  })

  it('runs whenVisible at once when visible, else on return', () => {
    const doc = new FakeDocument()
    const lc = new AppLifecycle()
    lc.attach(doc)
    const ran: string[] = []
    lc.whenVisible(() => ran.push('now'))
    doc.setHidden(true)
    lc.whenVisible(() => ran.push('later'))
    expect(ran).toEqual(['now'])
    doc.setHidden(false)
    expect(ran).toEqual(['now', 'later'])
  })

  it('a participant that throws does not keep the others paused', () => {
    const doc = new FakeDocument()
    const lc = new AppLifecycle()
    lc.attach(doc)
    lc.join({ pause: () => {}, resume: () => { throw new Error('boom') } })
    const r = recorder()
    lc.join(r.participant)
    doc.setHidden(true)
    doc.setHidden(false)
    expect(r.calls).toEqual(['pause', 'resume'])
  })

  it('follows the document alone when the bridge has no onVisibility, or it throws; detach stops listening', () => {
    const doc = new FakeDocument()
    const lc = new AppLifecycle()
    const detach = lc.attach(doc, { onVisibility: () => { throw new Error('no lifecycle API') } })
    doc.setHidden(true)
    expect(lc.paused).toBe(true)
    doc.setHidden(false)
    detach()
    doc.setHidden(true)
    expect(lc.paused).toBe(false)
  })

  it('a left participant is no longer paused', () => {
    const doc = new FakeDocument()
    const lc = new AppLifecycle()
    lc.attach(doc)
    const r = recorder()
    const leave = lc.join(r.participant)
    leave()
    doc.setHidden(true)
    expect(r.calls).toEqual([])
  })

  describe('every()', () => {
    beforeEach(() => vi.useFakeTimers())
    afterEach(() => vi.useRealTimers())

    it('ticks while visible, not while hidden, once at once on return, and not after it is ended', () => {
      const doc = new FakeDocument()
      const lc = new AppLifecycle()
      lc.attach(doc)
      let ticks = 0
      const end = lc.every(1000, () => ticks++)
      vi.advanceTimersByTime(3000)
      expect(ticks).toBe(3)
      doc.setHidden(true)
      vi.advanceTimersByTime(10_000)
      expect(ticks).toBe(3)
      doc.setHidden(false)
      expect(ticks).toBe(4)
      vi.advanceTimersByTime(1000)
      expect(ticks).toBe(5)
      end()
      vi.advanceTimersByTime(5000)
      doc.setHidden(true)
      doc.setHidden(false)
      expect(ticks).toBe(5)
    })
  })
})
