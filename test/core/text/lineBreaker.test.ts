import { describe, expect, it } from 'vitest'
import { LINE_END_FORBIDDEN, LINE_START_FORBIDDEN } from '../../../src/core/text/charClasses'
import { createGlyphWidthCache, type FontSpec } from '../../../src/core/text/glyphWidths'
import { breakLines, breakText, maxContentWidth, minContentWidth, textWidth } from '../../../src/core/text/lineBreaker'
import { seededRandom } from '../../../tools/lib/seededRandom'

// Deterministic widths at size 10: wide glyphs 10, narrow 5, space 3.
const WIDE_PUNCT = '…‥—―“”‘’·'
function fakeGlyph(glyph: string, font: FontSpec): number {
  const cp = glyph.codePointAt(0)!
  const em = cp >= 0x2e80 || WIDE_PUNCT.includes(glyph) ? 1 : glyph === ' ' ? 0.3 : 0.5
  return em * font.size
}
const cache = createGlyphWidthCache(fakeGlyph)
const m = cache.measurer({ size: 10 })
const w = (s: string) => m.width(s)

const BREAK_SPACES = ' \t\u200b'
const HARD_BREAKS = '\n\r\u2028\u2029'

/** Checks the breaker's contract for one call and returns the lines. */
function check(text: string, max: number): string[] {
  const { lines, starts } = breakText(text, max, m)
  expect(lines.length).toBe(starts.length)
  let pos = 0
  lines.forEach((line, i) => {
    // Each line is the input's text at its start offset, and within the width.
    expect(text.slice(starts[i], starts[i] + line.length)).toBe(line)
    expect(w(line) <= max || [...line].length === 1, `line ${JSON.stringify(line)} is ${w(line)} > ${max}`).toBe(true)
    for (const ch of line) expect(HARD_BREAKS.includes(ch)).toBe(false)
    // Only breakable spaces and hard breaks are skipped between lines.
    for (const ch of text.slice(pos, starts[i])) expect(BREAK_SPACES + HARD_BREAKS, JSON.stringify(text.slice(pos, starts[i]))).toContain(ch)
    expect(starts[i]).toBeGreaterThanOrEqual(pos)
    pos = starts[i] + line.length
  })
  for (const ch of text.slice(pos)) expect(BREAK_SPACES + HARD_BREAKS).toContain(ch)
  expect(breakLines(text, max, m)).toEqual(lines)
  return lines
}

/** Strips what the breaker may remove: breakable spaces and hard line breaks. */
const strip = (s: string) => s.replace(/[ \t\u200b\n\r\u2028\u2029]/g, '')

describe('line breaker: ideographs', () => {
  it('breaks between ideographs and fills every line', () => {
    expect(check('一二三四五六七八九十一二', 50)).toEqual(['一二三四五', '六七八九十', '一二'])
  })

  it('returns one empty line for empty text and keeps short text whole', () => {
    expect(check('', 50)).toEqual([''])
    expect(check('中文', 50)).toEqual(['中文'])
  })

  it('never exceeds the width, even for a width below one glyph', () => {
    expect(check('一二三', 25)).toEqual(['一二', '三'])
    expect(check('一二', 5)).toEqual(['一', '二'])
  })
})

