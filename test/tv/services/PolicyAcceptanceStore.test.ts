import { describe, expect, it } from 'vitest'
import type { PolicyDocument } from '../../../src/core/policy/model'
import { MemoryStore } from '../../../src/tv/services/KeyValueStore'
import { PolicyAcceptanceStore } from '../../../src/tv/services/PolicyAcceptanceStore'

const doc = (sha256: string, version = '2024-02-29'): PolicyDocument => ({
  schema: 1,
  id: 'miitee-privacy-policy',
  version,
  effectiveDate: '2024-02-29',
  locale: 'zh-CN',
  title: 'Miitee隐私政策',
  sections: [],
  sha256,
})

describe('PolicyAcceptanceStore', () => {
  it('is not accepted before the viewer agrees', () => {
    const s = new PolicyAcceptanceStore(new MemoryStore())
    expect(s.isAccepted(doc('a'))).toBe(false)
    expect(s.acceptedEarlierVersion(doc('a'))).toBe(false)
  })

  it('stores id, version, hash and time on accept', () => {
    const s = new PolicyAcceptanceStore(new MemoryStore())
    const rec = s.accept(doc('abc'), new Date('2026-01-02T03:04:05Z'))
    expect(rec).toEqual({ policyId: 'miitee-privacy-policy', version: '2024-02-29', sha256: 'abc', locale: 'zh-CN', acceptedAt: '2026-01-02T03:04:05.000Z' })
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
})
