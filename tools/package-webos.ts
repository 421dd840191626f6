// `npm run package:webos`: the LG webOS TV app layout in dist/packages/webos/ — the dist output
// plus appinfo.json and the launcher icons at the sizes LG documents (80×80 icon, 130×130
// largeIcon). LG's CLI that makes the .ipk (`ares-package dist/packages/webos`) is not
// installable here, so test/tools/package-webos.test.ts checks the layout against LG's documented
// appinfo.json fields (docs/integrators.md, Packaging, cites the page).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PACKAGES, PackageError, copyDist, parseCli, readMetadata, runCli, withScriptsFirst, type AppMetadata, type LayoutOptions } from './package-layout'
import { resizePng } from './png-resize'

export const WEBOS_ICON = { file: 'webos-icon-80.png', size: 80 }
export const WEBOS_LARGE_ICON = { file: 'webos-icon-130.png', size: 130 }
/** Where LG's webOSTV.js goes when the integrator supplies it (it is LG's SDK file, not on npm). */
export const WEBOS_TV_JS = 'webOSTVjs/webOSTV.js'

/** LG's app id rules: lowercase letters, digits, '-' and '.', at least two characters, starting alphanumeric, not a platform prefix. */
export function checkWebosId(id: string): string {
  if (!/^[a-z0-9][a-z0-9.-]+$/.test(id)) throw new PackageError('PACKAGE_METADATA', `identifier "${id}" is not a webOS app id (lowercase a-z, 0-9, '-', '.')`, 'identifier')
  if (/^(com\.palm|com\.webos|com\.lge|com\.palmdts)/.test(id)) throw new PackageError('PACKAGE_METADATA', `identifier "${id}" uses a prefix reserved for LG's own apps`, 'identifier')
  return id
}

export function webosAppInfo(meta: AppMetadata, vendor: string): Record<string, unknown> {
  return {
    id: checkWebosId(meta.identifier),
    title: meta.name,
    main: 'index.html',
    icon: WEBOS_ICON.file,
    largeIcon: WEBOS_LARGE_ICON.file,
    type: 'web',
    vendor,
    version: meta.version,
    resolution: '1920x1080',
    // Back (461) reaches the app as a key, so its Back at the root asks before leaving.
    disableBackHistoryAPI: true,
    // The app speaks its own screens when the platform's audio guidance is on.
    accessibility: { supportsAudioGuidance: true },
  }
}

export function packageWebos(layout: Partial<LayoutOptions> & { vendor?: string; webosTvJs?: string } = {}): { out: string; notes: string[] } {
  const meta = readMetadata()
  const out = layout.out ?? join(PACKAGES, 'webos')
  const { configured } = copyDist({ ...layout, out })
  writeFileSync(join(out, 'appinfo.json'), `${JSON.stringify(webosAppInfo(meta, layout.vendor ?? 'Miitee'), null, 2)}\n`)
  const icon = readFileSync(join(out, meta.icon))
  for (const i of [WEBOS_ICON, WEBOS_LARGE_ICON]) writeFileSync(join(out, i.file), resizePng(icon, i.size))
  const notes = [`make the .ipk: ares-package ${out}`]
  if (layout.webosTvJs) {
    mkdirSync(join(out, 'webOSTVjs'), { recursive: true })
    copyFileSync(layout.webosTvJs, join(out, WEBOS_TV_JS))
    const index = join(out, 'index.html')
    writeFileSync(index, withScriptsFirst(readFileSync(index, 'utf8'), [WEBOS_TV_JS]))
  } else notes.push("no --webostvjs: without LG's webOSTV.js the app leaves by window.close() and reads no audio guidance switch")
  if (!configured) notes.push('no config.json: a packaged app has no origin, so pass --service-url (or MIITEE_SERVICE_URL) or add config.json')
  return { out, notes }
}

if (require.main === module) {
  runCli('package:webos', () => {
    const o = parseCli(process.argv.slice(2), ['--vendor', '--webostvjs'])
    return packageWebos({ dist: o.dist, out: o.out, serviceUrl: o.serviceUrl, vendor: o.extra.vendor, webosTvJs: o.extra.webostvjs })
  })
}
