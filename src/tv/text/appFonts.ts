import type { FontSpec } from './fontLoader'
import { FONT_FAMILY } from '../theme/screen'

/**
 * The app's font faces: the CJK subset built with the app, WOFF first and TTF as the fallback
 * older TV engines understand. `asset` turns a path under static/ into a URL.
 */
export function appFonts(asset: (relPath: string) => string): FontSpec[] {
  return ['Regular', 'Bold'].map((face) => ({
    family: FONT_FAMILY,
    urls: [asset(`fonts/MiiteeSans-${face}.woff`), asset(`fonts/MiiteeSans-${face}.ttf`)],
    descriptors: { weight: face === 'Bold' ? '700' : '400' },
  }))
}
