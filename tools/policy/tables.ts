// GFM pipe tables of the policy source as table blocks: every row as wide as the header, no blank
// line inside, `<br>` separating lines inside a cell.

import type { Link, TableBlock } from '../../src/core/policy/model'
import type { PolicySource } from './errors'
import { inlineText } from './inline'
import { lineOf, type Token } from './markdown'

/** The table opened at token `i` and closed at `end`, checked against its source lines. */
export function parseTable(src: PolicySource, tokens: Token[], i: number, end: number): TableBlock {
  const open = tokens[i]
  const [from, to] = open.map!
  const header = src.lines[from]
  const width = splitRow(header).length
  const piped = header.trim().startsWith('|')
  for (let l = from + 2; l < to; l++) {
    const row = src.lines[l]
    if (piped && !row.trim().startsWith('|')) {
      src.fail('POLICY_UNCLOSED_TABLE', l + 1, 'the table is not closed: this line has no leading "|" (end a table with a blank line)')
    }
    const n = splitRow(row).length
    if (n !== width) src.fail('POLICY_RAGGED_TABLE', l + 1, `table row has ${n} cell${n === 1 ? '' : 's'}, the header has ${width}`)
  }
  const columns: string[] = []
  const rows: string[][] = []
  const links: Link[] = []
  let row: string[] = []
  let rowLine = from + 1
  let inHead = false
  for (let j = i + 1; j < end; j++) {
    const t = tokens[j]
    if (t.type === 'thead_open') inHead = true
    else if (t.type === 'thead_close') inHead = false
    else if (t.type === 'tr_open') {
      rowLine = lineOf(t, rowLine)
      row = []
    } else if (t.type === 'tr_close') {
      if (!inHead) rows.push(row)
    } else if (t.type === 'inline') {
      const r = inlineText(src, t, rowLine)
      const cell = r.text
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .join('\n')
      if (inHead) {
        if (cell === '') src.fail('POLICY_BAD_TABLE', rowLine, `table column ${columns.length + 1} has no name`)
        columns.push(cell)
      } else {
        row.push(cell)
        links.push(...r.links)
      }
    }
  }
  if (rows.length === 0) src.fail('POLICY_BAD_TABLE', from + 1, 'the table has no rows')
  const block: TableBlock = { type: 'table', columns, rows }
  if (links.length) block.links = links
  return block
}

/** Cells of a pipe-table source line: outer pipes dropped, split at unescaped "|". */
function splitRow(line: string): string[] {
  let s = line.trim()
  if (s.startsWith('|')) s = s.slice(1)
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1)
  const cells: string[] = []
  let cell = ''
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]
    if (ch === '\\' && i + 1 < s.length) {
      cell += ch + s[++i]
    } else if (ch === '|') {
      cells.push(cell)
      cell = ''
    } else {
      cell += ch
    }
  }
  cells.push(cell)
  return cells
}
