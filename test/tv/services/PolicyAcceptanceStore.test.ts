import { describe, expect, it } from 'vitest'
import type { PolicyDocument, PolicySection } from '../../../src/core/policy/model'
import { MemoryStore } from '../../../src/tv/services/KeyValueStore'
import { PolicyAcceptanceStore } from '../../../src/tv/services/PolicyAcceptanceStore'

const doc = (sha256: string, version = '2024-02-29', sections: PolicySection[] = []): PolicyDocument => ({
  schema: 1,
  id: 'miitee-privacy-policy',
  version,
  effectiveDate: '2024-02-29',
  locale: 'zh-CN',
  title: 'Miitee隐私政策',
  sections,
  sha256,
})
const h = (c: string) => c.repeat(64)
const section = (id: string, sha256?: string): PolicySection => ({ id, part: 'full', title: `${id}、标题`, blocks: [{ type: 'paragraph', text: '正文' }], ...(sha256 ? { sha256 } : {}) })
const v1 = doc(h('1'), '1', [section('summary', h('a')), section('s1', h('b')), section('s8', h('c'))])

describe('PolicyAcceptanceStore', () => {
  it('is not accepted before the viewer agrees', () => {
    const s = new PolicyAcceptanceStore(new MemoryStore())
    expect(s.isAccepted(doc('a'))).toBe(false)
    expect(s.acceptedEarlierVersion(doc('a'))).toBe(false)
  })

  it('stores id, version, hash and time on accept', () => {
    const s = new PolicyAcceptanceStore(new MemoryStore())
    const rec = s.accept(doc('abc'), new Date('2026-01-02T03:04:05Z'))
    expect(rec).toEqual({ policyId: 'miitee-privacy-policy', version: '2024-02-29', sha256: 'abc', locale: 'zh-CN', acceptedAt: '2026-01-02T03:04:05.000Z', sections: {} })
    expect(s.isAccepted(doc('abc'))).toBe(true)
  })

  it('asks again when the content hash changes, even with the same version', () => {
    const s = new PolicyAcceptanceStore(new MemoryStore())
    s.accept(doc('abc'))
    expect(s.isAccepted(doc('def'))).toBe(false)
    expect(s.acceptedEarlierVersion(doc('def'))).toBe(true)
  })

  it('survives a new store instance over the same storage and clears', () => {
    const kv = new MemoryStore()
    new PolicyAcceptanceStore(kv).accept(doc('abc'))
    const again = new PolicyAcceptanceStore(kv)
    expect(again.isAccepted(doc('abc'))).toBe(true)
    again.clear()
    expect(again.isAccepted(doc('abc'))).toBe(false)
  })

  it('keeps each section hash with the acceptance, and no policy text', () => {
    const kv = new MemoryStore()
    const rec = new PolicyAcceptanceStore(kv).accept(v1)
    expect(rec.sections).toEqual({ summary: h('a'), s1: h('b'), s8: h('c') })
    const stored = kv.get('policy-acceptance')!
    expect(JSON.parse(stored)).toEqual(rec)
    expect(stored).not.toContain('标题')
    expect(stored).not.toContain('正文')
  })

  it('after a change says which sections changed or are new, in reading order', () => {
    const s = new PolicyAcceptanceStore(new MemoryStore())
    s.accept(v1)
    expect(s.changes(v1)).toBeNull()
    const v2 = doc(h('2'), '2', [section('summary', h('a')), section('s1', h('b')), section('s8', h('d')), section('s9', h('e'))])
    expect(s.changes(v2)).toEqual({ sections: ['s8', 's9'] })
    // Only the version or date changed: asked again, no section named.
    expect(s.changes(doc(h('3'), '3', v1.sections))).toEqual({ sections: [] })
  })

  it('an acceptance stored before section hashes (or with damaged ones) says the policy changed, naming no section', () => {
    const kv = new MemoryStore()
    kv.set('policy-acceptance', JSON.stringify({ policyId: v1.id, version: '0', sha256: h('0'), locale: 'zh-CN', acceptedAt: '2025-01-01T00:00:00.000Z' }))
    const s = new PolicyAcceptanceStore(kv)
    expect(s.acceptedEarlierVersion(v1)).toBe(true)
    expect(s.changes(v1)).toEqual({ sections: null })
    kv.set('policy-acceptance', JSON.stringify({ policyId: v1.id, version: '0', sha256: h('0'), locale: 'zh-CN', acceptedAt: '2025-01-01T00:00:00.000Z', sections: { s1: 42 } }))
    expect(s.changes(v1)).toEqual({ sections: null })
    kv.set('policy-acceptance', '{not json')
    expect(s.changes(v1)).toBeNull()
  })

  it('a document without section hashes is accepted without them and compared by its hash alone', () => {
    const s = new PolicyAcceptanceStore(new MemoryStore())
    const old = doc(h('1'), '1', [section('summary'), section('s1')])
    expect(s.accept(old).sections).toBeUndefined()
    expect(s.changes(doc(h('2'), '2', [section('summary'), section('s1')]))).toEqual({ sections: null })
    s.accept(v1)
    expect(s.changes(doc(h('2'), '2', [section('summary'), section('s1')]))).toEqual({ sections: null })
  })

  it('another policy accepted is no change of this one', () => {
    const s = new PolicyAcceptanceStore(new MemoryStore())
    s.accept({ ...v1, id: 'other-policy' })
    expect(s.changes(v1)).toBeNull()
  })
})
