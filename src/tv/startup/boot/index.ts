// The boot script: index.html runs it before Lightning's loader (startApp.js), which then fetches
// settings.json, metadata.json, Lightning and the app bundle one after another. The first screen
// needs the fonts, the policy and the glyph advances; started here, they download during that sequence instead of
// after it, and the app takes them over (../bootHandoff). Built by tools/tv-boot-build.ts with
// the static path and policy options of settings.json; a firmware that passes other settings
// only makes the app request its own (nothing is wrong, just later).
import { appFonts } from '../../text/appFonts'
import { prefetchBody } from '../bootHandoff'
import { preloadFonts } from '../../text/fontLoader'
import { FONT_METRICS_PATH } from '../../text/fontMetrics'
import { staticBase } from '../../services/staticBase'
import { firstPolicyRequests, type PolicyLoadOptions } from '../../services/policyRequests'

declare const __MIITEE_BOOT_SETTINGS__: { path?: string; policy?: PolicyLoadOptions }
/** The dist page's deployment settings file (./deploymentConfig), which its start script waits for; null elsewhere. */
declare const __MIITEE_BOOT_CONFIG__: string | null

const base = staticBase(__MIITEE_BOOT_SETTINGS__.path)
if (__MIITEE_BOOT_CONFIG__) prefetchBody(__MIITEE_BOOT_CONFIG__)
// Engines without the CSS Font Loading API get the fonts through the SDK's loader, later.
if (typeof FontFace === 'function' && document.fonts) {
  // A font download started before the document's load event holds that event back (a stalled
  // one for good, and a platform waiting for it would take the app for hung). The event comes
  // a few ms after this script: Lightning's loader continues with XHR and fetch, which do not
  // hold it.
  const startFonts = () => preloadFonts(appFonts((rel) => base + rel))
  if (document.readyState === 'complete') startFonts()
  else window.addEventListener('load', startFonts, { once: true })
}
// Through fetch, or XMLHttpRequest where the engine has no fetch (../legacy/requestBody).
const first = firstPolicyRequests(base, __MIITEE_BOOT_SETTINGS__.policy)
prefetchBody(first.index)
if (first.preload) prefetchBody(first.preload)
// The glyph advances the first pagination uses (AppContext.loadPolicy waits for them).
prefetchBody(base + FONT_METRICS_PATH)
