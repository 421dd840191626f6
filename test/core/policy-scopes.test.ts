import { describe, expect, it } from 'vitest'
import type { PolicyDocument } from '../../src/core/policy/model'
import { permissionTable, scopeQuote, SCOPE_POLICY_ROW } from '../../src/core/policy/scopes'
import { compiledPolicy } from '../phone/fixtures'

describe('each scope quotes the policy row it relies on', () => {
  const doc = compiledPolicy()

  it('finds the permission table (the one with 用到的地方)', () => {
    const t = permissionTable(doc)
    expect(t?.table.columns).toContain('用到的地方')
    expect(t?.sectionId).toBe('s1')
  })

  it('quotes the 用到的地方 cell of the 蓝牙 / 网络 / 定位 rows, as authored', () => {
    expect(scopeQuote(doc, 'bluetooth')).toMatchObject({ row: '蓝牙', uses: '附近大屏、大屏配网、大屏遥控、大屏名称', sectionId: 's1' })
    expect(scopeQuote(doc, 'network')).toMatchObject({ row: '网络', uses: '访问网络、获取网络状态', sectionId: 's1' })
    expect(scopeQuote(doc, 'location')).toMatchObject({ row: '定位', uses: '附近大屏', sectionId: 's1' })
  })

  it('says where the quoted row is: its block in the section and its index among the rows', () => {
    const t = permissionTable(doc)!
    for (const scope of ['bluetooth', 'network', 'location'] as const) {
      const q = scopeQuote(doc, scope)!
      expect(q.block).toBe(t.block)
      const block = doc.sections.find((s) => s.id === q.sectionId)!.blocks[q.block]
      expect(block).toBe(t.table)
      expect(t.table.rows[q.rowIndex][0].split('\n').map((l) => l.trim())).toContain(SCOPE_POLICY_ROW[scope])
    }
    expect(new Set(['bluetooth', 'network', 'location'].map((s) => scopeQuote(doc, s as 'bluetooth')!.rowIndex)).size).toBe(3)
  })

  it('quotes what the document says, not a copy (an OEM policy with other text)', () => {
    const copy = JSON.parse(JSON.stringify(doc)) as PolicyDocument
    const t = permissionTable(copy)!.table
    const uses = t.columns.indexOf('用到的地方')
    t.rows.find((r) => r[0] === SCOPE_POLICY_ROW.location)![uses] = '发现附近的大屏\n会议室定位'
    expect(scopeQuote(copy, 'location')?.uses).toBe('发现附近的大屏、会议室定位')
  })

  it('says nothing rather than something wrong when the policy has no such row or table', () => {
    const copy = JSON.parse(JSON.stringify(doc)) as PolicyDocument
    const t = permissionTable(copy)!.table
    t.rows = t.rows.filter((r) => r[0] !== '网络')
    expect(scopeQuote(copy, 'network')).toBeNull()
    expect(scopeQuote(copy, 'bluetooth')).not.toBeNull()
    const noTable = { ...doc, sections: doc.sections.map((s) => ({ ...s, blocks: s.blocks.filter((b) => b.type !== 'table') })) }
    expect(scopeQuote(noTable, 'bluetooth')).toBeNull()
  })
})
