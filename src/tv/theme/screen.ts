// 1080p stage with a 5% title-safe margin on every side (TV overscan).
export const STAGE = { w: 1920, h: 1080 }
export const SAFE = { x: 96, y: 54, w: 1920 - 2 * 96, h: 1080 - 2 * 54 }
export const FONT_FAMILY = 'MiiteeSans'
/** Ink below a baseline the text textures leave room for, in ems: the font's descent (hhea, 0.288) rounded up. */
export const FONT_DESCENT_EM = 0.3

/**
 * Every colour the TV draws (0xAARRGGBB). Each one is in a pair of theme/colorPairs.ts, checked
 * against WCAG 2.2 (text 4.5:1, focus indicator 3:1) by test/tv/theme/contrast.test.ts.
 */
export const COLORS = {
  background: 0xff101418,
  panel: 0xff1b222b,
  text: 0xffe8edf2,
  muted: 0xff9aa7b4,
  /** Titles, bold text and labels on a filled focus (white). */
  strong: 0xffffffff,
  /** Focus fill (menu bar, focused button): white text on it, and it stands out from the panel and the background. */
  focus: 0xff1f6fd6,
  /** A granted scope's mark in the consent summary. */
  grantedMark: 0xff4c9bff,
  /** Fill of the reader's current block (its bar at the left, in the focus colour, is the indicator). */
  highlight: 0x2e2f80ed,
  /** Status, notices and deadlines. */
  warning: 0xffffc857,
  /** Status while the service cannot be reached (pairing). */
  trouble: 0xffff8a80,
  gridLine: 0xff3a4552,
  headerRow: 0xff243040,
  card: 0xff1f2833,
  /** A menu entry that cannot be used now: dimmer than its neighbours. */
  unavailable: 0xff95a0ac,
  /** Behind the consent overlay. */
  overlay: 0xff0d1116,
  /** Behind the reader's consent-deadline banner. */
  bannerBg: 0xff2b2414,
  /** Scrims under dialogs. */
  dim: 0xcc000000,
  dimStrong: 0xe6000000,
  /** Consent choice buttons (features/pairing ChoiceRow). */
  choiceOutline: 0xff7a8796,
  choiceFocusedFill: 0xff3a4756,
  choiceDeny: 0xff4f5b68,
  choiceRowFocused: 0xff2a3644,
}

/** How MenuList tints its rows: the selected row of a list without focus keeps a faint bar. */
export const MENU_COLORS = {
  label: COLORS.text,
  value: COLORS.muted,
  unavailable: COLORS.unavailable,
  /** A marked entry's value (已更新): the notice colour. */
  marked: COLORS.warning,
  /** Label and value on the focused row's bar (COLORS.focus). */
  onFocus: COLORS.strong,
  /** The bar's alpha when the list is not focused (the selected row, for when focus comes back). */
  restingBarAlpha: 0.25,
}
