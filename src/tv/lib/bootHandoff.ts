// The boot script (src/tv/boot, loaded by index.html before Lightning) starts the first
// screen's downloads — the font faces and the policy — while Lightning and the app bundle are
// still loading; without it they would start only once the app bundle runs, ~100 ms later, and
// the first screen would wait for them. Both bundles meet here, on one global property: the app
// takes over what the boot script started instead of requesting it again.

import { absoluteUrl } from './staticBase'

/** A font face being loaded, under the key of its family, descriptors and absolute URLs. */
export interface StartedFace {
  face: FontFace
  loaded: Promise<FontFace>
}

export interface BootHandoff {
  /** Font faces started, by key: each face is fetched once, whichever bundle asks first. */
  faces: Map<string, StartedFace>
  /** Responses requested ahead and not yet taken, by absolute URL. */
  responses: Map<string, Promise<Response>>
}

const GLOBAL = '__miiteeBoot'

export function bootHandoff(): BootHandoff {
  const g = globalThis as unknown as Record<string, BootHandoff | undefined>
  return (g[GLOBAL] ??= { faces: new Map(), responses: new Map() })
}

/** Requests `url` now, for a later takeResponse(url). */
export function prefetchResponse(url: string): void {
  const responses = bootHandoff().responses
  const abs = absoluteUrl(url)
  if (responses.has(abs)) return
  const request = fetch(abs)
  // Unhandled until taken: a failure is the taker's to report (it sees the same rejection).
  request.catch(() => undefined)
  responses.set(abs, request)
}

/** The response requested ahead for `url`, once (a body is read once); undefined if none. */
export function takeResponse(url: string): Promise<Response> | undefined {
  const responses = bootHandoff().responses
  const abs = absoluteUrl(url)
  const request = responses.get(abs)
  responses.delete(abs)
  return request
}