describe('line breaker: 禁则 (no closing mark at a line start, no opening mark at a line end)', () => {
  it.each([...LINE_START_FORBIDDEN])('pushes %s out with the character before it', (c) => {
    const lines = check(`一二三四五${c}六`, 50)
    expect(lines).toEqual(['一二三四', `五${c}六`])
  })

  it.each([...LINE_END_FORBIDDEN])('moves %s down with the character after it', (o) => {
    const lines = check(`一二三四${o}五六`, 50)
    expect(lines).toEqual(['一二三四', `${o}五六`])
  })

  it('keeps a closing mark that follows a full line off the next line start', () => {
    expect(check('一二三四五。六七', 50)).toEqual(['一二三四', '五。六七'])
    expect(check('一二三四五，六七八九十。', 50)).toEqual(['一二三四', '五，六七八', '九十。'])
  })

  it('keeps chains of closing marks together: "。」", "……", "？！"', () => {
    expect(check('一二三四。」五', 50)).toEqual(['一二三', '四。」五'])
    expect(check('一二三四……五', 50)).toEqual(['一二三', '四……五'])
    expect(check('一二三四？！', 50)).toEqual(['一二三', '四？！'])
    expect(check('一二三」。）四', 50)).toEqual(['一二', '三」。）四'])
  })

  it('keeps "——" in one piece', () => {
    const lines = check('一二三四——五', 50)
    expect(lines).toEqual(['一二三四', '——五'])
  })

  it('keeps opening chains with what follows: "《「"', () => {
    expect(check('一二三《「四」》', 50)).toEqual(['一二三', '《「四」》'])
  })

  it('treats ASCII punctuation in Chinese text like the fullwidth forms', () => {
    const lines = check('我们会收集您的信息,以及网络状态:包括', 60)
    for (const l of lines.slice(1)) expect(',:').not.toContain(l[0])
    expect(lines).toEqual(['我们会收集您', '的信息,以及', '网络状态:包', '括'])
    expect(check('一二三四五,六', 50)).toEqual(['一二三四', '五,六'])
  })

  it('does not start a line with a joining hyphen or slash', () => {
    expect(check('一二三四五-六', 50)).toEqual(['一二三四', '五-六'])
    expect(check('一二三四五/六', 50)).toEqual(['一二三四', '五/六'])
  })

  it('glues ambiguous ASCII quotes to both neighbours', () => {
    expect(check('一二三"四五', 35)).toEqual(['一二', '三"四五'])
    expect(check('并提及"隐私政策"', 50)).toEqual(['并提及"隐', '私政策"'])
  })
})

describe('line breaker: Latin, numbers, e-mail, URLs', () => {
  it('moves a Latin word that does not fit to the next line whole', () => {
    expect(check('一二三四Hello中文', 60)).toEqual(['一二三四', 'Hello中文'])
  })

  it('breaks at spaces and drops the space at the break', () => {
    expect(check('hello world', 25)).toEqual(['hello', 'world'])
    expect(check('hello   world', 25)).toEqual(['hello', 'world'])
    expect(check('IMEI/MAC/Android ID/IDFA', 80)).toEqual(['IMEI/MAC/Android', 'ID/IDFA'])
  })

  it('keeps numbers whole wherever they fit', () => {
    const text = '邮编:518108。如我们会在验证您的用户身份后的15个工作日内回复,更新日期为20240229日。'
    for (let max = 40; max <= 200; max += 1) {
      const lines = check(text, max)
      for (const n of ['518108。', '15', '20240229']) expect(lines.some((l) => l.includes(n)), `${n} @${max}`).toBe(true)
    }
  })

  it('keeps an e-mail address whole wherever it fits', () => {
    const email = 'miitee@coocaa.com'
    const text = `1.您可以向我们开通的${email}客服邮箱发送邮件与我们联系;`
    for (let max = Math.ceil(w(email)); max <= 260; max++) {
      expect(check(text, max).some((l) => l.includes(email)), `@${max}`).toBe(true)
    }
  })

  it('keeps a URL whole where it fits and breaks an over-long one after / ? & = . -', () => {
    const url = 'https://weixin.qq.com/cgi-bin/readtemplate?lang=zh_CN&t=weixin_agreement&s=privacy'
    const text = `隐私协议地址:${url}`
    const fit = Math.ceil(w(url))
    expect(check(text, fit)).toEqual(['隐私协议地址:', url])
    // Narrower than "readtemplate?": that piece breaks anywhere, still losing nothing.
    expect(check(text, 40).join('')).toBe(text)
    // Every piece between preferred break points is at most 65 wide ("readtemplate?").
    for (let max = 70; max < fit; max += 7) {
      const lines = check(text, max)
      expect(strip(lines.join(''))).toBe(strip(text))
      const pieces = lines.slice(1)
      for (const p of pieces.slice(0, -1)) expect('/?&=.-_', `${JSON.stringify(p)} @${max}`).toContain(p[p.length - 1])
    }
  })

  it('starts an over-long URL on the current line when a piece fits there', () => {
    const lines = check('地址:https://x5.tencent.com/tbs/policy.html', 100)
    expect(lines[0].startsWith('地址:https://')).toBe(true)
    expect(lines.join('')).toBe('地址:https://x5.tencent.com/tbs/policy.html')
  })

  it('breaks a long identifier after its dots and underscores', () => {
    const token = 'android.permission.ACCESS_BACKGROUND_LOCATION'
    const lines = check(token, 100)
    expect(lines.join('')).toBe(token)
    expect(lines.length).toBeGreaterThan(1)
    for (const l of lines.slice(0, -1)) expect('._').toContain(l[l.length - 1])
  })

  it('breaks a word longer than the line anywhere, losing nothing', () => {
    const word = 'A'.repeat(30)
    expect(check(word, 50)).toEqual(['A'.repeat(10), 'A'.repeat(10), 'A'.repeat(10)])
    expect(check('SDKAPI', 100)).toEqual(['SDKAPI'])
  })

  it('keeps tokens such as "1,000" and "a.b" whole but breaks after ASCII punctuation in Chinese', () => {
    expect(check('共计1,000元', 30).some((l) => l.includes('1,000'))).toBe(true)
    expect(check('一二三四,abc', 50)).toEqual(['一二三四,', 'abc'])
  })
})

