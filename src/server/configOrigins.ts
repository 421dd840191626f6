// `TV_ORIGINS`: the web origins a TV app may call the service from when it is not served by the
// service itself (a CDN, an operator's portal, a packaged app). Read once at start.
import { ConfigError } from './configError'

/**
 * The `Origin` a page loaded from file:// sends where the engine lets it read its own files
 * (Chromium with --allow-file-access-from-files, WPE with allow-file-access-from-file-urls: how
 * a TV's packaged app runs). No web page can send it.
 */
export const FILE_ORIGIN = 'file://'

/**
 * The `Origin` of an opaque origin: a file:// page without file access, but also a sandboxed
 * frame or a data: URL of any web site. Admitted only when listed, and only for engines that send it.
 */
export const OPAQUE_ORIGIN = 'null'

const HINT = `give comma-separated origins such as https://tv.example.com,http://192.168.1.20:8080 (scheme, host and port only), ${FILE_ORIGIN} for packaged apps loaded from file://, or null`

/** One entry as a browser sends it in `Origin`: lower-case scheme and host, no default port, no path. */
function normalizeOrigin(entry: string): string {
  if (entry === OPAQUE_ORIGIN) return entry
  if (/^file:\/\/\/?$/i.test(entry)) return FILE_ORIGIN
  if (entry === '*') throw new ConfigError('TV_ORIGINS', `"*" would let every web page call the service: ${HINT}`)
  let u: URL
  try {
    u = new URL(entry)
  } catch {
    throw new ConfigError('TV_ORIGINS', `${JSON.stringify(entry)} is not an origin: ${HINT}`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError('TV_ORIGINS', `${JSON.stringify(entry)}: only http and https origins, ${FILE_ORIGIN} or null can be listed: ${HINT}`)
  if (u.pathname !== '/' || /[?#@]/.test(entry))
    throw new ConfigError('TV_ORIGINS', `${JSON.stringify(entry)} has more than scheme, host and port: ${HINT}`)
  return u.origin
}

/** Parses `TV_ORIGINS` (comma- or space-separated); empty or unset: no other origin is allowed. */
export function parseTvOrigins(raw: string | undefined): string[] {
  const entries = (raw ?? '')
    .split(/[\s,]+/)
    .map((e) => e.trim())
    .filter(Boolean)
  return [...new Set(entries.map(normalizeOrigin))]
}
