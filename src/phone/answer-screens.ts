// The screens that follow the TV's answer: waiting (time left by the service's clock, whether
// the page is live) and the result per scope, which changes again on a withdrawal.
import { remainingMs, resultKind, scopeOutcomes } from './derived'
import { fill, h, setText } from './dom'
import { scopeList } from './i18n'
import { screenTitle, spinner, type ScreenContext, type ScreenView } from './screen'
import type { State } from './state'

export function waitingScreen(state: State, now: number, ctx: ScreenContext): ScreenView {
  const { t } = ctx
  const p = state.pairing
  const timer = h('p', { class: 'timer', id: 'time-left', role: 'timer' }, '')
  const live = h('p', { class: 'live-dot', id: 'live' }, '')
  const el = h(
    'div',
    null,
    screenTitle(t.waitingTitle),
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

export function resultScreen(ctx: ScreenContext): ScreenView {
  const { t } = ctx
  const title = screenTitle('')
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
      ctx.setCardClass(`card screen-result result-${kind}`)
      // A change after the first answer (a withdrawal) moves focus to the new title.
      if (announce) title.focus()
    },
  }
}
