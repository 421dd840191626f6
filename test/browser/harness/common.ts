// Paths and checks shared by the Chromium and WPE harnesses.
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { delimiter, join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../../..')
/** build/ (what `npm run build` writes); MIITEE_BUILD_DIR points the browser tests at another build. */
export const BUILD_DIR = resolve(ROOT, process.env.MIITEE_BUILD_DIR || 'build')
export const ARTIFACTS_DIR = join(ROOT, 'artifacts')
export const SCREENSHOT_DIR = join(ARTIFACTS_DIR, 'screenshots')

export const WPE_PACKAGES = ['cog', 'wpewebkit-driver', 'libwpewebkit-1.1-0', 'libwpebackend-fdo-1.0-1', 'libegl-mesa0']

export function aptHint(packages: string[]): string {
  return `install it with: apt-get update && apt-get install -y ${packages.join(' ')}   (or, as root: bash tools/system-deps.sh)`
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Absolute path of an executable (absolute, or looked up on PATH); throws naming the Debian packages when absent. */
export function requireBinary(name: string, packages: string[]): string {
  if (name.includes('/')) {
    if (isExecutable(name)) return name
  } else {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir && isExecutable(join(dir, name))) return join(dir, name)
    }
  }
  throw new Error(`browser harness: required binary "${name}" is missing; ${aptHint(packages)}`)
}

/** build/ must exist: the test command runs `npm run build` first. */
export function requireBuild(dir = BUILD_DIR): string {
  for (const f of ['index.html', 'startApp.js', 'appBundle.js', 'settings.json', 'metadata.json']) {
    if (!existsSync(join(dir, f))) throw new Error(`browser harness: ${join(dir, f)} is missing; run \`npm run build\` first`)
  }
  return dir
}

export function screenshotPath(fileName: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return join(SCREENSHOT_DIR, fileName.replace(/[^\w.-]+/g, '_'))
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolvePort(port))
    })
  })
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Remote-control keys the app understands, with the DOM key events a TV remote produces. */
export const REMOTE_KEYS = {
  Up: { key: 'ArrowUp', keyCode: 38, webdriver: '\uE013' },
  Down: { key: 'ArrowDown', keyCode: 40, webdriver: '\uE015' },
  Left: { key: 'ArrowLeft', keyCode: 37, webdriver: '\uE012' },
  Right: { key: 'ArrowRight', keyCode: 39, webdriver: '\uE014' },
  Enter: { key: 'Enter', keyCode: 13, webdriver: '\uE007' },
  Back: { key: 'Backspace', keyCode: 8, webdriver: '\uE003' },
  PageUp: { key: 'PageUp', keyCode: 33, webdriver: '\uE00E' },
  PageDown: { key: 'PageDown', keyCode: 34, webdriver: '\uE00F' },
  Menu: { key: 'Escape', keyCode: 27, webdriver: '\uE00C' },
} as const
export type RemoteKey = keyof typeof REMOTE_KEYS

// --- in-page scripts shared by both engines (plain ES5-ish, no closures over node values) -------

/**
 * Readiness probe, evaluated in the page. 'hook' when window.__miitee.ready is true; 'app' when
 * there is no hook but the SDK has mounted the App component (window.app is the Application the
 * SDK's startApp.js keeps in a global var); null otherwise.
 */
export const READY_PROBE = `
  var h = window.__miitee;
  if (h) return h.ready === true ? 'hook' : null;
  var a = window.app;
  if (a && typeof a.tag === 'function' && a.tag('App')) return 'app';
  return null;
`

/** Body for an async script: renders `frames` Lightning frames (forced) then calls the last argument. */
export const FORCE_FRAMES = `
  var done = arguments[arguments.length - 1];
  var frames = arguments[0] || 3;
  var a = (window.__miitee && window.__miitee.app) || window.app;
  var stage = a && a.stage;
  var n = 0;
  function tick() {
    if (stage && typeof stage.forceRenderUpdate === 'function') stage.forceRenderUpdate();
    if (++n >= frames) { done(!!stage); return; }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
`

/**
 * The app canvas's rectangle in screenshot pixels (CSS rect × devicePixelRatio × page zoom as
 * measured by `shotWidth / innerWidth`), or null when there is no canvas. Argument 0: screenshot width.
 */
export const CANVAS_RECT = `
  var c = document.querySelector('canvas');
  if (!c) return null;
  var r = c.getBoundingClientRect();
  var k = arguments[0] / window.innerWidth;
  return { x: r.left * k, y: r.top * k, width: r.width * k, height: r.height * k };
`

/** Font files listed by the shipped font manifest (build/static/fonts), as URLs relative to the app. */
export function shippedFonts(dir = BUILD_DIR): { family: string; urls: string[] } {
  const manifest = join(dir, 'static/fonts/font-manifest.json')
  if (!existsSync(manifest)) throw new Error(`${manifest} is missing: \`npm run build\` (build:font) writes it`)
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { family: string; files: { file: string }[] }
  return { family: m.family, urls: m.files.map((f) => `static/fonts/${f.file}`) }
}

/**
 * Async probe body: loads each font URL as a FontFace and reports 'loaded' or the error, per URL.
 * Argument 0: URLs; last argument: callback.
 */
export const FONT_PROBE = `
  var done = arguments[arguments.length - 1];
  var urls = arguments[0];
  var out = {};
  Promise.all(urls.map(function (u, i) {
    var face = new FontFace('MiiteeProbe' + i, 'url(' + u + ')');
    return face.load().then(function (f) { out[u] = f.status }, function (e) { out[u] = 'error: ' + String(e && (e.message || e)) });
  })).then(function () { done(out) });
`
