// Every (foreground, background) pair of theme colours the TV draws, with the WCAG 2.2 minimum it
// must meet: text 4.5:1 against what is behind it, a focus indicator or a control's boundary 3:1
// against what surrounds it. Translucent layers are composed over what they sit on.
import { over } from './contrast'
import { COLORS, MENU_COLORS } from './screen'

export type PairKind = 'text' | 'focus'

export interface ColourPair {
  /** Where the TV draws it. */
  what: string
  fg: number
  bg: number
  kind: PairKind
}

/** Minimum contrast ratio of each kind (WCAG 2.2 SC 1.4.3, 1.4.11 / 2.4.13). */
export const MIN_RATIO: Record<PairKind, number> = { text: 4.5, focus: 3 }

/** Colours that carry no information of their own: each with the reason. */
export const DECORATIVE: Record<string, string> = {
  gridLine: 'table rules and the reader header rule; cells are also set apart by their padding, a denied scope by its words',
  dim: 'scrim under a dialog; the dialog panel is opaque',
  dimStrong: 'scrim under a dialog; the dialog panel is opaque',
}

const C = COLORS
const reading = over(C.highlight, C.background)

/** The menu (MenuList) on one ground: rows, the focus bar, and the resting bar of a list without focus. */
function menuOn(ground: number, where: string): ColourPair[] {
  const resting = over(C.focus, ground, MENU_COLORS.restingBarAlpha)
  return [
    { what: `${where}: entry label`, fg: MENU_COLORS.label, bg: ground, kind: 'text' },
    { what: `${where}: entry value`, fg: MENU_COLORS.value, bg: ground, kind: 'text' },
    { what: `${where}: unavailable entry, label and reason`, fg: MENU_COLORS.unavailable, bg: ground, kind: 'text' },
    { what: `${where}: marked entry's value (已更新)`, fg: MENU_COLORS.marked, bg: ground, kind: 'text' },
    { what: `${where}: marked value on the resting bar`, fg: MENU_COLORS.marked, bg: resting, kind: 'text' },
    { what: `${where}: label and value on the focused row`, fg: MENU_COLORS.onFocus, bg: C.focus, kind: 'text' },
    { what: `${where}: focus bar against the list`, fg: C.focus, bg: ground, kind: 'focus' },
    { what: `${where}: label on the resting bar (list not focused)`, fg: MENU_COLORS.label, bg: resting, kind: 'text' },
    { what: `${where}: value on the resting bar`, fg: MENU_COLORS.value, bg: resting, kind: 'text' },
    { what: `${where}: unavailable entry on the resting bar`, fg: MENU_COLORS.unavailable, bg: resting, kind: 'text' },
  ]
}

/** Buttons (Button, ButtonRow) on one ground: outlined label, filled when focused. */
function buttonsOn(ground: number, where: string): ColourPair[] {
  return [
    { what: `${where}: button label`, fg: C.text, bg: ground, kind: 'text' },
    { what: `${where}: button outline`, fg: C.muted, bg: ground, kind: 'focus' },
    { what: `${where}: focused button label`, fg: C.strong, bg: C.focus, kind: 'text' },
    { what: `${where}: focused button fill`, fg: C.focus, bg: ground, kind: 'focus' },
  ]
}

