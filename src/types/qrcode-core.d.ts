// The qrcode package's pure encoder (no canvas, no fs): the module matrix only.
declare module 'qrcode/lib/core/qrcode' {
  export interface QRCodeModules {
    size: number
    data: Uint8Array
    get(row: number, col: number): number
  }
  export interface QRCodeSymbol {
    modules: QRCodeModules
    version: number
    errorCorrectionLevel: { bit: number }
  }
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; version?: number }): QRCodeSymbol
}
