// Line breaking for Chinese text with embedded Latin words, numbers, e-mail addresses and URLs.
//
// Rules (see charClasses.ts for the character sets):
// - A break is allowed between ideographs / kana / fullwidth characters, between wide and narrow
//   text, and at breakable spaces (the spaces at a break are dropped). Runs of narrow characters
//   (Latin words, numbers, e-mail addresses, URLs, android.permission.X) are unbreakable units.
// - 禁则: no line starts with closing or trailing punctuation, no line ends with opening
//   punctuation. This is done by push-out: the unbreakable unit is the character before a closing
//   mark together with the mark (and every mark chained after it, "。」", "……"), and the opening
//   mark together with what follows, so when the unit does not fit it moves to the next line whole.
// - Width is a hard limit: no line is ever wider than maxWidth (no hanging punctuation). The one
//   exception is a single glyph wider than maxWidth, which gets a line of its own.
// - A unit wider than maxWidth (a long URL, a long identifier) is broken: first after one of
//   / ? & = . - _ @ (SOFT_BREAK_AFTER) followed by a letter or digit, then at any position that keeps
//   the 禁则 rules, then anywhere. Such a unit starts on the current line when a piece of it fits.
// - "\n" (also "\r\n", "\r", U+2028, U+2029) forces a break and is not part of any line.
// - Spaces at the end of a hard line are dropped; spaces at its start are kept (indentation).
//
// Invariant: lines.join('') equals the text without its line-break characters and without the
// breakable spaces (U+0020, tab, U+200B) that stood at a line end or start. Widths are sums of
// per-code-point widths added left to right from the line's start, exactly as GlyphMeasurer.width
// computes them, so measuring a returned line reproduces the width the breaker checked.

import * as cc from './charClasses'
import type { TextMeasurer } from './glyphWidths'

export type { TextMeasurer } from './glyphWidths'

// Class numbers copied into module constants once (hot loops below read them per character).
const CC_AL = cc.CC_AL
const CC_ID = cc.CC_ID
const CC_SP = cc.CC_SP
const CC_BK = cc.CC_BK
const CC_OPW = cc.CC_OPW
const CC_OPN = cc.CC_OPN
const CC_CLW = cc.CC_CLW
const CC_CLN = cc.CC_CLN
const CC_QU = cc.CC_QU
const CC_GL = cc.CC_GL
const CC_CM = cc.CC_CM
const CC_IN = cc.CC_IN
const charClass = cc.charClass
const isSoftBreakAfter = cc.isSoftBreakAfter

export interface BrokenText {
  lines: string[]
  /** UTF-16 index in the input of each line's first character (for an empty line: where it stands). */
  starts: number[]
}

interface Decoded {
  /** Number of code points. */
  n: number
  cps: Int32Array
  /** UTF-16 offset of each code point; offs[n] = text.length. */
  offs: Int32Array
  cls: Uint8Array
  ws: Float64Array
}

function codePointWidthOf(measure: TextMeasurer): (cp: number) => number {
  if (typeof measure !== 'function') return measure.codePointWidth.bind(measure)
  const memo = new Map<number, number>()
  return (cp) => {
    let w = memo.get(cp)
    if (w === undefined) {
      const m = measure(String.fromCodePoint(cp))
      w = Number.isFinite(m) && m > 0 ? m : 0
      memo.set(cp, w)
    }
    return w
  }
}

function decode(text: string, cpw: (cp: number) => number): Decoded {
  const len = text.length
  const cps = new Int32Array(len)
  const offs = new Int32Array(len + 1)
  const cls = new Uint8Array(len + 1)
  const ws = new Float64Array(len)
  let n = 0
  for (let i = 0; i < len; i++) {
    const at = i
    const c = text.codePointAt(i)!
    if (c > 0xffff) i++
    const k = charClass(c)
    cps[n] = c
    offs[n] = at
    cls[n] = k
    ws[n] = k === CC_BK ? 0 : cpw(c)
    n++
  }
  offs[n] = len
  return { n, cps, offs, cls, ws }
}

