// Character classes for Chinese line breaking (禁则处理), a small subset of UAX #14
// tuned for zh-CN text that mixes fullwidth and ASCII punctuation, Latin words,
// numbers, e-mail addresses and URLs.

/** Ordinary narrow characters: letters, digits, ASCII symbols not listed below. No break between two of them. */
export const CC_AL = 0
/** Ideographs, kana, hangul, fullwidth letters and digits, emoji: a break is allowed before and after. */
export const CC_ID = 1
/** Breakable space (space, tab, zero-width space): a break may replace it, and the space is dropped there. */
export const CC_SP = 2
/** Hard line break. */
export const CC_BK = 3
/** Wide opening punctuation (（「『《【 …, fullwidth currency prefixes): never at a line end; break before allowed. */
export const CC_OPW = 4
/** Narrow opening punctuation (( [ { “ ‘ …, currency prefixes): never at a line end; glued to a preceding narrow character. */
export const CC_OPN = 5
/** Wide closing / trailing punctuation (，。、）」 … 々 ー small kana ％): never at a line start; break after allowed. */
export const CC_CLW = 6
/**
 * Narrow closing / trailing punctuation (, . ; : ? ! ) ] } % ” ’ ·) and the narrow joiners - and /:
 * never at a line start. A break after one is allowed only when the run it closes began after wide
 * text (Chinese with ASCII punctuation, "信息,我们"); inside a Latin token ("1,000", "a.b", "IMEI/MAC") it glues.
 */
export const CC_CLN = 7
/** Ambiguous ASCII quotes " and ': direction unknown, so no break on either side (UAX #14 QU). */
export const CC_QU = 8
/** Glue: no-break space, word joiner, zero-width joiner: no break on either side. */
export const CC_GL = 9
/** Combining marks, variation selectors, emoji modifiers: never separated from the character before. */
export const CC_CM = 10
/** Dashes —— and ⸺ (wide, breakable around) that must not be split from each other. */
export const CC_IN = 11

export type CharClass = number

/** Closing and trailing punctuation that must not start a line (wide forms). */
export const CLOSING_WIDE =
  '，。、；：？！）］｝」』》】〕〉〗〙〛〞〟”’…‥・～〜々〻ー゠ゝゞヽヾ' +
  'ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ' +
  '％℃￠' +
  '｡｣､ｰ' + // halfwidth forms
  '﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞' + // small form variants
  '︰︱︲︳︴︵︶︷︸︹︺︻︼︽︾︿﹀﹁﹂﹃﹄' // vertical forms (closing in horizontal text is harmless)

/** Closing and trailing punctuation that must not start a line (narrow forms). */
export const CLOSING_NARROW = ',.;:?!)]}%”’»›·‰°′″‼⁇⁈⁉'

/** Narrow joiners: not closing punctuation, but a line never starts with them ("开启/关闭", "Wi-Fi"). */
export const NO_BREAK_BEFORE_NARROW = '-/‐‑'

/** Opening punctuation and currency prefixes that must not end a line (wide forms). */
export const OPENING_WIDE = '（［｛「『《【〔〈〖〘〚〝｟｢﹙﹛﹝￥＄￡￦'

/** Opening punctuation and currency prefixes that must not end a line (narrow forms). */
export const OPENING_NARROW = '([{“‘«‹¿¡$£¥€'

/** Characters a line may not start with: every closing / trailing mark above. */
export const LINE_START_FORBIDDEN = CLOSING_WIDE + CLOSING_NARROW
/** Characters a line may not end with: every opening mark above. */
export const LINE_END_FORBIDDEN = OPENING_WIDE + OPENING_NARROW

/** Ambiguous quotes. */
export const QUOTES_AMBIGUOUS = '"\''

/** Inseparable dashes: "——" stays together. (… and ‥ never start a line, which keeps "……" whole too.) */
export const INSEPARABLE = '—―⸺⸻'

/**
 * Inside an over-long Latin run (URL, e-mail, android.permission.X), preferred break positions are
 * right after one of these, when the next character is a letter or digit.
 */
export const SOFT_BREAK_AFTER = '/?&=.-_@\\|,;:~+#'

const table = new Map<number, CharClass>()
function put(chars: string, cls: CharClass) {
  for (const ch of chars) table.set(ch.codePointAt(0)!, cls)
}
put(CLOSING_WIDE, CC_CLW)
put(CLOSING_NARROW, CC_CLN)
put(NO_BREAK_BEFORE_NARROW, CC_CLN)
put(OPENING_WIDE, CC_OPW)
put(OPENING_NARROW, CC_OPN)
put(QUOTES_AMBIGUOUS, CC_QU)
put(INSEPARABLE, CC_IN)
put(' \t\u200b', CC_SP)
put('\n\r\u000b\u000c\u0085\u2028\u2029', CC_BK)
put('\u00a0\u2007\u202f\u2060\ufeff\u200d\u034f\u180e', CC_GL)

