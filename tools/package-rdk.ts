// `npm run package:rdk`: the RDK / Lightning app tarball, dist/packages/rdk/<identifier>-<version>.tgz,
// holding one folder named by the identifier with the dist output and the app's metadata.json
// (identifier, name, version, icon: what Lightning app stores and RDK app managers read). Made
// with the system's GNU tar in a fixed order with fixed owners and times and gzipped here, so the
// same dist gives the same bytes.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { PACKAGES, PackageError, copyDist, parseCli, readMetadata, runCli, type AppMetadata, type LayoutOptions } from './package-layout'

export function rdkMetadata(meta: AppMetadata): Record<string, string> {
  return { identifier: meta.identifier, name: meta.name, version: meta.version, icon: `./${meta.icon}` }
}

export function rdkTarballName(meta: AppMetadata): string {
  return `${meta.identifier}-${meta.version}.tgz`
}

export function packageRdk(layout: Partial<LayoutOptions> = {}): { out: string; notes: string[] } {
  const meta = readMetadata()
  const outDir = layout.out ?? join(PACKAGES, 'rdk')
  const staging = join(outDir, meta.identifier)
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const { configured } = copyDist({ ...layout, out: staging })
  writeFileSync(join(staging, 'metadata.json'), `${JSON.stringify(rdkMetadata(meta), null, 2)}\n`)
  let tar: Buffer
  try {
    tar = execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--format=ustar', '-cf', '-', '-C', outDir, meta.identifier], { maxBuffer: 1 << 30 })
  } catch (e) {
    throw new PackageError('PACKAGE_TAR', `GNU tar failed: ${(e as Error).message}`, 'tar')
  }
  const tarball = join(outDir, rdkTarballName(meta))
  writeFileSync(tarball, gzipSync(tar, { level: 9 }))
  rmSync(staging, { recursive: true, force: true })
  const notes = configured ? [] : ['no config.json: served from the box\'s own origin the app finds the service there; from file:// pass --service-url (or MIITEE_SERVICE_URL)']
  return { out: tarball, notes }
}

if (require.main === module) {
  runCli('package:rdk', () => {
    const o = parseCli(process.argv.slice(2))
    return packageRdk({ dist: o.dist, out: o.out, serviceUrl: o.serviceUrl })
  })
}
