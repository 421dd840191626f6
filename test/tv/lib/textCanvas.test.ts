// @vitest-environment jsdom
import 'vitest-canvas-mock'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { markCoverageCanvas, useCpuTextCanvases } from '../../../src/tv/lib/textCanvas'

const TEXTURE_2D = 0x0de1
const LUMINANCE_ALPHA = 0x190a
const UNSIGNED_BYTE = 0x1401
const RGBA = 0x1908

type Upload = (gl: WebGLRenderingContext, textureSource: unknown, source: unknown, options: { internalFormat: number; format: number; type: number }) => void

function fakeStage(options: { gl?: boolean; upload?: boolean } = {}) {
  const texImage2D: unknown[][] = []
  const gl = { TEXTURE_2D, LUMINANCE_ALPHA, UNSIGNED_BYTE, RGBA, texImage2D: (...args: unknown[]) => void texImage2D.push(args) }
  const uploads: { self: unknown; args: unknown[] }[] = []
  const originalUpload: Upload = function (this: unknown, ...args) {
    uploads.push({ self: this, args })
  }
  const originalCanvas = () => document.createElement('canvas')
  const platform: { getDrawingCanvas(): HTMLCanvasElement; uploadGlTexture?: Upload } = { getDrawingCanvas: originalCanvas }
  if (options.upload !== false) platform.uploadGlTexture = originalUpload
  const stage = { gl: options.gl === false ? null : (gl as unknown as WebGLRenderingContext), platform }
  return { stage, platform, gl: stage.gl as WebGLRenderingContext, texImage2D, uploads, originalUpload, originalCanvas }
}

const rgba = { internalFormat: RGBA, format: RGBA, type: UNSIGNED_BYTE }

describe('useCpuTextCanvases', () => {
  afterEach(() => vi.restoreAllMocks())

  it('makes drawing canvases fresh canvases whose 2D context is created with willReadFrequently', () => {
    const s = fakeStage()
    useCpuTextCanvases(s.stage)
    expect(s.platform.getDrawingCanvas).not.toBe(s.originalCanvas)
    const getContext = vi.spyOn(HTMLCanvasElement.prototype, 'getContext')
    const a = s.platform.getDrawingCanvas()
    const b = s.platform.getDrawingCanvas()
    expect(a).toBeInstanceOf(HTMLCanvasElement)
    expect(b).not.toBe(a)
    // The first call fixes the context's options; later getContext('2d') calls get that context.
    expect(getContext.mock.calls[0]).toEqual(['2d', { willReadFrequently: true }])
    expect(getContext.mock.instances[0]).toBe(a)
    expect(getContext.mock.instances[1]).toBe(b)
  })

  it('uploads a marked coverage canvas as LUMINANCE_ALPHA straight from the canvas', () => {
    const s = fakeStage()
    useCpuTextCanvases(s.stage)
    const canvas = s.platform.getDrawingCanvas()
    markCoverageCanvas(canvas)
    s.platform.uploadGlTexture!.call(s.platform, s.gl, { id: 'source' }, canvas, rgba)
    expect(s.texImage2D).toEqual([[TEXTURE_2D, 0, LUMINANCE_ALPHA, LUMINANCE_ALPHA, UNSIGNED_BYTE, canvas]])
    expect(s.uploads).toEqual([])
  })

  it('uses the uploader it replaced, with the same this and arguments, for an unmarked canvas', () => {
    const s = fakeStage()
    useCpuTextCanvases(s.stage)
    // Another canvas is marked: the mark belongs to that canvas only.
    const marked = document.createElement('canvas')
    markCoverageCanvas(marked)
    const canvas = s.platform.getDrawingCanvas()
    const textureSource = { id: 'source' }
    s.platform.uploadGlTexture!.call(s.platform, s.gl, textureSource, canvas, rgba)
    expect(s.uploads).toHaveLength(1)
    expect(s.uploads[0].self).toBe(s.platform)
    expect(s.uploads[0].args).toEqual([s.gl, textureSource, canvas, rgba])
    expect(s.uploads[0].args[2]).toBe(canvas)
    expect(s.texImage2D).toEqual([])
  })

  it('uses the uploader it replaced for sources that are not canvases', () => {
    const s = fakeStage()
    useCpuTextCanvases(s.stage)
    const image = document.createElement('img')
    const pixels = { width: 2, height: 2, data: new Uint8Array(16) }
    s.platform.uploadGlTexture!.call(s.platform, s.gl, {}, image, rgba)
    s.platform.uploadGlTexture!.call(s.platform, s.gl, {}, pixels, rgba)
    expect(s.uploads.map((u) => u.args[2])).toEqual([image, pixels])
    expect(s.texImage2D).toEqual([])
  })

  it('leaves uploadGlTexture alone without WebGL (canvas2d stage) but still swaps the drawing canvas', () => {
    const s = fakeStage({ gl: false })
    useCpuTextCanvases(s.stage)
    expect(s.platform.uploadGlTexture).toBe(s.originalUpload)
    expect(s.platform.getDrawingCanvas).not.toBe(s.originalCanvas)
  })

  it('does not add an uploadGlTexture to a platform that has none', () => {
    const s = fakeStage({ upload: false })
    useCpuTextCanvases(s.stage)
    expect(s.platform.uploadGlTexture).toBeUndefined()
  })
})
