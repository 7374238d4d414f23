#!/bin/bash
# A/B check of two capmesh checkouts on the hello-world sample, alternating A B A B.
#   bench/runner/ab.sh TREE_A TREE_B [WARMUP_SECONDS]
# Each tree must be built (./mvnw -q -B install -DskipTests). Loopback only.
set -euo pipefail
a=${1:?usage: ab.sh TREE_A TREE_B [WARMUP_SECONDS]}; b=${2:?usage: ab.sh TREE_A TREE_B [WARMUP_SECONDS]}
warm=${3:-60}
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
port=18500
for tree in "$a" "$b" "$a" "$b"; do
  CAPMESH_NO_BUILD=1 "$tree/bin/runner" serve "$here/samples/hello-world/config.capnp" \
      --socket-addr "http=127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -sf "127.0.0.1:$port/" >/dev/null; do sleep 0.2; done
  wrk -t1 -c32 -d"${warm}s" "http://127.0.0.1:$port/" >/dev/null
  for i in 1 2; do
    wrk -t1 -c32 -d10s --latency "http://127.0.0.1:$port/" \
      | awk -v t="$tree" '/Requests\/sec/ {rps=$2} / 99%/ {p99=$2} END {print t, "req/s=" rps, "p99=" p99}'
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
