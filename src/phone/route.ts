// Where the page was opened: the QR link `/P/<token>` (case-insensitive) or `/link[?code=…]`,
// possibly below a path prefix when the service sits behind a reverse proxy.
import { normalizeQrToken } from '../core/protocol/codes'

export type Route =
  | { kind: 'qr'; token: string; prefix: string }
  | { kind: 'bad-qr'; prefix: string }
  | { kind: 'link'; code: string; prefix: string }

/** The route of a page URL; `prefix` is the path before `/P/…` or `/link` ("" at the root). */
export function parseRoute(pathname: string, search: string): Route {
  const qr = /^(.*)\/[Pp]\/([^/]*)\/?$/.exec(pathname)
  if (qr) {
    let raw = qr[2]
    try {
      raw = decodeURIComponent(raw)
    } catch {
      return { kind: 'bad-qr', prefix: qr[1] }
    }
    const token = normalizeQrToken(raw)
    return token ? { kind: 'qr', token, prefix: qr[1] } : { kind: 'bad-qr', prefix: qr[1] }
  }
  const link = /^(.*)\/link\/?$/i.exec(pathname)
  const code = new URLSearchParams(search).get('code') ?? ''
  return { kind: 'link', code: code.slice(0, 32), prefix: link ? link[1] : '' }
}
