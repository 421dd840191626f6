// Trying again what fails for a reason that goes away: full-jitter backoff that the page shows
// (a 'retrying' action with the next attempt's time), and waits that "Retry now", coming back
// online or the page becoming visible again cut short.
import { toPhoneError } from './api'
import { isTransient, retryDelay, type PhoneError } from './errors'
import type { Action } from './state'

/** The work a wait belonged to was called off (its signal aborted). */
export class Cancelled extends Error {}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: PhoneError }

export class Retrier {
  private readonly wakers = new Set<() => void>()

  constructor(
    private readonly dispatch: (action: Action) => void,
    private readonly now: () => number,
    readonly random: () => number,
  ) {}

  /** Ends every wait now. */
  wakeAll(): void {
    for (const w of [...this.wakers]) w()
  }

  /** Waits `ms`, or less when wakeAll() is called; throws Cancelled when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer)
        this.wakers.delete(done)
        signal?.removeEventListener('abort', aborted)
        resolve()
      }
      const aborted = () => {
        clearTimeout(timer)
        this.wakers.delete(done)
        reject(new Cancelled())
      }
      const timer = setTimeout(done, ms)
      this.wakers.add(done)
      if (signal) {
        if (signal.aborted) return aborted()
        signal.addEventListener('abort', aborted, { once: true })
      }
    })
  }

  /** Runs `op` until it succeeds or fails for good; transient failures are shown and retried. */
  async run<T>(op: () => Promise<T>, signal?: AbortSignal): Promise<Outcome<T>> {
    for (let attempt = 0; ; attempt++) {
      try {
        const value = await op()
        this.dispatch({ type: 'connected' })
        return { ok: true, value }
      } catch (e) {
        if (signal?.aborted || e instanceof Cancelled) throw new Cancelled()
        const error = toPhoneError(e)
        if (!isTransient(error)) return { ok: false, error }
        await this.backoff(attempt, error, signal)
      }
    }
  }

  /** Says that attempt `attempt` failed with `error` and waits until the next (never before Retry-After). */
  async backoff(attempt: number, error: PhoneError, signal?: AbortSignal): Promise<void> {
    const retryAfter = error.kind === 'server' || error.kind === 'slow_down' ? error.retryAfterS : undefined
    const ms = retryDelay(attempt, this.random(), retryAfter)
    this.dispatch({ type: 'retrying', attempt: attempt + 1, retryAt: this.now() + ms, cause: error.kind === 'unreachable' ? 'unreachable' : 'server' })
    await this.sleep(ms, signal)
  }
}
