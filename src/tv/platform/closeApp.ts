import { Settings } from '@lightningjs/sdk'
import { log } from '../qa/testHook'
import { platformBridge } from './PlatformBridge'
import { platformExit, type ExitGlobals } from './platformExit'

function fallbackExit(): void {
  let onClose: unknown
  try {
    onClose = Settings.get('platform', 'onClose', undefined)
  } catch {
    onClose = undefined
  }
  if (typeof onClose === 'function') {
    log('exit: platformSettings.onClose')
    ;(onClose as () => void)()
    return
  }
  log(`exit: ${platformExit(window as unknown as ExitGlobals)}`)
}

/**
 * Leaves the app: the bridge's exit() (the firmware knows how its apps close), else the SDK's
 * platformSettings.onClose, else the platform's own call or window.close(). The app is never
 * torn down here: the SDK's own close() destroys the stage and leaves a white page behind, and a
 * browser that ignores window.close() keeps showing the app instead.
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
