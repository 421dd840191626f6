// Finds the URLs and e-mail addresses of a policy text. Chinese text runs straight into them
// ("miitee@coocaa.com客服邮箱", "…policy.html。"), so a link ends at the first character that
// cannot belong to it; trailing sentence punctuation and an unbalanced closing bracket are
// left out, as linkifiers do.

import type { Link } from './model'

// RFC 3986 characters plus "%": anything else (CJK, full-width punctuation, spaces) ends a URL.
const URL_RE = /\bhttps?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/g
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g
const TRAILING = /[.,;:!?'"*]$/

export interface FoundLink extends Link {
  /** Offset of `text` in the searched string. */
  index: number
}

export function findLinks(text: string): FoundLink[] {
  const found: FoundLink[] = []
  const taken: Array<[number, number]> = []
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0])
    if (url.length <= m[0].indexOf('//') + 2) continue // nothing after the scheme
    const index = m.index ?? 0
    found.push({ kind: 'url', text: url, href: url, index })
    taken.push([index, index + url.length])
  }
  for (const m of text.matchAll(EMAIL_RE)) {
    const index = m.index ?? 0
    const end = index + m[0].length
    if (taken.some(([a, b]) => index < b && end > a)) continue // part of a URL
    if (index > 0 && /[A-Za-z0-9._%+-]/.test(text[index - 1])) continue
    found.push({ kind: 'email', text: m[0], href: `mailto:${m[0]}`, index })
  }
  return found.sort((a, b) => a.index - b.index)
}

/** Links of a text without positions, ready for the model. */
export function linksOf(text: string): Link[] {
  return findLinks(text).map(({ kind, text: t, href }) => ({ kind, text: t, href }))
}

function trimUrl(url: string): string {
  let u = url
  for (;;) {
    if (TRAILING.test(u)) {
      u = u.slice(0, -1)
      continue
    }
    const last = u[u.length - 1]
    if (last === ')' && count(u, '(') < count(u, ')')) {
      u = u.slice(0, -1)
      continue
    }
    if (last === ']' && count(u, '[') < count(u, ']')) {
      u = u.slice(0, -1)
      continue
    }
    return u
  }
}

function count(s: string, ch: string): number {
  let n = 0
  for (const c of s) if (c === ch) n++
  return n
}
