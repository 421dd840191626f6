// Layout checks of the phone page as a thumb and an eye meet it: every touch target's box, and
// words that the browser split across two lines. Both run in the page on what is laid out now.
import type { Page } from 'playwright-core'

/** Smallest side of a touch target, in CSS px (WCAG 2.5.5, and Apple's and Google's guidance). */
export const MIN_TARGET = 44

export interface TargetBox {
  /** Tag, id or class and text, to find the element from an assertion message. */
  what: string
  w: number
  h: number
}

export interface TouchTargets {
  /** Every visible interactive element with the box a tap lands on (for a labelled input: its largest label). */
  targets: TargetBox[]
  /** Links inside a sentence, exempt from the size by WCAG 2.5.8's inline exception; listed to be seen. */
  inline: TargetBox[]
}

/**
 * The interactive elements on screen (links, buttons, form fields, focusable regions) and the box
 * each one answers a tap with. A checkbox inside or named by a label answers on the label too, so
 * its target is the larger of the two.
 */
export function touchTargets(page: Page): Promise<TouchTargets> {
  return page.evaluate(() => {
    const visible = (e: Element) => {
      const r = e.getBoundingClientRect()
      if (r.width === 0 || r.height === 0) return false
      const s = getComputedStyle(e)
      return s.visibility !== 'hidden' && !e.closest('[hidden], .sr-only')
    }
    const name = (e: Element) => {
      const text = (e.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)
      return `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''} "${text}"`
    }
    // A link is "in a sentence" when the block around it holds more text than the link itself.
    const inSentence = (a: Element) => {
      if (getComputedStyle(a).display !== 'inline') return false
      let block: Element | null = a.parentElement
      while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement
      return !!block && (block.textContent ?? '').trim().length > (a.textContent ?? '').trim().length
    }
    const targets: { what: string; w: number; h: number }[] = []
    const inline: { what: string; w: number; h: number }[] = []
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])'
    for (const e of Array.from(document.querySelectorAll(selector))) {
      if (!visible(e)) continue
      let r = e.getBoundingClientRect()
      const labels = e instanceof HTMLInputElement && e.labels ? Array.from(e.labels) : []
      for (const l of labels) {
        const lr = l.getBoundingClientRect()
        if (visible(l) && lr.width * lr.height > r.width * r.height) r = lr
      }
      const box = { what: name(e), w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10 }
      if (e.tagName === 'A' && inSentence(e)) inline.push(box)
      else targets.push(box)
    }
    return { targets, inline }
  })
}

export interface SplitWord {
  word: string
  /** The text around it, to find it. */
  context: string
  /** The distinct line tops its characters sit on. */
  lines: number
}

/**
 * Words the browser broke across lines: each run of Latin letters and digits in every visible text
 * node, measured by its Range's client rects (one per line box it spans). URLs, e-mail addresses and
 * dotted identifiers are not words and may break where they must.
 */
export function splitWords(page: Page): Promise<SplitWord[]> {
  return page.evaluate(() => {
    const out: { word: string; context: string; lines: number }[] = []
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.nodeValue ?? ''
      const parent = n.parentElement
      if (!parent || !text.trim() || parent.closest('[hidden], .sr-only, script, style')) continue
      if (parent.getClientRects().length === 0) continue
      for (const chunk of text.matchAll(/\S+/g)) {
        if (/:\/\/|@|\w[./_]\w/.test(chunk[0])) continue
        // A date or code ("2024-02-29", "WDJB-MJHT") is one word; "Wi-Fi" may break after its hyphen.
        for (const m of chunk[0].matchAll(/[A-Za-z0-9\u00C0-\u024F'’]+(?:[-\u2011][0-9A-Z]+(?![a-z]))*/g)) {
          if (m[0].length < 2) continue
          const start = (chunk.index ?? 0) + (m.index ?? 0)
          const range = document.createRange()
          range.setStart(n, start)
          range.setEnd(n, start + m[0].length)
          const tops: number[] = []
          for (const r of Array.from(range.getClientRects())) {
            if (r.width < 0.5) continue
            if (!tops.some((t) => Math.abs(t - r.top) < r.height / 2)) tops.push(r.top)
          }
          if (tops.length > 1) out.push({ word: m[0], context: text.slice(Math.max(0, start - 20), start + m[0].length + 20), lines: tops.length })
        }
      }
    }
    return out
  })
}

/** Failing targets as one line each, for assertion messages. */
export function smallTargets(t: TouchTargets): string[] {
  return t.targets.filter((b) => b.w < MIN_TARGET || b.h < MIN_TARGET).map((b) => `${b.what}: ${b.w}×${b.h}`)
}
