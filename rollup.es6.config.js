// Merged by @lightningjs/cli over its own rollup config when LNG_CUSTOM_ROLLUP=true (the npm
// scripts set it). The pairing feature stays out of appBundle.js: its dynamic import is kept as
// a runtime import of features/pairing.js, which tools/tv-feature-build.ts builds.
const path = require('path')

const PAIRING_ENTRY = path.join(__dirname, 'src/tv/features/pairing/index.ts')

module.exports = {
  external: (id) => id === PAIRING_ENTRY || id === PAIRING_ENTRY.slice(0, -3),
  output: { paths: { [PAIRING_ENTRY]: './features/pairing.js', [PAIRING_ENTRY.slice(0, -3)]: './features/pairing.js' } },
}
