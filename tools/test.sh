#!/usr/bin/env bash
# `npm test`: system packages, type checks, lint, the dev build and the dist output, then every vitest project (unit + real browsers).
set -uo pipefail
cd "$(dirname "$0")/.."
export LNG_AUTO_UPDATE=false
bash tools/system-deps.sh || exit 1
fail=0
step() { echo "== $*"; "$@" || { echo "!! failed: $*"; fail=1; }; }
step npx tsc -p tsconfig.core.json
step npx tsc -p tsconfig.json
step npx tsc -p tsconfig.node.json
step npx eslint .
step npm run build --silent
# What an OEM ships: the dist tests run dist/es6 (after the build, which the dist tests also read for the phone page).
step npm run dist --silent
mkdir -p .tmp
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@" || fail=1
node -e '
const r = require("./.tmp/vitest.json");
console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
if (!r.numTotalTests) { console.log("no test ran"); process.exit(1) }
' || fail=1
exit $fail
