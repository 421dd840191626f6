import { fontsAreSettled, fontsSettled } from '../text/fontLoader'

interface Showable {
  visible: boolean
}

/**
 * Keeps the app out of the frames until the web fonts are in or their wait is over: a Lightning
 * text texture that starts loading while a face is still downloading waits on document.fonts for
 * that face, and a download that stalls would leave it blank for good, even past the wait.
 */
export function textWaitsForFonts(app: Showable): void {
  if (fontsAreSettled()) return
  app.visible = false
  void fontsSettled().then(() => {
    app.visible = true
  })
}
