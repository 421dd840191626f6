// `npm run build:tv-features`: the TV app's feature bundles, next to appBundle.js, after `lng build`.
//
// Today one: the pairing feature (src/tv/features/pairing) → build/features/pairing.js, an ES module the
// first bundle loads with import() on the first visit to #pair or #privacy (rollup.es6.config.js
// keeps that import out of appBundle.js). What the feature imports from the rest of the TV app
// is not bundled again: each such import becomes the first bundle's own module, exposed in
// src/tv/features/hostModules.ts, so there is one Lightning, one Router and one app context.
// The core (pure functions) and npm packages the first bundle does not have (axios) are bundled.
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join, relative, resolve, sep } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { readHostModules } from './tv-feature-host'

const ROOT = resolve(__dirname, '..')

/** Feature name → its folder under src/tv/features (entry: index.ts). */
export const FEATURES = ['pairing']

/** Replaces imports of the first bundle's modules with the instances it exposes. */
export function hostModules(root: string, featureDir: string): Plugin {
  const TV_SRC = join(root, 'src/tv')
  const { keys, global } = readHostModules(root)
  return {
    name: 'miitee-host-modules',
    setup(b) {
      b.onResolve({ filter: /^@lightningjs\/(sdk|core)$/ }, (args) => {
        if (args.path !== '@lightningjs/sdk') return { errors: [{ text: `${args.importer}: import Lightning through @lightningjs/sdk` }] }
        return { path: args.path, namespace: 'host' }
      })
      b.onResolve({ filter: /^\./ }, async (args) => {
        if (args.pluginData === 'resolving') return undefined
        const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolving' })
        if (r.errors.length) return { errors: r.errors }
        const inTv = r.path.startsWith(TV_SRC + sep)
        if (!inTv || r.path.startsWith(featureDir + sep)) return { path: r.path }
        const key = relative(TV_SRC, r.path).replace(/\.ts$/, '').split(sep).join('/')
        if (!keys.has(key)) {
          return { errors: [{ text: `${relative(root, args.importer)} imports src/tv/${key}, which is in the first bundle: expose it in src/tv/features/hostModules.ts` }] }
        }
        return { path: key, namespace: 'host' }
      })
      // A module namespace as CommonJS exports flagged __esModule, so that default imports get
      // `default` (the first bundle exports no mutable bindings, so a copy is the same thing).
      b.onLoad({ filter: /.*/, namespace: 'host' }, (args) => ({
        contents: `module.exports = Object.assign({ __esModule: true }, globalThis[${JSON.stringify(global)}][${JSON.stringify(args.path)}])`,
        loader: 'js',
      }))
    },
  }
}

export interface FeatureBuildResult {
  name: string
  file: string
  bytes: number
  gzip: number
}

/** Builds each feature of `root` (the project, or a test's fixture) into `<buildDir>/features`. */
export async function buildTvFeatures(buildDir = join(ROOT, 'build'), opts: { minify?: boolean; root?: string; features?: string[] } = {}): Promise<FeatureBuildResult[]> {
  const root = opts.root ?? ROOT
  const outDir = join(buildDir, 'features')
  mkdirSync(outDir, { recursive: true })
  const results: FeatureBuildResult[] = []
  for (const name of opts.features ?? FEATURES) {
    const file = join(outDir, `${name}.js`)
    await build({
      entryPoints: [join(root, 'src/tv/features', name, 'index.ts')],
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      // The first bundle's level (the CLI's babel preset aims at Safari 12, i.e. old WPE): ES2017.
      // esbuild's 'safari12' refuses destructuring over an edge case, so the ES level is named.
      // Class names are kept because Lightning state names come from them.
      target: ['es2017'],
      minify: opts.minify ?? true,
      keepNames: true,
      legalComments: 'none',
      charset: 'utf8',
      logLevel: 'warning',
      absWorkingDir: root,
      plugins: [hostModules(root, join(root, 'src/tv/features', name))],
    })
    const buf = readFileSync(file)
    results.push({ name, file, bytes: statSync(file).size, gzip: gzipSync(buf, { level: 6 }).length })
  }
  return results
}

if (require.main === module) {
  buildTvFeatures(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    (rs) => {
      for (const r of rs) process.stdout.write(`${relative(ROOT, r.file)}  ${r.bytes} B  (${r.gzip} B gzip)\n`)
    },
    (err: Error) => {
      process.stderr.write(`${err.message}\n`)
      process.exit(1)
    },
  )
}
