import { initRouter } from '@lightningjs/sdk/src/Router'

/**
 * The Router navigates by setting location.hash and waiting for the browser's hashchange event,
 * a task of its own that may wait behind frames and network callbacks (0–16 ms here between the
 * root route and the first page's set-up). This pushes the same history entry and hands the
 * Router its event at once. A hash typed or traversed by the browser still arrives as usual.
 */
export function setHashSynchronously(url: string): void {
  const oldURL = location.href
  history.pushState(history.state, '', `#${url}`)
  window.dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: location.href }))
}

export function useSyncHashNavigation(): void {
  initRouter({ setHash: setHashSynchronously })
}
