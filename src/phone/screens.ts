// Which screen the card shows for a state: the short ones (starting, claiming, "does your TV
// show this code?", ended, blocked) here, the forms and the answer in their own modules.
import { resultScreen, waitingScreen } from './answer-screens'
import { chooseScreen } from './choose-screen'
import { codeScreen } from './code-screen'
import { h, setText } from './dom'
import { screenTitle, spinner, staticScreen, type ScreenContext, type ScreenView } from './screen'
import type { State } from './state'

export function buildScreen(state: State, now: number, ctx: ScreenContext): ScreenView {
  const { t, ctl } = ctx
  const s = state.screen
  const p = state.pairing
  switch (s.name) {
    case 'boot':
      return staticScreen(h('div', null, screenTitle(p ? t.resuming : t.loading), h('p', { class: 'busy' }, spinner())))
    case 'claiming':
      return staticScreen(h('div', null, screenTitle(t.claiming), h('p', { class: 'busy' }, spinner())))
    case 'code':
      return codeScreen(state, ctx)
    case 'confirm': {
      const code = p?.userCode ?? ''
      return staticScreen(
        h(
          'div',
          null,
          screenTitle(t.confirmTitle),
          h('p', { class: 'tv-name' }, t.confirmTv(p?.tvName ?? '')),
          h('p', { class: 'question' }, ...splitAround(t.confirmQuestion(code), code, (c) => h('strong', { class: 'user-code', id: 'user-code' }, c))),
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', class: 'button primary', id: 'confirm-yes', onclick: () => ctl.dispatch({ type: 'confirm', matches: true }) }, t.confirmYes),
            h('button', { type: 'button', class: 'button secondary', id: 'confirm-no', onclick: () => ctl.dispatch({ type: 'confirm', matches: false }) }, t.confirmNo),
          ),
        ),
      )
    }
    case 'choose':
      return chooseScreen(state, ctx)
    case 'waiting':
      return waitingScreen(state, now, ctx)
    case 'result':
      return resultScreen(ctx)
    case 'ended': {
      const action =
        state.flow === 'code'
          ? h('button', { type: 'button', class: 'button primary', id: 'new-code', onclick: () => ctl.newCode() }, t.enterNewCode)
          : s.reason === 'invalid_link' || s.reason === 'expired' || s.reason === 'used_here'
            ? h('a', { class: 'button secondary', id: 'enter-code', href: ctx.linkHref }, t.enterCode)
            : null
      return staticScreen(
        h('div', { class: `ended reason-${s.reason}` }, screenTitle(t.endedTitle[s.reason]), h('p', null, t.endedBody[s.reason]), action ? h('div', { class: 'actions' }, action) : null),
      )
    }
    case 'blocked': {
      const body = h('p', null, '')
      const retry = h('button', { type: 'button', class: 'button primary', id: 'blocked-retry', onclick: () => ctl.dispatch({ type: 'retry-claim' }) }, t.blockedRetry)
      return {
        el: h('div', null, screenTitle(t.blockedTitle), body, h('div', { class: 'actions' }, retry)),
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

/** `text` split around the first `part`, with `wrap(part)` in its place. */
function splitAround(text: string, part: string, wrap: (p: string) => Node): (string | Node)[] {
  const i = part ? text.indexOf(part) : -1
  if (i < 0) return [text]
  return [text.slice(0, i), wrap(part), text.slice(i + part.length)]
}
