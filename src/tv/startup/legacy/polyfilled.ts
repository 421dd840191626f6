// What the legacy build polyfills (core-js, and fast-text-encoding for TextEncoder, which
// core-js lacks; nothing here is hand-written): the APIs the app,
// the SDK and their packages call that Chrome 53 / Safari 10 class engines lack. The page's loader
// serves the modern build, which carries no polyfills, only where every `global` below exists.

export interface Polyfill {
  /** The dotted global the page's loader tests, e.g. "Promise.allSettled". */
  global: string
  /** The module that provides it: core-js, or a library where core-js has none. */
  module: string
  /** Who calls it (why it is here). */
  usedBy: string
}

export const POLYFILLS: Polyfill[] = [
  { global: 'globalThis', module: 'core-js/stable/global-this', usedBy: 'app, feature bundle host modules' },
  { global: 'Promise.allSettled', module: 'core-js/stable/promise/all-settled', usedBy: 'text/fontLoader' },
  { global: 'Promise.prototype.finally', module: 'core-js/stable/promise/finally', usedBy: 'SDK Announcer' },
  { global: 'Object.fromEntries', module: 'core-js/stable/object/from-entries', usedBy: 'pages/ConsentGatePage' },
  { global: 'Object.entries', module: 'core-js/stable/object/entries', usedBy: 'core/text/fontMetrics, axios' },
  { global: 'Object.values', module: 'core-js/stable/object/values', usedBy: 'i18n, privacy settings, SDK Language' },
  { global: 'Object.getOwnPropertyDescriptors', module: 'core-js/stable/object/get-own-property-descriptors', usedBy: 'object spread as esbuild lowers it, axios' },
  { global: 'Array.prototype.flatMap', module: 'core-js/stable/array/flat-map', usedBy: 'core/policy, voice' },
  { global: 'String.prototype.padStart', module: 'core-js/stable/string/pad-start', usedBy: 'device id, pairing countdown' },
  { global: 'URLSearchParams', module: 'core-js/stable/url-search-params', usedBy: 'voice/startVoiceGuidance, SDK Router' },
  { global: 'TextEncoder', module: 'fast-text-encoding', usedBy: 'qrcode (byte-mode text)' },
]
