#!/usr/bin/env bash
# Quick start: install what is missing, then run one L1 node (API, Helia, workers, managed Redis).
# Extra arguments go to `artdag serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec ./node_modules/.bin/node bin/artdag.js serve "$@"
