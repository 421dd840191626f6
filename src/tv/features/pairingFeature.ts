import { exposeHostModules } from './hostModules'

export type PairingFeature = typeof import('./pairing')

let loading: Promise<PairingFeature> | null = null

/**
 * Loads the pairing feature once. In a release build this `import()` stays a runtime import of
 * `features/pairing.js` (rollup.es6.config.js); under test it loads the sources directly.
 */
export function loadPairingFeature(): Promise<PairingFeature> {
  if (!loading) {
    exposeHostModules()
    loading = import('./pairing')
    // A failed load (say, the network dropped) may be retried by the next caller.
    loading.catch(() => {
      loading = null
    })
  }
  return loading
}
