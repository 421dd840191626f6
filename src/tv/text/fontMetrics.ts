import { parseFontMetrics, type FontAdvanceTable } from '../../core/text/fontMetrics'
import { fetchBody } from '../startup/bootHandoff'
import { log } from '../qa/testHook'

/** Path under static/ of the advances the font build writes beside the fonts. */
export const FONT_METRICS_PATH = 'fonts/MiiteeSans-metrics.json'

let loading: Promise<FontAdvanceTable | null> | null = null
let loaded: FontAdvanceTable | null = null

/**
 * Fetches the build's glyph advances once (taking over the boot script's request). Without them (missing, malformed) text is measured
 * on the canvas as before: slower on the first screen, same layout.
 */
export function loadFontMetrics(url: string): Promise<FontAdvanceTable | null> {
  if (!loading) {
    loading = fetchBody(url)
      .then((body) => {
        if (!body.ok) throw new Error(`HTTP ${body.status}`)
        loaded = parseFontMetrics(JSON.parse(body.text))
        return loaded
      })
      .catch((err: unknown) => {
        log(`font metrics not used (${url}): ${err instanceof Error ? err.message : String(err)}`)
        return null
      })
  }
  return loading
}

/** The advances loaded by loadFontMetrics, or null before (or without) them. */
export function fontMetrics(): FontAdvanceTable | null {
  return loaded
}
