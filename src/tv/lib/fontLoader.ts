interface FontSpec {
  family: string
  url?: string
  urls?: string[]
  descriptors?: FontFaceDescriptors
}

/**
 * Loads every font face at once (the SDK's default loader loads them one after another, which
 * puts the second font's download on the path to the first frame).
 */
export function parallelFontLoader(fonts: FontSpec[], store: FontFace[]): Promise<unknown> {
  return Promise.all(
    fonts.map(({ family, url, urls, descriptors }) => {
      const src = (urls ?? (url ? [url] : [])).map((u) => `url(${u})`).join(', ')
      const face = new FontFace(family, src, descriptors ?? {})
      store.push(face)
      ;(document.fonts as unknown as { add(f: FontFace): void }).add(face)
      return face.load()
    }),
  )
}