describe('line breaker: code points and hard breaks', () => {
  it('never splits a surrogate pair', () => {
    const text = '𠀀𠀁𠀂😀😁𠀃'
    const lines = check(text, 25)
    expect(lines).toEqual(['𠀀𠀁', '𠀂😀', '😁𠀃'])
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
    for (const l of lines) expect(lone.test(l), l).toBe(false)
    expect(lone.test('\ud840')).toBe(true)
  })

  it('keeps a lone surrogate as a glyph of its own, also at the end of the text', () => {
    const text = '一\ud840二\udc00三ab\ud840'
    // Ideographs and lone surrogates are 10 px here (the fake measurer takes U+2E80 up as wide), letters 5 px.
    expect(w(text)).toBe(70)
    expect(maxContentWidth(text, m)).toBe(70)
    expect(check(text, 1000)).toEqual([text])
    const lines = check(text, 12)
    expect(lines.length).toBeGreaterThan(1)
    expect(lines.join('')).toBe(text)
  })

  it('keeps combining marks and variation selectors with their base', () => {
    const lines = check('一二三四☺\ufe0f五', 50)
    expect(lines).toEqual(['一二三四', '☺\ufe0f五'])
  })

  it('breaks at "\\n", "\\r\\n" and keeps empty lines', () => {
    expect(check('一二\n三四', 100)).toEqual(['一二', '三四'])
    expect(check('a\n\nb', 100)).toEqual(['a', '', 'b'])
    expect(check('a\r\nb\rc', 100)).toEqual(['a', 'b', 'c'])
    expect(check('a\n', 100)).toEqual(['a', ''])
  })

  it('drops spaces at the end of a hard line and keeps indentation', () => {
    expect(check('  一二  \n三', 100)).toEqual(['  一二', '三'])
  })
})

describe('line breaker: measurers and content widths', () => {
  it('accepts a plain width function and gives the same lines', () => {
    const text = '本政策适用于深圳市酷开网络科技股份有限公司(以下简称"酷开"或者"我们")的Miitee应用产品'
    expect(breakLines(text, 120, (s) => cache.width(s, { size: 10 }))).toEqual(breakLines(text, 120, m))
    expect(textWidth(text, (s) => cache.width(s, { size: 10 }))).toBe(w(text))
  })

  it('reports min- and max-content widths', () => {
    expect(minContentWidth('一二 hello world', m)).toBe(25)
    expect(maxContentWidth('一二\nhello world', m)).toBe(53)
    expect(minContentWidth('android.permission.CAMERA', m)).toBe(w('android.permission.CAMERA'))
  })
})