/** Class of the code point before index i as seen by the rules: combining marks take their base's class. */
function prevClass(cls: Uint8Array, i: number, floor: number): number {
  let k = i - 1
  while (k > floor && cls[k] === CC_CM) k--
  const c = cls[k]
  return c === CC_CM || c === CC_SP ? CC_AL : c
}

/** Whether a normal (non-emergency) break is allowed between two non-space code points i-1 and i. */
function breakBetween(cls: Uint8Array, i: number, floor: number): boolean {
  const q = cls[i]
  if (q === CC_CLW || q === CC_CLN || q === CC_CM || q === CC_GL || q === CC_QU) return false
  const p = cls[i - 1] === CC_CM ? prevClass(cls, i, floor) : cls[i - 1]
  if (p === CC_OPW || p === CC_OPN || p === CC_GL || p === CC_QU) return false
  if (p === CC_IN && q === CC_IN) return false
  if (p === CC_ID || p === CC_CLW || p === CC_IN || q === CC_ID || q === CC_OPW || q === CC_IN) return true
  if (p === CC_CLN) {
    // Narrow closing mark before a narrow character: a break only if the run of marks closes wide
    // text ("信息,Miitee"), not inside a token ("1,000", "weixin.qq.com", "IMEI/MAC").
    let k = i - 2
    while (k >= floor && cls[k] === CC_CLN) k--
    if (k < floor) return true
    const c = cls[k]
    return c === CC_SP || c === CC_ID || c === CC_CLW || c === CC_OPW || c === CC_IN
  }
  return false
}

/** Whether a run of breakable spaces between classes p and q is a break opportunity. */
function spaceBreaks(p: number, q: number): boolean {
  if (p === CC_OPW || p === CC_OPN || p === CC_GL) return false
  if (q === CC_CLW || q === CC_CLN || q === CC_CM || q === CC_GL) return false
  return true
}

/** Emergency break position check: keeps 禁则 but ignores word boundaries. */
function kinsokuOk(cls: Uint8Array, q: number): boolean {
  const c = cls[q]
  const p = cls[q - 1]
  if (c === CC_CLW || c === CC_CLN || c === CC_CM || c === CC_GL) return false
  if (p === CC_OPW || p === CC_OPN || p === CC_GL) return false
  if (p === CC_IN && c === CC_IN) return false
  return true
}

/** Preferred break inside an over-long narrow run: after / ? & = . - _ @ …, before a letter or digit. */
function softAt(d: Decoded, q: number): boolean {
  return isSoftBreakAfter(d.cps[q - 1]) && d.cls[q] === CC_AL && !isSoftBreakAfter(d.cps[q])
}

/**
 * Calls `seg(sp, s, e)` for each unbreakable unit of the hard line [a, end) (end excludes trailing
 * spaces): [sp, s) are the breakable spaces before it (dropped if the line breaks there), [s, e) its content.
 */
function scanSegments(d: Decoded, a: number, end: number, seg: (sp: number, s: number, e: number) => void): void {
  const cls = d.cls
  let sp = a
  let s = a
  let i = a
  while (i < end && cls[i] === CC_SP) i++ // leading spaces are content of the first unit
  if (i < end) i++
  while (s < end) {
    let e = end
    let sp2 = end
    let s2 = end
    while (i < end) {
      const c = cls[i]
      if (c === CC_SP) {
        let j = i + 1
        while (cls[j] === CC_SP) j++
        if (spaceBreaks(prevClass(cls, i, a), cls[j])) {
          e = i
          sp2 = i
          s2 = j
          break
        }
        i = j + 1
        continue
      }
      if (cls[i - 1] !== CC_SP && breakBetween(cls, i, a)) {
        e = i
        sp2 = i
        s2 = i
        break
      }
      i++
    }
    seg(sp, s, e)
    sp = sp2
    s = s2
    i = s2 + 1
  }
}

function forEachHardLine(d: Decoded, fn: (a: number, b: number, end: number) => void): void {
  let a = 0
  for (;;) {
    let b = a
    while (b < d.n && d.cls[b] !== CC_BK) b++
    let end = b
    while (end > a && d.cls[end - 1] === CC_SP) end--
    fn(a, b, end)
    if (b >= d.n) return
    a = b + 1
    if (d.cps[b] === 13 && a < d.n && d.cps[a] === 10) a++
  }
}

