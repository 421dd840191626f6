// The boot script (src/tv/startup/boot, loaded by index.html before Lightning) starts the first
// screen's downloads — the font faces and the policy — while Lightning and the app bundle are
// still loading, instead of once the app bundle runs. Both bundles meet here, on one global
// property: the app takes over what the boot script started instead of requesting it again.

import { absoluteUrl } from '../services/staticBase'
import { requestBody, type ResponseBody } from './legacy/requestBody'

export type { ResponseBody }

/** A font face being loaded, under the key of its family, descriptors and absolute URLs. */
export interface StartedFace {
  face: FontFace
  loaded: Promise<FontFace>
}

export interface BootHandoff {
  /** Font faces started, by key: each face is fetched once, whichever bundle asks first. */
  faces: Map<string, StartedFace>
  /** Responses requested ahead and not yet taken, by absolute URL, read as they arrive. */
  responses: Map<string, Promise<ResponseBody>>
}

const GLOBAL = '__miiteeBoot'

export function bootHandoff(): BootHandoff {
  const g = globalThis as unknown as Record<string, BootHandoff | undefined>
  return (g[GLOBAL] ??= { faces: new Map(), responses: new Map() })
}

/**
 * Requests `url` now, for a later fetchBody(url). Its body is read as it arrives, while the page
 * waits for Lightning and the app bundle: read when the app asks, its reads would queue behind the
 * tasks that build the stage.
 */
export function prefetchBody(url: string): void {
  const responses = bootHandoff().responses
  const abs = absoluteUrl(url)
  if (responses.has(abs)) return
  const request = requestBody(abs)
  // Unhandled until taken: a failure is the taker's to report (it sees the same rejection).
  request.catch(() => undefined)
  responses.set(abs, request)
}

/** The body of `url`: the one read ahead, once (a later call requests again), or requested now. */
export function fetchBody(url: string): Promise<ResponseBody> {
  const responses = bootHandoff().responses
  const abs = absoluteUrl(url)
  const ahead = responses.get(abs)
  responses.delete(abs)
  return ahead ?? requestBody(url)
}
