// @vitest-environment jsdom
// Boots the real TV app from settings.json in jsdom (Lightning's Canvas2D renderer over a
// mocked canvas), the way the firmware would launch it, and walks the consent gate.
import 'vitest-canvas-mock'
import { readFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

const root = path.resolve(__dirname, '../..')
const settings = JSON.parse(readFileSync(path.join(root, 'settings.json'), 'utf8'))
const staticDir = path.join(root, 'static')

function press(keyCode: number, key: string) {
  window.dispatchEvent(new KeyboardEvent('keydown', { keyCode, key, bubbles: true } as KeyboardEventInit))
  window.dispatchEvent(new KeyboardEvent('keyup', { keyCode, key, bubbles: true } as KeyboardEventInit))
}

async function until(cond: () => boolean, what: string, ms = 5000) {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const hook = () => (window as any).__miitee

describe('TV app boot from settings.json (jsdom)', () => {
  const requested: string[] = []

  beforeAll(async () => {
    if (!existsSync(path.join(staticDir, 'policy/index.json'))) throw new Error('run `npm run build:policy` first (npm test does)')
    // Serve our own static folder, and record every request the app makes.
    vi.stubGlobal('fetch', async (url: string) => {
      requested.push(url)
      const rel = String(url).split('/static/')[1] ?? String(url).replace(/^(\.\/)?static\//, '')
      const file = path.join(staticDir, rel)
      if (!existsSync(file)) return new Response('not found', { status: 404 })
      return new Response(readFileSync(file), { status: 200, headers: { 'content-type': 'application/json' } })
    })
    localStorage.clear()
    const { default: launch } = await import('../../src/tv/index')
    const app = launch(
      { ...settings.appSettings, stage: { ...settings.appSettings.stage, canvas2d: true, w: 1920, h: 1080 } },
      { ...settings.platformSettings, path: './static', fontLoader: () => Promise.resolve() },
      {},
    )
    const stage = (app as any).stage
    document.body.appendChild(stage.getCanvas())
    await until(() => hook()?.route === 'gate', 'the consent gate')
  })


  afterAll(() => {
    vi.unstubAllGlobals()
  })

  it('opens on the consent gate on first launch, having fetched only its own static assets', () => {
    expect(hook().ready).toBe(true)
    expect(requested.length).toBeGreaterThan(0)
    for (const url of requested) expect(url).toMatch(/^(\.\/|https?:\/\/localhost(:\d+)?\/)?static\//)
    expect(hook().state.gate.button).toBe('agree')
  })

  it('draws the gate\'s title, key hint and button labels as regions of one atlas texture of their own; focus tints the labels', async () => {
    const { COLORS } = await import('../../src/tv/theme/screen')
    const byText = new Map<string, any>()
    const walk = (el: any) => {
      const t = el.texture
      if (t && typeof t.text === 'string' && t.text !== '') byText.set(t.text, el)
      el.childList?.forEach(walk)
    }
    walk(hook().app.stage.root)
    const fixed = ['隐私政策摘要', '同意', '不同意', '阅读全文'].map((t) => byText.get(t))
    const hint = [...byText.keys()].find((t) => t.startsWith('请阅读以下摘要'))
    expect(hint).toBeDefined()
    fixed.push(byText.get(hint as string))
    for (const el of fixed) expect(el?.texture.constructor.name).toBe('PageTextTexture')
    const ids = new Set(fixed.map((el) => el.texture._lookupId))
    expect(ids.size).toBe(1)
    // The summary's page has an atlas of its own.
    const summary = byText.get('摘要:')
    expect(summary?.texture.constructor.name).toBe('PageTextTexture')
    expect(summary.texture._lookupId).not.toBe([...ids][0])
    const [, agree, disagree] = fixed
    expect(agree.color).toBe(0xffffffff)
    expect(disagree.color).toBe(COLORS.text)
    const agreeTexture = agree.texture
    press(39, 'ArrowRight')
    expect(agree.color).toBe(COLORS.text)
    expect(disagree.color).toBe(0xffffffff)
    expect(agree.texture).toBe(agreeTexture)
    press(37, 'ArrowLeft')
    expect(hook().state.gate.button).toBe('agree')
  })

  it('同意 stores the acceptance with the policy hash and opens the reader', async () => {
    press(13, 'Enter')
    await until(() => hook().route === 'policy', 'the reader')
    const stored = JSON.parse(localStorage.getItem('miitee.policy-acceptance') as string)
    const index = JSON.parse(readFileSync(path.join(staticDir, 'policy/index.json'), 'utf8'))
    const entry = (Array.isArray(index) ? index : index.policies)[0]
    expect(stored.sha256).toBe(entry.sha256)
    expect(stored.policyId).toBe(entry.id)
  })

  it('opens a section from the contents list and flips pages with the remote', async () => {
    expect(hook().state.reader.mode).toBe('Contents')
    press(40, 'ArrowDown') // second entry
    press(13, 'Enter')
    await until(() => hook().state.reader.mode === 'Reading', 'reading mode')
    const start = hook().state.reader.pageIndex
    expect(start).toBeGreaterThan(0)
    press(39, 'ArrowRight')
    expect(hook().state.reader.pageIndex).toBe(start + 1)
    press(34, 'PageDown')
    expect(hook().state.reader.pageIndex).toBe(start + 2)
    press(33, 'PageUp')
    press(37, 'ArrowLeft')
    expect(hook().state.reader.pageIndex).toBe(start)
  })

  it('Back returns to the contents, and Back there asks before exit', async () => {
    press(8, 'Backspace')
    expect(hook().state.reader.mode).toBe('Contents')
    press(8, 'Backspace')
    await until(() => hook().state.exitDialog === true, 'the exit question')
    press(8, 'Backspace')
    expect(hook().state.exitDialog).toBe(false)
  })
})
