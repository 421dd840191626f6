// Paragraphs and lists of the policy source as model blocks.

import type { Link, ListBlock, ParagraphBlock } from '../../src/core/policy/model'
import type { PolicySource } from './errors'
import { inlineText } from './inline'
import { closeIndex, lineOf, WIDE_RE, type Token } from './markdown'

/** An item that carries its own numbering: "1.", "1、", "一、", "(1)", "（一）". */
const NUMBERING_RE = /^(?:(?:\d+|[一二三四五六七八九十百]+)[.、．)）]|[(（](?:\d+|[一二三四五六七八九十百]+)[)）])/

export function parseParagraph(src: PolicySource, inline: Token, line: number): ParagraphBlock {
  noStrayTableRows(src, inline)
  const { text, links, strong } = inlineText(src, inline, line)
  if (text === '') src.fail('POLICY_EMPTY_BLOCK', line, 'empty paragraph')
  const block: ParagraphBlock = { type: 'paragraph', text }
  if (strong) block.strong = true
  if (links.length) block.links = links
  return block
}

/** A paragraph line starting with "|" is a table that did not parse (or was broken by a blank line). */
function noStrayTableRows(src: PolicySource, inline: Token): void {
  if (!inline.map) return
  for (let l = inline.map[0]; l < inline.map[1]; l++) {
    if (src.lines[l].trim().startsWith('|')) {
      src.fail(
        'POLICY_UNCLOSED_TABLE',
        l + 1,
        'table row outside a table: a table is a header row, a delimiter row (| --- |) with as many cells, then rows, with no blank line inside',
      )
    }
  }
}

/** The list opened at token `i` and closed at `end`; a `1.` marker is written back into its item. */
export function parseList(src: PolicySource, tokens: Token[], i: number, end: number): ListBlock {
  const open = tokens[i]
  const markdownOrdered = open.type === 'ordered_list_open'
  const start = Number(open.attrGet('start') ?? 1)
  const items: string[] = []
  const links: Link[] = []
  for (let j = i + 1; j < end; ) {
    const itemOpen = tokens[j]
    const itemEnd = closeIndex(tokens, j)
    const itemLine = lineOf(itemOpen)
    const paragraphs: string[] = []
    for (let k = j + 1; k < itemEnd; ) {
      const t = tokens[k]
      if (t.type !== 'paragraph_open') {
        const what = t.type.replace(/_open$/, '').replace(/_/g, ' ')
        src.fail('POLICY_UNKNOWN_BLOCK', lineOf(t, itemLine), `only paragraphs are supported inside list items (found a ${what})`)
      }
      const inline = tokens[k + 1]
      noStrayTableRows(src, inline)
      const r = inlineText(src, inline, lineOf(t))
      if (r.text !== '') paragraphs.push(r.text)
      links.push(...r.links)
      k = closeIndex(tokens, k) + 1
    }
    if (paragraphs.length === 0) src.fail('POLICY_EMPTY_BLOCK', itemLine, 'empty list item')
    let text = paragraphs.join('\n')
    if (markdownOrdered) {
      const marker = `${itemOpen.info || String(start + items.length)}${itemOpen.markup}`
      text = marker + (WIDE_RE.test(text[0]) ? '' : ' ') + text
    }
    items.push(text)
    j = itemEnd + 1
  }
  const block: ListBlock = {
    type: 'list',
    ordered: markdownOrdered || items.every((it) => NUMBERING_RE.test(it)),
    items,
  }
  if (links.length) block.links = links
  return block
}
