// @vitest-environment jsdom
import 'vitest-canvas-mock'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { warmUpCanvas2d } from '../../../src/tv/startup/canvasWarmUp'

describe('warmUpCanvas2d', () => {
  afterEach(() => vi.restoreAllMocks())

  it('draws one glyph on a 1×1 2D canvas (the first fillText is what sets up 2D drawing)', () => {
    const fills: { text: string; w: number; h: number }[] = []
    vi.spyOn(CanvasRenderingContext2D.prototype, 'fillText').mockImplementation(function (this: CanvasRenderingContext2D, text: string) {
      fills.push({ text, w: this.canvas.width, h: this.canvas.height })
    })
    warmUpCanvas2d()
    expect(fills).toEqual([{ text: '.', w: 1, h: 1 }])
  })

  it('does nothing, without throwing, where the engine gives no 2D context', () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
    const fill = vi.spyOn(CanvasRenderingContext2D.prototype, 'fillText')
    expect(() => warmUpCanvas2d()).not.toThrow()
    expect(fill).not.toHaveBeenCalled()
  })
})
