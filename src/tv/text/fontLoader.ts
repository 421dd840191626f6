import { bootHandoff, type StartedFace } from '../startup/bootHandoff'
import { absoluteUrl } from '../services/staticBase'
import { log } from '../qa/testHook'
import { documentFontFace } from '../startup/legacy/cssFontFace'

export interface FontSpec {
  family: string
  url?: string
  urls?: string[]
  descriptors?: FontFaceDescriptors
}

/**
 * Faces already started, by family, descriptors and absolute URLs: each font is fetched once,
 * also when the boot script started it (the registry is shared through the window).
 */
function startedFaces(): Map<string, StartedFace> {
  return bootHandoff().faces
}

function start(font: FontSpec): StartedFace {
  const started = startedFaces()
  const urls = (font.urls ?? (font.url ? [font.url] : [])).map(absoluteUrl)
  const key = JSON.stringify([font.family, font.descriptors ?? {}, urls])
  let s = started.get(key)
  if (!s) {
    // A FontFace in document.fonts; an @font-face rule where the engine has no document.fonts.
    const face = documentFontFace(font.family, urls.map((u) => `url(${u})`).join(', '), font.descriptors ?? {}) as unknown as FontFace
    s = { face, loaded: face.load() }
    started.set(key, s)
  }
  return s
}

/** Starts downloading font faces now (from the boot script, before Lightning loads); the loader below reuses them. */
export function preloadFonts(fonts: FontSpec[]): void {
  for (const f of fonts) start(f).loaded.catch(() => undefined)
}

/**
 * Loads every font face at once (the SDK's default loader loads them one after another, which
 * puts the second font's download on the path to the first frame), reusing preloaded faces.
 */
export function parallelFontLoader(fonts: FontSpec[], store: FontFace[]): Promise<unknown> {
  return Promise.all(
    fonts.map((f) => {
      const s = start(f)
      if (!store.includes(s.face)) store.push(s.face)
      return s.loaded
    }),
  )
}

/**
 * How long text waits for the web fonts, from the first wait: a download that stalls would
 * otherwise leave the first screen without its text for good. Past it, faces still loading are
 * dropped and text is drawn with the engine's fallback font for the rest of the session.
 */
export const FONT_WAIT_MS = 4000

let settling: { faces: number; promise: Promise<void> } | null = null
let deadline: Promise<void> | null = null
let gaveUp = false

function giveUpOnPendingFaces(): void {
  gaveUp = true
  const set = document.fonts as unknown as { delete?(face: FontFace): boolean } | undefined
  for (const s of startedFaces().values()) {
    // Out of the set, a face no longer holds back document.fonts.load() nor Lightning's text.
    if (s.face.status !== 'loaded' && s.face.status !== 'error') set?.delete?.(s.face)
  }
  log(`fonts not loaded after ${FONT_WAIT_MS} ms: text is drawn with the fallback font`)
}

/**
 * Settles once every started face has loaded or failed (a failed face leaves the fallback font
 * in use), or FONT_WAIT_MS after the first call, whichever comes first. One promise while no face
 * is added, so callbacks run in the order they were attached.
 */
export function fontsSettled(): Promise<void> {
  const started = startedFaces()
  if (!settling || settling.faces !== started.size) {
    deadline ??= new Promise<void>((resolve) => setTimeout(resolve, FONT_WAIT_MS)).then(() => {
      if (!fontsAreSettled()) giveUpOnPendingFaces()
    })
    const all = Promise.allSettled([...started.values()].map((s) => s.loaded)).then(() => undefined)
    settling = { faces: started.size, promise: Promise.race([all, deadline]) }
  }
  return settling.promise
}

/** Whether every started face has loaded or failed (or the wait for them is over), now; no face started counts as settled. */
export function fontsAreSettled(): boolean {
  if (gaveUp) return true
  for (const s of startedFaces().values()) {
    if (s.face.status !== 'loaded' && s.face.status !== 'error') return false
  }
  return true
}

/**
 * Starts the faces like parallelFontLoader but lets the SDK build the app at once: the app, its
 * router and the first page are set up while the fonts download, and text is drawn once they are
 * in (Lightning's text textures wait for document.fonts, the page atlas for fontsSettled()). A
 * font that fails to load leaves the app on the fallback font instead of the SDK's blank screen
 * (its loader rejects and the app is never made).
 */
export function deferredFontLoader(fonts: FontSpec[], store: FontFace[]): Promise<void> {
  parallelFontLoader(fonts, store).catch(() => undefined)
  return Promise.resolve()
}
