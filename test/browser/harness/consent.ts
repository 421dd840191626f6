// The viewer answers the consent overlay with the remote, whichever engine drives it: key by key,
// reading the overlay's published state (window.__miitee.state.consent) after each press, so the
// tests that only need "the viewer decided this" do not spell out the overlay's key sequence.
// Additive: nothing here changes the other harness files.
import type { RemoteKey } from './common'

export type Answer = 'granted' | 'denied'

/** window.__miitee.state.consent as the overlay publishes it. */
export interface ConsentHookState {
  step: 'closed' | 'choosing' | 'confirming'
  rows: { scope: string; choice: Answer | null; button: 'allow' | 'deny' | null }[]
  /** the focused button of the button row or of the confirmation, when focus is there */
  button: string | null
}

/** A TV under remote control: key presses and the probes the walk needs. */
export interface Remote {
  press(key: RemoteKey): Promise<void>
  /** window.__miitee.state.consent (a copy), or null */
  consent(): Promise<ConsentHookState | null>
  /** window.__miitee.state.pair.phase */
  phase(): Promise<string | undefined>
}

/**
 * The in-page probe body both engines evaluate (returns the consent state copied, or null). An
 * overlay that publishes no state (its first version: ← → set a row's answer at once, 确认并发送
 * sends) is read from the Lightning tree instead, in the same shape.
 */
export const CONSENT_PROBE = `
  var h = window.__miitee; var c = h && h.state && h.state.consent;
  if (c) return JSON.parse(JSON.stringify(c));
  var overlay = null;
  (function find(el) {
    if (overlay || !el) return;
    if (el.ref === 'Overlay' && typeof el.decisions === 'function') overlay = el;
    else if (el.childList) el.childList.forEach(find);
  })(h && h.app && h.app.stage && h.app.stage.root);
  if (!overlay) return null;
  var path = h.app.focusPath || [];
  var buttons = overlay.tag('Buttons');
  return {
    step: overlay.visible ? 'choosing' : 'closed',
    rows: overlay.tag('Rows').children.map(function (r) {
      return { scope: r.scope, choice: r.choice, button: path.indexOf(r) >= 0 ? (r.choice === 'granted' ? 'allow' : 'deny') : null };
    }),
    button: path.indexOf(buttons) >= 0 ? buttons.selectedId || null : null
  };`

/** The overlay's button that opens the confirmation (or, in its first version, sends), and the confirmation's send button. */
const REVIEW = ['review', 'send']
const SEND = 'send'

/**
 * Answers each scope as `decisions` says (missing: 拒绝), opens the review and sends. Resolves
 * once the TV has left the consent phase; throws, with the last state, if it takes too many keys.
 */
export async function decideOnTv(tv: Remote, decisions: Record<string, Answer>, maxKeys = 40): Promise<void> {
  let last: ConsentHookState | null = null
  let lastKey: RemoteKey | null = null
  let across: RemoteKey = 'Left'
  for (let n = 0; n < maxKeys; n++) {
    if ((await tv.phase()) !== 'consent') return
    const prev = last
    const s = (last = await tv.consent())
    if (!s || s.step === 'closed') throw new Error(`the consent overlay is not open (state ${JSON.stringify(s)})`)
    const wanted = (scope: string) => decisions[scope] ?? 'denied'
    const settled = (r: ConsentHookState['rows'][number]) => r.choice === wanted(r.scope) || (r.choice === null && wanted(r.scope) === 'denied')
    let key: RemoteKey
    if (s.step === 'confirming') {
      // The confirmation's buttons: move until 发送 has the focus (Left first; Right once Left moves nothing).
      if (lastKey === across && s.button === prev?.button) across = across === 'Left' ? 'Right' : 'Left'
      key = s.button === SEND ? 'Enter' : across
    } else {
      const focused = s.rows.findIndex((r) => r.button !== null)
      const firstOpen = s.rows.findIndex((r) => !settled(r))
      if (focused < 0) {
        // On the button row: back up to a row still to answer, else to 检查并发送 and OK.
        key = firstOpen >= 0 ? 'Up' : REVIEW.includes(s.button ?? '') ? 'Enter' : 'Left'
      } else if (firstOpen >= 0 && firstOpen < focused) key = 'Up'
      else if (settled(s.rows[focused])) key = 'Down'
      else {
        const want = wanted(s.rows[focused].scope) === 'granted' ? 'allow' : 'deny'
        key = s.rows[focused].button === want ? 'Enter' : want === 'allow' ? 'Left' : 'Right'
      }
    }
    await tv.press(key)
    lastKey = key
  }
  throw new Error(`the viewer's decision took more than ${maxKeys} keys; last consent state: ${JSON.stringify(last)}`)
}
