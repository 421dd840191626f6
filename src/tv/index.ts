import { Launch, type AppData, type PlatformSettings } from '@lightningjs/sdk'
import App from './App'

type AppSettings = Parameters<typeof Launch>[1]

export default function (appSettings: AppSettings, platformSettings: PlatformSettings, appData: AppData) {
  return Launch(App, appSettings, platformSettings, appData)
}
