// The page's DOM: one screen at a time in a card, the connection notice (a live region), the
// policy summary below, and the full policy one tap away (#policy). Screens are rebuilt when
// the screen changes and patched in place otherwise, so typing and focus are never disturbed.
import { SCOPES, type Scope } from '../core/protocol/constants'
import type { PolicyDocument } from '../core/policy/model'
import type { Controller } from './controller'
import { fill, h, setText } from './dom'
import { scopeList, type Strings } from './i18n'
import { POLICY_HASH, renderFullPolicy, renderSummary } from './policy-view'
import { scopeQuote, SENSITIVE_SCOPES } from '../core/policy/scopes'
import { remainingMs, resultKind, scopeOutcomes } from './derived'
import type { CodeFieldError, State } from './state'

export type PolicyState = { kind: 'loading' } | { kind: 'failed' } | { kind: 'ready'; doc: PolicyDocument }

interface ScreenView {
  el: HTMLElement
  update(state: State, now: number): void
}

export interface ViewOptions {
  /** Link to the typed-code page, relative to the service root. */
  linkHref: string
  onRetryPolicy: () => void
}

function codeErrorText(t: Strings, e: CodeFieldError, now: number): string {
  switch (e.kind) {
    case 'empty':
      return t.codeError.empty
    case 'short':
      return t.codeError.short
    case 'long':
      return t.codeError.long
    case 'chars':
      return t.codeError.chars(e.bad ?? [])
    case 'unknown':
      return t.codeError.unknown
    case 'expired':
      return t.codeError.expired
    case 'taken':
      return t.codeError.taken
    case 'cancelled':
      return t.codeError.cancelled
    case 'rate_limited':
      return t.codeError.rateLimited(Math.max(1, Math.ceil((e.until - now) / 1000)))
    case 'unexpected':
      return t.codeError.unexpected
  }
}

function spinner(): HTMLElement {
  return h('span', { class: 'spinner', 'aria-hidden': 'true' })
}

export class PageView {
  private t: Strings
  private screen: ScreenView | null = null
  private screenKey = ''
  private policy: PolicyState = { kind: 'loading' }
  private readonly flow: HTMLElement
  private readonly card: HTMLElement
  private readonly netMsg: HTMLElement
  private readonly netExtra: HTMLElement
  private readonly netNext: HTMLElement
  private readonly summaryBody: HTMLElement
  private readonly summaryTitle: HTMLElement
  private readonly readFull: HTMLAnchorElement
  private readonly policyPane: HTMLElement
  private readonly policyBody: HTMLElement
  private wasRetrying = false
  private backTimer: ReturnType<typeof setTimeout> | undefined
  /** Focus follows screen changes only after start-up (a page that opens on a form keeps the natural order). */
  private focusFollows = false

  constructor(
    private readonly root: HTMLElement,
    private readonly ctl: Controller,
    t: Strings,
    private readonly opts: ViewOptions,
  ) {
    this.t = t
    this.netMsg = h('p', { id: 'net-msg', class: 'net-msg', role: 'status', 'aria-live': 'polite' })
    this.netNext = h('span', { class: 'net-next' })
    this.netExtra = h(
      'p',
      { class: 'net-extra', hidden: true },
      this.netNext,
      ' ',
      h('button', { type: 'button', class: 'button small secondary', id: 'retry-now', onclick: () => this.ctl.retryNow() }, ''),
    )
    this.card = h('section', { class: 'card', id: 'screen', 'aria-labelledby': 'screen-title' })
    this.summaryBody = h('div', { class: 'summary-body' })
    this.readFull = h('a', { class: 'button secondary block', id: 'read-full', href: POLICY_HASH }, '')
    this.summaryTitle = h('h2', { id: 'summary-title' }, '')
    const summary = h('section', { class: 'summary', 'aria-labelledby': 'summary-title' }, this.summaryTitle, this.summaryBody, this.readFull)
    this.flow = h('div', { id: 'flow' }, h('div', { class: 'net' }, this.netMsg, this.netExtra), this.card, summary)
    this.policyBody = h('div', { class: 'policy-pane-body' })
    this.policyPane = h(
      'div',
      { id: 'policy', hidden: true },
      h('p', { class: 'policy-back' }, h('a', { class: 'button secondary small', id: 'policy-back', href: '#' }, '')),
      this.policyBody,
    )
    fill(root, this.flow, this.policyPane)
    this.applyStrings()
  }

