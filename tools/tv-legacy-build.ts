// `npm run dist`, last step: the legacy build beside the modern one, and the page's loader.
//
// Reads the scripts dist/es6/index.html runs (the modern build, in order), writes their ES2015
// counterparts to js/legacy/ (polyfills first; Lightning, the app bundle and the feature bundles
// built from their sources, any other script lowered as it is), then js/loader.js (ES5) and
// index.html with that one script tag: the loader runs the modern scripts where the engine
// parses their newest syntax and has every API the legacy build polyfills, the legacy ones
// elsewhere (src/tv/startup/legacy/loader.ts). Every legacy script is checked to parse as
// ES2015 and the loader as ES5; a later construct fails the build, naming file and position.
// What WebKit 602 gets wrong in valid ES2015 is then rewritten (tools/legacy-webkit602.ts).
// Running it twice gives the same output (a page already rewritten is read from the loader).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { build } from 'esbuild'
import { buildAppBundle, buildFeatures, buildLightning, buildPolyfills, lowerScript, type LegacyScript } from './legacy-bundles'
import { syntaxViolation, probeFor, syntaxLevel, type Level } from './legacy-syntax'
import { FEATURES } from './tv-feature-build'
import { applyWebkit602Fixes, position } from './legacy-webkit602'
import { POLYFILLS } from '../src/tv/startup/legacy/polyfilled'
import type { LoaderConfig } from '../src/tv/startup/legacy/loader'

const ROOT = resolve(__dirname, '..')
export const LEGACY_DIR = 'js/legacy'
export const LOADER = 'js/loader.js'
const LOADER_TAG = `<script src="./${LOADER}"></script>`
const MANIFEST = `${LEGACY_DIR}/scripts.json`

export class LegacyBuildError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface LegacyBuildResult {
  /** page-relative script URLs of each build, in order */
  modern: string[]
  legacy: string[]
  /** the newest ECMAScript level among the modern scripts */
  modernLevel: Level
  files: LegacyScript[]
}

const SCRIPT_TAG = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi

/** The page's script URLs, in order; an inline script is refused (the service's CSP refuses it too). */
export function pageScripts(html: string, file = 'index.html'): string[] {
  const out: string[] = []
  for (const m of html.matchAll(SCRIPT_TAG)) {
    const src = /\bsrc\s*=\s*"([^"]+)"/i.exec(m[1])?.[1]
    if (!src) throw new LegacyBuildError('LEGACY_INLINE_SCRIPT', `${file}: an inline <script> (${m[2].trim().slice(0, 40)}…): the loader can only run scripts by URL`)
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(src)) throw new LegacyBuildError('LEGACY_REMOTE_SCRIPT', `${file}: <script src="${src}"> is not part of the build`)
    out.push(src)
  }
  if (out.length === 0) throw new LegacyBuildError('LEGACY_NO_SCRIPT', `${file}: no <script src> to run`)
  return out
}

/** index.html with its script tags replaced by the loader's, where the first one was. */
export function withLoader(html: string): string {
  let first = true
  return html
    .replace(/[ \t]*<script\b[^>]*>[\s\S]*?<\/script>[ \t]*\r?\n?/gi, (tag) => {
      if (!first) return ''
      first = false
      const indent = /^[ \t]*/.exec(tag)![0]
      return `${indent}${LOADER_TAG}\n`
    })
}

/** The app bundle's global, as the Lightning CLI names it (its makeSafeAppId). */
export function appGlobal(root: string): string {
  const meta = JSON.parse(readFileSync(join(root, 'metadata.json'), 'utf8')) as { identifier?: string }
  if (!meta.identifier) throw new LegacyBuildError('LEGACY_METADATA', `${join(root, 'metadata.json')}: identifier is missing`)
  return `APP_${meta.identifier.replace(/[^0-9a-zA-Z_$]/g, '_')}`
}

const rel = (src: string) => src.replace(/^\.\//, '')

/** The modern scripts: from index.html, or, when the page already has the loader, from the last run. */
function modernScripts(distDir: string): string[] {
  const indexFile = join(distDir, 'index.html')
  if (!existsSync(indexFile)) throw new LegacyBuildError('LEGACY_NO_INDEX', `${indexFile} is missing: run the dist page step first (npm run dist does)`)
  const html = readFileSync(indexFile, 'utf8')
  const scripts = pageScripts(html, indexFile)
  if (scripts.length === 1 && rel(scripts[0]) === LOADER) {
    const manifest = join(distDir, MANIFEST)
    if (!existsSync(manifest)) throw new LegacyBuildError('LEGACY_NO_INDEX', `${indexFile} runs ${LOADER} but ${manifest} is missing: run npm run dist again`)
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { modern: string[] }).modern
  }
  return scripts
}

/** The newest syntax level among the modern scripts (feature bundles are ES modules). */
function modernLevel(distDir: string, scripts: string[]): Level {
  let level: Level = 2015
  const check = (file: string, type: 'script' | 'module') => {
    const l = syntaxLevel(readFileSync(file, 'utf8'), type, relative(distDir, file))
    if (l > level) level = l
  }
  for (const s of scripts) check(join(distDir, rel(s)), 'script')
  for (const f of FEATURES) if (existsSync(join(distDir, 'js/features', `${f}.js`))) check(join(distDir, 'js/features', `${f}.js`), 'module')
  return level
}

