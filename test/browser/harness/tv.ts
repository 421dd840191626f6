// Probes of the Miitee TV app for the Chromium journey and layout tests: the test hook's state,
// the Lightning tree (focus path, menus, texts on screen, the reader's current page view) and storage.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import type { Pagination } from '../../../src/core/layout/types'
import { renderFrames } from './chromium'
import { BUILD_DIR } from './common'
import { BLANK_PATH } from './server'

export interface GateState {
  pageIndex: number
  pageCount: number
  button?: string
}

export interface ReaderState {
  mode: 'Contents' | 'Reading'
  pageIndex: number
  pageCount: number
  sectionId?: string
  focusIndex: number
  textSize: 'S' | 'M' | 'L'
}

export interface HookSnapshot {
  ready: boolean
  route: string
  gate?: GateState
  reader?: ReaderState
  exitDialog?: boolean
  clearDialog?: boolean
  exited?: boolean
}

/** localStorage keys the app writes (LocalStorageStore prefixes every key with "miitee."). */
export const ACCEPTANCE_KEY = 'miitee.policy-acceptance'
export const PREFERENCES_KEY = 'miitee.preferences'

/** The policy index entry the build serves (build/static/policy/index.json). */
export function servedPolicyEntry(dir = BUILD_DIR): { id: string; locale: string; version: string; sha256: string; path: string } {
  const index = JSON.parse(readFileSync(join(dir, 'static/policy/index.json'), 'utf8'))
  const entries = Array.isArray(index) ? index : index.policies
  return entries.find((e: { locale: string }) => e.locale === 'zh-CN') ?? entries[0]
}

/** Route and state published on window.__miitee (copied, so later changes do not show through). */
export async function hookState(page: Page): Promise<HookSnapshot> {
  return page.evaluate(() => {
    const h = (window as any).__miitee
    return JSON.parse(JSON.stringify({ ready: h.ready, route: h.route, ...h.state }))
  })
}

/** The Lightning focus path below the App, as "Constructor:ref" (state classes show their state name). */
export async function focusPath(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const app = (window as any).__miitee.app
    return (app.focusPath || []).map((c: any) => `${c.constructor.name}:${c.ref}`)
  })
}

/** The ref of the focused leaf (e.g. "B_agree" for the 同意 button). */
export async function focusedRef(page: Page): Promise<string> {
  const path = await focusPath(page)
  return path[path.length - 1].split(':')[1]
}

export interface MenuProbe {
  index: number
  selectedId: string
  ids: string[]
  entries: { id: string; label: string; value?: string }[]
}

/** The enabled MenuList on screen (reader contents, settings, privacy settings). */
export async function menuState(page: Page): Promise<MenuProbe | null> {
  return page.evaluate(() => {
    let found: any = null
    const find = (el: any) => {
      if (found || !el.enabled) return
      if (el.constructor.name === 'MenuList') found = el
      else if (el.childList) el.childList.forEach(find)
    }
    find((window as any).__miitee.app.stage.root)
    return (
      found && {
        index: found.index,
        selectedId: found.selectedId,
        ids: found.entries.map((e: { id: string }) => e.id),
        entries: found.entries.map((e: { id: string; label: string; value?: string }) => ({ id: e.id, label: e.label, value: e.value })),
      }
    )
  })
}

/**
 * Text of every text element that is drawn (enabled: attached, visible, alpha > 0 up the tree)
 * and lies on the stage (not a neighbour page parked off-screen), in tree order.
 */
export async function screenTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const app = (window as any).__miitee.app
    const out: string[] = []
    const walk = (el: any) => {
      if (!el.enabled) return
      const t = el.texture
      if (t && typeof t.text === 'string' && t.text !== '') {
        const [wx] = el.core.getCornerPoints()
        if (wx > -1 && wx < 1920) out.push(t.text)
      }
      if (el.childList) el.childList.forEach(walk)
    }
    walk(app.stage.root)
    return out
  })
}

/**
 * Waits until the router has shown its first page (window.__miitee.route set; `ready` alone comes
 * before the router's boot has loaded the policy) and a few frames have rendered; returns the route.
 */
export async function waitForFirstRoute(page: Page, timeoutMs = 15000): Promise<string> {
  const handle = await page.waitForFunction(() => {
    const h = (window as any).__miitee
    return h && h.ready === true && h.route ? h.route : null
  }, undefined, { timeout: timeoutMs, polling: 50 })
  const route = (await handle.jsonValue()) as string
  await renderFrames(page, 3)
  return route
}

/** The reader's pagination (current text size) or the gate's summary pagination, from the hook. */
export async function paginationOf(page: Page, which: 'reader' | 'summary' = 'reader'): Promise<Pagination> {
  return page.evaluate((w) => {
    const h = (window as any).__miitee
    return JSON.parse(JSON.stringify(w === 'reader' ? h.pagination() : h.summaryPagination()))
  }, which)
}

