import { Launch, type AppData, type PlatformSettings } from '@lightningjs/sdk'
import App from './App'
import { appContext } from './services/AppContext'
import { deferredFontLoader, preloadFonts } from './lib/fontLoader'
import { appFonts } from './lib/appFonts'
import { warmUpCanvas2d } from './lib/canvasWarmUp'
import type { PolicyLoadOptions } from './services/PolicyLibrary'

type AppSettings = Parameters<typeof Launch>[1]

/** The static folder's URL, as the SDK's Utils.asset('') will give it once Launch has run. */
function staticBase(platformSettings: PlatformSettings): string {
  const path = (platformSettings as { path?: string }).path || '/'
  return new URL(path.endsWith('/') ? path : `${path}/`, window.location.href).href
}

export default function (appSettings: AppSettings, platformSettings: PlatformSettings, appData: AppData) {
  // Firmware may bring its own loader; otherwise fetch all faces in parallel, and build the app
  // and its first page while they download (text is drawn once they are in).
  const settings = platformSettings as PlatformSettings & { fontLoader?: unknown }
  const base = staticBase(platformSettings)
  if (!settings.fontLoader) {
    settings.fontLoader = deferredFontLoader
    // Start the downloads before Launch builds the stage (WebGL set-up), not after it: the
    // first page needs the fonts and the policy, and both then arrive while the stage is made.
    preloadFonts(appFonts((rel) => base + rel))
  }
  // The router's boot step awaits the same request.
  appContext()
    .loadPolicy(base, (appSettings as { policy?: PolicyLoadOptions }).policy)
    .catch(() => undefined)
  // Before the stage: the first page's text is then drawn without waiting on the stage's GPU work.
  warmUpCanvas2d()
  return Launch(App, appSettings, settings, appData)
}
