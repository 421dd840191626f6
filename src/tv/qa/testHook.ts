// A small, read-only window into the running app for browser tests and integrators' QA:
// which route is shown, what the reader laid out, texture memory. Holds no secrets.
export interface MiiteeHook {
  ready: boolean
  route: string
  state: Record<string, unknown>
  app: unknown
  logs: string[]
  [key: string]: unknown
}

export function hook(): MiiteeHook {
  const w = window as unknown as { __miitee?: MiiteeHook }
  if (!w.__miitee) w.__miitee = { ready: false, route: '', state: {}, app: null, logs: [] }
  return w.__miitee
}

export function log(message: string): void {
  const h = hook()
  h.logs.push(message)
  if (h.logs.length > 200) h.logs.shift()
}

/**
 * Publishes `hash` as the route shown once the new page has drawn a frame (its state is in the
 * hook by then), or after 100 ms when no frame comes: the app is ready from the first one.
 */
export function publishRoute(hash: string): void {
  const h = hook()
  let done = false
  const publish = () => {
    if (done) return
    done = true
    h.route = hash
    h.ready = true
  }
  ;(h.app as { stage?: { once(event: string, fn: () => void): void } } | null)?.stage?.once('frameEnd', publish)
  setTimeout(publish, 100)
  log(`route ${hash}`)
}
