// Font faces for engines that have no `document.fonts` (WebKit 602 has a FontFace constructor but
// no set to add a face to, so such a face never reaches canvas text): the face becomes an
// @font-face rule, a hidden element using it starts the download, and the face counts as loaded
// once canvas text measured in it stops measuring like the fallback fonts (there is no load event).

/** What the app's font loader reads of a face: the FontFace members it uses. */
export interface LoadableFace {
  readonly family: string
  readonly status: FontFaceLoadStatus
  load(): Promise<LoadableFace>
}

/** How often and how long a face is measured; past the limit it counts as failed. */
export const CSS_FACE_POLL_MS = 50
export const CSS_FACE_LIMIT_MS = 15000

// Printable ASCII is in every subset the font build cuts; these letters differ in width between
// most fonts (a CJK face's ideographs are all one em wide, like the fallback's).
const PROBE_TEXT = 'BESbswy 0123 WMiil'
const PROBE_PX = 48
const FALLBACKS = ['monospace', 'serif'] as const

let sheet: CSSStyleSheet | null = null

/** Whether the page may add rules to `s` (a stylesheet from another origin refuses it). */
function writable(s: CSSStyleSheet | null): s is CSSStyleSheet {
  try {
    return !!s && !!s.cssRules
  } catch {
    return false
  }
}

/**
 * A stylesheet to add @font-face rules to through the CSSOM, which CSP does not restrict: the
 * page's own linked stylesheet (app.css), else an empty <style> element of our own (a CSP without
 * 'unsafe-inline' may refuse that element: WebKit 602 does, even when its hash is allowed).
 */
function styleSheet(): CSSStyleSheet {
  if (sheet) return sheet
  for (let i = 0; i < document.styleSheets.length; i++) {
    const s = document.styleSheets[i] as CSSStyleSheet
    if (writable(s)) return (sheet = s)
  }
  const el = document.createElement('style')
  document.head.appendChild(el)
  if (writable(el.sheet as CSSStyleSheet | null)) return (sheet = el.sheet as CSSStyleSheet)
  el.remove()
  throw new Error('no stylesheet to add @font-face rules to (the page links none and a <style> element is refused)')
}

function descriptorRules(d: FontFaceDescriptors): string {
  const rules: string[] = []
  if (d.weight) rules.push(`font-weight:${d.weight}`)
  if (d.style) rules.push(`font-style:${d.style}`)
  if (d.stretch) rules.push(`font-stretch:${d.stretch}`)
  if (d.unicodeRange) rules.push(`unicode-range:${d.unicodeRange}`)
  return rules.map((r) => `${r};`).join('')
}

export class CssFontFace implements LoadableFace {
  status: FontFaceLoadStatus = 'unloaded'
  private loading: Promise<LoadableFace> | null = null

  constructor(
    readonly family: string,
    /** As FontFace takes it: `url(a), url(b)`. */
    readonly source: string,
    readonly descriptors: FontFaceDescriptors = {},
  ) {}

  load(): Promise<LoadableFace> {
    if (!this.loading) this.loading = this.start()
    return this.loading
  }

  private start(): Promise<LoadableFace> {
    this.status = 'loading'
    const family = JSON.stringify(this.family)
    let s: CSSStyleSheet
    try {
      s = styleSheet()
    } catch (e) {
      this.status = 'error'
      return Promise.reject(e)
    }
    s.insertRule(`@font-face{font-family:${family};src:${this.source};${descriptorRules(this.descriptors)}}`, s.cssRules.length)
    const weight = this.descriptors.weight ?? '400'
    const style = this.descriptors.style ?? 'normal'
    // Text laid out in the face makes the engine download it; canvas text alone may not.
    const user = document.createElement('span')
    user.textContent = PROBE_TEXT
    user.setAttribute('aria-hidden', 'true')
    Object.assign(user.style, { position: 'absolute', left: '-10000px', top: '0', visibility: 'hidden', fontFamily: `${family}, ${FALLBACKS[0]}`, fontWeight: weight, fontStyle: style, fontSize: `${PROBE_PX}px` })
    document.body.appendChild(user)
    const ctx = document.createElement('canvas').getContext('2d')
    const width = (font: string) => {
      ctx!.font = `${style} ${weight} ${PROBE_PX}px ${font}`
      return ctx!.measureText(PROBE_TEXT).width
    }
    const fallback = FALLBACKS.map((f) => width(f))
    // While a face loads, WebKit measures it with a placeholder font that is neither fallback:
    // the face counts as loaded once its width leaves that placeholder's, or (a face the engine
    // had at hand, never measured as a placeholder) once a FontFace of the same source has loaded
    // and the width has held for two polls.
    const placeholder = ctx ? width(`${family}, ${FALLBACKS[0]}`) : 0
    let downloaded = false
    let heldSinceDownload = 0
    if (typeof FontFace === 'function') {
      try {
        new FontFace(this.family, this.source, this.descriptors).load().then(
          () => (downloaded = true),
          () => undefined,
        )
      } catch {
        // A FontFace that refuses the source: the width alone decides.
      }
    }
    const started = Date.now()
    return new Promise((resolve, reject) => {
      const check = () => {
        const inFace = FALLBACKS.map((f) => width(`${family}, ${f}`))
        if (downloaded) heldSinceDownload++
        // Loaded: the same width over either fallback, not a fallback's own, and not the placeholder's.
        const inOwnFace = inFace[0] === inFace[1] && inFace.every((w, i) => w !== fallback[i])
        if (inOwnFace && (inFace[0] !== placeholder || heldSinceDownload > 2)) {
          user.remove()
          this.status = 'loaded'
          resolve(this)
        } else if (Date.now() - started > CSS_FACE_LIMIT_MS) {
          user.remove()
          this.status = 'error'
          reject(new Error(`font ${this.family} ${weight} not loaded after ${CSS_FACE_LIMIT_MS} ms`))
        } else setTimeout(check, CSS_FACE_POLL_MS)
      }
      if (ctx) check()
      else {
        this.status = 'error'
        reject(new Error('no 2D canvas to measure fonts with'))
      }
    })
  }
}

/**
 * A face for `family` from `source`, added to the document: a FontFace in `document.fonts` where
 * the engine has the set, a CssFontFace elsewhere.
 */
export function documentFontFace(family: string, source: string, descriptors: FontFaceDescriptors = {}): LoadableFace {
  const set = typeof document !== 'undefined' ? (document.fonts as unknown as { add?(f: FontFace): void } | undefined) : undefined
  if (typeof FontFace === 'function' && set?.add) {
    const face = new FontFace(family, source, descriptors)
    set.add(face)
    return face as unknown as LoadableFace
  }
  return new CssFontFace(family, source, descriptors)
}