const ascii = new Uint8Array(128)
for (let c = 0; c < 128; c++) ascii[c] = table.get(c) ?? CC_AL

const soft = new Uint8Array(128)
for (const ch of SOFT_BREAK_AFTER) soft[ch.charCodeAt(0)] = 1

/** Whether a code point is a preferred break-after character inside a long Latin run. */
export function isSoftBreakAfter(cp: number): boolean {
  return cp < 128 && soft[cp] === 1
}

/** Marks a BMP code point whose class is not computed yet (every class is < 255). */
const UNKNOWN = 255
let bmp: Uint8Array | null = null

/** Class of one code point. */
export function charClass(cp: number): CharClass {
  if (cp < 128) return ascii[cp]
  if (cp < 0x10000) {
    // One byte per BMP code point, filled on first sight of each: a text uses few of them, and
    // filling the whole table up front would delay the first screen.
    if (bmp === null) bmp = new Uint8Array(0x10000).fill(UNKNOWN)
    let k = bmp[cp]
    if (k === UNKNOWN) bmp[cp] = k = classify(cp)
    return k
  }
  return classify(cp)
}

function classify(cp: number): CharClass {
  if (cp < 128) return ascii[cp]
  const t = table.get(cp)
  if (t !== undefined) return t
  if (cp < 0x0300) return CC_AL
  if (cp <= 0x036f) return CC_CM
  if (cp < 0x1100) return CC_AL
  if (cp <= 0x115f) return CC_ID // Hangul leading jamo
  if (cp >= 0x1ab0 && cp <= 0x1aff) return CC_CM
  if (cp >= 0x1dc0 && cp <= 0x1dff) return CC_CM
  if (cp >= 0x20d0 && cp <= 0x20ff) return CC_CM
  if (cp < 0x2e80) return CC_AL
  if (cp <= 0x303f) return cp === 0x302a || cp === 0x302b || cp === 0x302c || cp === 0x302d ? CC_CM : CC_ID
  if (cp <= 0x3098) return CC_ID // hiragana
  if (cp <= 0x309a) return CC_CM // combining (semi-)voiced sound marks
  if (cp <= 0x4dbf) return CC_ID // kana, bopomofo, hangul compatibility, enclosed CJK, CJK ext. A
  if (cp <= 0x9fff) return CC_ID // CJK unified ideographs
  if (cp <= 0xa4cf) return CC_ID // Yi
  if (cp >= 0xa960 && cp <= 0xa97f) return CC_ID
  if (cp >= 0xac00 && cp <= 0xd7af) return CC_ID // hangul syllables
  if (cp >= 0xf900 && cp <= 0xfaff) return CC_ID // compatibility ideographs
  if (cp >= 0xfe00 && cp <= 0xfe0f) return CC_CM // variation selectors
  if (cp >= 0xfe20 && cp <= 0xfe2f) return CC_CM
  if (cp >= 0xfe30 && cp <= 0xfe6f) return CC_ID // CJK compatibility and small forms not listed above
  if (cp >= 0xff00 && cp <= 0xffef) return CC_ID // fullwidth and halfwidth forms not listed above
  if (cp >= 0x1f1e6 && cp <= 0x1f1ff) return CC_AL // regional indicators: keep flag pairs together
  if (cp >= 0x1f3fb && cp <= 0x1f3ff) return CC_CM // emoji skin tone modifiers
  if (cp >= 0x1f000 && cp <= 0x1faff) return CC_ID // emoji and pictographs
  if (cp >= 0x20000 && cp <= 0x3fffd) return CC_ID // CJK ext. B and later
  if (cp >= 0xe0020 && cp <= 0xe007f) return CC_CM // tags
  if (cp >= 0xe0100 && cp <= 0xe01ef) return CC_CM // variation selectors supplement
  return CC_AL
}

/** True for characters that must not start a line (closing / trailing punctuation and the narrow joiners). */
export function isLineStartForbidden(cp: number): boolean {
  const c = charClass(cp)
  return c === CC_CLW || c === CC_CLN
}

/** True for characters that must not end a line (opening punctuation, currency prefixes). */
export function isLineEndForbidden(cp: number): boolean {
  const c = charClass(cp)
  return c === CC_OPW || c === CC_OPN
}

/** Wide classes: text that behaves like CJK for breaking purposes. */
export function isWideClass(c: CharClass): boolean {
  return c === CC_ID || c === CC_CLW || c === CC_OPW || c === CC_IN
}
