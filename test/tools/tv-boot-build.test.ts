// The boot script runs before Lightning's loader and starts the first screen's downloads: the
// build links it from index.html (the CLI's, or dist's) and bakes in settings.json's paths.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { afterAll, describe, expect, it } from 'vitest'
import { BootBuildError, buildTvBoot, withBootScript } from '../../tools/tv-boot-build'

const ROOT = join(__dirname, '../..')
const tmp = mkdtempSync(join(tmpdir(), 'miitee-boot-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const SDK_INDEX = join(ROOT, 'node_modules/@lightningjs/sdk/support/index.html')
const DIST_INDEX = join(ROOT, 'node_modules/@lightningjs/cli/fixtures/dist/index.es6.html')

/** Runs a built boot script in a bare context at `href` before the load event; returns what it requested and the faces it made. */
function runBoot(file: string, href: string) {
  const onLoad: (() => void)[] = []
  const fetched: string[] = []
  const faces: { family: string; source: string; weight?: string; loads: number }[] = []
  const added: unknown[] = []
  class FontFace {
    loads = 0
    status = 'unloaded'
    weight: string | undefined
    constructor(
      readonly family: string,
      readonly source: string,
      descriptors: { weight?: string },
    ) {
      this.weight = descriptors.weight
      faces.push(this)
    }
    load() {
      this.loads++
      return new Promise(() => undefined)
    }
  }
  const context: Record<string, unknown> = {
    URL,
    Map,
    Promise,
    JSON,
    FontFace,
    location: { href },
    document: { readyState: 'interactive', fonts: { add: (f: unknown) => added.push(f) } },
    addEventListener: (type: string, listener: () => void) => {
      if (type === 'load') onLoad.push(listener)
    },
    fetch: (url: string) => {
      fetched.push(url)
      return new Promise(() => undefined)
    },
  }
  context.window = context
  context.globalThis = context
  runInNewContext(readFileSync(file, 'utf8'), context)
  const load = () => onLoad.splice(0).forEach((l) => l())
  return { fetched, faces, added, load, handoff: context.__miiteeBoot as { faces: Map<string, unknown>; responses: Map<string, unknown> } }
}

describe('tools/tv-boot-build', () => {
  it('puts the boot script first in the CLI\'s index.html, once; the script requests the policy and the glyph advances at once and the fonts at the load event, from settings.json\'s paths', async () => {
    const dir = join(tmp, 'build')
    mkdirSync(dir, { recursive: true })
    copyFileSync(SDK_INDEX, join(dir, 'index.html'))
    const r = await buildTvBoot(dir)
    await buildTvBoot(dir)
    const html = readFileSync(join(dir, 'index.html'), 'utf8')
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="./boot.js">', '<script src="./startApp.js">'])
    expect(r.gzip).toBeGreaterThan(0)

    const settings = JSON.parse(readFileSync(join(ROOT, 'settings.json'), 'utf8'))
    const base = new URL(`${settings.platformSettings.path.replace(/\/?$/, '/')}`, 'http://tv.local/app/').href
    const run = runBoot(r.file, 'http://tv.local/app/index.html')
    expect(base).toBe('http://tv.local/app/static/')
    expect(run.fetched).toEqual([`${base}policy/index.json`, `${base}${settings.appSettings.policy.preload}`, `${base}fonts/MiiteeSans-metrics.json`])
    // A font download would hold the document's load event back: they start once it has fired.
    expect(run.faces).toEqual([])
    run.load()
    expect(run.faces.map((f) => [f.family, f.weight, f.source, f.loads])).toEqual(
      ['Regular', 'Bold'].map((face, i) => ['MiiteeSans', i ? '700' : '400', `url(${base}fonts/MiiteeSans-${face}.woff), url(${base}fonts/MiiteeSans-${face}.ttf)`, 1]),
    )
    expect(run.added).toEqual(run.faces)
    // Left for the app to take over.
    expect([run.handoff.faces.size, run.handoff.responses.size]).toEqual([2, 3])
  })

  it('links js/boot.js before Lightning in a dist index.html', async () => {
    const dir = join(tmp, 'dist')
    mkdirSync(join(dir, 'js'), { recursive: true })
    copyFileSync(DIST_INDEX, join(dir, 'index.html'))
    await buildTvBoot(dir, 'js/boot.js')
    const html = readFileSync(join(dir, 'index.html'), 'utf8')
    expect(html.match(/<script\b[^>]*>/g)?.slice(0, 3)).toEqual(['<script src="./js/boot.js">', '<script src="./js/lightning.min.js">', '<script src="./js/appBundle.js">'])
  })

  it('starts nothing the engine cannot do: no fetch, no FontFace', async () => {
    const r = await buildTvBoot(join(tmp, 'build'))
    const code = readFileSync(r.file, 'utf8')
    const context: Record<string, unknown> = { URL, Map, JSON, location: { href: 'http://tv.local/' }, document: { readyState: 'complete' } }
    context.window = context
    context.globalThis = context
    expect(() => runInNewContext(code, context)).not.toThrow()
  })

  it('withBootScript keeps the indentation, and fails naming the file when there is no script', () => {
    expect(withBootScript('<body>\n    <script src="a.js"></script>\n</body>', './boot.js')).toBe('<body>\n    <script src="./boot.js"></script>\n    <script src="a.js"></script>\n</body>')
    let error: unknown
    try {
      withBootScript('<body></body>', './boot.js', 'x/index.html')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(BootBuildError)
    expect(error).toMatchObject({ code: 'BOOT_NO_SCRIPT', message: expect.stringContaining('x/index.html') })
  })

  it('fails with BOOT_SETTINGS naming settings.json when it is not JSON, and with BOOT_NO_INDEX when index.html is missing', async () => {
    const root = join(tmp, 'bad-root')
    mkdirSync(root, { recursive: true })
    writeFileSync(join(root, 'settings.json'), '{ "appSettings": ')
    await expect(buildTvBoot(join(tmp, 'unused'), 'boot.js', { root })).rejects.toMatchObject({ code: 'BOOT_SETTINGS', message: expect.stringContaining(join(root, 'settings.json')) })
    await expect(buildTvBoot(join(tmp, 'no-index'))).rejects.toMatchObject({ code: 'BOOT_NO_INDEX', message: expect.stringContaining('index.html') })
  })
})
