/* eslint-disable no-var, @typescript-eslint/no-unused-vars -- ES5 source: esbuild cannot lower let/const for an ES5 target, and ES5 needs a catch binding */
// The page's only script tag (dist index.html): picks the build this engine can run and adds its
// scripts in order. Written in ES5 and built for ES5 (tools/tv-legacy-build.ts checks it), so
// that every engine gets this far: an engine that cannot run even the legacy build gets a plain
// "not supported" text instead of a white screen.
//
// The modern build is chosen when the engine parses the newest syntax its scripts use and has
// every API the legacy build polyfills (the modern build carries no polyfills); otherwise the
// legacy build, when the engine parses ES2015. `?build=legacy|modern` forces one, for QA.

export interface LoaderConfig {
  /** Script URLs of each build, in order, relative to the page. */
  modern: string[]
  legacy: string[]
  /** Source that parses only in engines that parse every modern script. */
  modernSyntax: string
  /** Dotted global paths the legacy build polyfills, e.g. "Promise.allSettled". */
  polyfilled: string[]
}

export type BuildName = 'modern' | 'legacy'

/** What the loader decided, on window.__miiteeEngine for tests and QA. */
export interface EngineChoice {
  build: BuildName | 'unsupported'
  missing: string[]
  scripts: string[]
  failed: string[]
  /** Errors seen before the app started (script errors, scripts not loaded). */
  errors: string[]
}

/** Syntax of the legacy build's scripts: ES2015 (async functions there are lowered to generators). */
export var LEGACY_SYNTAX = 'class A { m() { return () => 1 } }; function* g() { yield* [1] }; let { a, b: [c] = [] } = { a: 1 }; const t = `${a}`; for (const x of [1]) {}'

/** Features the legacy build needs that no polyfill gives. */
export var LEGACY_APIS = ['Promise', 'Map', 'Set', 'WeakMap', 'Symbol', 'XMLHttpRequest', 'requestAnimationFrame', 'Uint8Array', 'JSON.parse']

var TEXT = {
  'zh-CN': '此电视的浏览器版本过旧，无法运行 Miitee。请更新电视系统后再试。',
  'en-US': "This TV's browser is not supported: Miitee cannot run on it. Please update the TV's software and try again.",
}

/** Whether `source` parses here (it is compiled, never run). */
export function parses(source: string): boolean {
  try {
    new Function(source)
    return true
  } catch (e) {
    return false
  }
}

/** Whether the dotted global `path` exists here (undefined and null count as missing). */
export function hasGlobal(path: string, root?: unknown): boolean {
  var v: unknown = root === undefined ? window : root
  var parts = path.split('.')
  for (var i = 0; i < parts.length; i++) {
    if (v === undefined || v === null) return false
    v = (v as Record<string, unknown>)[parts[i]]
  }
  return v !== undefined && v !== null
}

function missingOf(paths: string[], root?: unknown): string[] {
  var out: string[] = []
  for (var i = 0; i < paths.length; i++) if (!hasGlobal(paths[i], root)) out.push(paths[i])
  return out
}

/** The build for this engine; `forced` is the page's ?build= value. */
export function chooseBuild(config: LoaderConfig, forced: string | null, probe: { parses(s: string): boolean; root?: unknown }): { build: BuildName | 'unsupported'; missing: string[] } {
  var legacyMissing = missingOf(LEGACY_APIS, probe.root)
  var legacyRuns = probe.parses(LEGACY_SYNTAX) && legacyMissing.length === 0
  if (!legacyRuns) return { build: 'unsupported', missing: probe.parses(LEGACY_SYNTAX) ? legacyMissing : ['ES2015 syntax'].concat(legacyMissing) }
  var modernMissing = missingOf(config.polyfilled, probe.root)
  if (!probe.parses(config.modernSyntax)) modernMissing.unshift('modern syntax')
  if (forced === 'legacy' || forced === 'modern') return { build: forced, missing: modernMissing }
  return { build: modernMissing.length === 0 ? 'modern' : 'legacy', missing: modernMissing }
}

function uiLanguage(): 'zh-CN' | 'en-US' {
  try {
    var saved = JSON.parse(window.localStorage.getItem('miitee.preferences') || '{}') as { language?: string }
    if (saved.language === 'en-US') return 'en-US'
  } catch (e) {
    // No storage (or a malformed entry): the app's default language.
  }
  return 'zh-CN'
}

/** The plain text shown when no build can run here (styled through the CSSOM: no inline style). */
export function showUnsupported(language: 'zh-CN' | 'en-US'): HTMLElement {
  var el = document.createElement('p')
  el.setAttribute('role', 'alert')
  el.appendChild(document.createTextNode(TEXT[language]))
  var s = el.style
  s.color = '#ffffff'
  s.backgroundColor = '#101418'
  s.fontSize = '48px'
  s.lineHeight = '1.5'
  s.padding = '10% 10%'
  s.margin = '0'
  s.fontFamily = 'sans-serif'
  var show = function () {
    document.body.style.backgroundColor = '#101418'
    document.body.appendChild(el)
  }
  if (document.body) show()
  else document.addEventListener('DOMContentLoaded', show)
  return el
}

/** Adds `scripts` to the page, run in order (async = false) as the tags they replace would be. */
export function addScripts(scripts: string[], onFailed: (src: string) => void): void {
  for (var i = 0; i < scripts.length; i++) {
    var el = document.createElement('script')
    el.src = scripts[i]
    el.async = false
    el.onerror = (function (src: string) {
      return function () {
        onFailed(src)
      }
    })(scripts[i])
    ;(document.body || document.head).appendChild(el)
  }
}

/** Runs the loader on this page with `config`. */
export function startLoader(config: LoaderConfig): EngineChoice {
  var m = /[?&]build=(legacy|modern)\b/.exec(window.location.search)
  var chosen = chooseBuild(config, m ? m[1] : null, { parses: parses })
  var choice: EngineChoice = { build: chosen.build, missing: chosen.missing, scripts: [], failed: [], errors: [] }
  ;(window as unknown as { __miiteeEngine: EngineChoice }).__miiteeEngine = choice
  if (chosen.build === 'unsupported') {
    showUnsupported(uiLanguage())
    return choice
  }
  choice.scripts = chosen.build === 'modern' ? config.modern : config.legacy
  addScripts(choice.scripts, watchStart(choice))
  return choice
}

/** How long after an error the app may still put its canvas on the page before the text is shown. */
export var START_GRACE_MS = 3000

/**
 * A script that does not load, or an error thrown before the app has put its canvas on the page,
 * leaves the page white: the "not supported" text is shown instead, unless the canvas appears
 * within START_GRACE_MS (an error the app survives).
 */
export function watchStart(choice: EngineChoice): (failedScript: string) => void {
  var shown = false
  var started = function () {
    return !!document.querySelector('canvas')
  }
  var check = function () {
    if (shown || started()) return
    shown = true
    choice.build = 'unsupported'
    showUnsupported(uiLanguage())
  }
  var onError = function (e: ErrorEvent) {
    if (started()) {
      window.removeEventListener('error', onError)
      return
    }
    choice.errors.push(String(e.message || e))
    setTimeout(check, START_GRACE_MS)
  }
  window.addEventListener('error', onError)
  return function (src: string) {
    choice.failed.push(src)
    choice.errors.push('not loaded: ' + src)
    setTimeout(check, START_GRACE_MS)
  }
}
