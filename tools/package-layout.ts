// What every platform package starts from: the `npm run dist` output (dist/es6) copied whole
// into dist/packages/<platform>/, the app's identity from metadata.json, and the per-deployment
// config.json a packaged app needs (a page from file:// has no origin to find the service by).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '..')
export const DIST = join(ROOT, 'dist/es6')
export const PACKAGES = join(ROOT, 'dist/packages')

export class PackageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** the input at fault: a file, an option or a metadata.json field */
    readonly field: string,
  ) {
    super(message)
  }
}

export interface AppMetadata {
  /** reverse-DNS identifier, e.g. tv.miitee.app */
  identifier: string
  name: string
  /** x.y.z */
  version: string
  /** path of the icon inside the dist folder, e.g. static/icon.png */
  icon: string
}

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/

/** metadata.json's identity, checked: every platform names the app by these. */
export function readMetadata(root = ROOT): AppMetadata {
  const file = join(root, 'metadata.json')
  let m: Record<string, unknown>
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch (e) {
    throw new PackageError('PACKAGE_METADATA', `${file}: ${(e as Error).message}`, 'metadata.json')
  }
  for (const key of ['identifier', 'name', 'version', 'icon']) {
    if (typeof m[key] !== 'string' || !m[key]) throw new PackageError('PACKAGE_METADATA', `${file}: ${key} is missing`, key)
  }
  const version = m.version as string
  if (!VERSION.test(version)) throw new PackageError('PACKAGE_METADATA', `${file}: version "${version}" is not x.y.z`, 'version')
  return { identifier: m.identifier as string, name: m.name as string, version, icon: (m.icon as string).replace(/^\.\//, '') }
}

export interface LayoutOptions {
  /** the dist folder to package (default dist/es6) */
  dist?: string
  /** the folder to write (replaced whole) */
  out: string
  /** the pairing service's base URL, written into config.json */
  serviceUrl?: string
}

/** The service URL as an absolute http(s) URL without a trailing slash, or a named error. */
export function checkServiceUrl(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new PackageError('PACKAGE_SERVICE_URL', `--service-url "${url}" is not an absolute URL`, 'service-url')
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new PackageError('PACKAGE_SERVICE_URL', `--service-url must be http(s), not ${u.protocol}`, 'service-url')
  return u.href.replace(/\/$/, '')
}

/** Copies the dist folder into `out` (without source maps) and merges the service URL into its config.json. */
export function copyDist(opts: LayoutOptions): { dist: string; configured: boolean } {
  const dist = opts.dist ?? DIST
  if (!existsSync(join(dist, 'index.html')) || !existsSync(join(dist, 'js/appBundle.js'))) {
    throw new PackageError('PACKAGE_NO_DIST', `${dist} has no index.html and js/appBundle.js: run \`npm run dist\` first`, 'dist')
  }
  rmSync(opts.out, { recursive: true, force: true })
  mkdirSync(opts.out, { recursive: true })
  cpSync(dist, opts.out, { recursive: true, filter: (src) => !src.endsWith('.map') })
  const configFile = join(opts.out, 'config.json')
  if (opts.serviceUrl) {
    const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>) : {}
    config.pairingServiceUrl = checkServiceUrl(opts.serviceUrl)
    writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`)
  }
  return { dist, configured: existsSync(configFile) }
}

export interface CliOptions {
  dist?: string
  out?: string
  serviceUrl?: string
  extra: Record<string, string>
}

/** `--dist <dir> --out <dir> --service-url <url>` and platform options; MIITEE_SERVICE_URL stands in for the last. */
export function parseCli(argv: string[], known: string[] = []): CliOptions {
  const opts: CliOptions = { serviceUrl: process.env.MIITEE_SERVICE_URL || undefined, extra: {} }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2)
    const value = inline ?? argv[++i]
    if (value === undefined) throw new PackageError('PACKAGE_OPTION', `${flag} needs a value`, flag)
    if (flag === '--dist') opts.dist = resolve(value)
    else if (flag === '--out') opts.out = resolve(value)
    else if (flag === '--service-url') opts.serviceUrl = value
    else if (known.includes(flag)) opts.extra[flag.slice(2)] = value
    else throw new PackageError('PACKAGE_OPTION', `unknown option ${flag} (known: --dist, --out, --service-url${known.map((k) => `, ${k}`).join('')})`, flag)
  }
  return opts
}

/** Runs a packaging step from the command line: prints what it wrote, or the error's code and field. */
export function runCli(name: string, step: () => { out: string; notes: string[] }): void {
  try {
    const r = step()
    process.stdout.write(`${name}: ${r.out}\n${r.notes.map((n) => `  ${n}\n`).join('')}`)
  } catch (e) {
    const err = e as PackageError
    process.stderr.write(`${name}: ${err.code ?? 'PACKAGE_FAILED'}: ${err.message}${err.field ? ` (${err.field})` : ''}\n`)
    process.exit(1)
  }
}

/** Escapes text for an XML attribute or element. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

/** The dist page with extra script tags before its first one (platform libraries the app reads). */
export function withScriptsFirst(indexHtml: string, scripts: string[]): string {
  if (!scripts.length) return indexHtml
  const at = indexHtml.indexOf('<script')
  if (at < 0) throw new PackageError('PACKAGE_NO_DIST', 'index.html has no script tag', 'index.html')
  const lineStart = indexHtml.lastIndexOf('\n', at) + 1
  const indent = indexHtml.slice(lineStart, at)
  return indexHtml.slice(0, at) + scripts.map((s) => `<script src="${xmlEscape(s)}"></script>\n${indent}`).join('') + indexHtml.slice(at)
}
