import { describe, expect, it } from 'vitest'
import {
  CC_AL,
  CC_CM,
  CC_GL,
  CC_ID,
  CC_QU,
  CC_SP,
  CLOSING_NARROW,
  CLOSING_WIDE,
  LINE_END_FORBIDDEN,
  LINE_START_FORBIDDEN,
  OPENING_NARROW,
  OPENING_WIDE,
  SOFT_BREAK_AFTER,
  charClass,
  isLineEndForbidden,
  isLineStartForbidden,
  isSoftBreakAfter,
} from '../../../src/core/text/charClasses'

const cp = (s: string) => s.codePointAt(0)!

describe('character classes', () => {
  it('forbids every closing / trailing mark the rules name at a line start', () => {
    const required = '，。、；：？！）」』》】〕〉”’…‥·・～々ー％,.;:?!)]}%｡｣､﹐﹒'
    for (const ch of required) expect(isLineStartForbidden(cp(ch)), ch).toBe(true)
    for (const ch of LINE_START_FORBIDDEN) expect(isLineStartForbidden(cp(ch)), ch).toBe(true)
  })

  it('forbids every opening mark the rules name at a line end', () => {
    const required = '（「『《【〔〈“‘([{｢'
    for (const ch of required) expect(isLineEndForbidden(cp(ch)), ch).toBe(true)
    for (const ch of LINE_END_FORBIDDEN) expect(isLineEndForbidden(cp(ch)), ch).toBe(true)
  })

  it('keeps the opening and closing sets disjoint', () => {
    for (const ch of OPENING_WIDE + OPENING_NARROW) {
      expect(CLOSING_WIDE.includes(ch) || CLOSING_NARROW.includes(ch), ch).toBe(false)
    }
  })

  it('classifies ideographs, kana, hangul, fullwidth letters and emoji as breakable on both sides', () => {
    for (const ch of ['中', '㐀', '𠀀', 'あ', 'カ', '한', 'Ａ', '１', '😀']) expect(charClass(cp(ch)), ch).toBe(CC_ID)
    for (const ch of ['中', 'あ']) {
      expect(isLineStartForbidden(cp(ch))).toBe(false)
      expect(isLineEndForbidden(cp(ch))).toBe(false)
    }
  })

  it('classifies Latin letters, digits and URL symbols as word characters', () => {
    for (const ch of 'aZ09@_=&#é') expect(charClass(cp(ch)), ch).toBe(CC_AL)
  })

  it('classifies spaces, glue, combining marks and ambiguous quotes', () => {
    expect(charClass(cp(' '))).toBe(CC_SP)
    expect(charClass(0x200b)).toBe(CC_SP)
    expect(charClass(0xa0)).toBe(CC_GL)
    expect(charClass(0x200d)).toBe(CC_GL)
    expect(charClass(0x301)).toBe(CC_CM)
    expect(charClass(0xfe0f)).toBe(CC_CM)
    expect(charClass(cp('"'))).toBe(CC_QU)
  })

  it('lists the preferred break characters of long URLs', () => {
    for (const ch of '/?&=.-') expect(isSoftBreakAfter(cp(ch)), ch).toBe(true)
    expect(SOFT_BREAK_AFTER).toContain('_')
    expect(isSoftBreakAfter(cp('a'))).toBe(false)
    expect(isSoftBreakAfter(cp('中'))).toBe(false)
  })
})
