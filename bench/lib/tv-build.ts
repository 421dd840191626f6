// Release-style builds of the TV app and of the empty baseline app for `npm run bench:tv`.
//
// Both go through `lng build` (the project's @lightningjs/cli) with the same environment:
// minified, no source maps, no network update check, output under .tmp/bench/.
//
// The CLI appends its build folder to the .gitignore of the folder it runs in when that
// entry is missing. So that a benchmark run never edits a tracked file, the TV app is built
// from a snapshot of the project's build inputs (src/, static/, settings.json, metadata.json,
// package.json, tsconfig.json) in .tmp/bench/app-src, with node_modules linked to the
// project's. The empty app is built where it lives (bench/empty-app has no .gitignore); the CLI
// finds the project's node_modules by searching parent folders (up to three levels).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { buildTvBoot } from '../../tools/tv-boot-build'
import { buildTvFeatures, type FeatureBuildResult } from '../../tools/tv-feature-build'

export const ROOT = resolve(__dirname, '../..')
export const BENCH_TMP = join(ROOT, '.tmp/bench')
export const APP_OUT = join(BENCH_TMP, 'app')
export const EMPTY_OUT = join(BENCH_TMP, 'empty')
export const APP_SNAPSHOT = join(BENCH_TMP, 'app-src')
export const EMPTY_APP_DIR = join(ROOT, 'bench/empty-app')

const LNG = join(ROOT, 'node_modules/.bin/lng')
const APP_INPUTS = ['src', 'static', 'settings.json', 'metadata.json', 'package.json', 'tsconfig.json', 'rollup.es6.config.js']
const BUILD_OUTPUTS = ['index.html', 'startApp.js', 'appBundle.js', 'settings.json', 'metadata.json']

export interface BuildStep {
  name: string
  ms: number
}

function run(name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): BuildStep {
  const t0 = performance.now()
  const r = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const ms = performance.now() - t0
  if (r.status !== 0) {
    throw new Error(`${name} failed (exit ${r.status ?? r.signal}) in ${cwd}:\n${r.stdout ?? ''}\n${r.stderr ?? ''}`)
  }
  return { name, ms }
}

/** The minified, release-style environment of every benchmark build. */
export function releaseEnv(outDir: string, cwd: string): NodeJS.ProcessEnv {
  return {
    LNG_AUTO_UPDATE: 'false',
    LNG_BUILD_MINIFY: 'true',
    LNG_BUILD_SOURCEMAP: 'false',
    LNG_BUILD_EXIT_ON_FAIL: 'true',
    // relative: the CLI joins it to its working directory
    LNG_BUILD_FOLDER: relative(cwd, outDir),
  }
}

function lngBuild(name: string, cwd: string, outDir: string, env: NodeJS.ProcessEnv = {}): BuildStep {
  const step = run(name, LNG, ['build'], cwd, { ...releaseEnv(outDir, cwd), ...env })
  for (const f of BUILD_OUTPUTS) {
    if (!existsSync(join(outDir, f))) throw new Error(`${name}: ${join(outDir, f)} missing after lng build`)
  }
  return step
}

/** Compiles the policy and cuts the font subset (what `npm run build` does before lng build). */
export function buildAssets(): BuildStep[] {
  return [
    run('npm run build:policy', 'npm', ['run', '--silent', 'build:policy'], ROOT),
    run('npm run build:font', 'npm', ['run', '--silent', 'build:font'], ROOT),
  ]
}

/**
 * The TV app, minified, into .tmp/bench/app (from a snapshot of its build inputs), split as
 * `npm run build` splits it: appBundle.js, the pairing feature in features/pairing.js, and the boot
 * script (boot.js) that index.html runs first.
 */
export async function buildApp(): Promise<{ steps: BuildStep[]; features: FeatureBuildResult[] }> {
  rmSync(APP_SNAPSHOT, { recursive: true, force: true })
  mkdirSync(APP_SNAPSHOT, { recursive: true })
  for (const item of APP_INPUTS) cpSync(join(ROOT, item), join(APP_SNAPSHOT, item), { recursive: true })
  symlinkSync(relative(APP_SNAPSHOT, join(ROOT, 'node_modules')), join(APP_SNAPSHOT, 'node_modules'), 'dir')
  const bundle = lngBuild('lng build (app)', APP_SNAPSHOT, APP_OUT, { LNG_CUSTOM_ROLLUP: 'true' })
  const t0 = performance.now()
  const features = await buildTvFeatures(APP_OUT)
  const t1 = performance.now()
  await buildTvBoot(APP_OUT)
  return {
    steps: [bundle, { name: 'feature bundles (app)', ms: t1 - t0 }, { name: 'boot script (app)', ms: performance.now() - t1 }],
    features,
  }
}

/** The empty baseline app, minified, into .tmp/bench/empty. */
export function buildEmptyApp(): BuildStep {
  return lngBuild('lng build (empty app)', EMPTY_APP_DIR, EMPTY_OUT)
}
