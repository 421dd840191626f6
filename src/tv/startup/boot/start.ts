// The dist page's start script (js/start.js, after Lightning and the app bundle; built by
// tools/dist-page.ts with settings.json baked in): what the CLI's index.html ran inline, as a
// file, so that the page needs no inline script and the service's CSP stays strict. It first
// reads config.json beside the page (requested ahead by the boot script), so that a deployment
// sets its own pairing service and policy locale without a rebuild.
import { fetchBody } from '../bootHandoff'
import { log } from '../../qa/testHook'
import { absoluteUrl } from '../../services/staticBase'
import { DEPLOYMENT_CONFIG_FILE, mergeSettings, parseDeploymentConfig, type Settings } from './deploymentConfig'

declare const __MIITEE_START__: { appSettings: Settings; platformSettings: Settings; appId: string }

type AppEntry = (appSettings: Settings, platformSettings: Settings, appData: Settings) => { stage: { getCanvas(): HTMLCanvasElement } }

/** config.json's settings; none when there is no such file, or (reported) when it is malformed. */
function deploymentSettings(): Promise<Settings> {
  return fetchBody(absoluteUrl(DEPLOYMENT_CONFIG_FILE)).then(
    (body) => {
      if (!body.ok) return {}
      try {
        return parseDeploymentConfig(body.text)
      } catch (e) {
        // The build's settings still make a working app: start with those, and say why.
        const err = e as Error & { code?: string }
        log(`${err.code}: ${err.message}`)
        console.error(`Miitee TV: ${err.code}: ${err.message}; starting with the built-in settings`)
        return {}
      }
    },
    // No file (a file:// package without one, or a network error): the built-in settings.
    () => ({}),
  )
}

/** Whether this engine gives a WebGL context (some TV browsers have the constructor but no context). */
function webglContext(): boolean {
  try {
    const c = document.createElement('canvas')
    const gl = (c.getContext('webgl') || c.getContext('experimental-webgl')) as WebGLRenderingContext | null
    // Given back at once: engines allow only a few contexts.
    gl?.getExtension('WEBGL_lose_context')?.loseContext()
    return !!gl
  } catch {
    return false
  }
}

/**
 * Lightning takes WebGL for granted wherever WebGLRenderingContext exists and stops when it gets
 * no context: such an engine gets Lightning's Canvas2D renderer instead.
 */
function withRenderer(appSettings: Settings): Settings {
  const stage = (appSettings.stage ?? {}) as Settings
  if (stage.canvas2d || webglContext()) return appSettings
  log('no WebGL context here: Lightning draws with Canvas2D')
  return mergeSettings(appSettings, { stage: { canvas2d: true } })
}

const start = __MIITEE_START__
void deploymentSettings().then((config) => {
  const exported = (window as unknown as Record<string, AppEntry | { default: AppEntry }>)[start.appId]
  const entry = typeof exported === 'function' ? exported : exported.default
  const app = entry(withRenderer(mergeSettings(start.appSettings, config)), start.platformSettings, {})
  document.body.appendChild(app.stage.getCanvas())
})