  setStrings(t: Strings, state: State, now: number): void {
    this.t = t
    this.applyStrings()
    this.screenKey = ''
    this.renderScreen(state, now, false)
    this.renderNet(state, now)
    this.renderPolicy()
  }

  private applyStrings(): void {
    const t = this.t
    setText(this.summaryTitle, t.summaryTitle)
    setText(this.readFull, t.readFull)
    setText(this.policyPane.querySelector('#policy-back')!, t.policyBack)
    setText(this.netExtra.querySelector('#retry-now')!, t.netRetryNow)
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
    this.renderNet(state, now)
  }

  /** From now on a new screen takes focus (its title), so screen readers read it. */
  started(): void {
    this.focusFollows = true
  }

  /** Once a second: countdowns and waits that end. */
  tick(state: State, now: number): void {
    this.screen?.update(state, now)
    this.renderNet(state, now)
  }

  private renderNet(state: State, now: number): void {
    const t = this.t
    const net = state.net
    if (net.kind === 'retrying') {
      this.wasRetrying = true
      if (this.backTimer) clearTimeout(this.backTimer)
      setText(this.netMsg, net.cause === 'unreachable' ? t.netDown : t.netServerDown)
      this.netMsg.className = 'net-msg warn'
      setText(this.netNext, t.netNext(Math.max(0, Math.ceil((net.retryAt - now) / 1000)), net.attempt))
      this.netExtra.hidden = false
    } else {
      this.netExtra.hidden = true
      if (this.wasRetrying) {
        this.wasRetrying = false
        setText(this.netMsg, t.netBack)
        this.netMsg.className = 'net-msg ok'
        this.backTimer = setTimeout(() => {
          setText(this.netMsg, '')
          this.netMsg.className = 'net-msg'
        }, 5000)
      }
    }
  }

  private renderScreen(state: State, now: number, moveFocus: boolean): void {
    const key = state.screen.name
    if (key === this.screenKey && this.screen) {
      this.screen.update(state, now)
      return
    }
    this.screenKey = key
    this.screen = this.build(state, now)
    this.card.className = `card screen-${key}`
    fill(this.card, this.screen.el)
    this.screen.update(state, now)
    if (moveFocus) {
      const title = this.card.querySelector<HTMLElement>('#screen-title')
      title?.focus()
    }
  }

  private title(text: string): HTMLElement {
    return h('h1', { id: 'screen-title', tabindex: -1 }, text)
  }

  private static(el: HTMLElement): ScreenView {
    return { el, update: () => {} }
  }

  private build(state: State, now: number): ScreenView {
    const t = this.t
    const s = state.screen
    const p = state.pairing
    switch (s.name) {
      case 'boot':
        return this.static(h('div', null, this.title(p ? t.resuming : t.loading), h('p', { class: 'busy' }, spinner())))
      case 'claiming':
        return this.static(h('div', null, this.title(t.claiming), h('p', { class: 'busy' }, spinner())))
      case 'code':
        return this.codeScreen(state)
      case 'confirm': {
        const code = p?.userCode ?? ''
        return this.static(
          h(
            'div',
            null,
            this.title(t.confirmTitle),
            h('p', { class: 'tv-name' }, t.confirmTv(p?.tvName ?? '')),
            h('p', { class: 'question' }, ...splitAround(t.confirmQuestion(code), code, (c) => h('strong', { class: 'user-code', id: 'user-code' }, c))),
            h(
              'div',
              { class: 'actions' },
              h('button', { type: 'button', class: 'button primary', id: 'confirm-yes', onclick: () => this.ctl.dispatch({ type: 'confirm', matches: true }) }, t.confirmYes),
              h('button', { type: 'button', class: 'button secondary', id: 'confirm-no', onclick: () => this.ctl.dispatch({ type: 'confirm', matches: false }) }, t.confirmNo),
            ),
          ),
        )
      }
      case 'choose':
        return this.chooseScreen(state)
      case 'waiting':
        return this.waitingScreen(state, now)
      case 'result':
        return this.resultScreen()
      case 'ended': {
        const action =
          state.flow === 'code'
            ? h('button', { type: 'button', class: 'button primary', id: 'new-code', onclick: () => this.ctl.newCode() }, t.enterNewCode)
            : s.reason === 'invalid_link' || s.reason === 'expired' || s.reason === 'used_here'
              ? h('a', { class: 'button secondary', id: 'enter-code', href: this.opts.linkHref }, t.enterCode)
              : null
        return this.static(
          h('div', { class: `ended reason-${s.reason}` }, this.title(t.endedTitle[s.reason]), h('p', null, t.endedBody[s.reason]), action ? h('div', { class: 'actions' }, action) : null),
        )
      }
      case 'blocked': {
        const body = h('p', null, '')
        const retry = h('button', { type: 'button', class: 'button primary', id: 'blocked-retry', onclick: () => this.ctl.dispatch({ type: 'retry-claim' }) }, t.blockedRetry)
        return {
          el: h('div', null, this.title(t.blockedTitle), body, h('div', { class: 'actions' }, retry)),
          update: (st, n) => {
            if (st.screen.name !== 'blocked') return
            const left = Math.ceil((st.screen.until - n) / 1000)
            setText(body, left > 0 ? t.blockedBody(left) : '')
            retry.disabled = left > 0
          },
        }
      }
    }
  }

