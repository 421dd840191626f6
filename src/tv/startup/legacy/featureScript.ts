// The legacy build's stand-in for `import('./pairing')`: engines without dynamic import (WebKit
// 602, Chrome < 63) get each feature bundle as a classic script that puts its exports on
// window.__miiteeFeatures (tools/tv-legacy-build.ts builds it so).

/** The global each legacy feature bundle assigns its exports to, under its name. */
export const FEATURES_GLOBAL = '__miiteeFeatures'

// Feature scripts sit beside the bundle that loads them, as features/pairing.js does in the
// modern build: resolved against this script's own URL, read while it runs.
const current = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null
const BUNDLE_URL = current && current.src ? current.src : ''

/** URL of feature `name`'s script, beside the bundle that is running. */
export function featureScriptUrl(name: string, bundleUrl = BUNDLE_URL): string {
  const file = `features/${name}.js`
  return bundleUrl ? new URL(file, bundleUrl).href : `./${file}`
}

/** Runs feature `name`'s script once and resolves with its exports; a failed load may be retried. */
export function loadFeatureScript<T>(name: string, bundleUrl = BUNDLE_URL): Promise<T> {
  const registry = () => (window as unknown as Record<string, Record<string, T> | undefined>)[FEATURES_GLOBAL]
  const ready = registry()?.[name]
  if (ready) return Promise.resolve(ready)
  return new Promise<T>((resolve, reject) => {
    const script = document.createElement('script')
    const src = featureScriptUrl(name, bundleUrl)
    script.src = src
    script.async = true
    script.onload = () => {
      const exports = registry()?.[name]
      if (exports) resolve(exports)
      else {
        script.remove()
        reject(new Error(`${src} ran but did not register the ${name} feature`))
      }
    }
    script.onerror = () => {
      script.remove()
      reject(new Error(`${src} could not be loaded`))
    }
    document.head.appendChild(script)
  })
}