export const COLOUR_PAIRS: ColourPair[] = [
  // Pages on the background: reader, gate, settings, privacy, pairing, declined.
  { what: 'body text', fg: C.text, bg: C.background, kind: 'text' },
  { what: 'titles, headings, bold text', fg: C.strong, bg: C.background, kind: 'text' },
  { what: 'key hints, page indicator, section name, list markers, QR captions', fg: C.muted, bg: C.background, kind: 'text' },
  { what: 'notices, status, countdowns', fg: C.warning, bg: C.background, kind: 'text' },
  { what: 'pairing: the service cannot be reached', fg: C.trouble, bg: C.background, kind: 'text' },
  { what: 'pairing notice: text in its box', fg: C.text, bg: C.panel, kind: 'text' },
  { what: 'table header cells', fg: C.strong, bg: C.headerRow, kind: 'text' },
  { what: 'SDK card title', fg: C.strong, bg: C.card, kind: 'text' },
  { what: 'SDK card field', fg: C.text, bg: C.card, kind: 'text' },
  { what: 'SDK card label', fg: C.muted, bg: C.card, kind: 'text' },
  // The reader's current block.
  { what: 'current block: text', fg: C.text, bg: reading, kind: 'text' },
  { what: 'current block: heading', fg: C.strong, bg: reading, kind: 'text' },
  { what: 'current block: marker, QR caption', fg: C.muted, bg: reading, kind: 'text' },
  { what: 'current block: its bar against the page', fg: C.focus, bg: C.background, kind: 'focus' },
  { what: 'current block: its bar against the block fill beside it', fg: C.focus, bg: reading, kind: 'focus' },
  // The reader's contents panel.
  { what: 'contents panel title', fg: C.strong, bg: C.panel, kind: 'text' },
  ...menuOn(C.panel, 'contents'),
  // Settings and privacy settings lists.
  ...menuOn(C.background, 'settings'),
  ...buttonsOn(C.background, 'gate'),
  // Dialogs (exit, clear local data, withdraw).
  { what: 'dialog title', fg: C.strong, bg: C.panel, kind: 'text' },
  { what: 'dialog body', fg: C.text, bg: C.panel, kind: 'text' },
  { what: 'dialog hint', fg: C.muted, bg: C.panel, kind: 'text' },
  ...buttonsOn(C.panel, 'dialog'),
  // The consent overlay and its choice rows.
  { what: 'consent overlay title', fg: C.strong, bg: C.overlay, kind: 'text' },
  { what: 'consent overlay intro and hint', fg: C.muted, bg: C.overlay, kind: 'text' },
  { what: 'consent overlay deadline', fg: C.warning, bg: C.overlay, kind: 'text' },
  { what: 'consent summary, a denied scope', fg: C.text, bg: C.overlay, kind: 'text' },
  { what: 'consent summary: granted mark', fg: C.grantedMark, bg: C.overlay, kind: 'focus' },
  { what: 'choice row: scope title', fg: C.strong, bg: C.card, kind: 'text' },
  { what: 'choice row: policy quote', fg: C.muted, bg: C.card, kind: 'text' },
  { what: 'choice row: current answer', fg: C.warning, bg: C.card, kind: 'text' },
  { what: 'focused choice row: scope title', fg: C.strong, bg: C.choiceRowFocused, kind: 'text' },
  { what: 'focused choice row: policy quote', fg: C.muted, bg: C.choiceRowFocused, kind: 'text' },
  { what: 'focused choice row: current answer', fg: C.warning, bg: C.choiceRowFocused, kind: 'text' },
  { what: 'choice button label', fg: C.strong, bg: C.card, kind: 'text' },
  { what: 'choice button label, focused', fg: C.strong, bg: C.choiceFocusedFill, kind: 'text' },
  { what: 'choice button label, chosen allow', fg: C.strong, bg: C.focus, kind: 'text' },
  { what: 'choice button label, chosen deny', fg: C.strong, bg: C.choiceDeny, kind: 'text' },
  { what: 'choice button outline', fg: C.choiceOutline, bg: C.card, kind: 'focus' },
  { what: 'choice button outline, focused row', fg: C.choiceOutline, bg: C.choiceRowFocused, kind: 'focus' },
  { what: 'choice button focus ring', fg: C.strong, bg: C.choiceRowFocused, kind: 'focus' },
  { what: 'chosen allow against the row', fg: C.focus, bg: C.card, kind: 'focus' },
  // The reader opened from the consent overlay.
  { what: 'consent deadline banner: countdown', fg: C.warning, bg: C.bannerBg, kind: 'text' },
  { what: 'consent deadline banner: what the key does', fg: C.text, bg: C.bannerBg, kind: 'text' },
  { what: 'consent deadline banner: the Back key name', fg: C.strong, bg: C.bannerBg, kind: 'text' },
  { what: 'consent deadline banner: the key cap outline', fg: C.warning, bg: C.bannerBg, kind: 'focus' },
]
