// Where the policy is fetched from: shared by the app's loader and the boot script that starts
// the same requests before the app bundle runs.

export interface PolicyLoadOptions {
  locale?: string
  /**
   * The document the index is expected to name (settings.json `policy.preload`, relative to the
   * static root). It is requested together with the index instead of after it: the first screen
   * waits for one round trip, not two. If the index names another document, that one is fetched.
   */
  preload?: string
}

/** Static-root-relative path of an index entry ("./static/policy/x.json" → "policy/x.json"). */
export function policyPath(path: string): string {
  return path.replace(/^(\.\/)?(static\/)?/, '')
}

/** The first requests of loadPolicy: the index, and the document it is expected to name. */
export function firstPolicyRequests(baseUrl: string, options: PolicyLoadOptions = {}): { index: string; preload: string | null } {
  return {
    index: `${baseUrl}policy/index.json`,
    preload: options.preload ? `${baseUrl}${policyPath(options.preload)}` : null,
  }
}
