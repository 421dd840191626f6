// The dist page is rewritten from settings.json on every dist (the CLI writes it once), and
// carries no inline script or style: the service's CSP refuses both.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { afterAll, describe, expect, it } from 'vitest'
import { buildDistPage, DistPageError, distIndexHtml, startSettings } from '../../tools/dist-page'

const ROOT = join(__dirname, '../..')
const tmp = mkdtempSync(join(tmpdir(), 'miitee-dist-page-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A project root with the real sources' settings, metadata and node_modules, and a dist with an app bundle. */
function fixture(name: string): { root: string; dist: string } {
  const root = join(tmp, name)
  mkdirSync(root, { recursive: true })
  cpSync(join(ROOT, 'settings.json'), join(root, 'settings.json'))
  cpSync(join(ROOT, 'metadata.json'), join(root, 'metadata.json'))
  symlinkSync(join(ROOT, 'src'), join(root, 'src'))
  cpSync(join(ROOT, 'node_modules/@lightningjs/core/dist/lightning.min.js'), join(root, 'node_modules/@lightningjs/core/dist/lightning.min.js'))
  const dist = join(root, 'dist/es6')
  mkdirSync(join(dist, 'js'), { recursive: true })
  writeFileSync(join(dist, 'js/appBundle.js'), '/* bundle */')
  // What the CLI leaves on its first dist: settings pasted into an inline script.
  writeFileSync(join(dist, 'index.html'), '<html><body><script src="./js/appBundle.js"></script><script>const appSettings = {}</script></body></html>')
  return { root, dist }
}

/** Every <script> and <style>/<link>/style= in a page, and whether each is inline. */
function inlineParts(html: string): string[] {
  const found: string[] = []
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) if (!/\bsrc=/.test(m[1]) || m[2].trim()) found.push(`inline script: ${m[0].slice(0, 60)}`)
  for (const m of html.matchAll(/<style\b[\s\S]*?<\/style>/gi)) found.push(`inline style: ${m[0].slice(0, 60)}`)
  for (const m of html.matchAll(/\s(on[a-z]+|style)\s*=/gi)) found.push(`inline attribute: ${m[1]}`)
  if (/javascript:/i.test(html)) found.push('javascript: URL')
  return found
}

/** Runs js/start.js with a stub app bundle; returns the settings the app was started with. */
function runStart(file: string, appId: string, config: { ok: boolean; text: string } | 'network-error') {
  const started: unknown[] = []
  const appended: unknown[] = []
  const context: Record<string, unknown> = {
    URL,
    Map,
    Promise,
    JSON,
    console: { error: () => undefined, log: () => undefined },
    location: { href: 'https://tv.example.com/app/index.html' },
    document: { body: { appendChild: (c: unknown) => appended.push(c) } },
    __miiteeBoot: {
      faces: new Map(),
      responses: new Map([['https://tv.example.com/app/config.json', config === 'network-error' ? Promise.reject(new TypeError('offline')) : Promise.resolve({ status: config.ok ? 200 : 404, ...config })]]),
    },
  }
  context[appId] = { default: (app: unknown, platform: unknown) => (started.push({ app, platform }), { stage: { getCanvas: () => 'canvas' } }) }
  context.window = context
  context.globalThis = context
  runInNewContext(readFileSync(file, 'utf8'), context)
  return { started: started as { app: Record<string, any>; platform: Record<string, any> }[], appended, logs: () => (context.__miitee as { logs: string[] } | undefined)?.logs.join('\n') }
}

const flush = () => new Promise((r) => setTimeout(r, 10))

describe('tools/dist-page', () => {
  it('writes a page with every script and the stylesheet by URL, in boot → Lightning → app → start order', async () => {
    const { root, dist } = fixture('page')
    await buildDistPage(dist, { root })
    const html = readFileSync(join(dist, 'index.html'), 'utf8')
    expect(html).toBe(distIndexHtml())
    expect(inlineParts(html)).toEqual([])
    expect([...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1])).toEqual(['./js/boot.js', './js/lightning.min.js', './js/appBundle.js', './js/start.js'])
    expect(html).toContain('<link rel="stylesheet" href="./app.css" />')
    expect(readFileSync(join(dist, 'app.css'), 'utf8')).toMatch(/canvas \{ position: absolute/)
    expect(readFileSync(join(dist, 'js/lightning.min.js'))).toEqual(readFileSync(join(root, 'node_modules/@lightningjs/core/dist/lightning.min.js')))
    // The boot script requests config.json ahead, for the start script.
    expect(readFileSync(join(dist, 'js/boot.js'), 'utf8')).toContain('"config.json"')
    // The check itself sees inline parts.
    expect(inlineParts('<script>x</script><div style="a"></div>')).toHaveLength(2)
  })

  it('bakes settings.json into the start script on every run, not only the first', async () => {
    const { root, dist } = fixture('rerun')
    await buildDistPage(dist, { root, minify: false })
    const appId = startSettings(root).appId
    expect(appId).toBe('APP_tv_miitee_app')
    let run = runStart(join(dist, 'js/start.js'), appId, { ok: false, text: 'not found' })
    await flush()
    expect(run.started[0].app.policy).toEqual({ locale: 'zh-CN', preload: 'policy/miitee-privacy-policy.zh-CN.json' })
    expect(run.started[0].app.id).toBe('tv.miitee.app')
    expect(run.started[0].platform.path).toBe('./static')
    expect(run.appended).toEqual(['canvas'])

    const settings = JSON.parse(readFileSync(join(root, 'settings.json'), 'utf8'))
    settings.appSettings.pairingServiceUrl = 'https://pair.example.com'
    settings.platformSettings.path = './assets'
    writeFileSync(join(root, 'settings.json'), JSON.stringify(settings))
    await buildDistPage(dist, { root, minify: false })
    run = runStart(join(dist, 'js/start.js'), appId, { ok: false, text: '' })
    await flush()
    expect(run.started[0].app.pairingServiceUrl).toBe('https://pair.example.com')
    expect(run.started[0].platform.path).toBe('./assets')
  })

  it('merges config.json over the built-in appSettings at start; a malformed one is reported and ignored', async () => {
    const { root, dist } = fixture('config')
    await buildDistPage(dist, { root, minify: false })
    const file = join(dist, 'js/start.js')
    const appId = startSettings(root).appId
    const good = runStart(file, appId, { ok: true, text: JSON.stringify({ pairingServiceUrl: 'https://pair.example.com', policy: { locale: 'en-US' } }) })
    await flush()
    expect(good.started).toHaveLength(1)
    expect(good.started[0].app.pairingServiceUrl).toBe('https://pair.example.com')
    // Merged key by key: the preload and the remote keys of settings.json stay.
    expect(good.started[0].app.policy).toEqual({ locale: 'en-US', preload: 'policy/miitee-privacy-policy.zh-CN.json' })
    expect(good.started[0].app.keys['10009']).toBe('Back')

    const bad = runStart(file, appId, { ok: true, text: JSON.stringify({ pairingServiceUrl: 'pair.example.com' }) })
    await flush()
    expect(bad.started).toHaveLength(1)
    expect(bad.started[0].app.pairingServiceUrl).toBeUndefined()
    expect(bad.logs()).toMatch(/CONFIG_BAD_VALUE: config\.json pairingServiceUrl: must be an absolute http\(s\) URL/)

    const offline = runStart(file, appId, 'network-error')
    await flush()
    expect(offline.started).toHaveLength(1)
    expect(offline.started[0].app.policy.locale).toBe('zh-CN')
  })

  it('names what is missing', async () => {
    const { root, dist } = fixture('missing')
    rmSync(join(dist, 'js/appBundle.js'))
    await expect(buildDistPage(dist, { root })).rejects.toMatchObject({ code: 'DIST_NO_BUNDLE' })
    writeFileSync(join(root, 'metadata.json'), '{}')
    expect(() => startSettings(root)).toThrow(DistPageError)
  })
})
