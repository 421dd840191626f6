// `npm run dist`, after `lng dist` and the feature build: the dist page, rewritten on every dist.
//
// The CLI writes dist/<es>/index.html (and copies lightning.min.js) only when the folder does not
// exist yet, with settings.json pasted into an inline start script: a later change to
// settings.json never reached dist, and the service's CSP (no inline script, no inline style)
// refused the page. This writes, every time from the project's settings.json and metadata.json:
// index.html (scripts and the stylesheet by URL only), app.css, js/start.js (the start script,
// src/tv/startup/boot/start.ts, with the settings baked in), js/lightning.min.js, and the boot
// script (tools/tv-boot-build.ts), which also requests config.json ahead.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { build } from 'esbuild'
import { buildTvBoot } from './tv-boot-build'
import { DEPLOYMENT_CONFIG_FILE } from '../src/tv/startup/boot/deploymentConfig'

const ROOT = resolve(__dirname, '..')

export class DistPageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** What the CLI's page did with the settings: metadata merged into appSettings, its identifier as `id`. */
export interface StartSettings {
  appSettings: Record<string, unknown>
  platformSettings: Record<string, unknown>
  /** The global the app bundle is exposed on (the CLI's makeSafeAppId). */
  appId: string
}

function readJson(file: string, code: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch (e) {
    throw new DistPageError(code, `${file}: ${(e as Error).message}`)
  }
}

export function startSettings(root: string): StartSettings {
  const settings = readJson(join(root, 'settings.json'), 'DIST_SETTINGS') as { appSettings?: Record<string, unknown>; platformSettings?: Record<string, unknown> }
  const metadata = readJson(join(root, 'metadata.json'), 'DIST_METADATA') as { identifier?: string }
  if (typeof metadata.identifier !== 'string' || !metadata.identifier) throw new DistPageError('DIST_METADATA', `${join(root, 'metadata.json')}: identifier is missing`)
  return {
    appSettings: { ...settings.appSettings, ...metadata, id: metadata.identifier },
    platformSettings: { ...settings.platformSettings },
    appId: `APP_${metadata.identifier.replace(/[.-]/g, '_')}`,
  }
}

export const STYLESHEET = 'app.css'
const CSS = `html { height: 100%; width: 100%; }
*, body { margin: 0; padding: 0; }
canvas { position: absolute; z-index: 2; }
body { width: 100%; height: 100%; background: #101418; }
`

/** The page: every script and the stylesheet by URL, in the order they must run. */
export function distIndexHtml(): string {
  const scripts = ['js/boot.js', 'js/lightning.min.js', 'js/appBundle.js', 'js/start.js']
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="stylesheet" href="./${STYLESHEET}" />
  </head>
  <body>
${scripts.map((s) => `    <script src="./${s}"></script>`).join('\n')}
  </body>
</html>
`
}

export interface DistPageResult {
  files: string[]
}

/** Rewrites the dist page of `root` in `distDir` (default dist/es6); the app bundle must be there. */
export async function buildDistPage(distDir = join(ROOT, 'dist/es6'), opts: { root?: string; minify?: boolean } = {}): Promise<DistPageResult> {
  const root = opts.root ?? ROOT
  const bundle = join(distDir, 'js/appBundle.js')
  if (!existsSync(bundle)) throw new DistPageError('DIST_NO_BUNDLE', `${bundle} is missing: run \`lng dist\` first (npm run dist does)`)
  const start = startSettings(root)
  const lightning = join(root, 'node_modules/@lightningjs/core/dist/lightning.min.js')
  if (!existsSync(lightning)) throw new DistPageError('DIST_NO_LIGHTNING', `${lightning} is missing: npm install`)
  copyFileSync(lightning, join(distDir, 'js/lightning.min.js'))
  await build({
    entryPoints: [join(ROOT, 'src/tv/startup/boot/start.ts')],
    outfile: join(distDir, 'js/start.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2017'],
    minify: opts.minify ?? true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    absWorkingDir: ROOT,
    define: { __MIITEE_START__: JSON.stringify(start) },
  })
  writeFileSync(join(distDir, STYLESHEET), CSS)
  writeFileSync(join(distDir, 'index.html'), distIndexHtml())
  await buildTvBoot(distDir, 'js/boot.js', { root, deploymentConfig: DEPLOYMENT_CONFIG_FILE, minify: opts.minify })
  return { files: ['index.html', STYLESHEET, 'js/start.js', 'js/lightning.min.js', 'js/boot.js'].map((f) => join(distDir, f)) }
}

if (require.main === module) {
  buildDistPage(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    (r) => process.stdout.write(`${r.files.map((f) => relative(ROOT, f)).join('  ')}\n`),
    (err: Error & { code?: string }) => {
      process.stderr.write(`${err.code ? `${err.code}: ` : ''}${err.message}\n`)
      process.exit(1)
    },
  )
}
