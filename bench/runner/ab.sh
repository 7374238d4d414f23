#!/bin/bash
# A/B check of two capmesh checkouts on the hello-world sample, alternating A B A B.
#   bench/runner/ab.sh TREE_A TREE_B [WARMUP_SECONDS]     # WINDOWS=2 ROUNDS=2 by default
# Each tree must be built (./mvnw -q -B install -DskipTests). Each start is fresh; after the
# warm-up under wrk -t1 -c32 it prints WINDOWS 10 s windows: req/s, p99 and the runner's CPU
# time per request (user + system, from /proc, the JIT compiler threads included). Loopback only.
set -euo pipefail
a=${1:?usage: ab.sh TREE_A TREE_B [WARMUP_SECONDS]}; b=${2:?usage: ab.sh TREE_A TREE_B [WARMUP_SECONDS]}
warm=${3:-60}
windows=${WINDOWS:-2}
rounds=${ROUNDS:-2}
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
hz=$(getconf CLK_TCK)
port=18500
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
for _ in $(seq 1 "$rounds"); do
  for tree in "$a" "$b"; do
    # bin/runner execs the JVM: the launcher's pid is the runner's.
    CAPMESH_NO_BUILD=1 "$tree/bin/runner" serve "$here/samples/hello-world/config.capnp" \
        --socket-addr "http=127.0.0.1:$port" >/dev/null 2>&1 &
    pid=$!
    until curl -sf "127.0.0.1:$port/" >/dev/null; do sleep 0.2; done
    wrk -t1 -c32 -d"${warm}s" "http://127.0.0.1:$port/" >/dev/null
    for _ in $(seq 1 "$windows"); do
      c0=$(cpu "$pid")
      out=$(wrk -t1 -c32 -d10s --latency "http://127.0.0.1:$port/")
      c1=$(cpu "$pid")
      awk -v t="$tree" -v ticks=$((c1 - c0)) -v hz="$hz" '/Requests\/sec/ {rps=$2} / 99%/ {p99=$2}
        END {printf "%s req/s=%s p99=%s cpu/req=%.1fus\n", t, rps, p99, ticks / hz * 1e6 / (rps * 10)}' <<<"$out"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
