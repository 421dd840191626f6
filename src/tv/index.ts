import { Launch, Utils, type AppData, type PlatformSettings } from '@lightningjs/sdk'
import App from './App'
import { appContext } from './services/AppContext'
import { parallelFontLoader } from './lib/fontLoader'

type AppSettings = Parameters<typeof Launch>[1]

export default function (appSettings: AppSettings, platformSettings: PlatformSettings, appData: AppData) {
  // Firmware may bring its own loader; otherwise fetch all faces in parallel.
  const settings = platformSettings as PlatformSettings & { fontLoader?: unknown }
  if (!settings.fontLoader) settings.fontLoader = parallelFontLoader
  const app = Launch(App, appSettings, settings, appData)
  // Fetch the policy while the fonts load; the router's boot step awaits the same request.
  appContext()
    .loadPolicy(Utils.asset(''))
    .catch(() => undefined)
  return app
}