export interface RenderedText {
  /** path of the element under the page view's item element, e.g. "Text", "C2", "V0", "Caption" */
  ref: string
  text: string
  /**
   * Canvas width of each drawn line, when rendered: Lightning's own measurement for its text
   * textures (renderInfo); for a region of a page's text atlas, measured here in the region's font
   */
  lineWidths: number[] | null
  /** size in pixels of the GPU texture the text is drawn in (a page atlas for atlas regions), when rendered */
  w: number | null
  h: number | null
}

export interface RenderedItem {
  texts: RenderedText[]
  /** side of the QR code element, for QR items */
  qrSide: number | null
}

export interface RenderedPage {
  /** index (in the reader's pagination) of the page the current view draws; -1 if not found */
  pageIndex: number
  /** the view draws exactly the Page object pagination() returns (same object) */
  samePageObject: boolean
  items: RenderedItem[]
}

/**
 * What the current PolicyPageView on screen actually draws (the reader's, or the consent gate's
 * summary with which = 'summary'): the text elements of each item, with the canvas widths of their
 * lines and the sizes of the textures they are drawn in. Waits until every text texture has rendered.
 */
export async function renderedPage(page: Page, which: 'reader' | 'summary' = 'reader', timeoutMs = 5000): Promise<RenderedPage> {
  const probe = (w: 'reader' | 'summary') => {
    const h = (window as any).__miitee
    const app = h.app
    let strip: any = null
    const find = (el: any) => {
      if (strip) return
      if (el.enabled && el.constructor.name === 'PageStrip' && el.current) strip = el
      else if (el.childList) el.childList.forEach(find)
    }
    find(app.stage.root)
    if (!strip) return null
    const view = strip.current
    const pag = w === 'reader' ? h.pagination() : h.summaryPagination()
    const idx = pag.pages.indexOf(view.page)
    const items: any[] = []
    let pending = false
    view.tag('Items').childList.forEach((itemEl: any) => {
      const texts: any[] = []
      let qrSide: number | null = null
      const blocks = new Map<unknown, any>()
      const walk = (el: any, ref: string) => {
        const t = el.texture
        if (t && t.block) {
          // A line of the page's text atlas: each line of a block is an element of its own. The
          // block's text is gathered from the line elements drawn (a missing one leaves a hole),
          // its lines measured with the font they are drawn in.
          const b = t.block
          const src = t.source
          const loaded = !!(src && src.isLoaded())
          if (!loaded) pending = true
          let entry = blocks.get(b)
          if (!entry) {
            const ctx = document.createElement('canvas').getContext('2d')!
            ctx.font = `${b.font.weight === 'bold' ? 'bold ' : ''}${b.font.size}px "${b.font.family ?? 'MiiteeSans'}"`
            entry = { ref, drawn: b.lines.map(() => '\u0000missing'), lineWidths: loaded ? b.lines.map((l: string) => ctx.measureText(l).width) : null, w: loaded ? src.w : null, h: loaded ? src.h : null }
            blocks.set(b, entry)
            texts.push(entry)
          }
          entry.drawn[t.line] = t.text
          entry.text = entry.drawn.join('\n')
        } else if (t && typeof t.text === 'string') {
          const ri = t.source && t.source.renderInfo
          if (!ri && t.text !== '') pending = true
          texts.push({ ref, text: t.text, lineWidths: ri ? ri.lineWidths.slice() : null, w: ri ? ri.w : null, h: ri ? ri.h : null })
        }
        if (el.constructor.name === 'QrCode') qrSide = Math.max(el.w, el.h)
        if (el.childList) el.childList.forEach((c: any) => walk(c, c.ref || ref || '?'))
      }
      walk(itemEl, '')
      items.push({ texts, qrSide })
    })
    return pending ? null : { pageIndex: idx, samePageObject: idx >= 0, items }
  }
  const handle = await page.waitForFunction(probe, which, { timeout: timeoutMs, polling: 50 })
  return (await handle.jsonValue()) as RenderedPage
}

/**
 * Writes localStorage entries for the app's origin from an empty same-origin page (the app does
 * not run), e.g. an acceptance record and preferences before a launch. null removes a key.
 */
export async function seedStorage(page: Page, baseUrl: string, entries: Record<string, string | null>, clear = true): Promise<void> {
  await page.goto(new URL(BLANK_PATH, baseUrl).href)
  await page.evaluate(
    ([e, c]) => {
      if (c) localStorage.clear()
      for (const [k, v] of Object.entries(e)) {
        if (v === null) localStorage.removeItem(k)
        else localStorage.setItem(k, v)
      }
    },
    [entries, clear] as const,
  )
}

/** The raw localStorage value of a key in the page's origin. */
export function storageItem(page: Page, key: string): Promise<string | null> {
  return page.evaluate((k) => localStorage.getItem(k), key)
}
