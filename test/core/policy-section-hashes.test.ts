// Comparing per-section hashes (pure core): which sections changed since an accepted version,
// stored hashes read back defensively, and Chinese ordinals as numbers for English UI text.
import { describe, expect, it } from 'vitest'
import { changedSectionIds, ordinalNumber, parseSectionHashes, policyDocumentProblems, sectionHashes } from '../../src/core/policy/index'
import type { PolicyDocument, PolicySection } from '../../src/core/policy/model'

const h = (c: string) => c.repeat(64)
const section = (id: string, sha256?: string): PolicySection => ({ id, part: id === 'summary' ? 'summary' : 'full', title: id, blocks: [{ type: 'paragraph', text: id }], ...(sha256 ? { sha256 } : {}) })
const doc = (sections: PolicySection[]): PolicyDocument => ({ schema: 1, id: 'p', version: '1', effectiveDate: '2024-02-29', locale: 'zh-CN', title: 't', sections, sha256: h('f') })

describe('section hashes', () => {
  const current = doc([section('summary', h('a')), section('s1', h('b')), section('s2', h('c'))])

  it('maps ids to hashes, or null when any section has none', () => {
    expect(sectionHashes(current)).toEqual({ summary: h('a'), s1: h('b'), s2: h('c') })
    expect(sectionHashes(doc([section('summary', h('a')), section('s1')]))).toBeNull()
  })

  it('lists the sections whose hash differs or that are new, in reading order; removed ones are not listed', () => {
    expect(changedSectionIds(current, { summary: h('a'), s1: h('b'), s2: h('c') })).toEqual([])
    expect(changedSectionIds(current, { summary: h('a'), s1: h('9'), s2: h('c') })).toEqual(['s1'])
    expect(changedSectionIds(current, { s2: h('0'), summary: h('1'), gone: h('2') })).toEqual(['summary', 's1', 's2'])
    expect(changedSectionIds(current, {})).toEqual(['summary', 's1', 's2'])
  })

  it('cannot compare against a document without section hashes', () => {
    expect(changedSectionIds(doc([section('summary')]), { summary: h('a') })).toBeNull()
  })

  it('reads stored hashes back only when every value is a SHA-256', () => {
    expect(parseSectionHashes({ s1: h('a') })).toEqual({ s1: h('a') })
    for (const bad of [undefined, null, 'x', 3, [h('a')], { s1: 'short' }, { s1: h('A') }, { s1: 1 }]) expect(parseSectionHashes(bad), JSON.stringify(bad)).toBeNull()
  })

  it('a malformed section hash in a loaded document is a problem at its path', () => {
    const bad = JSON.parse(JSON.stringify(current))
    bad.sections[1].sha256 = 'nothex'
    expect(policyDocumentProblems(bad)).toEqual(['sections[1].sha256: expected 64 lowercase hex digits'])
    expect(policyDocumentProblems(doc([section('summary')]))).toEqual([])
  })

  it('reads Chinese ordinals up to 99', () => {
    const cases: Array<[string, number | null]> = [
      ['一', 1], ['八', 8], ['十', 10], ['十二', 12], ['二十', 20], ['二十三', 23], ['九十九', 99],
      ['', null], ['百', null], ['八八', null], ['十十', null], ['a', null],
    ]
    for (const [text, n] of cases) expect(ordinalNumber(text), text).toBe(n)
  })
})
