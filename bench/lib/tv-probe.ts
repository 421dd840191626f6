// In-page probes for the TV benchmark, as plain script text (evaluated in the page, so nothing
// here may close over Node values). Installed with context.addInitScript before any app code.
//
// window.__benchProbe:
//   frames        Lightning frames that drew something (stage.renderFrame returned true)
//   firstFrame    performance.now() (ms since navigation start) of the first drawn frame in
//                 which the first screen is complete: every active element's texture loaded,
//                 and, for the TV app, the route (location.hash) is 'gate' with text of the summary's
//                 current page among them
//   keyToFrame()  key-to-frame latency: keydown to the first complete frame meeting a condition
//   pending(...)  active textured elements whose texture is not displayed yet
//   marks         when the hook first said ready / route 'gate' (checked once per Lightning frame)
//
// A frame counts as drawn when Lightning's stage.renderFrame() reports changes: that call runs
// the update and the WebGL draw for the frame. Textures loaded before or during that update are
// in the frame; the check runs right after it. renderFrame is wrapped on Lightning's Stage class
// as soon as Lightning's script has run, so that every frame is seen from the stage's first one,
// a frame an app draws itself outside an animation frame included (found on the app's stage
// otherwise, at the first animation frame after it exists, such a frame would be missed).
import type { Page } from 'playwright-core'

export const PROBE_INIT = `(function () {
  if (window.__benchProbe) return;
  var P = { frames: 0, firstFrame: null, firstFrameInfo: null, stage: null, listeners: [], installedAt: null, marks: {} };
  window.__benchProbe = P;

  function appOf() { return (window.__miitee && window.__miitee.app) || window.app || null; }
  function kids(el) { return el.__childList ? el.__childList.get() : []; }

  function isStripView(el) {
    var p = el.parent, g = p && p.parent;
    return !!(p && g && p.ref === 'Views' && g.ref === 'Strip');
  }

  // Active elements with a valid texture, those whose texture is not the one displayed yet, and
  // the text textures inside the current page of a page strip (a Strip > Views child at x 0).
  // A text texture is Lightning's (TextTexture) or a region of a page's text atlas (PageTextTexture):
  // both have a text property.
  // skip(el) prunes subtrees.
  P.pending = function (root, skip) {
    var total = 0, pending = 0, texts = 0, pageTexts = 0, stack = [[root, false]];
    while (stack.length) {
      var top = stack.pop(), el = top[0], inPage = top[1];
      if (!el || (skip && skip(el))) continue;
      if (el.active) {
        if (isStripView(el)) inPage = el.x === 0;
        var tx = el.texture;
        if (tx && tx.isValid) {
          total++;
          if (tx.text !== undefined) { texts++; if (inPage) pageTexts++; }
          if (!(tx.isLoaded() && el.displayedTexture === tx)) pending++;
        }
        var c = kids(el);
        for (var i = 0; i < c.length; i++) stack.push([c[i], inPage]);
      }
    }
    return { total: total, pending: pending, texts: texts, pageTexts: pageTexts };
  };

  // Skips the off-screen neighbours of every page strip.
  P.skipNeighbours = function (el) { return isStripView(el) && el.x !== 0; };

  function firstFrameCheck(now) {
    var h = window.__miitee;
    // The route from the URL, which the Router sets before the page draws; the hook publishes
    // it only after the page's first frame (for tests), which would count the frame after.
    if (h && location.hash.replace(/^#[/]?/, '') !== 'gate') return false;
    var root = P.stage.root;
    var r = P.pending(root, null);
    if (r.pending > 0 || r.texts === 0) return false;
    if (h && r.pageTexts === 0) return false; // the gate's summary page itself must be drawn
    P.firstFrame = now;
    P.firstFrameInfo = { textures: r.total, texts: r.texts, frames: P.frames, hook: !!h };
    return true;
  }

  // Counts the frames of the probed stage and runs the listeners after each one that drew.
  function observed(render) {
    return function () {
      if (P.stage === null) start(this);
      if (this !== P.stage) return render.apply(this, arguments);
      var changed = render.apply(this, arguments);
      var h = window.__miitee;
      if (h && P.marks.ready === undefined && h.ready) P.marks.ready = performance.now();
      if (h && P.marks.gateRoute === undefined && h.route === 'gate') P.marks.gateRoute = performance.now();
      if (changed) {
        P.frames++;
        var now = performance.now();
        var ls = P.listeners;
        P.listeners = [];
        for (var i = 0; i < ls.length; i++) {
          var done = false;
          try { done = ls[i](now); } catch (e) { done = false; }
          if (!done) P.listeners.push(ls[i]);
        }
      }
      return changed;
    };
  }

  function start(stage) {
    P.stage = stage;
    P.installedAt = performance.now();
    P.listeners.push(firstFrameCheck);
  }

  // Lightning's script defines window.lng; its load event comes before the app bundle runs.
  document.addEventListener('load', function (e) {
    var Stage = e.target && e.target.tagName === 'SCRIPT' && window.lng && window.lng.Stage;
    if (!Stage || Stage.prototype.__benchProbe) return;
    Stage.prototype.__benchProbe = true;
    Stage.prototype.renderFrame = observed(Stage.prototype.renderFrame);
  }, true);

  // Without Lightning's global (a build that bundles it): the app's stage, at the first animation frame it exists.
  function install() {
    if (P.stage) return;
    var a = appOf();
    var st = a && a.stage;
    if (!st || typeof st.renderFrame !== 'function') { requestAnimationFrame(install); return; }
    if (st.__benchProbe) return; // its class is wrapped: its first frame starts the probe
    start(st);
    st.renderFrame = observed(st.renderFrame);
  }
  requestAnimationFrame(install);

  function keyEvent(type, keyCode, key) {
    var ev = new KeyboardEvent(type, { key: key, bubbles: true, cancelable: true });
    Object.defineProperty(ev, 'keyCode', { get: function () { return keyCode } });
    Object.defineProperty(ev, 'which', { get: function () { return keyCode } });
    return ev;
  }

  // Dispatches keydown, then resolves with the ms until the first drawn frame in which cond()
  // holds and every texture on screen (page-strip neighbours excepted) is displayed, with text of
  // a strip's current page among them when requirePage is set. keyup
  // follows once that frame is in, as a remote's key-up would.
  P.keyToFrame = function (keyCode, key, condSource, timeoutMs, requirePage) {
    var cond = new Function('return (' + condSource + ')');
    return new Promise(function (resolve) {
      var t0 = 0, frames = 0, expired = false;
      var timer = setTimeout(function () {
        expired = true;
        document.dispatchEvent(keyEvent('keyup', keyCode, key));
        resolve({ ok: false, ms: performance.now() - t0, frames: frames, reason: 'timeout' });
      }, timeoutMs || 5000);
      P.listeners.push(function (now) {
        if (expired) return true;
        frames++;
        if (!cond()) return false;
        var p = P.pending(P.stage.root, P.skipNeighbours);
        if (p.pending > 0 || (requirePage && p.pageTexts === 0)) return false;
        clearTimeout(timer);
        document.dispatchEvent(keyEvent('keyup', keyCode, key));
        resolve({ ok: true, ms: now - t0, frames: frames });
        return true;
      });
      t0 = performance.now();
      document.dispatchEvent(keyEvent('keydown', keyCode, key));
    });
  };
})()`

