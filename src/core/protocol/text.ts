// Untrusted text that reaches the ledger and other people's screens: display names (a phone's,
// a TV's) and the device's clock reading. Pure functions; the service refuses what they refuse.

/** Longest display name kept, in UTF-16 code units (what the schemas count). */
export const MAX_NAME_LENGTH = 64

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string }

// Invisible format characters (Unicode category Cf: bidi embeddings, overrides and isolates,
// LRM/RLM/ALM, zero-width joiners and spaces, the BOM, the soft hyphen, tag characters): they can
// make a name read as another on screen, and carry nothing a person reads. Spelled out rather
// than \p{Cf}, which the oldest TV and phone engines cannot parse.
const FORMAT =
  /[\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890\u0891\u08E2\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB\u{110BD}\u{110CD}\u{13430}-\u{1343F}\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0001}\u{E0020}-\u{E007F}]/gu
/** C0 and C1 control characters (category Cc). */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/
const SEPARATORS = /[\s\u2028\u2029]+/g

/** Whether `s` holds a UTF-16 surrogate that is not half of a pair. */
function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
      else return true
    } else if (c >= 0xdc00 && c <= 0xdfff) return true
  }
  return false
}

/**
 * The name as it is stored and shown: NFC, without invisible format characters, runs of
 * whitespace as one space, trimmed. Refused: control characters (C0 and C1), lone surrogates,
 * nothing left to show, or longer than MAX_NAME_LENGTH.
 */
export function normalizeDisplayName(raw: string): NameCheck {
  if (hasLoneSurrogate(raw)) return { ok: false, reason: 'contains a broken character (a lone UTF-16 surrogate)' }
  if (CONTROL.test(raw)) return { ok: false, reason: 'contains control characters' }
  const name = raw.normalize('NFC').replace(FORMAT, '').replace(SEPARATORS, ' ').trim()
  if (name === '') return { ok: false, reason: 'has no visible characters' }
  if (name.length > MAX_NAME_LENGTH) return { ok: false, reason: `is longer than ${MAX_NAME_LENGTH} characters` }
  return { ok: true, name }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** An RFC 3339 date-time (§5.6) that names a real instant: month, day, hour, minute, second and offset in range. */
export function isRfc3339DateTime(text: string): boolean {
  const m = RFC3339.exec(text)
  if (!m) return false
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number)
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false
  // Second 60 is a leap second (RFC 3339 §5.7).
  if (hour > 23 || minute > 59 || second > 60) return false
  if (m[9] !== undefined && (Number(m[10]) > 23 || Number(m[11]) > 59)) return false
  return true
}
