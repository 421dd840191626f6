import { describe, expect, it } from 'vitest'
import { checkUserCode, codeLetters, displayCode } from '../../src/phone/usercode'

describe('typed user code', () => {
  it.each([
    ['WDJB-MJHT', 'WDJBMJHT'],
    ['wdjb-mjht', 'WDJBMJHT'],
    ['wdjbmjht', 'WDJBMJHT'],
    ['  Wdjb Mjht ', 'WDJBMJHT'],
    ['WDJB—MJHT', 'WDJBMJHT'], // em dash from a phone keyboard
    ['WDJB－MJHT', 'WDJBMJHT'], // full-width hyphen
    ['ｗｄｊｂ－ｍｊｈｔ', 'WDJBMJHT'], // full-width letters from a Chinese IME
    ['W-D-J-B-M-J-H-T', 'WDJBMJHT'],
  ])('%s → %s (case, spaces and dashes ignored)', (typed, code) => {
    expect(checkUserCode(typed)).toEqual({ ok: true, code })
  })

  it('names what is wrong', () => {
    expect(checkUserCode('')).toEqual({ ok: false, problem: 'empty' })
    expect(checkUserCode(' - ')).toEqual({ ok: false, problem: 'empty' })
    expect(checkUserCode('WDJB-MJH')).toEqual({ ok: false, problem: 'short' })
    expect(checkUserCode('WDJB-MJHTB')).toEqual({ ok: false, problem: 'long' })
    expect(checkUserCode('WDJB-MJH1')).toEqual({ ok: false, problem: 'chars', bad: ['1'] })
    // Vowels are not in the alphabet (RFC 8628 §6.1): each bad letter named once.
    expect(checkUserCode('AEAB-MJHT')).toEqual({ ok: false, problem: 'chars', bad: ['A', 'E'] })
  })

  it('reports characters before length, so "WDJB0" does not say "too short" first', () => {
    expect(checkUserCode('WDJB0')).toMatchObject({ ok: false, problem: 'chars' })
  })

  it('display form', () => {
    expect(displayCode('wdjbmjht')).toBe('WDJB-MJHT')
    expect(displayCode('WDJB-MJHT')).toBe('WDJB-MJHT')
    expect(codeLetters('ab-c d')).toBe('ABCD')
  })
})
