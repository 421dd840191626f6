// What the phone may ask the TV for, and the row of the policy's permission table each scope
// relies on. The quoted text comes from the compiled policy model at run time, so the page
// always quotes the policy it shows.
import type { Scope } from '../protocol/constants'
import type { PolicyDocument, TableBlock } from './model'

/** The permission table row (its first cell, APP权限名称) each scope relies on. */
export const SCOPE_POLICY_ROW: Readonly<Record<Scope, string>> = {
  bluetooth: '蓝牙',
  network: '网络',
  location: '定位',
}

/** Location is sensitive personal information (PIPL art. 28): the page marks it. */
export const SENSITIVE_SCOPES: readonly Scope[] = ['location']

/** Column of the permission table that says where a permission is used. */
export const USES_COLUMN = '用到的地方'

export interface PolicyQuote {
  /** The row's name cell, e.g. "蓝牙". */
  row: string
  /** The 用到的地方 cell with its lines joined by "、", e.g. "附近大屏、大屏配网、大屏遥控、大屏名称". */
  uses: string
  /** Id of the section holding the table, for a link into the full policy. */
  sectionId: string
  /** Where the row is: its block in that section and its index among the table's rows (a layout anchor). */
  block: number
  rowIndex: number
}

/** The first table of the document that has a 用到的地方 column (the permission table). */
export function permissionTable(doc: PolicyDocument): { table: TableBlock; sectionId: string; block: number } | null {
  for (const s of doc.sections) {
    const block = s.blocks.findIndex((b) => b.type === 'table' && b.columns.includes(USES_COLUMN))
    if (block >= 0) return { table: s.blocks[block] as TableBlock, sectionId: s.id, block }
  }
  return null
}

/** The policy row a scope relies on, quoted from the document; null when the policy has no such row. */
export function scopeQuote(doc: PolicyDocument, scope: Scope): PolicyQuote | null {
  const found = permissionTable(doc)
  if (!found) return null
  const { table, sectionId, block } = found
  const uses = table.columns.indexOf(USES_COLUMN)
  const name = SCOPE_POLICY_ROW[scope]
  const rowIndex = table.rows.findIndex((r) => r[0].split('\n').some((line) => line.trim() === name))
  if (rowIndex < 0) return null
  const row = table.rows[rowIndex]
  const text = row[uses]
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('、')
  return text ? { row: name, uses: text, sectionId, block, rowIndex } : null
}
