import { breakLines } from '../../../../core/text/lineBreaker'
import { appGlyphWidths } from '../../../text/canvasGlyphWidths'

/**
 * `text` broken into lines no wider than `width` at `size` px by the core's breaker (Lightning
 * wraps only at spaces, so Chinese would stay on one line), joined with newlines for a text
 * element with `wordWrap: false`. Past `maxLines`, the last line kept ends with an ellipsis.
 */
export function wrapText(text: string, width: number, size: number, maxLines = Infinity): string {
  const widths = appGlyphWidths()
  const measure = (s: string) => widths.width(s, { size })
  const lines = breakLines(text, width, measure)
  if (lines.length <= maxLines) return lines.join('\n')
  const kept = lines.slice(0, maxLines)
  let last = kept[maxLines - 1]
  while (last.length > 1 && measure(`${last}…`) > width) last = last.slice(0, -1)
  kept[maxLines - 1] = `${last.replace(/[\s，、；：,;:]+$/, '')}…`
  return kept.join('\n')
}
