import { initRouter } from '@lightningjs/sdk/src/Router'

interface HashWindow {
  location: { href: string }
  history: { pushState(data: unknown, unused: string, url: string): void; state: unknown }
  dispatchEvent(event: Event): boolean
}

/**
 * The Router navigates by setting location.hash and waiting for the browser's hashchange event,
 * a task of its own that may wait behind frames and network callbacks (0–16 ms here between the
 * root route and the first page's set-up). This pushes the same history entry and hands the
 * Router its event at once. A hash typed or traversed by the browser still arrives as usual.
 */
export function setHashSynchronously(url: string, w: HashWindow = window): void {
  const oldURL = w.location.href
  w.history.pushState(w.history.state, '', `#${url}`)
  w.dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: w.location.href }))
}

export function useSyncHashNavigation(): void {
  initRouter({ setHash: (url: string) => setHashSynchronously(url) })
}
