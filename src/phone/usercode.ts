// The user code as a person types it: case, spaces and dashes are ignored (RFC 8628 §6.1).
import { USER_CODE_ALPHABET, USER_CODE_LENGTH } from '../core/protocol/constants'
import { normalizeUserCode } from '../core/protocol/codes'

export type CodeProblem = 'empty' | 'short' | 'long' | 'chars'

export type CodeCheck = { ok: true; code: string } | { ok: false; problem: CodeProblem; bad?: string[] }

const SEPARATORS = /[\s\-\u2010-\u2015\u2212\uff0d_.·]/g

/** Letters a person typed, upper-cased, separators dropped (full-width letters folded). */
export function codeLetters(text: string): string {
  return text
    .replace(/[\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase()
    .replace(SEPARATORS, '')
}

/** Checks a typed code: the normalised code, or what is wrong with it (for a message next to the field). */
export function checkUserCode(text: string): CodeCheck {
  const letters = codeLetters(text)
  if (letters.length === 0) return { ok: false, problem: 'empty' }
  const bad = [...new Set([...letters].filter((c) => USER_CODE_ALPHABET.indexOf(c) < 0))]
  if (bad.length) return { ok: false, problem: 'chars', bad }
  if (letters.length < USER_CODE_LENGTH) return { ok: false, problem: 'short' }
  if (letters.length > USER_CODE_LENGTH) return { ok: false, problem: 'long' }
  const code = normalizeUserCode(letters)
  return code ? { ok: true, code } : { ok: false, problem: 'chars' }
}

/** `XXXX-XXXX` display form of a normalised code. */
export function displayCode(code: string): string {
  const t = codeLetters(code)
  return t.length > 4 ? `${t.slice(0, 4)}-${t.slice(4)}` : t
}
