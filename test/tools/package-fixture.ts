// A small stand-in for the `npm run dist` output (its page's script order, a bundle, a source map
// and the app's icon), so the packaging tests run without a full dist build.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../..')

// tools/dist-page.ts's page (not imported: esbuild refuses to load under the jsdom environment).
const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="stylesheet" href="./app.css" />
  </head>
  <body>
    <script src="./js/boot.js"></script>
    <script src="./js/lightning.min.js"></script>
    <script src="./js/appBundle.js"></script>
    <script src="./js/start.js"></script>
  </body>
</html>
`

export function fixtureDist(): { dist: string; tmp: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'miitee-package-'))
  const dist = join(tmp, 'es6')
  mkdirSync(join(dist, 'js/features'), { recursive: true })
  mkdirSync(join(dist, 'static'), { recursive: true })
  writeFileSync(join(dist, 'index.html'), INDEX_HTML)
  writeFileSync(join(dist, 'js/appBundle.js'), 'var APP_tv_miitee_app = function () {}\n')
  writeFileSync(join(dist, 'js/appBundle.js.map'), '{}')
  writeFileSync(join(dist, 'js/features/pairing.js'), 'export {}\n')
  copyFileSync(join(ROOT, 'static/icon.png'), join(dist, 'static/icon.png'))
  return { dist, tmp }
}
