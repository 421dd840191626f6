import { Launch, Utils, type AppData, type PlatformSettings } from '@lightningjs/sdk'
import App from './App'
import { appContext } from './services/AppContext'

type AppSettings = Parameters<typeof Launch>[1]

export default function (appSettings: AppSettings, platformSettings: PlatformSettings, appData: AppData) {
  const app = Launch(App, appSettings, platformSettings, appData)
  // Fetch the policy while the fonts load; the router's boot step awaits the same request.
  appContext()
    .loadPolicy(Utils.asset(''))
    .catch(() => undefined)
  return app
}
