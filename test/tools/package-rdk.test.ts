// The RDK / Lightning tarball: one folder named by the app identifier, holding the dist output
// and metadata.json with the identity Lightning app stores read (identifier, name, version, icon).
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { packageRdk, rdkTarballName } from '../../tools/package-rdk'
import { readMetadata } from '../../tools/package-layout'
import { fixtureDist } from './package-fixture'

const tmps: string[] = []
afterEach(() => tmps.splice(0).forEach((t) => rmSync(t, { recursive: true, force: true })))

function tarball(opts: { serviceUrl?: string } = {}) {
  const f = fixtureDist()
  tmps.push(f.tmp)
  const r = packageRdk({ dist: f.dist, out: join(f.tmp, 'rdk'), ...opts })
  const list = execFileSync('tar', ['-tzf', r.out], { encoding: 'utf8' }).trim().split('\n')
  const read = (path: string) => execFileSync('tar', ['-xzOf', r.out, path], { encoding: 'utf8' })
  return { file: r.out, list, read, notes: r.notes }
}

describe('package:rdk', () => {
  it('is <identifier>-<version>.tgz with one folder named by the identifier', () => {
    const meta = readMetadata()
    const { file, list } = tarball()
    expect(file.endsWith(rdkTarballName(meta))).toBe(true)
    expect(rdkTarballName(meta)).toBe(`${meta.identifier}-${meta.version}.tgz`)
    expect(new Set(list.map((p) => p.split('/')[0]))).toEqual(new Set([meta.identifier]))
    for (const f of ['index.html', 'metadata.json', 'js/appBundle.js', 'js/features/pairing.js', meta.icon]) expect(list).toContain(`${meta.identifier}/${f}`)
    expect(list.some((p) => p.endsWith('.map'))).toBe(false)
  })

  it("carries metadata.json with the app's identity and an icon that is in the tarball", () => {
    const meta = readMetadata()
    const { read, list } = tarball()
    const m = JSON.parse(read(`${meta.identifier}/metadata.json`)) as Record<string, string>
    expect(m).toEqual({ identifier: meta.identifier, name: meta.name, version: meta.version, icon: `./${meta.icon}` })
    expect(list).toContain(`${meta.identifier}/${m.icon.replace(/^\.\//, '')}`)
  })

  it('gives the same bytes for the same dist (fixed order, owners and times)', () => {
    const a = tarball()
    const b = tarball()
    expect(readFileSync(a.file).equals(readFileSync(b.file))).toBe(true)
  })

  it('with a service URL, carries config.json', () => {
    const meta = readMetadata()
    const { read, notes } = tarball({ serviceUrl: 'https://pair.example.com' })
    expect(JSON.parse(read(`${meta.identifier}/config.json`))).toEqual({ pairingServiceUrl: 'https://pair.example.com' })
    expect(notes).toEqual([])
  })
})
