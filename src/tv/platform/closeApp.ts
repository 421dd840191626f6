import { log } from '../qa/testHook'
import { platformBridge } from './PlatformBridge'
import { platformExit, type ExitGlobals } from './platformExit'

function fallbackExit(): void {
  log(`exit: ${platformExit(window as unknown as ExitGlobals)}`)
}

/**
 * Leaves the app: the bridge's exit() (the firmware knows how its apps close), else the
 * platform's own call or window.close(). The app is never torn down here, and the SDK's
 * platformSettings.onClose is not called: both the SDK's close() and the onClose its dev loader
 * (startApp.js) installs destroy the stage and leave a white page behind, while a browser that
 * ignores window.close() keeps showing the app.
 */
export function closeApp(): void {
  const exit = platformBridge().exit
  if (!exit) {
    fallbackExit()
    return
  }
  log('exit: platform bridge')
  void Promise.resolve()
    .then(() => exit.call(platformBridge()))
    .catch((e: unknown) => {
      log(`exit: the bridge's exit() failed (${e instanceof Error ? e.message : String(e)})`)
      fallbackExit()
    })
}
