// Hidden and visible, in one place: the document's visibilitychange (Tizen and webOS fire it when
// the viewer leaves the app), the Page Lifecycle freeze / resume events (an engine that freezes a
// background page), and the platform bridge's own suspend / resume (Firebolt's lifecycle, for
// one). While any of them says hidden, whatever joined here is paused; it resumes when all say visible.
import type { PlatformBridge } from '../platform/PlatformBridge'
import { hook, log } from '../qa/testHook'

/** Something that stops its timers and connections while the app is hidden. */
export interface LifecycleParticipant {
  pause(): void
  /** Back in view: catch up (re-read what may have changed meanwhile) and carry on. */
  resume(): void
}

export type HiddenBy = 'document' | 'frozen' | 'platform'

export interface VisibilityDocument {
  readonly hidden?: boolean
  readonly visibilityState?: string
  addEventListener(type: string, listener: () => void): void
  removeEventListener(type: string, listener: () => void): void
}

export class AppLifecycle {
  private readonly hiddenBy = new Set<HiddenBy>()
  private readonly participants = new Set<LifecycleParticipant>()
  private waiting: (() => void)[] = []

  get paused(): boolean {
    return this.hiddenBy.size > 0
  }

  /** Joins; pauses it at once if the app is hidden now. Returns a leave function. */
  join(p: LifecycleParticipant): () => void {
    this.participants.add(p)
    if (this.paused) p.pause()
    return () => {
      this.participants.delete(p)
    }
  }

  /** Runs `fn` now if the app is visible, else once it is visible again. */
  whenVisible(fn: () => void): void {
    if (this.paused) this.waiting.push(fn)
    else fn()
  }

  /**
   * setInterval that stops while the app is hidden and, back in view, runs at once (a countdown
   * shows the right time) then every `ms` again. Returns a function that ends it.
   */
  every(ms: number, fn: () => void): () => void {
    let timer: ReturnType<typeof setInterval> | null = null
    const run = () => (timer = setInterval(fn, ms))
    const halt = () => {
      if (timer !== null) clearInterval(timer)
      timer = null
    }
    const leave = this.join({
      pause: halt,
      resume: () => {
        fn()
        run()
      },
    })
    if (!this.paused) run()
    return () => {
      leave()
      halt()
    }
  }

  /** One source says the app is hidden (true) or visible (false). */
  setHidden(by: HiddenBy, hidden: boolean): void {
    const was = this.paused
    if (hidden) this.hiddenBy.add(by)
    else this.hiddenBy.delete(by)
    if (was === this.paused) return
    log(`lifecycle: ${this.paused ? 'paused' : 'resumed'} (${by})`)
    hook().state = { ...hook().state, lifecycle: this.paused ? 'paused' : 'active' }
    for (const p of [...this.participants]) {
      try {
        if (this.paused) p.pause()
        else p.resume()
      } catch (e) {
        // One participant's failure must not keep the others paused or running.
        log(`lifecycle: a participant failed to ${this.paused ? 'pause' : 'resume'} (${e instanceof Error ? e.message : String(e)})`)
      }
    }
    if (!this.paused) {
      const due = this.waiting
      this.waiting = []
      due.forEach((fn) => fn())
    }
  }

  /** Listens to the document and the bridge; returns a function that stops listening. */
  attach(doc: VisibilityDocument, bridge?: Pick<PlatformBridge, 'onVisibility'>): () => void {
    const isHidden = () => doc.hidden === true || doc.visibilityState === 'hidden'
    const onVisibility = () => this.setHidden('document', isHidden())
    const onFreeze = () => this.setHidden('frozen', true)
    const onResume = () => this.setHidden('frozen', false)
    doc.addEventListener('visibilitychange', onVisibility)
    doc.addEventListener('freeze', onFreeze)
    doc.addEventListener('resume', onResume)
    if (isHidden()) this.setHidden('document', true)
    let offBridge: (() => void) | undefined
    try {
      offBridge = bridge?.onVisibility?.((visible) => this.setHidden('platform', !visible))
    } catch (e) {
      log(`lifecycle: the bridge's onVisibility failed (${e instanceof Error ? e.message : String(e)}); following the document only`)
    }
    return () => {
      doc.removeEventListener('visibilitychange', onVisibility)
      doc.removeEventListener('freeze', onFreeze)
      doc.removeEventListener('resume', onResume)
      offBridge?.()
    }
  }
}

let lifecycle: AppLifecycle | null = null

/** The app's one lifecycle (shared with the pairing feature through its host modules). */
export function appLifecycle(): AppLifecycle {
  lifecycle ??= new AppLifecycle()
  return lifecycle
}
