import type { TextSize } from '../../core/layout/types'
import { paginate } from '../../core/layout/paginator'
import { qrCaptions } from '../i18n/strings'
import { appContext } from '../services/AppContext'
import { canvasFont, canvasGlyphWidths } from '../text/canvasGlyphWidths'
import { READER_BODY, QR_SIZE } from '../theme/layout'
import type { MiiteeHook } from './testHook'

/**
 * Read-only probes for browser tests and benchmarks: the pagination actually shown, a real
 * (uncached) canvas measurement, and a cold pagination timer. Nothing here changes app state.
 */
export function exposeForTests(h: MiiteeHook): void {
  h.pagination = () => appContext().pagination()
  h.summaryPagination = () => appContext().summaryPagination()
  h.measureText = (text: string, size: number, weight?: string) => {
    const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D
    ctx.font = canvasFont({ size, weight: weight === 'bold' ? 'bold' : 'normal' })
    return ctx.measureText(text).width
  }
  /** Paginates the whole policy `runs` times from a cold glyph cache; returns each run's ms. */
  h.timePagination = (textSize: TextSize = 'M', runs = 5) => {
    const ctx = appContext()
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      const widths = canvasGlyphWidths()
      const t0 = performance.now()
      paginate(ctx.doc, { page: READER_BODY, textSize, qrCaptions: qrCaptions(ctx.prefs.language), qrSize: QR_SIZE }, widths)
      times.push(performance.now() - t0)
    }
    return times
  }
  h.textureMemory = () => (h.app as { stage: { textureManager: { usedMemory: number } } }).stage.textureManager.usedMemory
  h.prefs = () => appContext().prefs
}
