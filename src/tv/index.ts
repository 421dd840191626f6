import { Launch, type AppData, type PlatformSettings } from '@lightningjs/sdk'
import App from './App'
import { appContext } from './services/AppContext'
import { deferredFontLoader, preloadFonts } from './lib/fontLoader'
import { appFonts } from './lib/appFonts'
import { warmUpCanvas2d } from './lib/canvasWarmUp'
import { compileDefaultShader, type ShaderStage } from './lib/shaderWarmUp'
import { staticBase } from './lib/staticBase'
import type { PolicyLoadOptions } from './services/policyRequests'

type AppSettings = Parameters<typeof Launch>[1]

export default function (appSettings: AppSettings, platformSettings: PlatformSettings, appData: AppData) {
  // Firmware may bring its own loader; otherwise fetch all faces in parallel, and build the app
  // and its first page while they download (text is drawn once they are in).
  const settings = platformSettings as PlatformSettings & { fontLoader?: unknown }
  const base = staticBase((platformSettings as { path?: string }).path)
  if (!settings.fontLoader) {
    settings.fontLoader = deferredFontLoader
    // Usually started by the boot script already (then nothing is requested again); otherwise
    // before Launch builds the stage (WebGL set-up), so that the fonts arrive while it is made.
    preloadFonts(appFonts((rel) => base + rel))
  }
  // The router's boot step awaits the same request (the boot script's, when it made one).
  appContext()
    .loadPolicy(base, (appSettings as { policy?: PolicyLoadOptions }).policy)
    .catch(() => undefined)
  // Before the stage: the first page's text is then drawn without waiting on the stage's GPU work.
  warmUpCanvas2d()
  const app = Launch(App, appSettings, settings, appData)
  compileDefaultShader(app.stage as unknown as ShaderStage)
  return app
}
