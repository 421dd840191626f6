import { COLORS, FONT_FAMILY, SAFE } from './screen'

/** A text element spec in the app's font (Lightning draws it; lines already broken where needed). */
export function label(fontSize: number, textColor: number = COLORS.text, extra: Record<string, unknown> = {}) {
  return { text: { text: '', fontFace: FONT_FAMILY, fontSize, textColor, ...extra } }
}

/** The full-screen page every route shows: background, a title and a key hint in the safe area. */
export function pageTemplate(children: Record<string, unknown>, opts: { titleSize?: number; titleY?: number } = {}) {
  return {
    rect: true,
    w: 1920,
    h: 1080,
    color: COLORS.background,
    // One line each: Lightning measures them once instead of word by word for wrapping.
    Title: { x: SAFE.x, y: opts.titleY ?? SAFE.y, ...label(opts.titleSize ?? 48, 0xffffffff, { wordWrap: false }) },
    Hint: { x: SAFE.x, y: SAFE.y + SAFE.h - 36, ...label(26, COLORS.muted, { wordWrap: false }) },
    ...children,
  }
}
