// The connection notice above the card, a polite live region: what failed, the retry number and
// seconds left with a "Retry now" button, then "reconnected" for a few seconds once it works.
import { h, setText } from './dom'
import type { Strings } from './i18n'
import type { State } from './state'

export class NetNotice {
  readonly el: HTMLElement
  private readonly msg: HTMLElement
  private readonly extra: HTMLElement
  private readonly next: HTMLElement
  private readonly retryNow: HTMLButtonElement
  private wasRetrying = false
  private backTimer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private t: Strings,
    onRetryNow: () => void,
  ) {
    this.msg = h('p', { id: 'net-msg', class: 'net-msg', role: 'status', 'aria-live': 'polite' })
    this.next = h('span', { class: 'net-next' })
    this.retryNow = h('button', { type: 'button', class: 'button small secondary', id: 'retry-now', onclick: onRetryNow }, '')
    this.extra = h('p', { class: 'net-extra', hidden: true }, this.next, ' ', this.retryNow)
    this.el = h('div', { class: 'net' }, this.msg, this.extra)
    this.setStrings(t)
  }

  setStrings(t: Strings): void {
    this.t = t
    setText(this.retryNow, t.netRetryNow)
  }

  render(state: State, now: number): void {
    const t = this.t
    const net = state.net
    if (net.kind === 'retrying') {
      this.wasRetrying = true
      if (this.backTimer) clearTimeout(this.backTimer)
      setText(this.msg, net.cause === 'unreachable' ? t.netDown : t.netServerDown)
      this.msg.className = 'net-msg warn'
      setText(this.next, t.netNext(Math.max(0, Math.ceil((net.retryAt - now) / 1000)), net.attempt))
      this.extra.hidden = false
    } else {
      this.extra.hidden = true
      if (this.wasRetrying) {
        this.wasRetrying = false
        setText(this.msg, t.netBack)
        this.msg.className = 'net-msg ok'
        this.backTimer = setTimeout(() => {
          setText(this.msg, '')
          this.msg.className = 'net-msg'
        }, 5000)
      }
    }
  }
}
