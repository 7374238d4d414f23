#!/usr/bin/env bash
# Request throughput with and without the audit log, on loopback only.
#
#   bench/runner/audit.sh [ROUNDS]      # default 6 rounds of wrk -t1 -c32 -d10s per runner
#
# Starts two bin/runner serve processes side by side on samples/audit-trail (each request: one
# KV get and one JS RPC call to a second worker, so two audit lines per request): A without an
# audit log, B with --audit-log to a file. Warms both up, then alternates rounds A B, B A, ...
# (other processes share the machine: interleaving spreads their noise over both), and prints
# the median requests/s of each and the ratio B/A. Finally checks B's log with audit verify.
# CONTROL=1 starts B without the audit log too: the ratio then shows the noise of the machine.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-6}
duration=${DURATION:-10s}
warmup=${WARMUP:-60s}
port_a=${PORT_A:-18601}
port_b=${PORT_B:-18602}
work=$(mktemp -d /tmp/capmesh-audit-bench.XXXXXX)
config="$root/samples/audit-trail/config.capnp"

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 2; }
if [ "${CAPMESH_NO_BUILD:-0}" != 1 ]; then
  (cd "$root" && ./mvnw -q -B -Dmaven.test.skip=true -pl runner-cli -am package)
fi
export CAPMESH_NO_BUILD=1

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$root/bin/runner" serve "$config" --socket-addr "http=127.0.0.1:$port_a" --data-dir "$work/a" \
  >"$work/a.out" 2>"$work/a.err" &
pids+=($!)
audit=(--audit-log "$work/audit.log" --runner-id bench)
[ "${CONTROL:-0}" = 1 ] && audit=()
"$root/bin/runner" serve "$config" --socket-addr "http=127.0.0.1:$port_b" --data-dir "$work/b" \
  "${audit[@]}" >"$work/b.out" 2>"$work/b.err" &
pid_b=$!
pids+=($pid_b)
for port in $port_a $port_b; do
  for _ in $(seq 1 300); do curl -sf "127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -sf "127.0.0.1:$port/" >/dev/null || { echo "runner on $port did not start; see $work" >&2; exit 1; }
done

echo "warm-up: $warmup each (A, then B)"
wrk -t1 -c32 -d"$warmup" "http://127.0.0.1:$port_a/" >/dev/null
wrk -t1 -c32 -d"$warmup" "http://127.0.0.1:$port_b/" >/dev/null

rps() { wrk -t1 -c32 -d"$duration" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'; }
a=(); b=()
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then x=$(rps $port_a); y=$(rps $port_b); else y=$(rps $port_b); x=$(rps $port_a); fi
  a+=("$x"); b+=("$y")
  printf 'round %d: without audit %s req/s, with audit %s req/s\n' "$r" "$x" "$y"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
awk -v a="$ma" -v b="$mb" 'BEGIN {printf "median: without audit %.0f req/s, with audit %.0f req/s, ratio %.3f (%.1f%% %s)\n", a, b, b / a, (b > a ? b - a : a - b) / a * 100, (b < a ? "slower" : "faster")}'

kill "$pid_b"; wait "$pid_b" 2>/dev/null || true
if [ "${CONTROL:-0}" != 1 ]; then
  "$root/bin/runner" audit verify "$work"/audit.log* | head -3
  echo "audit log: $(cat "$work"/audit.log | wc -l) lines, $(du -h "$work"/audit.log | cut -f1) (in $work)"
fi
