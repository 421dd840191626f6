// The Markdown parser the compiler reads the source with, and helpers over its token stream.

import MarkdownIt, { type Token } from 'markdown-it'

export type { Token } from 'markdown-it'

export const md = new MarkdownIt('default', { html: true, linkify: false, typographer: false })

/** CJK, kana, Hangul and full-width forms: no space is needed next to these. */
export const WIDE_RE = /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF]/

/** Index of the token closing the block opened at `i` (or `i` itself for a self-contained token). */
export function closeIndex(tokens: Token[], i: number): number {
  const t = tokens[i]
  if (t.nesting !== 1) return i
  for (let j = i + 1; j < tokens.length; j++) {
    if (tokens[j].nesting === -1 && tokens[j].level === t.level) return j
  }
  return tokens.length - 1
}

/** 1-based source line of a token (`fallback` for a token without a map). */
export function lineOf(t: Token, fallback = 1): number {
  return t.map ? t.map[0] + 1 : fallback
}
