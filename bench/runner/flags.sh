#!/usr/bin/env bash
# Tries JVM/Truffle flag sets on capmesh's warm-up: for each set, a fresh runner under load
# (wrk -t1 -c32), requests/s and p99 in a 6 s window after 3 s and after 30 s, and the time to
# the first answer. Loopback only. Used to choose bin/lib/launch.sh's defaults (docs/BENCHMARKS.md).
#
#   bench/runner/flags.sh "" "-Dpolyglot.engine.Mode=latency" "-XX:CompileThresholdScaling=0.5" ...
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
config=${CONFIG:-$root/bench/runner/hello.capnp}
port=18190
(cd "$root" && bin/runner --version >/dev/null)
# The startup cache a user's launcher records after a build (docs/RUNNER.md): cold rows include it.
CAPMESH_NO_BUILD=1 "$root/bin/runner" train-startup-cache >/dev/null || echo "(no startup cache: the runs start without it)"
window() { # seconds -> "rps p99"
  wrk -t1 -c32 -d"$1"s --latency "http://127.0.0.1:$port/" | awk '
    /Requests\/sec/ {rps=$2} / 99%/ {p=$2; if (p ~ /us$/) v=p/1000; else if (p ~ /ms$/) v=p+0; else v=p*1000}
    END {printf "%.0f %.2fms", rps, v}'
}
for flags in "$@"; do
  start=$(date +%s%N)
  CAPMESH_NO_BUILD=1 CAPMESH_JAVA_OPTS="$flags" "$root/bin/runner" serve "$config" \
    --socket-addr "http=127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.01; done
  up=$(( ($(date +%s%N) - start) / 1000000 ))
  t0=$(date +%s)
  wrk -t1 -c32 -d3s "http://127.0.0.1:$port/" >/dev/null
  a=$(window 6)
  wrk -t1 -c32 -d$(( 30 - ($(date +%s) - t0) ))s "http://127.0.0.1:$port/" >/dev/null
  b=$(window 6)
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
  echo "first=${up}ms after3s=[$a] after30s=[$b] rss=${rss}MiB flags=[$flags]"
  kill $pid; wait $pid 2>/dev/null || true
done