// ---- property test ---------------------------------------------------------------------------


const GROUPS: Array<{ chars: string[]; weight: number; punct: boolean }> = [
  { chars: [...'我们的隐私政策个人信息收集使用'], weight: 30, punct: false },
  { chars: [...'abcXYZmiitee'], weight: 14, punct: false },
  { chars: [...'0123456789'], weight: 6, punct: false },
  { chars: [...'/?&=.-_@'], weight: 5, punct: false },
  { chars: [...'，。、；：？！）」』》】…'], weight: 8, punct: true },
  { chars: [...',.;:?!)'], weight: 5, punct: true },
  { chars: [...'（「『《【'], weight: 3, punct: true },
  { chars: [...'(['], weight: 2, punct: true },
  { chars: ['"', '—'], weight: 2, punct: true },
  { chars: [' '], weight: 6, punct: false },
  { chars: ['\n'], weight: 1, punct: false },
  { chars: ['𠀀', '😀'], weight: 2, punct: false },
]
const TOTAL = GROUPS.reduce((s, g) => s + g.weight, 0)

function generate(rnd: () => number, length: number): string {
  let out = ''
  let run = 0
  for (let i = 0; i < length; i++) {
    let g
    do {
      let r = rnd() * TOTAL
      g = GROUPS.find((x) => (r -= x.weight) < 0) ?? GROUPS[0]
    } while (g.punct && run >= 2)
    run = g.punct ? run + 1 : 0
    out += g.chars[Math.floor(rnd() * g.chars.length)]
  }
  return out
}

describe('line breaker: generated strings', () => {
  it('keeps every character in order, within the width, with 禁则, over 3000 strings', () => {
    const rnd = seededRandom(20240229)
    for (let n = 0; n < 3000; n++) {
      const text = generate(rnd, 1 + Math.floor(rnd() * 120))
      const max = 60 + Math.floor(rnd() * 140)
      const { lines, starts } = breakText(text, max, m)
      const ctx = `${JSON.stringify(text)} @${max} → ${JSON.stringify(lines)}`
      // Join invariant: the lines are the text minus break-point spaces and hard breaks.
      expect(strip(lines.join('')), ctx).toBe(strip(text))
      let pos = 0
      lines.forEach((line, i) => {
        expect(text.slice(starts[i], starts[i] + line.length), ctx).toBe(line)
        expect(/^[ \n]*$/.test(text.slice(pos, starts[i])), ctx).toBe(true)
        pos = starts[i] + line.length
        expect(w(line), ctx).toBeLessThanOrEqual(max)
        const hardStart = starts[i] === 0 || text[starts[i] - 1] === '\n'
        const end = starts[i] + line.length
        const hardEnd = end === text.length || text[end] === '\n' || /^ *(\n|$)/.test(text.slice(end))
        if (line.length > 0 && !hardStart) expect(LINE_START_FORBIDDEN.includes(line[0]), `starts with ${line[0]}: ${ctx}`).toBe(false)
        if (line.length > 0 && !hardEnd) {
          expect(LINE_END_FORBIDDEN.includes(line[line.length - 1]), `ends with ${line[line.length - 1]}: ${ctx}`).toBe(false)
        }
      })
      expect(/^[ \n]*$/.test(text.slice(pos)), ctx).toBe(true)
    }
  })

  it('is deterministic and independent of cache state', () => {
    const rnd = seededRandom(7)
    const fresh = createGlyphWidthCache(fakeGlyph).measurer({ size: 10 })
    for (let n = 0; n < 200; n++) {
      const text = generate(rnd, 80)
      expect(breakLines(text, 90, fresh)).toEqual(breakLines(text, 90, m))
    }
  })
})
