#!/usr/bin/env bash
# Runs every benchmark side by side in one process tree and writes bench-results/all.json plus a
# Markdown table (bench-results/table.md) for the README. Pass names to run a subset: npm run bench -- store exec
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# the exec bench's peer, the original system's engine: Celery on Debian's python (/usr/bin/python3, not a
# pyenv python3 that may come first on PATH), with the Redis client its broker and result backend use
if ! /usr/bin/python3 -c 'import celery, redis' >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "bench: need root (or sudo) to apt-get install python3-celery python3-redis" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "bench: installing python3-celery python3-redis"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-celery python3-redis >/dev/null
fi

mkdir -p bench-results
node_bin=node
[ -x node_modules/.bin/node ] && node_bin=./node_modules/.bin/node
exec "$node_bin" dist/bench/index.js "$@"
