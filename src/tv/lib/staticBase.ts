/**
 * The static folder's URL (settings.json `platformSettings.path`), as the SDK's Utils.asset('')
 * will give it once Launch has run, so that requests started before Launch have the same URLs.
 */
export function staticBase(path: string | undefined): string {
  const p = path || '/'
  return new URL(p.endsWith('/') ? p : `${p}/`, window.location.href).href
}
