// Runs the state machine against the service: claims (QR token or typed code), the provisioning
// request, and following the pairing live (watch.ts), each retried with backoff while it fails
// for a reason that goes away (retry.ts); keeps what a reload resumes (session.ts).
import type { Api } from './api'
import { resumeInfo, shouldWatch } from './derived'
import { reduce } from './reduce'
import { Cancelled, Retrier } from './retry'
import type { Route } from './route'
import type { SessionStore } from './session'
import { initialState, type Action, type State } from './state'
import { checkUserCode } from './usercode'
import { PairingWatcher } from './watch'

export interface ControllerEnv {
  api: Api
  sessions: SessionStore
  phoneName: () => string
  now?: () => number
  random?: () => number
  /** Whether fetch can read a response body as a stream (else: long-poll). */
  streaming?: boolean
  /** No data on the event stream for this long (heartbeats included) means the connection is dead. */
  streamIdleMs?: number
  /** Seconds a long-poll waits (≤ 25). */
  longPollS?: number
}

export type Listener = (state: State, prev: State) => void

export class Controller {
  state: State
  /** The phone token: in memory, and kept for a reload only sealed (session.ts). */
  private token = ''
  private link = ''
  /** What was last given to the session store. */
  private saved = ''
  private readonly listeners: Listener[] = []
  private claimBusy = false
  private requestBusy = false
  private readonly now: () => number
  private readonly retry: Retrier
  private readonly watcher: PairingWatcher

  constructor(
    private readonly route: Route,
    private readonly env: ControllerEnv,
  ) {
    this.state = initialState(route.kind === 'link' ? 'code' : 'qr')
    this.now = env.now ?? (() => Date.now())
    this.retry = new Retrier((a) => this.dispatch(a), this.now, env.random ?? Math.random)
    this.watcher = new PairingWatcher(
      { state: () => this.state, dispatch: (a) => this.dispatch(a), token: () => this.token, now: this.now },
      env.api,
      this.retry,
      { streaming: env.streaming ?? true, streamIdleMs: env.streamIdleMs ?? 45_000, longPollS: env.longPollS ?? 25 },
    )
  }

  /** Whether the pairing is followed on the event stream (false once it turned out unreadable: long-poll). */
  get streaming(): boolean {
    return this.watcher.streaming
  }

  subscribe(fn: Listener): void {
    this.listeners.push(fn)
  }

  /**
   * Reads the link (or what this tab kept for it) and starts; resolves once the first screen is
   * shown. A link this tab used but cannot resume is not presented again.
   */
  start(): Promise<void> {
    const r = this.route
    if (r.kind === 'bad-qr') {
      this.dispatch({ type: 'invalid-link' })
      return Promise.resolve()
    }
    const sessions = this.env.sessions
    return sessions
      .linkKey(r.kind === 'qr' ? r : { kind: 'link' })
      .then((link) => {
        this.link = link
        return sessions.find(link)
      })
      .then((found) => {
        if (found.kind === 'session') {
          this.token = found.session.token
          return this.dispatch({ type: 'resumed', info: found.session })
        }
        if (found.kind === 'used') return this.dispatch({ type: 'used-here' })
        if (r.kind === 'qr') return this.dispatch({ type: 'claim-start' })
        this.dispatch({ type: 'show-code', input: r.code })
        if (r.code && checkUserCode(r.code).ok) this.dispatch({ type: 'code-submit', now: this.now() })
      })
  }

  dispatch(action: Action): void {
    const prev = this.state
    const next = reduce(prev, action)
    if (next === prev) return
    this.state = next
    this.persist()
    for (const fn of this.listeners) fn(next, prev)
    this.effects()
  }

  /** Cuts the current wait before a retry short ("Retry now", back online, page visible again). */
  retryNow(): void {
    this.retry.wakeAll()
  }

  /** A typed-code pairing that ended: start over with another code. */
  newCode(): void {
    this.watcher.stop()
    this.env.sessions.forget(this.link)
    this.token = ''
    this.saved = ''
    this.dispatch({ type: 'new-code' })
  }

  stop(): void {
    this.watcher.stop()
    this.retryNow()
  }

  /** Keeps what a reload resumes, when it changed (sealing takes a moment: not on every action). */
  private persist(): void {
    if (!this.link || !this.token) return
    const info = resumeInfo(this.state)
    if (!info) return
    const key = JSON.stringify(info)
    if (key === this.saved) return
    this.saved = key
    void this.env.sessions.save(this.link, info, this.token)
  }

  private effects(): void {
    const s = this.state.screen
    if ((s.name === 'claiming' || (s.name === 'code' && s.busy)) && !this.claimBusy) void this.claim()
    if (s.name === 'choose' && s.busy && !this.requestBusy) void this.requestProvisioning()
    if (shouldWatch(this.state) && this.token) {
      if (!this.watcher.active) this.watcher.start()
    } else if (this.watcher.active) this.watcher.stop()
  }

  private async claim(): Promise<void> {
    this.claimBusy = true
    try {
      const s = this.state.screen
      const phone_name = this.env.phoneName()
      let body: { qr_token: string; phone_name: string } | { user_code: string; phone_name: string }
      if (this.route.kind === 'qr') body = { qr_token: this.route.token, phone_name }
      else {
        const check = checkUserCode(s.name === 'code' ? s.input : '')
        if (!check.ok) return
        body = { user_code: check.code, phone_name }
      }
      // A lost answer to a QR claim cannot be told from a claim that never arrived: retrying
      // presents the token again, which the service answers by cancelling (qr_token_reused) — safe.
      const r = await this.retry.run(() => this.env.api.claim(body))
      if (!r.ok) return this.dispatch({ type: 'failed', op: 'claim', error: r.error, now: this.now() })
      this.token = r.value.phone_token
      this.dispatch({ type: 'claimed', claim: r.value, now: this.now() })
      this.persist()
      this.effects()
    } catch (e) {
      if (!(e instanceof Cancelled)) throw e
    } finally {
      this.claimBusy = false
    }
  }

  private async requestProvisioning(): Promise<void> {
    const s = this.state.screen
    const p = this.state.pairing
    if (s.name !== 'choose' || !p) return
    this.requestBusy = true
    try {
      const r = await this.retry.run(() => this.env.api.requestProvisioning(p.id, this.token, s.selected))
      if (r.ok) this.dispatch({ type: 'status', status: r.value, now: this.now() })
      else this.dispatch({ type: 'failed', op: 'request', error: r.error, now: this.now() })
    } catch (e) {
      if (!(e instanceof Cancelled)) throw e
    } finally {
      this.requestBusy = false
    }
  }
}
