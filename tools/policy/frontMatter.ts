// The front matter at the top of a policy file: `---`, then `key: value` lines giving the id,
// version, effective date and locale, then `---`.

import type { PolicySource } from './errors'

const FRONT_MATTER_KEYS = ['id', 'version', 'effectiveDate', 'locale'] as const
type FrontMatterKey = (typeof FRONT_MATTER_KEYS)[number]

export type FrontMatter = Record<FrontMatterKey, string>

const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const VERSION_RE = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/
const LOCALE_RE = /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$/

/** Reads and checks the front matter; `bodyStart` is the 0-based index of the first line after it. */
export function parseFrontMatter(src: PolicySource): { meta: FrontMatter; bodyStart: number } {
  const lines = src.lines
  const bad = (line: number, reason: string): never => src.fail('POLICY_BAD_FRONT_MATTER', line, reason)
  if (lines[0]?.trim() !== '---') {
    bad(1, 'the file must start with front matter: a `---` line, `key: value` lines (id, version, effectiveDate, locale), a `---` line')
  }
  const close = lines.findIndex((l, i) => i > 0 && l.trim() === '---')
  if (close < 0) bad(1, 'front matter is not closed: add a `---` line after it')
  const meta: Partial<FrontMatter> = {}
  for (let i = 1; i < close; i++) {
    const raw = lines[i].trim()
    const line = i + 1
    if (raw === '' || raw.startsWith('#')) continue
    const m = /^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$/.exec(raw)
    if (!m) bad(line, `expected \`key: value\`, got ${JSON.stringify(raw)}`)
    const key = m![1]
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) {
      bad(line, `unknown front matter key "${key}" (known: ${FRONT_MATTER_KEYS.join(', ')})`)
    }
    const k = key as FrontMatterKey
    if (meta[k] !== undefined) bad(line, `duplicate front matter key "${key}"`)
    const value = unquote(m![2].trim())
    if (value === '') bad(line, `front matter key "${key}" has no value`)
    const problem = checkMeta(k, value)
    if (problem) bad(line, `${key}: ${problem}`)
    meta[k] = value
  }
  for (const k of FRONT_MATTER_KEYS) {
    if (meta[k] === undefined) bad(close + 1, `front matter lacks "${k}"`)
  }
  return { meta: meta as FrontMatter, bodyStart: close + 1 }
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1)
  return v
}

function checkMeta(key: FrontMatterKey, value: string): string | undefined {
  switch (key) {
    case 'id':
      return ID_RE.test(value) ? undefined : `"${value}" is not an id (lowercase letters, digits, single "-")`
    case 'version':
      return VERSION_RE.test(value) ? undefined : `"${value}" is not a version (letters, digits, ".", "-", "+", "_")`
    case 'locale':
      return LOCALE_RE.test(value) ? undefined : `"${value}" is not a BCP 47 tag like zh-CN`
    case 'effectiveDate':
      return isIsoDate(value) ? undefined : `"${value}" is not a date YYYY-MM-DD`
  }
}

function isIsoDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}
