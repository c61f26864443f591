#!/usr/bin/env bash
# Runs every benchmark side by side in one process tree and writes bench-results/all.json plus a
# Markdown table (bench-results/table.md) for the README. Pass names to run a subset: npm run bench -- store exec
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p bench-results
exec ./node_modules/.bin/node dist/bench/index.js "$@"
