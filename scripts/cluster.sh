#!/usr/bin/env bash
# Starts N L1 nodes as processes on 127.0.0.1, each with its own data dir and managed Redis, bootstrapped
# to each other and sharing one swarm key (the same cluster as docker/compose.yml, without containers).
# Ctrl-C stops them all.
#   npm run cluster -- 3            # nodes on http://127.0.0.1:8101..8103, libp2p on 4101..4103
#   CLUSTER_DIR=/tmp/c npm run cluster -- 2
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-3}"
base_dir="${CLUSTER_DIR:-$(mktemp -d -t artdag-cluster-XXXXXX)}"
http_base="${CLUSTER_HTTP_BASE:-8100}"
p2p_base="${CLUSTER_P2P_BASE:-4100}"
[ -x node_modules/.bin/node ] || bash scripts/setup.sh
[ -f dist/src/cli/main.js ] || ./node_modules/.bin/node ./node_modules/typescript/bin/tsc -p tsconfig.json

# one cluster: every node gets the same swarm key (made once, kept with the data dirs)
[ -f "$base_dir/swarm.key" ] || ./node_modules/.bin/node bin/artdag.js swarm-key -o "$base_dir/swarm.key"

pids=()
cleanup () {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for i in $(seq 1 "$count"); do
  peers=()
  for j in $(seq 1 "$count"); do
    [ "$i" = "$j" ] || peers+=("/ip4/127.0.0.1/tcp/$((p2p_base + j))")
  done
  bootstrap=$(IFS=,; echo "${peers[*]:-}")
  mkdir -p "$base_dir/node-$i"
  ARTDAG_DATA_DIR="$base_dir/node-$i" PORT=$((http_base + i)) ARTDAG_SWARM_KEY="$base_dir/swarm.key" \
    ARTDAG_P2P_LISTEN="/ip4/127.0.0.1/tcp/$((p2p_base + i))" ARTDAG_BOOTSTRAP="$bootstrap" \
    ./node_modules/.bin/node bin/artdag.js serve > "$base_dir/node-$i/node.log" 2>&1 &
  pids+=($!)
  echo "node-$i: http://127.0.0.1:$((http_base + i))  libp2p /ip4/127.0.0.1/tcp/$((p2p_base + i))  log $base_dir/node-$i/node.log"
done
wait
