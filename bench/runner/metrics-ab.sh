#!/bin/bash
# The cost of metering: the hello-world sample served without and with --admin-addr (every
# request counted and timed), alternating OFF ON OFF ON ... in fresh processes of one tree.
#   bench/runner/metrics-ab.sh [ROUNDS] [WARMUP_SECONDS]     # default 3 rounds, 60 s warm-up
# Builds the tree first unless CAPMESH_NO_BUILD=1. Loopback only. Each server is warmed with
# wrk -t1 -c32, then measured twice with wrk -t1 -c32 -d10s --latency. With metrics on, /metrics
# is scraped after each run and its 2xx counter compared with the requests wrk completed.
# Reported per run: req/s, p99, and the server's CPU time per request (utime+stime of the
# server process over the run / requests), which a busy machine disturbs less than req/s.
set -euo pipefail
rounds=${1:-3}
warm=${2:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
if [ "${CAPMESH_NO_BUILD:-0}" != 1 ]; then
  (cd "$root" && ./mvnw -q -B -Dmaven.test.skip=true -pl runner-cli -am package)
fi
port=18510
admin=18511
config="$root/samples/hello-world/config.capnp"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

counted() {
  curl -sf "127.0.0.1:$admin/metrics" \
    | awk '/^capmesh_requests_total\{/ && /socket="http"/ && /status="2xx"/ {print $NF}'
}

for round in $(seq 1 "$rounds"); do
  for mode in off on; do
    args=(serve "$config" --socket-addr "http=127.0.0.1:$port")
    if [ "$mode" = on ]; then args+=(--admin-addr "127.0.0.1:$admin"); fi
    CAPMESH_NO_BUILD=1 "$root/bin/runner" "${args[@]}" >"$out/log" 2>&1 &
    pid=$!
    until curl -sf "127.0.0.1:$port/" >/dev/null; do
      kill -0 "$pid" 2>/dev/null || { cat "$out/log"; exit 1; }
      sleep 0.2
    done
    wrk -t1 -c32 -d"${warm}s" "http://127.0.0.1:$port/" >/dev/null
    for run in 1 2; do
      before=""; [ "$mode" = on ] && before=$(counted)
      ticks0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
      wrk -t1 -c32 -d10s --latency "http://127.0.0.1:$port/" >"$out/wrk"
      ticks1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
      line=$(awk -v m="$mode" -v r="$round" -v dt=$((ticks1 - ticks0)) -v hz="$(getconf CLK_TCK)" \
        '/requests in/ {n=$1} /Requests\/sec/ {rps=$2} / 99%/ {p99=$2}
        END {printf "round=%s metrics=%s req/s=%s p99=%s requests=%s cpu_us_per_req=%.1f", r, m, rps, p99, n, dt / hz * 1e6 / n}' "$out/wrk")
      if [ "$mode" = on ]; then
        after=$(counted)
        line="$line counted=$(python3 -c "print(int(float('$after') - float('$before')))")"
      fi
      echo "$line load=$(cut -d' ' -f1 /proc/loadavg)"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
