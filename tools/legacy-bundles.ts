// The scripts of the TV app's legacy build (Chrome 53 / Safari 10 class engines), each made by
// esbuild for ES2015 from the same sources as the modern build (tools/tv-legacy-build.ts puts
// them together): core-js polyfills, Lightning, the app bundle, the feature bundles, and a
// lowered copy of any other script the page runs (the boot script). Async functions become
// generators, class fields assignments, `?.` and `??` conditionals.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { build, transform, type BuildOptions, type Plugin } from 'esbuild'
import { FEATURES, hostModules } from './tv-feature-build'
import { POLYFILLS } from '../src/tv/startup/legacy/polyfilled'
import { FEATURES_GLOBAL } from '../src/tv/startup/legacy/featureScript'

export const LEGACY_TARGET = 'es2015'

// Regular expression features esbuild would turn into `new RegExp(...)` calls, which throw in an
// ES2015 engine at run time: kept as literals, so that the ES2015 parse check refuses them.
const REGEXP_KEPT = {
  'regexp-dot-all-flag': true,
  'regexp-lookbehind-assertions': true,
  'regexp-match-indices': true,
  'regexp-named-capture-groups': true,
  'regexp-set-notation': true,
  'regexp-unicode-property-escapes': true,
}

/**
 * Whitespace only. Identifiers stay: Lightning state names come from class names, and esbuild's
 * keepNames cannot restore them here (it redefines `name`, which WebKit 602 makes
 * unconfigurable). Syntax stays: WebKit 602 misreads code that statements joined into one
 * comma expression make (a closure variable reported missing).
 */
export function minifyOptions(minify: boolean) {
  return { minifyWhitespace: minify, minifySyntax: false, minifyIdentifiers: false, keepNames: false }
}

/** Options every legacy script shares. */
function common(root: string, minify: boolean): BuildOptions {
  return {
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: [LEGACY_TARGET],
    supported: REGEXP_KEPT,
    ...minifyOptions(minify),
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    absWorkingDir: root,
    define: { 'process.env.NODE_ENV': '"production"' },
  }
}

/** `@lightningjs/core` is the Lightning script loaded before the bundle (window.lng), as the CLI aliases it. */
const lightningGlobal: Plugin = {
  name: 'miitee-lightning-global',
  setup(b) {
    b.onResolve({ filter: /^(@lightningjs\/core|wpe-lightning)$/ }, (args) => ({ path: args.path, namespace: 'lightning-global' }))
    b.onLoad({ filter: /.*/, namespace: 'lightning-global' }, () => ({ contents: 'module.exports = window.lng', loader: 'js' }))
  },
}

/**
 * The first bundle's `import('./<feature>')` becomes a classic script load (startup/legacy/
 * featureScript): WebKit 602 and Chrome < 63 have no dynamic import.
 */
function featureScripts(root: string): Plugin {
  const loaderFile = join(root, 'src/tv/features/pairingFeature.ts')
  const featureScript = join(root, 'src/tv/startup/legacy/featureScript.ts')
  return {
    name: 'miitee-feature-scripts',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path !== loaderFile) return undefined
        const source = readFileSync(args.path, 'utf8')
        // Value imports only: `typeof import('./x')` is a type.
        const VALUE_IMPORT = /(?<!typeof\s+)\bimport\((['"])\.\/(\w+)\1\)/g
        const calls = source.match(VALUE_IMPORT) ?? []
        if (calls.length !== 1) return { errors: [{ text: `${relative(root, args.path)}: expected one import('./<feature>'), found ${calls.length}` }] }
        const name = /\.\/(\w+)/.exec(calls[0])![1]
        if (!FEATURES.includes(name)) return { errors: [{ text: `${relative(root, args.path)}: import('./${name}') is not a feature of tools/tv-feature-build.ts` }] }
        const contents = `import { loadFeatureScript as __loadFeatureScript } from ${JSON.stringify(featureScript)}\n${source.replace(VALUE_IMPORT, `__loadFeatureScript(${JSON.stringify(name)})`)}`
        return { contents, loader: 'ts' }
      })
    },
  }
}

export interface LegacyScript {
  /** absolute path of the file written */
  file: string
  /** what it was made from, relative to the project */
  from: string
  /** how many of each WebKit 602 fix its code needed (tools/legacy-webkit602.ts) */
  webkit602?: Record<string, number>
}

/** Polyfills for what the app uses that ES2015 engines lack (startup/legacy/polyfilled.ts). */
export async function buildPolyfills(root: string, outfile: string, minify = true): Promise<LegacyScript> {
  const contents = POLYFILLS.map((p) => `import ${JSON.stringify(p.module)}`).join('\n')
  await build({ ...common(root, minify), stdin: { contents, resolveDir: root, sourcefile: 'legacy-polyfills.js', loader: 'js' }, outfile })
  return { file: outfile, from: 'src/tv/startup/legacy/polyfilled.ts (core-js, fast-text-encoding)' }
}

/** Lightning core (its UMD build, which sets window.lng), lowered to ES2015. */
export async function buildLightning(root: string, outfile: string, minify = true): Promise<LegacyScript> {
  const source = join(root, 'node_modules/@lightningjs/core/dist/lightning.js')
  const out = await transform(readFileSync(source, 'utf8'), { loader: 'js', target: LEGACY_TARGET, supported: REGEXP_KEPT, ...minifyOptions(minify), legalComments: 'none', charset: 'utf8', sourcefile: source })
  writeFileSync(outfile, out.code)
  return { file: outfile, from: relative(root, source) }
}

/** The app bundle (src/index.ts) as the CLI's IIFE: a global `globalName` holding the app's entry function. */
export async function buildAppBundle(root: string, outfile: string, globalName: string, minify = true): Promise<LegacyScript> {
  const result = await build({ ...common(root, minify), entryPoints: [join(root, 'src/index.ts')], outfile, globalName, plugins: [lightningGlobal, featureScripts(root)], metafile: true })
  const leaked = Object.keys(result.metafile.inputs).filter((p) => FEATURES.some((f) => p.startsWith(`src/tv/features/${f}/`)))
  if (leaked.length) throw new Error(`legacy app bundle: feature code bundled into the first bundle: ${leaked.slice(0, 3).join(', ')}`)
  return { file: outfile, from: 'src/index.ts' }
}

/** Each feature bundle as a classic script registering its exports on window.__miiteeFeatures. */
export async function buildFeatures(root: string, outDir: string, minify = true): Promise<LegacyScript[]> {
  const out: LegacyScript[] = []
  for (const name of FEATURES) {
    const featureDir = join(root, 'src/tv/features', name)
    const file = join(outDir, `${name}.js`)
    await build({ ...common(root, minify), entryPoints: [join(featureDir, 'index.ts')], outfile: file, globalName: `${FEATURES_GLOBAL}.${name}`, plugins: [hostModules(root, featureDir)] })
    out.push({ file, from: relative(root, join(featureDir, 'index.ts')) })
  }
  return out
}

/** Another script of the page (the boot script), lowered to ES2015 as it is. */
export async function lowerScript(source: string, outfile: string, root: string, minify = true): Promise<LegacyScript> {
  const out = await transform(readFileSync(source, 'utf8'), { loader: 'js', target: LEGACY_TARGET, supported: REGEXP_KEPT, ...minifyOptions(minify), legalComments: 'none', charset: 'utf8', sourcefile: source })
  writeFileSync(outfile, out.code)
  return { file: outfile, from: relative(root, source) }
}
