// Per-section hashes in the compiled policy: each is the SHA-256 of its section's normalised form,
// a change inside one section changes that hash alone, and reformatting the Markdown changes none.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { policyDocumentProblems, sectionHashes, sectionHashInput } from '../../src/core/policy/index'
import type { PolicyDocument } from '../../src/core/policy/model'
import { compilePolicy, policySha256, sectionSha256 } from '../../tools/policy/compiler'

const SOURCE = readFileSync(path.resolve(__dirname, '../../policy/miitee-privacy-policy.zh-CN.md'), 'utf8')
const compile = (src: string): PolicyDocument => compilePolicy(src, 'policy/test.md')
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

/** The source with `from` replaced by `to` exactly once. */
function edit(src: string, from: string, to: string): string {
  const at = src.indexOf(from)
  if (at < 0 || src.indexOf(from, at + 1) >= 0) throw new Error(`fixture text not found once: ${from}`)
  return src.slice(0, at) + to + src.slice(at + from.length)
}

/** Ids whose hash differs between two compiled documents. */
function differing(a: PolicyDocument, b: PolicyDocument): string[] {
  const ha = sectionHashes(a)!
  const hb = sectionHashes(b)!
  return Object.keys({ ...ha, ...hb }).filter((id) => ha[id] !== hb[id])
}

describe('compiled policy: a hash per section', () => {
  const doc = compile(SOURCE)

  it('every section carries the SHA-256 of its canonical form without the hash, all distinct', () => {
    expect(doc.sections).toHaveLength(12)
    for (const s of doc.sections) {
      expect(s.sha256, s.id).toMatch(/^[0-9a-f]{64}$/)
      expect(s.sha256, s.id).toBe(sha256(sectionHashInput(s)))
      expect(sectionSha256(s), s.id).toBe(s.sha256)
      expect(sectionHashInput(s)).not.toContain(s.sha256!)
    }
    expect(new Set(doc.sections.map((s) => s.sha256)).size).toBe(12)
    expect(policyDocumentProblems(JSON.parse(JSON.stringify(doc)))).toEqual([])
  })

  it('the document hash covers the section hashes', () => {
    expect(doc.sha256).toBe(policySha256(doc))
    const tampered = structuredClone(doc)
    tampered.sections[3].sha256 = '0'.repeat(64)
    expect(policySha256(tampered)).not.toBe(doc.sha256)
  })

  it('is stable: compiling the same source twice gives the same hashes', () => {
    expect(sectionHashes(compile(SOURCE))).toEqual(sectionHashes(doc))
  })

  it('a change of one paragraph in section 八 changes its hash only (and the document hash)', () => {
    const changed = compile(edit(SOURCE, '我们的隐私政策可能变更。', '我们的隐私政策可能会变更。'))
    expect(differing(doc, changed)).toEqual(['s8'])
    expect(changed.sha256).not.toBe(doc.sha256)
  })

  it('a change in a table cell, a list item, a heading or an SDK card changes that section only', () => {
    const cases: Array<[string, string, string]> = [
      ['| 录音 |', '| 录音功能 |', 's1'],
      ['1. 获得您明确同意后;', '1. 获得您明确同意后,我们才会公开披露;', 's3'],
      ['### (二)转让', '### (二)转让与移交', 's3'],
    ]
    for (const [from, to, id] of cases) expect(differing(doc, compile(edit(SOURCE, from, to))), from).toEqual([id])
    const sdkLine = SOURCE.split('\n').find((l) => l.startsWith('使用目的:'))!
    const sdkSection = doc.sections.find((s) => s.blocks.some((b) => b.type === 'sdk'))!.id
    expect(differing(doc, compile(edit(SOURCE, `\n${sdkLine}\n`, `\n${sdkLine}。\n`)))).toEqual([sdkSection])
  })

  it('a section title or id change is that section alone; a new section is new, the others keep their hashes', () => {
    expect(differing(doc, compile(edit(SOURCE, '## 八、本政策如何更新 {#s8}', '## 八、本政策如何修订 {#s8}')))).toEqual(['s8'])
    const added = compile(edit(SOURCE, '## 九、如何联系我们 {#s9}', '## 八之二、补充 {#s8b}\n\n补充条款。\n\n## 九、如何联系我们 {#s9}'))
    expect(differing(doc, added)).toEqual(['s8b'])
  })

  it('reformatting the Markdown (trailing spaces, extra blank lines, CRLF line ends) changes no hash', () => {
    const reformatted = SOURCE.split('\n')
      .map((l) => (l.trim() === '' ? '\n' : `${l}   `))
      .join('\r\n')
    const again = compile(reformatted)
    expect(differing(doc, again)).toEqual([])
    expect(again.sha256).toBe(doc.sha256)
  })

  it('a version bump in the front matter changes the document hash but no section hash', () => {
    const bumped = compile(edit(SOURCE, 'version: 2024-02-29', 'version: 2024-03-01'))
    expect(bumped.sha256).not.toBe(doc.sha256)
    expect(differing(doc, bumped)).toEqual([])
  })
})
