/** `url` made absolute against the document, so that URLs spelled differently compare equal. */
export function absoluteUrl(url: string): string {
  return new URL(url, globalThis.location?.href).href
}

/**
 * The static folder's URL (settings.json `platformSettings.path`), as the SDK's Utils.asset('')
 * will give it once Launch has run, so that requests started before Launch have the same URLs.
 */
export function staticBase(path: string | undefined): string {
  const p = path || '/'
  return absoluteUrl(p.endsWith('/') ? p : `${p}/`)
}
