// Syntax levels of shipped scripts, read with acorn: the legacy build's check (ES2015 at most,
// naming the file and position of anything later) and the newest level the modern build uses,
// which the page's loader probes for before it serves the modern build.
import { readFileSync } from 'node:fs'
import { parse, type ecmaVersion as EcmaVersion } from 'acorn'

export const LEVELS = [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025] as const
export type Level = (typeof LEVELS)[number]

/**
 * Source that parses only in an engine that parses the key's level (with the probes before it,
 * every level up to it). Compiled by the loader with `new Function`, never run. Regular
 * expression features are left out: engines gained them out of step with the rest of their level.
 */
export const LEVEL_PROBES: Partial<Record<Level, string>> = {
  2015: 'class A { m() { return () => 1 } }; function* g() { yield* [1] }; let { a, b: [c] = [] } = { a: 1 }; const t = `${a}`; for (const x of [1]) {}',
  2016: 'a ** 2',
  2017: 'async function f() { await 1 }',
  2018: '({ ...a }); async function* g() { for await (const x of []) {} }',
  2019: 'try {} catch {}',
  2020: "a?.b ?? c; () => import('./x.js')",
  2021: 'a ||= b; a &&= 1_000',
  2022: 'class B { static x = 1; #y = 2; m() { return #y in this } }',
}

export interface SyntaxViolation {
  file: string
  line: number
  column: number
  message: string
}

function parses(source: string, ecmaVersion: EcmaVersion, sourceType: 'script' | 'module'): { ok: true } | { ok: false; line: number; column: number; message: string } {
  try {
    parse(source, { ecmaVersion, sourceType, locations: true })
    return { ok: true }
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } }
    return { ok: false, line: err.loc?.line ?? 0, column: err.loc?.column ?? 0, message: err.message }
  }
}

/** Where `file` uses syntax later than `ecmaVersion` (the first place acorn stops), or null. */
export function syntaxViolation(file: string, ecmaVersion: 5 | 2015, sourceType: 'script' | 'module' = 'script'): SyntaxViolation | null {
  const r = parses(readFileSync(file, 'utf8'), ecmaVersion, sourceType)
  return r.ok ? null : { file, line: r.line, column: r.column, message: r.message }
}

/** The ECMAScript level of `source`: the lowest at which it parses; throws when none does. */
export function syntaxLevel(source: string, sourceType: 'script' | 'module', name = 'script'): Level {
  for (const level of LEVELS) if (parses(source, level, sourceType).ok) return level
  const r = parses(source, 'latest', sourceType)
  throw new Error(`${name}: does not parse as ECMAScript ${LEVELS[LEVELS.length - 1]}${r.ok ? '' : `: ${r.message} (${r.line}:${r.column})`}`)
}

/** The probe for `level`: every level's probe up to it, so that an engine passing it parses them all. */
export function probeFor(level: Level): string {
  if (!LEVEL_PROBES[level]) throw new Error(`no syntax probe for ECMAScript ${level}: add one to LEVEL_PROBES (tools/legacy-syntax.ts)`)
  return LEVELS.filter((l) => l <= level)
    .map((l) => LEVEL_PROBES[l])
    .join(';\n')
}
