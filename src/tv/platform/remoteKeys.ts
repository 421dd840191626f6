// Remote keys a Tizen TV delivers to a web app only once it registers them (the TVInputDevice API:
// arrows, Enter and Back come without it). Other engines deliver every key they have.

/** Channel ± flip reader pages and PlayPause pauses speech; the colour keys reach the app (403–406) instead of the TV. */
export const EXTRA_REMOTE_KEYS = ['ChannelUp', 'ChannelDown', 'ColorF0Red', 'ColorF1Green', 'ColorF2Yellow', 'ColorF3Blue', 'MediaPlayPause'] as const

interface TvInputDevice {
  getSupportedKeys?(): { name: string; code: number }[]
  registerKey(name: string): void
}

export interface RemoteKeyGlobals {
  tizen?: { tvinputdevice?: TvInputDevice }
}

/**
 * Registers the extra keys this TV's remote has; returns the names registered. Where `tizen` is
 * absent (every other engine) nothing is needed and nothing is called; a key the TV lacks or
 * refuses is skipped, never thrown, so the app starts whatever the remote.
 */
export function registerRemoteKeys(g: RemoteKeyGlobals): string[] {
  const input = g.tizen?.tvinputdevice
  if (!input || typeof input.registerKey !== 'function') return []
  let supported: Set<string> | null = null
  try {
    if (typeof input.getSupportedKeys === 'function') supported = new Set(input.getSupportedKeys().map((k) => k.name))
  } catch {
    supported = null
  }
  const registered: string[] = []
  for (const name of EXTRA_REMOTE_KEYS) {
    if (supported && !supported.has(name)) continue
    try {
      input.registerKey(name)
      registered.push(name)
    } catch {
      /* this remote has no such key */
    }
  }
  return registered
}
