import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  blockTexts,
  documentLinks,
  isPolicyDocument,
  plainText,
  policyDocumentProblems,
  sectionById,
  sectionLabel,
  sectionsOfPart,
  sdkFieldText,
} from '../../src/core/policy/index'
import { compilePolicy } from '../../tools/policy/compiler'

const SOURCE = readFileSync(path.resolve(__dirname, '../../policy/miitee-privacy-policy.zh-CN.md'), 'utf8')
const doc = compilePolicy(SOURCE, 'policy/miitee-privacy-policy.zh-CN.md')

describe('policy helpers', () => {
  it('finds sections by id and part, with display labels', () => {
    expect(sectionById(doc, 's4')?.title).toBe('四、我们如何保护您的个人信息')
    expect(sectionById(doc, 'nope')).toBeUndefined()
    expect(sectionsOfPart(doc, 'summary').map((s) => s.id)).toEqual(['summary'])
    expect(sectionsOfPart(doc, 'full')).toHaveLength(11)
    expect(sectionLabel(sectionById(doc, 'summary')!)).toBe('摘要')
    expect(sectionLabel(sectionById(doc, 's10')!)).toBe('十、协议的生效')
  })

  it('gives the text of each kind of block', () => {
    const s1 = sectionById(doc, 's1')!
    const table = s1.blocks.find((b) => b.type === 'table')!
    const texts = blockTexts(table)
    expect(texts.slice(0, 5)).toEqual(['APP权限名称', 'APP权限值', '用到的地方', '是否用到时才申请/用户确认弹框', '是否是敏感权限'])
    expect(texts.length).toBe(5 * 15)
    expect(plainText(table)).not.toMatch(/\n\n/)
    const sdk = sectionById(doc, 's2')!.blocks.find((b) => b.type === 'sdk')!
    expect(plainText(sdk).split('\n')[0]).toBe('SDK名称:友盟统计分析SDK')
    expect(sdkFieldText({ key: 'vendor', label: '第三方名称', value: '腾讯' })).toBe('第三方名称:腾讯')
  })

  it('lists links with their section', () => {
    const links = documentLinks(doc)
    expect(links[0]).toEqual({ kind: 'email', text: 'miitee@coocaa.com', href: 'mailto:miitee@coocaa.com', sectionId: 'summary' })
    expect(links.filter((l) => l.sectionId === 's2')).toHaveLength(14)
  })

  it('checks the shape of a loaded document', () => {
    const loaded: unknown = JSON.parse(JSON.stringify(doc))
    expect(policyDocumentProblems(loaded)).toEqual([])
    expect(isPolicyDocument(loaded)).toBe(true)
    const broken = JSON.parse(JSON.stringify(doc))
    const at = broken.sections[2].blocks.findIndex((b: { type: string }) => b.type === 'table')
    broken.sections[2].blocks[at].rows[0].pop()
    broken.sha256 = 'x'
    expect(policyDocumentProblems(broken)).toEqual(['sha256: expected 64 lowercase hex digits', `sections[2].blocks[${at}].rows[0]: expected 5 strings`])
    broken.sections[3].blocks.push({ type: 'video' })
    expect(policyDocumentProblems(broken)).toContain(`sections[3].blocks[${doc.sections[3].blocks.length}].type: unknown block type "video"`)
    expect(isPolicyDocument(null)).toBe(false)
  })
})
