// What an OEM ships, `npm run dist` output (dist/es6), staged the ways firmware serves it: in the
// service's static folder (with the phone page beside it, as a deployment has it), on another
// origin (a CDN, with the CSP it would send), or as a packaged app read from file://, each copy
// with its own config.json. Additive: nothing here changes the other harness files.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CSP_DIRECTIVES, TV_APP_CSP_DIRECTIVES, securityHeaders } from '../../../src/server/plugins/security'
import { BUILD_DIR, ROOT } from './common'

/** dist/es6 (what `npm run dist` writes); MIITEE_DIST_DIR points the tests at another. */
export const DIST_DIR = resolve(ROOT, process.env.MIITEE_DIST_DIR || 'dist/es6')

/** dist/es6 must exist: run `npm run dist` first. */
export function requireDist(dir = DIST_DIR): string {
  for (const f of ['index.html', 'app.css', 'js/boot.js', 'js/lightning.min.js', 'js/appBundle.js', 'js/start.js', 'js/features/pairing.js', 'static/policy/index.json']) {
    if (!existsSync(join(dir, f))) throw new Error(`dist harness: ${join(dir, f)} is missing; run \`npm run dist\` first`)
  }
  return dir
}

export interface StagedDist {
  dir: string
  /** file:///…/index.html of the copy */
  fileUrl: string
  close(): void
}

export interface StageOptions {
  /** config.json written beside index.html; absent: none */
  config?: Record<string, unknown>
  /** Adds build/phone (the phone page the service serves at /P/…), for a service's STATIC_DIR. */
  withPhonePage?: boolean
}

/** A copy of the dist in a temporary folder, as a deployment lays it out. */
export function stageDist(o: StageOptions = {}): StagedDist {
  const dir = mkdtempSync(join(tmpdir(), 'miitee-dist-'))
  cpSync(requireDist(), dir, { recursive: true })
  if (o.withPhonePage) {
    const phone = join(BUILD_DIR, 'phone')
    if (!existsSync(join(phone, 'index.html'))) throw new Error(`dist harness: ${phone} is missing; run \`npm run build\` first (build:phone)`)
    cpSync(phone, join(dir, 'phone'), { recursive: true })
  }
  if (o.config) writeFileSync(join(dir, 'config.json'), JSON.stringify(o.config))
  return { dir, fileUrl: pathToFileURL(join(dir, 'index.html')).href, close: () => rmSync(dir, { recursive: true, force: true }) }
}

/**
 * The headers a CDN serving the TV app would send: the service's own TV app policy (no inline
 * script or style), with the pairing service added to connect-src.
 */
export function cdnHeaders(serviceOrigin: string): Record<string, string> {
  const directives = { ...TV_APP_CSP_DIRECTIVES, connectSrc: [...CSP_DIRECTIVES.connectSrc, serviceOrigin] }
  return Object.fromEntries(securityHeaders(directives).filter(([k]) => k.toLowerCase() === 'content-security-policy'))
}
