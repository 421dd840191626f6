// The only two places the app uses what the SDK does not export. Each has a test
// (test/tv/sdk/internals.test.ts) that fails when an SDK update changes it.
import { initRouter } from '@lightningjs/sdk/src/Router'

/** Sets how the Router writes location.hash (its bootstrapper hook, not in the SDK's public Router). */
export function setRouterHashWriter(setHash: (url: string) => void): void {
  initRouter({ setHash })
}

/** Compiles a Lightning WebGL shader now (its `_init` runs once; Lightning's first use then finds it compiled). */
export function compileShaderNow(shader: unknown): void {
  ;(shader as { _init?(): void } | null)?._init?.()
}
