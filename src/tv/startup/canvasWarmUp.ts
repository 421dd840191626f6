/**
 * Chromium sets up 2D canvas drawing (a round trip to its GPU process) on a page's first
 * fillText; once Lightning's WebGL stage exists, that round trip waits behind the stage's own GPU
 * work. Every text the app shows is drawn on a 2D canvas, so one dot drawn before the stage is
 * made pays that set-up while it is cheap.
 */
export function warmUpCanvas2d(): void {
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 1
  canvas.getContext('2d')?.fillText('.', 0, 1)
}