/** Breaks `text` into lines no wider than `maxWidth`, with each line's start offset in the text. */
export function breakText(text: string, maxWidth: number, measure: TextMeasurer): BrokenText {
  const d = decode(text, codePointWidthOf(measure))
  const { ws, offs } = d
  const lines: string[] = []
  const starts: number[] = []
  const max = maxWidth
  const emit = (s: number, e: number) => {
    lines.push(text.slice(offs[s], offs[e]))
    starts.push(offs[s])
  }
  let lineS = -1
  let lineE = 0
  let lineW = 0

  // Starts a new line at s with the unit [s, e), breaking the unit while it is wider than max.
  const fresh = (s: number, e: number) => {
    for (;;) {
      let w = 0
      let k = s
      for (; k < e; k++) {
        const nw = w + ws[k]
        if (nw > max) break
        w = nw
      }
      if (k === e) {
        lineS = s
        lineE = e
        lineW = w
        return
      }
      let p = -1
      for (let q = k; q > s; q--) {
        if (softAt(d, q)) {
          p = q
          break
        }
      }
      if (p < 0) {
        for (let q = k; q > s; q--) {
          if (kinsokuOk(d.cls, q)) {
            p = q
            break
          }
        }
      }
      if (p < 0) p = k > s ? k : s + 1
      emit(s, p)
      s = p
      if (s >= e) return // a single glyph wider than the line took a line of its own
    }
  }

  const place = (sp: number, s: number, e: number) => {
    if (lineS < 0) {
      fresh(s, e)
      return
    }
    let w = lineW
    let k = sp
    for (; k < e; k++) {
      w += ws[k]
      if (w > max) break
    }
    if (k === e) {
      lineE = e
      lineW = w
      return
    }
    let cw = 0
    for (k = s; k < e; k++) {
      cw += ws[k]
      if (cw > max) break
    }
    if (k < e) {
      // Over-long unit: start it on this line if a piece up to a preferred break fits.
      let w2 = lineW
      for (k = sp; k < s; k++) w2 += ws[k]
      let best = -1
      for (k = s; k < e - 1; k++) {
        w2 += ws[k]
        if (w2 > max) break
        if (softAt(d, k + 1)) best = k + 1
      }
      if (best > s) {
        emit(lineS, best)
        lineS = -1
        fresh(best, e)
        return
      }
    }
    emit(lineS, lineE)
    lineS = -1
    fresh(s, e)
  }

  forEachHardLine(d, (a, _b, end) => {
    if (end === a) {
      lines.push('')
      starts.push(offs[a])
      return
    }
    lineS = -1
    scanSegments(d, a, end, place)
    if (lineS >= 0) emit(lineS, lineE)
  })
  return { lines, starts }
}

/** Breaks `text` into lines no wider than `maxWidth` (see the rules at the top of this file). */
export function breakLines(text: string, maxWidth: number, measure: TextMeasurer): string[] {
  return breakText(text, maxWidth, measure).lines
}

/** Width of the widest unbreakable unit: the narrowest width that needs no emergency break. */
export function minContentWidth(text: string, measure: TextMeasurer): number {
  const d = decode(text, codePointWidthOf(measure))
  let best = 0
  forEachHardLine(d, (a, _b, end) => {
    if (end === a) return
    scanSegments(d, a, end, (_sp, s, e) => {
      let w = 0
      for (let k = s; k < e; k++) w += d.ws[k]
      if (w > best) best = w
    })
  })
  return best
}

/** Width of the widest hard line: the width at which the text needs no wrapping. */
export function maxContentWidth(text: string, measure: TextMeasurer): number {
  const d = decode(text, codePointWidthOf(measure))
  let best = 0
  forEachHardLine(d, (a, _b, end) => {
    let w = 0
    for (let k = a; k < end; k++) w += d.ws[k]
    if (w > best) best = w
  })
  return best
}

/** Width of a string with the given measurer (sum of per-code-point widths). */
export function textWidth(text: string, measure: TextMeasurer): number {
  if (typeof measure !== 'function') return measure.width(text)
  const cpw = codePointWidthOf(measure)
  let w = 0
  for (const ch of text) w += cpw(ch.codePointAt(0)!)
  return w
}
