// The scope choice: one checkbox per scope, nothing pre-ticked, each line quoting the policy row
// it relies on (once the policy is here), the sensitive one marked. Each card is the checkbox's
// label, so a tap anywhere on it ticks it.
import { scopeQuote, SENSITIVE_SCOPES } from '../core/policy/scopes'
import { SCOPES, type Scope } from '../core/protocol/constants'
import { h, setText } from './dom'
import { screenTitle, spinner, type ScreenContext, type ScreenView } from './screen'
import type { State } from './state'

export function chooseScreen(state: State, ctx: ScreenContext): ScreenView {
  const { t, ctl, policy } = ctx
  const p = state.pairing
  const doc = policy.kind === 'ready' ? policy.doc : null
  const boxes = new Map<Scope, HTMLInputElement>()
  const items = SCOPES.map((scope) => {
    const id = `scope-${scope}`
    // Named by its title alone (the card's whole text would be its name otherwise), described by the rest.
    const box = h('input', { type: 'checkbox', id, name: 'scopes', value: scope, 'aria-labelledby': `${id}-label`, 'aria-describedby': `${id}-desc` })
    box.addEventListener('change', () => ctl.dispatch({ type: 'toggle-scope', scope, on: box.checked }))
    boxes.set(scope, box)
    const quote = doc ? scopeQuote(doc, scope) : null
    // A space between sentences in English; none after a Chinese full stop, which carries its own.
    const sep = /[。！？]$/.test(t.scopePurpose[scope]) ? '' : ' '
    const basis = quote
      ? [sep, t.policyBasis(quote.row), h('q', { lang: 'zh-CN', class: 'policy-quote' }, quote.uses)]
      : policy.kind === 'failed'
        ? [sep, t.policyBasisMissing]
        : []
    return h(
      'label',
      { class: 'scope', for: id },
      box,
      h(
        'span',
        { class: 'scope-text' },
        h('span', { id: `${id}-label`, class: 'scope-label' }, t.scopeLabel[scope], SENSITIVE_SCOPES.includes(scope) ? h('span', { class: 'badge' }, t.sensitive) : null),
        h('span', { id: `${id}-desc`, class: 'scope-desc' }, t.scopePurpose[scope], basis),
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
    ctl.dispatch({ type: 'request-submit' })
  })
  return {
    el: h('div', null, screenTitle(t.chooseTitle), h('p', null, t.chooseIntro(p?.tvName ?? '')), form),
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
