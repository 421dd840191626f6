import { describe, expect, it } from 'vitest'
import { splitSentences } from '../../../src/core/speech/sentences'

describe('splitSentences', () => {
  it('splits after Chinese and ASCII sentence marks, keeping the mark and a closing quote with its sentence', () => {
    expect(splitSentences('我们重视隐私。请阅读“本政策。”您同意吗？好的！最后；')).toEqual(['我们重视隐私。', '请阅读“本政策。”', '您同意吗？', '好的！', '最后；'])
    expect(splitSentences('Read it. Then decide! Ok?')).toEqual(['Read it.', 'Then decide!', 'Ok?'])
  })

  it('keeps decimals, domains and versions whole, and drops empty pieces', () => {
    expect(splitSentences('版本 1.5 见 miitee.cn 页面。')).toEqual(['版本 1.5 见 miitee.cn 页面。'])
    expect(splitSentences('  。  ')).toEqual(['。'])
    expect(splitSentences('')).toEqual([])
    expect(splitSentences('没有句号的一段')).toEqual(['没有句号的一段'])
  })
})
