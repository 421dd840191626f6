// The typed-code screen (/link): the field, what is wrong with the code (named before anything
// is sent, or as the service answered), and the wait after too many attempts.
import { h, setText } from './dom'
import type { Strings } from './i18n'
import { screenTitle, spinner, type ScreenContext, type ScreenView } from './screen'
import type { CodeFieldError, State } from './state'

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

export function codeScreen(state: State, ctx: ScreenContext): ScreenView {
  const { t, ctl } = ctx
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
  input.addEventListener('input', () => ctl.dispatch({ type: 'code-input', input: input.value }))
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
    ctl.dispatch({ type: 'code-input', input: input.value })
    ctl.dispatch({ type: 'code-submit', now: Date.now() })
    const after = ctl.state.screen
    if (after.name === 'code' && after.error) input.focus()
  })
  let lastError: CodeFieldError | null | undefined
  return {
    el: h('div', null, screenTitle(t.codeTitle), h('p', null, t.codeIntro), form),
    update: (st, n) => {
      if (st.screen.name !== 'code') return
      const sc = st.screen
      const e = sc.error
      const limited = e?.kind === 'rate_limited' && n < e.until
      // The message is written when the error changes, not every second (it is an alert).
      if (e !== lastError) {
        setText(error, e ? codeErrorText(t, e, n) : '')
        lastError = e
        if (e && e.kind !== 'rate_limited' && !sc.busy && document.activeElement !== input && ctx.focusFollows()) input.focus()
      }
      if (e?.kind === 'rate_limited' && !limited && error.textContent) setText(error, '')
      input.setAttribute('aria-invalid', e && e.kind !== 'rate_limited' ? 'true' : 'false')
      input.readOnly = sc.busy
      submit.disabled = sc.busy || limited
      busy.hidden = !sc.busy
    },
  }
}
