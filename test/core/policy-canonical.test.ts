import { describe, expect, it } from 'vitest'
import { canonicalJson, CanonicalJsonError } from '../../src/core/policy/canonical'

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}')
  })

  it('does not depend on key insertion order', () => {
    const a = { id: 'p', sections: [{ title: '摘要', blocks: [] }], version: '1' }
    const b = { version: '1', sections: [{ blocks: [], title: '摘要' }], id: 'p' }
    expect(canonicalJson(a)).toBe(canonicalJson(b))
  })

  it('orders keys by UTF-16 code units', () => {
    expect(canonicalJson({ b: 0, B: 0, a: 0, '\u00e9': 0, '\ud83d\ude00': 0, '\uff01': 0 })).toBe('{"B":0,"a":0,"b":0,"é":0,"😀":0,"！":0}')
  })

  it('writes strings and numbers as ECMAScript JSON does', () => {
    expect(canonicalJson(['摘要:\n"引号"\u0001', 1e21, 0.1, -0, 10])).toBe('["摘要:\\n\\"引号\\"\\u0001",1e+21,0.1,0,10]')
    expect(canonicalJson('\ud800')).toBe('"\\ud800"')
  })

  it('leaves out undefined properties, like JSON', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}')
  })

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow(CanonicalJsonError)
    expect(() => canonicalJson([Infinity])).toThrow(CanonicalJsonError)
    expect(() => canonicalJson([undefined])).toThrow(/\$\[0\]/)
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/\$\.f/)
    expect(() => canonicalJson(new Date(0))).toThrow(CanonicalJsonError)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => canonicalJson(cyclic)).toThrow(/circular/)
  })

  it('equals JSON.stringify for already sorted data', () => {
    const v = { a: [1, '二', { b: false }], c: { d: null } }
    expect(canonicalJson(v)).toBe(JSON.stringify(v))
  })
})
