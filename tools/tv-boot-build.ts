// `npm run build:tv-boot`: the TV app's boot script (src/tv/startup/boot), after `lng build`.
//
// Writes <dir>/<script> (default build/boot.js) and adds `<script src="./<script>">` to
// <dir>/index.html before its first script, so that the boot script runs before Lightning's
// loader. The CLI rewrites index.html on every build; running this twice adds the tag once.
// The static path and policy options come from the project's settings.json, as the app's own.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ROOT = resolve(__dirname, '..')

export class BootBuildError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export interface BootBuildResult {
  file: string
  bytes: number
  gzip: number
}

interface BootSettings {
  path?: string
  policy?: { locale?: string; preload?: string }
}

/** What the boot script needs from settings.json: platformSettings.path and appSettings.policy. */
export function bootSettings(settingsFile: string): BootSettings {
  let json: { appSettings?: { policy?: BootSettings['policy'] }; platformSettings?: { path?: string } }
  try {
    json = JSON.parse(readFileSync(settingsFile, 'utf8'))
  } catch (e) {
    throw new BootBuildError('BOOT_SETTINGS', `${settingsFile}: ${(e as Error).message}`)
  }
  return { path: json.platformSettings?.path, policy: json.appSettings?.policy }
}

/** index.html with the boot script's tag before its first <script>; unchanged if it is there. */
export function withBootScript(html: string, src: string, file = 'index.html'): string {
  const tag = `<script src="${src}"></script>`
  if (html.includes(tag)) return html
  const at = html.search(/<script\b/i)
  if (at < 0) throw new BootBuildError('BOOT_NO_SCRIPT', `${file}: no <script> to put the boot script before`)
  const indent = /[ \t]*$/.exec(html.slice(0, at))?.[0] ?? ''
  return `${html.slice(0, at)}${tag}\n${indent}${html.slice(at)}`
}

/** Builds the boot script of `root` into `<dir>/<script>` and links it from `<dir>/index.html`. */
export async function buildTvBoot(
  dir = join(ROOT, 'build'),
  script = 'boot.js',
  opts: { root?: string; minify?: boolean; /** a settings file the page's start script waits for, requested first (dist: config.json) */ deploymentConfig?: string } = {},
): Promise<BootBuildResult> {
  const root = opts.root ?? ROOT
  const settings = bootSettings(join(root, 'settings.json'))
  const file = join(dir, script)
  await build({
    entryPoints: [join(root, 'src/tv/startup/boot/index.ts')],
    outfile: file,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    // The first bundle's level (see tv-feature-build.ts).
    target: ['es2017'],
    minify: opts.minify ?? true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    absWorkingDir: root,
    define: { __MIITEE_BOOT_SETTINGS__: JSON.stringify(settings), __MIITEE_BOOT_CONFIG__: JSON.stringify(opts.deploymentConfig ?? null) },
  })
  const indexFile = join(dir, 'index.html')
  const src = `./${relative(dirname(indexFile), file).split('\\').join('/')}`
  let html: string
  try {
    html = readFileSync(indexFile, 'utf8')
  } catch (e) {
    throw new BootBuildError('BOOT_NO_INDEX', `${indexFile}: ${(e as Error).message} (run lng build first)`)
  }
  writeFileSync(indexFile, withBootScript(html, src, indexFile))
  const buf = readFileSync(file)
  return { file, bytes: buf.length, gzip: gzipSync(buf, { level: 6 }).length }
}

if (require.main === module) {
  const [dir, script] = process.argv.slice(2)
  buildTvBoot(dir ? resolve(dir) : undefined, script).then(
    (r) => process.stdout.write(`${relative(ROOT, r.file)}  ${r.bytes} B  (${r.gzip} B gzip)\n`),
    (err: Error & { code?: string }) => {
      process.stderr.write(`${err.code ? `${err.code}: ` : ''}${err.message}\n`)
      process.exit(1)
    },
  )
}
