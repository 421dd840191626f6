import { Lightning } from '@lightningjs/sdk'
import { drawQr, qrMatrix, qrPixelsPerModule, QUIET_ZONE_MODULES } from './qrMatrix'

interface QrCodeTemplateSpec extends Lightning.Component.TemplateSpec {
  data: string
  maxSize: number
  minModulePx: number
}

/**
 * A QR code drawn from the module matrix into one canvas texture, at an integer number of
 * pixels per module on a white plate with a 4-module quiet zone: crisp, never an upscaled image.
 */
export default class QrCode
  extends Lightning.Component<QrCodeTemplateSpec>
  implements Lightning.Component.ImplementTemplateSpec<QrCodeTemplateSpec>
{
  private _data = ''
  private _maxSize = 200
  private _minModulePx = 1
  /** Pixels per module actually used (exposed for tests). */
  modulePx = 0
  modules = 0

  set data(v: string) {
    this._data = v
    this._draw()
  }
  get data() {
    return this._data
  }
  set maxSize(v: number) {
    this._maxSize = v
    this._draw()
  }
  set minModulePx(v: number) {
    this._minModulePx = v
    this._draw()
  }

  private _draw() {
    if (!this._data) return
    const m = qrMatrix(this._data)
    const ppm = qrPixelsPerModule(m.size, this._maxSize, this._minModulePx)
    const side = (m.size + 2 * QUIET_ZONE_MODULES) * ppm
    this.modulePx = ppm
    this.modules = m.size
    this.w = side
    this.h = side
    this.texture = Lightning.Tools.getCanvasTexture((cb: (err: Error | null, canvas?: HTMLCanvasElement) => void, stage: any) => {
      const canvas: HTMLCanvasElement = stage.platform.getDrawingCanvas()
      canvas.width = side
      canvas.height = side
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D
      drawQr(ctx, m, ppm)
      cb(null, canvas)
    }, `qr:${ppm}:${this._data}`)
  }
}
