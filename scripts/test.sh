#!/usr/bin/env bash
# Runs the whole test suite on real services (redis-server, ffmpeg, Helia, chromium), installing
# whatever is missing first. Prints a closing line "N passed, N failed" from vitest's JSON report, then
# type-checks tests and benches and lints everything (either failing fails the run).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser || exit 1

mkdir -p test-results
report=test-results/vitest.json
rm -f "$report"
./node_modules/.bin/node ./node_modules/vitest/vitest.mjs run \
  --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?
if [ -f "$report" ]; then
  ./node_modules/.bin/node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""))
  ' "$report"
else
  echo "0 passed, 1 failed"
  [ "$status" = 0 ] && status=1
fi

# the house rules hold for tests and benches too: type-check them (vitest does not) and lint everything
echo "checking types of tests and benches, and lint"
if ! ./node_modules/.bin/node ./node_modules/typescript/bin/tsc -p tsconfig.eslint.json --noEmit; then
  echo "type check failed"; status=1
fi
if ! ./node_modules/.bin/node ./node_modules/eslint/bin/eslint.js src test bench; then
  echo "lint failed"; status=1
fi
exit $status
