import { setRouterHashWriter } from '../sdk/internals'

/**
 * The Router navigates by setting location.hash and waiting for the browser's hashchange event,
 * a task of its own that may wait behind frames and network callbacks. This pushes the same
 * history entry and hands the Router its event at once. A hash typed or traversed by the
 * browser still arrives as usual.
 */
export function setHashSynchronously(url: string): void {
  const oldURL = location.href
  history.pushState(history.state, '', `#${url}`)
  window.dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: location.href }))
}

export function useSyncHashNavigation(): void {
  setRouterHashWriter(setHashSynchronously)
}
