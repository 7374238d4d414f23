#!/usr/bin/env bash
# Request throughput with and without the audit log, on loopback only.
#
#   bench/runner/audit.sh [ROUNDS]      # default 8 rounds of wrk -t1 -c32 -d10s per runner
#
# Starts two bin/runner serve processes side by side on samples/audit-trail (each request: one
# KV get and one JS RPC call to a second worker, so two audit lines per request): A without an
# audit log, B with --audit-log to a file. Warms both up in alternating chunks (so both reach the
# same point of JIT compilation), then alternates rounds A B, B A, ... (other processes share
# the machine: interleaving spreads their noise over both). Prints each round, the median
# requests/s of each, and the median of the per-round ratios B/A (each ratio compares two runs
# made back to back, under the same load). Finally checks B's log with audit verify.
# CONTROL=1 starts B without the audit log too: the ratio then shows the noise of the machine.
# KEEP=1 keeps the work directory (logs, audit files) instead of removing it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-8}
duration=${DURATION:-10s}
warmup_chunk=${WARMUP_CHUNK:-20s}
warmup_chunks=${WARMUP_CHUNKS:-6}
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
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # The log grows by ~1 GiB per 10 minutes at full speed: kept only when asked (KEEP=1).
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
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
  curl -sf "127.0.0.1:$port/" >/dev/null || { echo "runner on $port did not start" >&2; tail -20 "$work"/*.err >&2; exit 1; }
done

echo "warm-up: $warmup_chunks x $warmup_chunk each, alternating"
for _ in $(seq 1 "$warmup_chunks"); do
  wrk -t1 -c32 -d"$warmup_chunk" "http://127.0.0.1:$port_a/" >/dev/null
  wrk -t1 -c32 -d"$warmup_chunk" "http://127.0.0.1:$port_b/" >/dev/null
done

rps() { wrk -t1 -c32 -d"$duration" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'; }
label_b="with audit"
[ "${CONTROL:-0}" = 1 ] && label_b="B (control, no audit)"
a=(); b=(); ratios=()
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then x=$(rps $port_a); y=$(rps $port_b); else y=$(rps $port_b); x=$(rps $port_a); fi
  a+=("$x"); b+=("$y"); ratios+=("$(awk -v x="$x" -v y="$y" 'BEGIN {printf "%.4f", y / x}')")
  printf 'round %d: without audit %s req/s, %s %s req/s, ratio %s\n' "$r" "$x" "$label_b" "$y" "${ratios[-1]}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ma=$(median "${a[@]}"); mb=$(median "${b[@]}"); mr=$(median "${ratios[@]}")
awk -v a="$ma" -v b="$mb" -v r="$mr" -v l="$label_b" 'BEGIN {printf "median: without audit %.0f req/s, %s %.0f req/s; median of round ratios %.3f (%.1f%% %s)\n", a, l, b, r, (r < 1 ? 1 - r : r - 1) * 100, (r < 1 ? "slower" : "faster")}'

if [ "${CONTROL:-0}" != 1 ]; then
  # CPU the audit writer thread used, against the whole runner B (JIT compilation included):
  # a figure the machine's noise does not blur the way throughput is blurred.
  jcmd=$(command -v jcmd || echo "${JAVA_HOME:-/usr}/bin/jcmd")
  writer_ms=$("$jcmd" "$pid_b" Thread.print 2>/dev/null | grep '^"capmesh-audit"' | sed -E 's/.* cpu=([0-9.]+)ms.*/\1/')
  total_ms=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1000 / hz}' "/proc/$pid_b/stat")
  awk -v w="${writer_ms:-0}" -v t="$total_ms" 'BEGIN {printf "audit writer thread: %.1f s of CPU, %.1f%% of runner B'"'"'s %.1f s\n", w / 1000, w / t * 100, t / 1000}'
fi
kill "$pid_b"; wait "$pid_b" 2>/dev/null || true
if [ "${CONTROL:-0}" != 1 ]; then
  "$root/bin/runner" audit verify "$work"/audit.log* | head -3
  echo "audit log: $(du -ch "$work"/audit.log* | tail -1 | cut -f1) ($([ "${KEEP:-0}" = 1 ] && echo "kept in $work" || echo "removed; KEEP=1 keeps it"))"
fi