/** Builds the legacy scripts and the loader into `distDir` (default dist/es6) and points index.html at the loader. */
export async function buildTvLegacy(distDir = join(ROOT, 'dist/es6'), opts: { root?: string; minify?: boolean } = {}): Promise<LegacyBuildResult> {
  const root = opts.root ?? ROOT
  const minify = opts.minify ?? true
  const modern = modernScripts(distDir)
  for (const s of modern) if (!existsSync(join(distDir, rel(s)))) throw new LegacyBuildError('LEGACY_MISSING_SCRIPT', `${join(distDir, rel(s))} (run by index.html) is missing`)
  const level = modernLevel(distDir, modern)

  const outDir = join(distDir, LEGACY_DIR)
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(join(outDir, 'features'), { recursive: true })
  const files: LegacyScript[] = [await buildPolyfills(root, join(outDir, 'polyfills.js'), minify)]
  const legacy = [`./${LEGACY_DIR}/polyfills.js`]
  for (const src of modern) {
    const name = rel(src).split('/').pop()!
    if (name === 'lightning.min.js' || name === 'lightning.js') {
      files.push(await buildLightning(root, join(outDir, 'lightning.js'), minify))
      legacy.push(`./${LEGACY_DIR}/lightning.js`)
    } else if (name === 'appBundle.js') {
      files.push(await buildAppBundle(root, join(outDir, 'appBundle.js'), appGlobal(root), minify))
      files.push(...(await buildFeatures(root, join(outDir, 'features'), minify)))
      legacy.push(`./${LEGACY_DIR}/appBundle.js`)
    } else {
      files.push(await lowerScript(join(distDir, rel(src)), join(outDir, name), root, minify))
      legacy.push(`./${LEGACY_DIR}/${name}`)
    }
  }
  for (const f of files) {
    const bad = syntaxViolation(f.file, 2015)
    if (bad) throw new LegacyBuildError('LEGACY_SYNTAX', `${relative(root, bad.file)}:${bad.line}:${bad.column}: later than ES2015: ${bad.message} (made from ${f.from})`)
    const source = readFileSync(f.file, 'utf8')
    const fixed = applyWebkit602Fixes(source)
    if (fixed.refused.length) {
      const at = position(source, fixed.refused[0].start)
      throw new LegacyBuildError('LEGACY_WEBKIT602', `${relative(root, f.file)}:${at.line}:${at.column}: ${fixed.refused[0].message}: WebKit 602 refuses it (made from ${f.from})`)
    }
    writeFileSync(f.file, fixed.code)
    f.webkit602 = fixed.counts
    const broken = syntaxViolation(f.file, 2015)
    if (broken) throw new LegacyBuildError('LEGACY_WEBKIT602', `${relative(root, broken.file)}:${broken.line}:${broken.column}: the WebKit 602 rewrite left invalid ES2015: ${broken.message} (made from ${f.from})`)
  }

  const config: LoaderConfig = { modern, legacy, modernSyntax: probeFor(level), polyfilled: POLYFILLS.map((p) => p.global) }
  const loaderFile = join(distDir, LOADER)
  await build({
    entryPoints: [join(root, 'src/tv/startup/legacy/loaderEntry.ts')],
    outfile: loaderFile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es5'],
    minify,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    absWorkingDir: root,
    define: { __MIITEE_LOADER__: JSON.stringify(config) },
  })
  const loaderBad = syntaxViolation(loaderFile, 5)
  if (loaderBad) throw new LegacyBuildError('LEGACY_SYNTAX', `${relative(root, loaderFile)}:${loaderBad.line}:${loaderBad.column}: later than ES5: ${loaderBad.message}`)
  writeFileSync(join(distDir, MANIFEST), `${JSON.stringify({ modern, legacy, modernLevel: level }, null, 2)}\n`)
  const indexFile = join(distDir, 'index.html')
  writeFileSync(indexFile, withLoader(readFileSync(indexFile, 'utf8')))
  return { modern, legacy, modernLevel: level, files: [...files, { file: loaderFile, from: 'src/tv/startup/legacy/loader.ts' }] }
}

if (require.main === module) {
  buildTvLegacy(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    (r) => {
      process.stdout.write(`modern build (ES${r.modernLevel}): ${r.modern.join(' ')}\nlegacy build (ES2015): ${r.legacy.join(' ')}\n`)
      for (const f of r.files) {
        const fixes = f.webkit602 ? Object.entries(f.webkit602).map(([k, n]) => `${k} ${n}`).join(', ') : ''
        process.stdout.write(`  ${relative(ROOT, f.file)}  ${readFileSync(f.file).length} B  ← ${f.from}${fixes ? `  (WebKit 602 fixes: ${fixes})` : ''}\n`)
      }
    },
    (err: Error & { code?: string }) => {
      process.stderr.write(`${err.code ? `${err.code}: ` : ''}${err.message}\n`)
      process.exit(1)
    },
  )
}
