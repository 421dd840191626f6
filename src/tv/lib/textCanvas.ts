/** Canvases holding white text coverage only (PageTextAtlas): uploaded as luminance + alpha. */
const coverageCanvases = new WeakSet<HTMLCanvasElement>()

/** Marks a canvas drawn in white only; its texture is uploaded with two bytes a pixel instead of four. */
export function markCoverageCanvas(canvas: HTMLCanvasElement): void {
  coverageCanvases.add(canvas)
}

type UploadGlTexture = (gl: WebGLRenderingContext, textureSource: unknown, source: unknown, options: { internalFormat: number; format: number; type: number }) => void

interface TextCanvasStage {
  gl?: WebGLRenderingContext | null
  platform: { getDrawingCanvas(): HTMLCanvasElement; uploadGlTexture?: UploadGlTexture }
}

/**
 * Lightning draws every text (and rounded-rectangle) texture on a fresh 2D canvas, once, then
 * uploads it. Asking for a CPU-backed canvas (`willReadFrequently`) makes that cheaper than a
 * GPU-backed one, whose first draw and upload pay a round trip each: the first policy page drew
 * ≈ 45 ms sooner in headless Chromium. Engines without the option ignore it.
 *
 * Coverage canvases (white text, tinted by the element's colour) go up as LUMINANCE_ALPHA: with
 * premultiplied alpha, white text is (a, a, a, a), which luminance + alpha holds exactly. Uploading
 * a page's atlas took 3–4 ms instead of 7–15 ms as RGBA here.
 */
export function useCpuTextCanvases(stage: TextCanvasStage): void {
  const platform = stage.platform
  platform.getDrawingCanvas = () => {
    const canvas = document.createElement('canvas')
    // The context type and its options are fixed by the first getContext call.
    canvas.getContext('2d', { willReadFrequently: true })
    return canvas
  }
  const upload = platform.uploadGlTexture
  if (!stage.gl || typeof upload !== 'function') return
  platform.uploadGlTexture = function (gl, textureSource, source, options) {
    if (source instanceof HTMLCanvasElement && coverageCanvases.has(source)) {
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.LUMINANCE_ALPHA, gl.LUMINANCE_ALPHA, gl.UNSIGNED_BYTE, source)
      return
    }
    upload.call(this, gl, textureSource, source, options)
  }
}
