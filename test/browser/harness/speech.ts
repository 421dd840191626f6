// Speech as the browser tests hear it. Headless engines have no voices (and WPE 2.38 no
// speechSynthesis at all), so a test either replaces speechSynthesis with a recorder or gives the
// app a platform bridge with its own TTS, and reads back what was said, in which language.
import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { sleep } from './common'

export interface Spoken {
  text: string
  lang: string
  rate: number
  via: 'speechSynthesis' | 'bridge'
}

/**
 * Init script replacing speechSynthesis with a recorder that behaves like the engine's queue: one
 * utterance at a time, each "lasting" window.__speechMs (recorded in window.__spoken when it
 * starts, which tests may empty, and in window.__spokenAll, which they leave alone); pause() freezes the current one and holds the queue until resume(); cancel() empties
 * the queue and interrupts the current one but, as in the Web Speech spec, leaves a paused engine
 * paused. window.__speechCalls lists pause/resume/cancel in order; window.__cancels counts cancels.
 */
export const SPEECH_RECORDER = `(function () {
  if (window.__spoken) return;
  window.__spoken = []; window.__spokenAll = []; window.__speechCalls = []; window.__cancels = 0; window.__speechMs = 20;
  var queue = [], current = null, timer = null, left = 0, startedAt = 0, paused = false;
  function run() {
    var u = current;
    startedAt = Date.now();
    timer = setTimeout(function () {
      if (current !== u) return;
      current = null; timer = null;
      if (u.onend) u.onend({});
      next();
    }, left);
  }
  function next() {
    if (paused || current || !queue.length) return;
    current = queue.shift();
    var said = { text: current.text, lang: current.lang, rate: current.rate, via: 'speechSynthesis' };
    window.__spoken.push(said); window.__spokenAll.push(said);
    left = window.__speechMs;
    run();
  }
  var fake = {
    get speaking() { return !!current; },
    get pending() { return queue.length > 0; },
    get paused() { return paused; },
    speak: function (u) { queue.push(u); next(); },
    cancel: function () {
      window.__cancels++; window.__speechCalls.push('cancel');
      queue = [];
      var u = current; current = null; clearTimeout(timer); timer = null;
      if (u && u.onerror) u.onerror({ error: 'interrupted' });
    },
    pause: function () {
      window.__speechCalls.push('pause');
      if (paused) return;
      paused = true;
      if (current) { clearTimeout(timer); timer = null; left = Math.max(0, left - (Date.now() - startedAt)); }
    },
    resume: function () {
      window.__speechCalls.push('resume');
      if (!paused) return;
      paused = false;
      if (current) run(); else next();
    },
    getVoices: function () { return []; }
  };
  Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
})();`

/**
 * Script putting a platform bridge with its own TTS on window.MiiteePlatformBridge (storage in
 * localStorage under "miitee.", as the browser default keeps it). `platformGuidance`: what its
 * voiceGuidance() answers, i.e. whether the platform's own accessibility setting is on.
 */
export function speakingBridgeScript(o: { platformGuidance: boolean }): string {
  return `(function () {
  window.__spoken = [];
  var P = 'miitee.';
  var kv = {
    get: function (k) { return localStorage.getItem(P + k); },
    set: function (k, v) { localStorage.setItem(P + k, v); },
    remove: function (k) { localStorage.removeItem(P + k); },
    clear: function () { localStorage.clear(); }
  };
  window.MiiteePlatformBridge = {
    identity: function () { return { id: 'bridge-test-tv', name: 'Test TV' }; },
    storage: function () { return kv; },
    provisioningAuthorized: function () {},
    voiceGuidance: function () { return Promise.resolve(${o.platformGuidance ? 'true' : 'false'}); },
    speak: function (text, opts) {
      window.__spoken.push({ text: text, lang: opts.lang, rate: opts.rate, via: 'bridge' });
      return new Promise(function (r) { setTimeout(r, 20); });
    },
    cancelSpeech: function () {}
  };
})();`
}

/**
 * A static-server handler answering the app's page (`/`, `/index.html`, any query) with `dir`'s
 * index.html and `script` inlined before its first script: how an integrator supplies a bridge
 * on an engine a test cannot give an init script to (WPE through WebDriver).
 */
export function indexWithScript(dir: string, script: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path !== '/' && path !== '/index.html') return false
    const html = readFileSync(join(dir, 'index.html'), 'utf8')
    const at = html.indexOf('<script')
    if (at < 0) throw new Error(`${join(dir, 'index.html')} has no script to put the bridge before`)
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    res.end(`${html.slice(0, at)}<script>${script}</script>\n${html.slice(at)}`)
    return true
  }
}

/**
 * Waits until something matching `test` has been said (read with `read`, e.g. the page's
 * window.__spoken), returns everything said so far; the error lists what was heard instead.
 */
export async function heard(read: () => Promise<Spoken[]>, test: (s: Spoken) => boolean, what: string, timeoutMs = 5000): Promise<Spoken[]> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const all = await read()
    if (all.some(test)) return all
    if (Date.now() > until) throw new Error(`never heard ${what}; heard:\n${all.map((s) => `${s.lang} ${s.text}`).join('\n')}`)
    await sleep(50)
  }
}

/** Texts in order, each where it was first said: -1 when never. */
export function positions(all: Spoken[], texts: string[]): number[] {
  const said = all.map((s) => s.text)
  return texts.map((t) => said.indexOf(t))
}
