// What `npm run dist` ships for the Chrome 53 / Safari 10 class: every script of the legacy build
// in dist/es6 parses as ES2015 (acorn, ecmaVersion 2015) and the page's loader as ES5; a failure
// names the file and the position. Reads the real dist output (npm test runs `npm run dist` first).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parse } from 'acorn'
import { describe, expect, it } from 'vitest'
import { LEGACY_DIR, LOADER, pageScripts } from '../../tools/tv-legacy-build'
import { distIndexHtml } from '../../tools/dist-page'

const ROOT = resolve(__dirname, '../..')
const DIST = resolve(ROOT, process.env.MIITEE_DIST_DIR || 'dist/es6')

function requireDist(): void {
  for (const f of ['index.html', LOADER, `${LEGACY_DIR}/scripts.json`]) {
    if (!existsSync(join(DIST, f))) throw new Error(`${join(DIST, f)} is missing: run \`npm run dist\` first`)
  }
}

/** Every .js file under `dir`, recursively. */
function scriptsUnder(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...scriptsUnder(path))
    else if (name.endsWith('.js')) out.push(path)
  }
  return out.sort()
}

/** null when `file` parses at `ecmaVersion`, else "file:line:column: message". */
function parseError(file: string, ecmaVersion: 5 | 2015): string | null {
  try {
    parse(readFileSync(file, 'utf8'), { ecmaVersion, sourceType: 'script', locations: true })
    return null
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } }
    return `${relative(ROOT, file)}:${err.loc?.line}:${err.loc?.column}: ${err.message}`
  }
}

describe('the legacy build of dist/es6', () => {
  requireDist()
  const manifest = JSON.parse(readFileSync(join(DIST, LEGACY_DIR, 'scripts.json'), 'utf8')) as { modern: string[]; legacy: string[] }
  const shipped = scriptsUnder(join(DIST, LEGACY_DIR))

  it('ships Lightning, the SDK and app bundle, the boot and start scripts, polyfills and the pairing feature as legacy scripts', () => {
    const names = shipped.map((f) => relative(join(DIST, LEGACY_DIR), f))
    expect(names).toEqual(expect.arrayContaining(['polyfills.js', 'boot.js', 'lightning.js', 'appBundle.js', 'start.js', 'features/pairing.js']))
    // Every script the loader runs for the legacy build is among them, polyfills first.
    expect(manifest.legacy[0]).toBe(`./${LEGACY_DIR}/polyfills.js`)
    for (const s of manifest.legacy) expect(shipped).toContain(join(DIST, s))
  })

  it('every legacy script parses as ES2015 (acorn)', () => {
    const errors = shipped.map((f) => parseError(f, 2015)).filter((e) => e !== null)
    expect(errors).toEqual([])
  })

  it('the loader, the page’s only script, parses as ES5', () => {
    expect(pageScripts(readFileSync(join(DIST, 'index.html'), 'utf8'))).toEqual([`./${LOADER}`])
    expect(parseError(join(DIST, LOADER), 5)).toBeNull()
    // It carries both builds' lists: the modern one is the page the dist step writes, unchanged.
    const loader = readFileSync(join(DIST, LOADER), 'utf8')
    expect(manifest.modern).toEqual(pageScripts(distIndexHtml()))
    for (const s of [...manifest.modern, ...manifest.legacy]) expect(loader).toContain(JSON.stringify(s))
  })

  it('the check itself names file and position of later syntax', () => {
    // The modern app bundle uses later syntax than ES2015: the same check refuses it.
    const modern = parseError(join(DIST, 'js/appBundle.js'), 2015)
    expect(modern).toMatch(/js\/appBundle\.js:\d+:\d+: /)
    // Nor is any legacy script ES5 (so the check is not trivially passed).
    expect(parseError(join(DIST, LEGACY_DIR, 'lightning.js'), 5)).toMatch(/lightning\.js:\d+:\d+: /)
  })
})
