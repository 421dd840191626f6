// Leaving the app where no bridge does it: the TV platforms' own calls, through the APIs their
// web engines expose (Samsung Tizen: tizen.application; LG webOS: webOS.platformBack), else the
// browser's window.close().

export interface ExitGlobals {
  tizen?: { application?: { getCurrentApplication(): { exit(): void } } }
  webOS?: { platformBack?(): void }
  close(): void
}

/** Which way the app was asked to leave: the platform's call, or window.close() (a browser may ignore it). */
export type ExitRoute = 'tizen' | 'webos' | 'window.close'

/** Asks the platform to close the app; a platform call that throws falls through to window.close(). */
export function platformExit(g: ExitGlobals): ExitRoute {
  try {
    const app = g.tizen?.application?.getCurrentApplication()
    if (app) {
      app.exit()
      return 'tizen'
    }
  } catch {
    /* not a packaged Tizen app: fall through */
  }
  try {
    if (typeof g.webOS?.platformBack === 'function') {
      g.webOS.platformBack()
      return 'webos'
    }
  } catch {
    /* fall through */
  }
  g.close()
  return 'window.close'
}
