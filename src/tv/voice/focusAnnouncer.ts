import { voiceGuide, type Utterance } from './VoiceGuide'

export type Speakable = Utterance | Speakable[] | null | undefined

/**
 * What a component says when it gains focus (as the SDK's Announcer reads them): `announce` is
 * its name, role and state; `announceContext`, the key hint, is said once after it.
 */
export interface Announcing {
  announce?: Speakable
  announceContext?: Speakable
}

let previousPath: readonly unknown[] = []
/** What the last announcement said, while it has not begun: a focus change in the same frame adds to it. */
let unspoken: Announcing[] = []

function flatten(s: Speakable): Utterance[] {
  if (!s) return []
  if (Array.isArray(s)) return s.flatMap(flatten)
  return [s]
}

/**
 * Called by the app on every focus change with Lightning's focus path (root first): says what
 * each newly focused component announces, outermost first (the screen's title, then the focused
 * control), then their contexts innermost first.
 */
export function focusPathChanged(path: readonly Announcing[]): void {
  let fresh = path.filter((el) => !previousPath.includes(el))
  previousPath = path.slice()
  const guide = voiceGuide()
  if (!guide.enabled || !fresh.length) return
  // A screen entered and its first focus set in one go (a page, then its list) is said as one.
  if (!guide.started) fresh = unspoken.filter((el) => path.includes(el) && !fresh.includes(el)).concat(fresh)
  unspoken = fresh
  const entered = fresh
  // Read after the frame: a screen mounted with the focus (a feature's page) sets its title on showing.
  guide.say(() => {
    const said = entered.flatMap((el) => flatten(el.announce))
    const context = entered
      .slice()
      .reverse()
      .flatMap((el) => flatten(el.announceContext))
    return said.concat(context)
  })
}

/** A focused component whose state changed without a focus move (a list's entry, a choice): says it again. */
export function announceAgain(el: Announcing): void {
  voiceGuide().say(() => flatten(el.announce))
}

/** Forgets the last focus path, so the next change says the whole screen again. */
export function resetFocusPath(): void {
  previousPath = []
  unspoken = []
}
