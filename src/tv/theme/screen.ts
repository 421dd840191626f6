// 1080p stage with a 5% title-safe margin on every side (TV overscan).
export const STAGE = { w: 1920, h: 1080 }
export const SAFE = { x: 96, y: 54, w: 1920 - 2 * 96, h: 1080 - 2 * 54 }
export const FONT_FAMILY = 'MiiteeSans'
/** Ink below a baseline the text textures leave room for, in ems: the font's descent (hhea, 0.288) rounded up. */
export const FONT_DESCENT_EM = 0.3

export const COLORS = {
  background: 0xff101418,
  panel: 0xff1b222b,
  text: 0xffe8edf2,
  muted: 0xff9aa7b4,
  accent: 0xff2f80ed,
  focus: 0xff3d8bfd,
  highlight: 0x332f80ed,
  danger: 0xffe5484d,
  gridLine: 0xff3a4552,
  headerRow: 0xff243040,
  card: 0xff1f2833,
}