  private codeScreen(state: State): ScreenView {
    const t = this.t
    const s = state.screen
    const input = h('input', {
      id: 'code',
      name: 'code',
      type: 'text',
      inputmode: 'text',
      autocomplete: 'off',
      autocapitalize: 'characters',
      autocorrect: 'off',
      spellcheck: 'false',
      enterkeyhint: 'go',
      maxlength: 24,
      'aria-describedby': 'code-hint code-error',
      value: s.name === 'code' ? s.input : '',
    })
    input.addEventListener('input', () => this.ctl.dispatch({ type: 'code-input', input: input.value }))
    const error = h('p', { id: 'code-error', class: 'error', role: 'alert' })
    const submit = h('button', { type: 'submit', class: 'button primary', id: 'code-submit' }, t.codeSubmit)
    const busy = h('p', { class: 'busy', hidden: true }, spinner(), t.codeBusy)
    const form = h(
      'form',
      { novalidate: true, id: 'code-form' },
      h('label', { for: 'code', class: 'label' }, t.codeLabel),
      h('p', { id: 'code-hint', class: 'hint' }, t.codeHint),
      input,
      error,
      h('div', { class: 'actions' }, submit),
      busy,
    )
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      // What is in the field now (autofill and IME composition do not always fire input).
      this.ctl.dispatch({ type: 'code-input', input: input.value })
      this.ctl.dispatch({ type: 'code-submit', now: Date.now() })
      const after = this.ctl.state.screen
      if (after.name === 'code' && after.error) input.focus()
    })
    let lastError: CodeFieldError | null | undefined
    return {
      el: h('div', null, this.title(t.codeTitle), h('p', null, t.codeIntro), form),
      update: (st, n) => {
        if (st.screen.name !== 'code') return
        const sc = st.screen
        const e = sc.error
        const limited = e?.kind === 'rate_limited' && n < e.until
        // The message is written when the error changes, not every second (it is an alert).
        if (e !== lastError) {
          setText(error, e ? codeErrorText(t, e, n) : '')
          lastError = e
          if (e && e.kind !== 'rate_limited' && !sc.busy && document.activeElement !== input && this.focusFollows) input.focus()
        }
        if (e?.kind === 'rate_limited' && !limited && error.textContent) setText(error, '')
        input.setAttribute('aria-invalid', e && e.kind !== 'rate_limited' ? 'true' : 'false')
        input.readOnly = sc.busy
        submit.disabled = sc.busy || limited
        busy.hidden = !sc.busy
      },
    }
  }

  private chooseScreen(state: State): ScreenView {
    const t = this.t
    const p = state.pairing
    const doc = this.policy.kind === 'ready' ? this.policy.doc : null
    const boxes = new Map<Scope, HTMLInputElement>()
    const items = SCOPES.map((scope) => {
      const id = `scope-${scope}`
      const box = h('input', { type: 'checkbox', id, name: 'scopes', value: scope, 'aria-describedby': `${id}-desc` })
      box.addEventListener('change', () => this.ctl.dispatch({ type: 'toggle-scope', scope, on: box.checked }))
      boxes.set(scope, box)
      const quote = doc ? scopeQuote(doc, scope) : null
      const basis = quote
        ? [' ', t.policyBasis(quote.row), h('q', { lang: 'zh-CN', class: 'policy-quote' }, quote.uses)]
        : this.policy.kind === 'failed'
          ? [' ', t.policyBasisMissing]
          : []
      return h(
        'div',
        { class: 'scope' },
        box,
        h(
          'div',
          { class: 'scope-text' },
          h('label', { for: id, class: 'scope-label' }, t.scopeLabel[scope], SENSITIVE_SCOPES.includes(scope) ? h('span', { class: 'badge' }, t.sensitive) : null),
          h('p', { id: `${id}-desc`, class: 'scope-desc' }, t.scopePurpose[scope], basis),
        ),
      )
    })
    const error = h('p', { id: 'choose-error', class: 'error', role: 'alert' })
    const submit = h('button', { type: 'submit', class: 'button primary', id: 'choose-submit' }, t.chooseSubmit)
    const busy = h('p', { class: 'busy', hidden: true }, spinner(), t.chooseBusy)
    const form = h(
      'form',
      { novalidate: true, id: 'choose-form' },
      h('fieldset', { 'aria-describedby': 'choose-error' }, h('legend', null, t.chooseLegend), items),
      error,
      h('div', { class: 'actions' }, submit),
      busy,
    )
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      this.ctl.dispatch({ type: 'request-submit' })
    })
    return {
      el: h('div', null, this.title(t.chooseTitle), h('p', null, t.chooseIntro(p?.tvName ?? '')), form),
      update: (st) => {
        if (st.screen.name !== 'choose') return
        const sc = st.screen
        for (const [scope, box] of boxes) {
          box.checked = sc.selected.includes(scope)
          box.disabled = sc.busy
        }
        setText(error, sc.error ? t.chooseNone : '')
        submit.disabled = sc.busy
        busy.hidden = !sc.busy
      },
    }
  }

  private waitingScreen(state: State, now: number): ScreenView {
    const t = this.t
    const p = state.pairing
    const timer = h('p', { class: 'timer', id: 'time-left', role: 'timer' }, '')
    const live = h('p', { class: 'live-dot', id: 'live' }, '')
    const el = h(
      'div',
      null,
      this.title(t.waitingTitle),
      h('p', { class: 'busy big' }, spinner()),
      h('p', { id: 'waiting-body' }, t.waitingBody(p?.tvName ?? '', scopeList(t, p?.scopes ?? []))),
      timer,
      live,
      h('p', { class: 'muted' }, t.waitingHelp),
    )
    const update = (st: State, n: number) => {
      if (st.pairing) setText(timer, t.timeLeft(remainingMs(st.pairing, n)))
      setText(live, st.net.kind === 'ok' ? t.live : '')
      live.hidden = st.net.kind !== 'ok'
    }
    update(state, now)
    return { el, update }
  }

  private resultScreen(): ScreenView {
    const t = this.t
    const title = this.title('')
    const body = h('p', { id: 'result-body' })
    const list = h('ul', { class: 'outcomes', id: 'outcomes', 'aria-label': t.outcomesLabel })
    const next = h('p', { class: 'next', id: 'result-next' })
    let key = ''
    return {
      el: h('div', null, title, body, list, next),
      update: (st) => {
        const p = st.pairing
        if (!p) return
        const kind = resultKind(p)
        const outcomes = scopeOutcomes(p)
        const k = `${kind}:${outcomes.map((o) => `${o.scope}=${o.outcome}`).join(',')}`
        if (k === key) return
        const announce = key !== ''
        key = k
        setText(title, t.resultTitle[kind])
        setText(body, t.resultBody[kind](p.tvName))
        fill(
          list,
          outcomes.map((o) =>
            h('li', { class: `outcome ${o.outcome}`, 'data-scope': o.scope }, h('span', { class: 'mark', 'aria-hidden': 'true' }, o.outcome === 'granted' ? '✓' : '×'), h('span', null, `${t.scopeLabel[o.scope]}${t.colon}`), h('strong', null, t.outcome[o.outcome])),
          ),
        )
        setText(next, t.resultNext[kind])
        this.card.className = `card screen-result result-${kind}`
        // A change after the first answer (a withdrawal) moves focus to the new title.
        if (announce) title.focus()
      },
    }
  }
}

/** `text` split around the first `part`, with `wrap(part)` in its place. */
function splitAround(text: string, part: string, wrap: (p: string) => Node): (string | Node)[] {
  const i = part ? text.indexOf(part) : -1
  if (i < 0) return [text]
  return [text.slice(0, i), wrap(part), text.slice(i + part.length)]
}

