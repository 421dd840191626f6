import { Router } from '@lightningjs/sdk'
import { fontsAreSettled, fontsSettled } from '../text/fontLoader'

export interface FrameStage {
  isUpdatingFrame(): boolean
  drawFrame(): void
}

/**
 * Shows the app's first page in one complete frame, as soon as it can:
 * - drawn at once rather than at the next animation frame, which the browser held back by
 *   19 ms (median, headless Chromium) while it finished setting up the stage;
 * - if the fonts are still downloading, the page stays out of the frames (alpha 0: Lightning
 *   neither draws nor loads its textures) until they are in. Shown earlier, its texts would wait
 *   for the fonts, then be drawn outside a frame and uploaded over the next frames, a few per
 *   frame; the viewer would see the page's boxes without their text first.
 */
export function showFirstPage(stage: FrameStage, page: { alpha: number } | null): void {
  const draw = () => {
    if (!stage.isUpdatingFrame()) stage.drawFrame()
  }
  if (fontsAreSettled() || !page) {
    draw()
    return
  }
  page.alpha = 0
  void fontsSettled().then(() => {
    page.alpha = 1
    draw()
  })
}

type RouteHook = (request: { hash: string }) => void
interface RevealStage extends FrameStage {
  once(event: string, fn: () => void): void
}

/**
 * Makes `routes` show the first page it routes to with showFirstPage, then steps aside: the routes
 * (data) and their pages know nothing of the first frame.
 */
export function revealFirstPage(routes: { afterEachRoute?: RouteHook }, stage: () => RevealStage | undefined): void {
  const after = routes.afterEachRoute
  routes.afterEachRoute = (request) => {
    routes.afterEachRoute = after
    after?.(request)
    const s = stage()
    if (s) showFirstPage(s, Router.getActivePage() as { alpha: number } | null)
  }
}
