// The page's DOM: one screen at a time in a card (screens.ts), the connection notice (a live
// region), the policy summary below, and the full policy one tap away (#policy). Screens are
// rebuilt when the screen changes and patched in place otherwise, so typing and focus are never
// disturbed.
import { fill, h, setText } from './dom'
import type { Strings } from './i18n'
import { NetNotice } from './net-notice'
import { POLICY_HASH, renderFullPolicy, renderSummary, type PolicyState } from './policy-view'
import type { Commands, ScreenContext, ScreenView } from './screen'
import { buildScreen } from './screens'
import type { State } from './state'

export interface ViewOptions {
  /** Link to the typed-code page, relative to the service root. */
  linkHref: string
  onRetryPolicy: () => void
}

export class PageView {
  private t: Strings
  private screen: ScreenView | null = null
  private screenKey = ''
  private policy: PolicyState = { kind: 'loading' }
  private readonly flow: HTMLElement
  private readonly card: HTMLElement
  private readonly net: NetNotice
  private readonly summaryBody: HTMLElement
  private readonly summaryTitle: HTMLElement
  private readonly readFull: HTMLAnchorElement
  private readonly policyPane: HTMLElement
  private readonly policyBack: HTMLAnchorElement
  private readonly policyBody: HTMLElement
  /** Focus follows screen changes only after start-up (a page that opens on a form keeps the natural order). */
  private focusFollows = false

  constructor(
    private readonly root: HTMLElement,
    private readonly ctl: Commands,
    t: Strings,
    private readonly opts: ViewOptions,
  ) {
    this.t = t
    this.net = new NetNotice(t, () => this.ctl.retryNow())
    this.card = h('section', { class: 'card', id: 'screen', 'aria-labelledby': 'screen-title' })
    this.summaryBody = h('div', { class: 'summary-body' })
    this.readFull = h('a', { class: 'button secondary block', id: 'read-full', href: POLICY_HASH }, '')
    this.summaryTitle = h('h2', { id: 'summary-title' }, '')
    const summary = h('section', { class: 'summary', 'aria-labelledby': 'summary-title' }, this.summaryTitle, this.summaryBody, this.readFull)
    this.flow = h('div', { id: 'flow' }, this.net.el, this.card, summary)
    this.policyBody = h('div', { class: 'policy-pane-body' })
    this.policyBack = h('a', { class: 'button secondary small', id: 'policy-back', href: '#' }, '')
    this.policyPane = h('div', { id: 'policy', hidden: true }, h('p', { class: 'policy-back' }, this.policyBack), this.policyBody)
    fill(root, this.flow, this.policyPane)
    this.applyStrings()
  }

  setStrings(t: Strings, state: State, now: number): void {
    this.t = t
    this.applyStrings()
    this.net.setStrings(t)
    this.screenKey = ''
    this.renderScreen(state, now, false)
    this.net.render(state, now)
    this.renderPolicy()
  }

  private applyStrings(): void {
    const t = this.t
    setText(this.summaryTitle, t.summaryTitle)
    setText(this.readFull, t.readFull)
    setText(this.policyBack, t.policyBack)
  }

  setPolicy(p: PolicyState, state: State, now: number): void {
    this.policy = p
    this.renderPolicy()
    // The scope lines quote the policy: rebuild them once it is here.
    if (state.screen.name === 'choose') {
      this.screenKey = ''
      this.renderScreen(state, now, false)
    }
  }

  private renderPolicy(): void {
    const t = this.t
    const p = this.policy
    if (p.kind === 'ready') {
      fill(this.summaryBody, renderSummary(p.doc, t))
      fill(this.policyBody, renderFullPolicy(p.doc, t))
      this.readFull.hidden = false
    } else {
      const msg = () =>
        p.kind === 'loading'
          ? h('p', { class: 'muted' }, t.policyLoading)
          : h('p', { class: 'muted' }, t.policyFailed, ' ', h('button', { type: 'button', class: 'button small secondary', onclick: this.opts.onRetryPolicy }, t.policyRetry))
      fill(this.summaryBody, msg())
      fill(this.policyBody, msg())
      this.readFull.hidden = p.kind === 'failed'
    }
  }

  /** Shows the full policy (true) or the flow (false); `anchor` scrolls to a section. */
  showPolicy(open: boolean, anchor?: string): void {
    const wasOpen = !this.policyPane.hidden
    this.policyPane.hidden = !open
    this.flow.hidden = open
    if (open) {
      const target = anchor ? this.root.ownerDocument.getElementById(anchor) : null
      const heading = (target?.querySelector('h2') as HTMLElement | null) ?? (this.policyPane.querySelector('#policy-title') as HTMLElement | null)
      if (target) target.scrollIntoView()
      else window.scrollTo(0, 0)
      heading?.focus({ preventScroll: !!target })
    } else if (wasOpen) {
      this.readFull.focus()
    }
  }

  render(state: State, prev: State | null, now: number): void {
    const moved = !!prev && prev.screen.name !== state.screen.name
    this.renderScreen(state, now, moved && this.focusFollows)
    this.net.render(state, now)
  }

  /** From now on a new screen takes focus (its title), so screen readers read it. */
  started(): void {
    this.focusFollows = true
  }

  /** Once a second: countdowns and waits that end. */
  tick(state: State, now: number): void {
    this.screen?.update(state, now)
    this.net.render(state, now)
  }

  private renderScreen(state: State, now: number, moveFocus: boolean): void {
    const key = state.screen.name
    if (key === this.screenKey && this.screen) {
      this.screen.update(state, now)
      return
    }
    this.screenKey = key
    this.screen = buildScreen(state, now, this.screenContext())
    this.card.className = `card screen-${key}`
    fill(this.card, this.screen.el)
    this.screen.update(state, now)
    if (moveFocus) {
      const title = this.card.querySelector<HTMLElement>('#screen-title')
      title?.focus()
    }
  }

  private screenContext(): ScreenContext {
    return {
      t: this.t,
      ctl: this.ctl,
      policy: this.policy,
      linkHref: this.opts.linkHref,
      focusFollows: () => this.focusFollows,
      setCardClass: (className) => {
        this.card.className = className
      },
    }
  }
}
