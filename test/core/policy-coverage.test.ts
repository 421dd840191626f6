// The compiled policy says what the seed says: every sentence of the seed, in order, and nothing else.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { documentTexts } from '../../src/core/policy/index'
import type { Block, PolicyDocument } from '../../src/core/policy/model'
import { compilePolicy } from '../../tools/policy/compiler'

const ROOT = path.resolve(__dirname, '../..')
const SEED = readFileSync(path.resolve(__dirname, '../../policy/source/miitee-privacy-policy.zh-CN.txt'), 'utf8')
const SOURCE = readFileSync(path.join(ROOT, 'policy/miitee-privacy-policy.zh-CN.md'), 'utf8')

/** Whitespace only: removes spaces, line ends, U+00A0, U+3000 (all matched by \s) and zero-width spaces. */
const normalise = (s: string) => s.replace(/[\s\u200b]+/g, '')

/** The seed's sentences: split at 。；！？ (kept with their sentence) and at line ends. */
function seedSentences(seed: string): string[] {
  return seed
    .split('\n')
    .flatMap((line) => line.split(/(?<=[。；！？])/))
    .map(normalise)
    .filter((s) => s !== '')
}

/** Every text of the model in reading order, written out here block by block. */
function modelTexts(doc: PolicyDocument): string[] {
  const out = [doc.title]
  const block = (b: Block): string[] => {
    switch (b.type) {
      case 'heading':
      case 'paragraph':
        return [b.text]
      case 'list':
        return b.items
      case 'table':
        return [...b.columns, ...b.rows.flat()]
      case 'sdk':
        return b.entries.flatMap((e) => e.fields.map((f) => `${f.label}:${f.value}`))
    }
  }
  for (const s of doc.sections) out.push(s.title, ...s.blocks.flatMap(block))
  return out
}

/** Seed sentences not found, in order, in the model's text. */
function missingInOrder(sentences: string[], texts: string[]): string[] {
  const text = normalise(texts.join(''))
  const missing: string[] = []
  let from = 0
  for (const s of sentences) {
    const at = text.indexOf(s, from)
    if (at < 0) missing.push(s)
    else from = at + s.length
  }
  return missing
}

/** Lines of model text that the seed does not contain. */
function added(texts: string[], seed: string): string[] {
  const normSeed = normalise(seed)
  return texts
    .flatMap((t) => t.split('\n'))
    .map(normalise)
    .filter((t) => t !== '' && !normSeed.includes(t))
}

describe('policy coverage of the seed', () => {
  const doc = compilePolicy(SOURCE, 'policy/miitee-privacy-policy.zh-CN.md')
  const texts = modelTexts(doc)
  const sentences = seedSentences(SEED)

  it('reads the seed as sentences', () => {
    expect(sentences.length).toBeGreaterThan(300)
    expect(sentences[0]).toBe('Miitee隐私政策')
    expect(sentences[sentences.length - 1]).toBe('深圳市酷开网络科技股份有限公司')
  })

  it('core documentTexts gives the same reading order as this walk', () => {
    expect(documentTexts(doc)).toEqual(texts)
  })

  it('contains every sentence of the seed, in order', () => {
    expect(missingInOrder(sentences, texts)).toEqual([])
  })

  it('adds no sentence: every text of the model is seed text', () => {
    expect(added(texts, SEED)).toEqual([])
  })

  it('takes the effective date from the seed', () => {
    const m = /本协议更新日期为(\d{4})(\d{2})(\d{2})日,将于(\d{4})(\d{2})(\d{2})日生效/.exec(SEED)
    expect(m).not.toBeNull()
    expect(doc.effectiveDate).toBe(`${m![4]}-${m![5]}-${m![6]}`)
    expect(doc.version).toBe(`${m![1]}-${m![2]}-${m![3]}`)
  })

  it('would notice a dropped, moved or invented sentence', () => {
    const dropped = texts.filter((t) => !t.startsWith('如果我们发现自己'))
    expect(missingInOrder(sentences, dropped)).toEqual(['如果我们发现自己在未事先获得可证实的父母同意的情况下收集了儿童的个人信息,则会设法尽快删除相关数据。'])

    const i = texts.lastIndexOf('十、协议的生效')
    const moved = [...texts]
    moved.splice(i, 1)
    moved.splice(5, 0, '十、协议的生效')
    expect(missingInOrder(sentences, moved)).toEqual(['十、协议的生效'])

    expect(added([...texts, '我们会出售您的个人信息。'], SEED)).toEqual(['我们会出售您的个人信息。'])
    const edited = texts.map((t) => t.replace('不满14周岁', '不满16周岁'))
    expect(added(edited, SEED)).toHaveLength(1)
    expect(missingInOrder(sentences, edited)).toHaveLength(1)
  })
})
