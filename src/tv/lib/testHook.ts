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
