// Everything the app does for its first frame, in order (docs/tv-startup.md explains each step and
// how to remove it). The boot script (./boot) runs earlier, from index.html.
import { Launch, type AppData, type PlatformSettings } from '@lightningjs/sdk'
import { appFonts } from '../text/appFonts'
import { deferredFontLoader, preloadFonts } from '../text/fontLoader'
import { appContext } from '../services/AppContext'
import { staticBase } from '../services/staticBase'
import type { PolicyLoadOptions } from '../services/policyRequests'
import { warmUpCanvas2d } from './canvasWarmUp'
import { compileDefaultShader, type ShaderStage } from './shaderWarmUp'
import { useSyncHashNavigation } from './syncHashNavigation'
import { textWaitsForFonts } from './textWaitsForFonts'

type AppSettings = Parameters<typeof Launch>[1]
type AppClass = Parameters<typeof Launch>[0]

export function startTv(App: AppClass, appSettings: AppSettings, platformSettings: PlatformSettings, appData: AppData) {
  const settings = platformSettings as PlatformSettings & { fontLoader?: unknown; path?: string }
  const base = staticBase(settings.path)
  // Firmware may bring its own loader; otherwise every face downloads in parallel (usually started
  // by the boot script already) while the stage and the first page are built.
  if (!settings.fontLoader) {
    settings.fontLoader = deferredFontLoader
    preloadFonts(appFonts((rel) => base + rel))
  }
  // The router's boot step awaits the same request (the boot script's, when it made one).
  appContext()
    .loadPolicy(base, (appSettings as { policy?: PolicyLoadOptions }).policy)
    .catch(() => undefined)
  useSyncHashNavigation()
  warmUpCanvas2d()
  const app = Launch(App, appSettings, settings, appData)
  compileDefaultShader(app.stage as unknown as ShaderStage)
  textWaitsForFonts(app)
  return app
}
