// What each screen in the card is made of: its element and how it follows the state, what
// screens may use (strings, the controller's commands, the policy), the title that takes focus.
import { h } from './dom'
import type { Strings } from './i18n'
import type { PolicyState } from './policy-view'
import type { Action, State } from './state'

/** One screen: built when the screen changes, then patched in place on every state and tick. */
export interface ScreenView {
  el: HTMLElement
  update(state: State, now: number): void
}

/** What the page's buttons and fields drive (the controller). */
export interface Commands {
  readonly state: State
  dispatch(action: Action): void
  /** A typed-code pairing that ended: start over with another code. */
  newCode(): void
  /** Cuts the current wait before a retry short. */
  retryNow(): void
}

/** What a screen is built with. */
export interface ScreenContext {
  t: Strings
  ctl: Commands
  policy: PolicyState
  /** Link to the typed-code page, relative to the service root. */
  linkHref: string
  /** Whether a screen may move focus itself (not during start-up). */
  focusFollows(): boolean
  /** Sets the card's class (the result screen marks its kind on it). */
  setCardClass(className: string): void
}

/** The screen's title: the card is labelled by it, and focus moves to it on a new screen. */
export function screenTitle(text: string): HTMLElement {
  return h('h1', { id: 'screen-title', tabindex: -1 }, text)
}

export function spinner(): HTMLElement {
  return h('span', { class: 'spinner', 'aria-hidden': 'true' })
}

/** A screen that shows the same thing until the screen changes. */
export function staticScreen(el: HTMLElement): ScreenView {
  return { el, update: () => {} }
}
