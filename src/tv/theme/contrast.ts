// WCAG 2.2 contrast of the theme's colours (0xAARRGGBB, as Lightning takes them): relative
// luminance, a translucent colour laid over what is behind it, and the ratio of two colours.

/** sRGB channel (0–255) to linear light, as WCAG 2.2 defines relative luminance. */
function linear(channel: number): number {
  const c = channel / 255
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)
}

/** Relative luminance of an opaque colour (its alpha is ignored). */
export function luminance(argb: number): number {
  const r = (argb >>> 16) & 0xff
  const g = (argb >>> 8) & 0xff
  const b = argb & 0xff
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/** `top` (with its alpha, times `alpha`) drawn over the opaque `under`: the opaque colour the viewer sees. */
export function over(top: number, under: number, alpha = 1): number {
  const a = (((top >>> 24) & 0xff) / 255) * alpha
  const mix = (shift: number) => Math.round(((top >>> shift) & 0xff) * a + ((under >>> shift) & 0xff) * (1 - a))
  return (0xff000000 | (mix(16) << 16) | (mix(8) << 8) | mix(0)) >>> 0
}

/** Contrast ratio of two opaque colours, 1 to 21. */
export function contrastRatio(a: number, b: number): number {
  const la = luminance(a)
  const lb = luminance(b)
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05)
}

/** "#rrggbb" of a colour, for messages. */
export function hex(argb: number): string {
  return `#${(argb & 0xffffff).toString(16).padStart(6, '0')}`
}
