// The part of pngjs 5 the packaging tools use (its synchronous read and write); pngjs ships no types.
declare module 'pngjs' {
  export interface PngData {
    width: number
    height: number
    /** width × height × 4 bytes, RGBA */
    data: Buffer
  }
  export const PNG: {
    sync: {
      read(buffer: Buffer): PngData
      write(png: PngData, options?: { colorType?: number }): Buffer
    }
  }
}
