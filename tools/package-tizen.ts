// `npm run package:tizen`: the Samsung Tizen TV widget layout in dist/packages/tizen/ — the dist
// output plus config.xml (W3C widget + Tizen extensions). The Tizen CLI that signs and zips it
// into a .wgt (`tizen package -t wgt -s <certificate profile> -- dist/packages/tizen`) is not
// installable here, so test/tools/package-tizen.test.ts checks the layout against the fields
// Samsung documents (docs/integrators.md, Packaging, cites the pages).
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGES, PackageError, copyDist, parseCli, readMetadata, runCli, withScriptsFirst, xmlEscape, type AppMetadata, type LayoutOptions } from './package-layout'

/** Tizen 3.0: the oldest Tizen the engine floor names (DESIGN.md section 8). */
export const TIZEN_REQUIRED_VERSION = '3.0'

/** What the app calls that needs a declared privilege. */
export const TIZEN_PRIVILEGES = [
  // XMLHttpRequest, fetch and EventSource to the pairing service
  'http://tizen.org/privilege/internet',
  // tizen.tvinputdevice.registerKey for Channel ±, the colour keys and MediaPlayPause
  'http://tizen.org/privilege/tv.inputdevice',
]

/** Samsung's product API (webapis.tvinfo: the voice guide switch); the engine resolves $WEBAPIS itself. */
export const TIZEN_WEBAPIS_SCRIPT = '$WEBAPIS/webapis/webapis.js'

const PACKAGE_ID = /^[0-9A-Za-z]{10}$/

/**
 * A stable 10-character package id derived from the identifier, for development installs; the
 * store assigns the real one (pass it as --package-id).
 */
export function derivedPackageId(identifier: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
  const digest = createHash('sha256').update(identifier).digest()
  return Array.from(digest.subarray(0, 10), (b) => alphabet[b % alphabet.length]).join('')
}

export interface TizenOptions {
  packageId?: string
  /** origin the widget may reach (W3C access request policy); default any */
  serviceOrigin?: string
}

/** The application name part of the Tizen app id: the app's name, letters and digits only. */
export function tizenAppName(meta: AppMetadata): string {
  const n = meta.name.replace(/[^0-9A-Za-z]/g, '')
  if (!n) throw new PackageError('PACKAGE_METADATA', `name "${meta.name}" has no letter or digit for the Tizen application id`, 'name')
  return n.slice(0, 52)
}

export function tizenConfigXml(meta: AppMetadata, opts: TizenOptions = {}): string {
  const packageId = opts.packageId ?? derivedPackageId(meta.identifier)
  if (!PACKAGE_ID.test(packageId)) throw new PackageError('PACKAGE_OPTION', `package id "${packageId}" must be 10 letters or digits`, 'package-id')
  const appId = `${packageId}.${tizenAppName(meta)}`
  const widgetId = `http://${meta.identifier.split('.').reverse().join('.')}/${tizenAppName(meta)}`
  const access = opts.serviceOrigin ? `<access origin="${xmlEscape(opts.serviceOrigin)}" subdomains="false"/>` : '<access origin="*" subdomains="true"/>'
  return `<?xml version="1.0" encoding="UTF-8"?>
<widget xmlns="http://www.w3.org/ns/widgets" xmlns:tizen="http://tizen.org/ns/widgets" id="${xmlEscape(widgetId)}" version="${xmlEscape(meta.version)}" viewmodes="maximized">
  <tizen:application id="${xmlEscape(appId)}" package="${packageId}" required_version="${TIZEN_REQUIRED_VERSION}"/>
  <name>${xmlEscape(meta.name)}</name>
  <icon src="${xmlEscape(meta.icon)}"/>
  <content src="index.html"/>
  <feature name="http://tizen.org/feature/screen.size.normal.1080.1920"/>
  <tizen:profile name="tv-samsung"/>
${TIZEN_PRIVILEGES.map((p) => `  <tizen:privilege name="${p}"/>`).join('\n')}
  ${access}
  <tizen:setting screen-orientation="landscape" context-menu="disable" background-support="disable" encryption="disable" install-location="auto" hwkey-event="enable"/>
</widget>
`
}

export function packageTizen(layout: Partial<LayoutOptions> & TizenOptions = {}): { out: string; notes: string[] } {
  const meta = readMetadata()
  const out = layout.out ?? join(PACKAGES, 'tizen')
  const { configured } = copyDist({ ...layout, out })
  const serviceOrigin = layout.serviceOrigin ?? (layout.serviceUrl ? new URL(layout.serviceUrl).origin : undefined)
  writeFileSync(join(out, 'config.xml'), tizenConfigXml(meta, { packageId: layout.packageId, serviceOrigin }))
  const index = join(out, 'index.html')
  writeFileSync(index, withScriptsFirst(readFileSync(index, 'utf8'), [TIZEN_WEBAPIS_SCRIPT]))
  const notes = [`sign and zip: tizen package -t wgt -s <certificate profile> -- ${out}`]
  if (!configured) notes.push('no config.json: a packaged app has no origin, so pass --service-url (or MIITEE_SERVICE_URL) or add config.json before signing')
  return { out, notes }
}

if (require.main === module) {
  runCli('package:tizen', () => {
    const o = parseCli(process.argv.slice(2), ['--package-id'])
    return packageTizen({ dist: o.dist, out: o.out, serviceUrl: o.serviceUrl, packageId: o.extra['package-id'] })
  })
}