export interface FlipResult {
  ok: boolean
  ms: number
  frames: number
  reason?: string
}

export interface FirstFrame {
  ms: number
  /** ms since navigation start: responseEnd of the app's files by kind, hook marks, the stage */
  phases: Record<string, number>
  textures: number
  texts: number
  frames: number
  hook: boolean
}

/** Waits for the probe's first complete frame; its time is ms since navigation start. */
export async function waitFirstFrame(page: Page, timeoutMs = 30000): Promise<FirstFrame> {
  const handle = await page.waitForFunction('window.__benchProbe && window.__benchProbe.firstFrame !== null', undefined, {
    timeout: timeoutMs,
    polling: 50,
  })
  await handle.dispose()
  return page.evaluate<FirstFrame>(
    `(function () {
      var P = window.__benchProbe, i = P.firstFrameInfo, phases = {};
      function last(kind, t) { if (!(phases[kind] >= t)) phases[kind] = t; }
      performance.getEntriesByType('resource').forEach(function (e) {
        var n = e.name;
        if (/\\/lib\\/.*lightning[^/]*\\.js/.test(n)) last('lightning core loaded', e.responseEnd);
        else if (/appBundle\\.js/.test(n)) last('appBundle.js loaded', e.responseEnd);
        else if (/\\.(woff2?|ttf|otf)$/.test(n)) last('fonts loaded', e.responseEnd);
        else if (/\\/policy\\/.*\\.json/.test(n)) last('policy loaded', e.responseEnd);
      });
      if (P.installedAt !== null) phases['stage first frame'] = P.installedAt;
      if (P.marks.ready !== undefined) phases['hook ready'] = P.marks.ready;
      if (P.marks.gateRoute !== undefined) phases['route gate'] = P.marks.gateRoute;
      return { ms: P.firstFrame, phases: phases, textures: i.textures, texts: i.texts, frames: i.frames, hook: i.hook };
    })()`,
  )
}

/** One key press measured from keydown to the first complete frame in which `cond` (page expression) holds. */
export function keyToFrame(page: Page, keyCode: number, key: string, cond: string, timeoutMs = 5000, requirePage = false): Promise<FlipResult> {
  return page.evaluate<FlipResult>(
    `window.__benchProbe.keyToFrame(${Number(keyCode)}, ${JSON.stringify(key)}, ${JSON.stringify(cond)}, ${Number(timeoutMs)}, ${requirePage})`,
  )
}

/** A page flip: keydown to the frame in which the reader shows page `expectIndex`. */
export function flip(page: Page, keyCode: number, key: string, expectIndex: number): Promise<FlipResult> {
  return keyToFrame(page, keyCode, key, `window.__miitee.state.reader && window.__miitee.state.reader.pageIndex === ${Number(expectIndex)}`, 5000, true)
}

export const KEYS = {
  Enter: { code: 13, key: 'Enter' },
  Right: { code: 39, key: 'ArrowRight' },
  Left: { code: 37, key: 'ArrowLeft' },
} as const

export const HOOK = 'window.__miitee'
export const READER = `${HOOK}.state.reader`

/** Empties the stored data of the URL's origin (a first launch: the consent gate). */
export async function clearOrigin(page: Page, url: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(url).origin, storageTypes: 'all' })
  } finally {
    await cdp.detach()
  }
}

/** Presses a key until the frame condition is met (a key pressed while the router is still busy may be dropped). */
export async function pressUntil(page: Page, k: { code: number; key: string }, cond: string, tries = 3): Promise<FlipResult> {
  let last: FlipResult | null = null
  for (let i = 0; i < tries; i++) {
    if ((await page.evaluate<boolean>(`!!(${cond})`)) && last) return last
    last = await keyToFrame(page, k.code, k.key, cond, 8000, true)
    if (last.ok) return last
    await page.waitForTimeout(300)
  }
  throw new Error(`condition never met after ${tries} × ${k.key}: ${cond}`)
}
