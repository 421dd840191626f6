/* eslint-disable no-var -- ES5 source: esbuild cannot lower let/const for an ES5 target */
// Entry of js/loader.js: tools/tv-legacy-build.ts compiles in both builds' script lists.
import { startLoader, type LoaderConfig } from './loader'

declare var __MIITEE_LOADER__: LoaderConfig

startLoader(__MIITEE_LOADER__)
