// Inline Markdown to plain text: markup removed, `<br>` and hard breaks become "\n", soft breaks
// are joined (with no space next to CJK), and links are collected in reading order.

import { findLinks } from '../../src/core/policy/links'
import type { Link } from '../../src/core/policy/model'
import type { PolicySource } from './errors'
import { WIDE_RE, type Token } from './markdown'

const BR_RE = /^<br\s*\/?>$/i

export interface InlineText {
  text: string
  links: Link[]
  /** The whole text is inside one **strong** span. */
  strong: boolean
}

/** Text of an inline token whose first line is `firstLine`. */
export function inlineText(src: PolicySource, tok: Token, firstLine: number): InlineText {
  const children = tok.children ?? []
  let line = firstLine
  let text = ''
  const linkSpans: Array<{ start: number; end: number; link: Link }> = []
  let linkStart = -1
  let linkHref = ''
  for (let k = 0; k < children.length; k++) {
    const c = children[k]
    switch (c.type) {
      case 'text':
      case 'code_inline':
        text += c.content
        break
      case 'softbreak': {
        const next = children[k + 1]?.content?.[0] ?? ''
        const prev = text[text.length - 1] ?? ''
        text += WIDE_RE.test(prev) || WIDE_RE.test(next) ? '' : ' '
        line++
        break
      }
      case 'hardbreak':
        text += '\n'
        line++
        break
      case 'html_inline':
        if (!BR_RE.test(c.content.trim())) src.fail('POLICY_UNKNOWN_BLOCK', line, `inline HTML ${c.content} is not supported (only <br>)`)
        text += '\n'
        break
      case 'strong_open':
      case 'strong_close':
      case 'em_open':
      case 'em_close':
        break
      case 'link_open': {
        linkHref = String(c.attrGet('href') ?? '')
        if (!/^(https?:\/\/|mailto:)/i.test(linkHref)) src.fail('POLICY_BAD_LINK', line, `link target must be http(s) or mailto: ${linkHref}`)
        linkStart = text.length
        break
      }
      case 'link_close': {
        const label = text.slice(linkStart)
        const kind = /^mailto:/i.test(linkHref) ? 'email' : 'url'
        linkSpans.push({ start: linkStart, end: text.length, link: { kind, text: label, href: linkHref } })
        break
      }
      case 'image':
        src.fail('POLICY_UNKNOWN_BLOCK', line, 'images are not supported')
        break
      case 's_open':
      case 's_close':
        src.fail('POLICY_UNKNOWN_BLOCK', line, 'strikethrough is not supported')
        break
      default:
        src.fail('POLICY_UNKNOWN_BLOCK', line, `unsupported inline Markdown (${c.type})`)
    }
  }
  // Addresses written out in the text are links too, unless they are inside a Markdown link.
  const found = findLinks(text)
    .filter((f) => !linkSpans.some((s) => f.index < s.end && f.index + f.text.length > s.start))
    .map((f) => ({ index: f.index, link: { kind: f.kind, text: f.text, href: f.href } as Link }))
  const links = [...found, ...linkSpans.map((s) => ({ index: s.start, link: s.link }))]
    .sort((a, b) => a.index - b.index)
    .map((x) => x.link)
  return { text: text.trim(), links, strong: wholeStrong(children) }
}

/** True when the inline children are exactly one **strong** span (whitespace aside). */
function wholeStrong(children: Token[]): boolean {
  const kids = children.filter((c) => !(c.type === 'text' && c.content.trim() === ''))
  if (kids.length < 2 || kids[0].type !== 'strong_open' || kids[kids.length - 1].type !== 'strong_close') return false
  let depth = 0
  for (let k = 0; k < kids.length; k++) {
    if (kids[k].type === 'strong_open') depth++
    if (kids[k].type === 'strong_close') depth--
    if (depth === 0 && k < kids.length - 1) return false
  }
  return true
}
