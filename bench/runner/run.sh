#!/usr/bin/env bash
# Side-by-side HTTP benchmark of capmesh and workerd (the reference), on loopback only.
#
#   bench/runner/run.sh [ROUNDS]        # default 5 rounds of wrk -t1 -c32 -d10s per system
#
# Installs what it needs outside the repo: wrk (Debian package) and workerd (npm, into
# $BENCH_HOME, default ~/.cache/capmesh-bench). Alternates the two systems round by round
# and reports medians: requests/s, p50/p99 latency, server CPU time per request, RSS; then the
# two-hop chain, time to first answered request, and idle memory per additional worker.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/bench/runner"
rounds=${1:-5}
duration=${DURATION:-10s}
warmup_w=${WARMUP_WORKERD:-30s}
warmup_c=${WARMUP_CAPMESH:-120s}
bench_home=${BENCH_HOME:-$HOME/.cache/capmesh-bench}
port_w=18080
port_c=18081
mkdir -p "$bench_home"
results="$bench_home/results-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
workerd=${WORKERD:-}
if [ -z "$workerd" ]; then
  workerd="$bench_home/node_modules/.bin/workerd"
  [ -x "$workerd" ] || { echo "installing workerd from npm into $bench_home"; npm install --prefix "$bench_home" --silent workerd >/dev/null; }
fi
"$workerd" --version
(cd "$root" && ./mvnw -q -B -DskipTests -pl runner -am package)
export CAPMESH_NO_BUILD=1
# The startup cache a user's launcher records after a build (docs/RUNNER.md): cold rows include it.
CAPMESH_NO_BUILD=1 "$root/bin/runner" train-startup-cache >/dev/null || echo "(no startup cache: the runs start without it)"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Sets $up_ms to the milliseconds from $2 (date +%s%N) until port $1 answers a request.
wait_up() {
  local port=$1 start=$2
  for _ in $(seq 1 6000); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/"; then
      up_ms=$(( ($(date +%s%N) - start) / 1000000 ))
      return 0
    fi
    sleep 0.01
  done
  echo "server on $port did not come up" >&2; return 1
}

# Start a server in the background; set $wpid/$tw (workerd) or $cpid/$tc (capmesh).
start_workerd() {
  local start; start=$(date +%s%N)
  "$workerd" serve "$1" --socket-addr "http=127.0.0.1:$port_w" >"$results/workerd.log" 2>&1 &
  wpid=$!; pids+=("$wpid")
  wait_up $port_w "$start"; tw=$up_ms
}

start_capmesh() {
  local start; start=$(date +%s%N)
  "$root/bin/runner" serve "$1" --socket-addr "http=127.0.0.1:$port_c" >"$results/capmesh.log" 2>&1 &
  cpid=$!; pids+=("$cpid")
  wait_up $port_c "$start"; tc=$up_ms
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# One wrk run against port $1 for server pid $2: prints "rps p50_ms p99_ms cpu_us_per_req".
measure() {
  local port=$1 pid=$2 before after out
  before=$(cpu_ticks "$pid")
  out=$(wrk -t1 -c32 -d"$duration" --latency "http://127.0.0.1:$port/")
  after=$(cpu_ticks "$pid")
  echo "$out" >>"$results/wrk-$port.txt"
  python3 - "$before" "$after" "$(getconf CLK_TCK)" <<PY
import re, sys
out = """$out"""
before, after, hz = map(int, sys.argv[1:4])
def ms(s):
    v, u = re.match(r"([\d.]+)(us|ms|s)", s).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
reqs = int(re.search(r"(\d+) requests in", out).group(1))
# The latency distribution's lines ("     99%    2.61ms"): a +/- column such as "87.99%" ends the same.
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
cpu_us = (after - before) / hz * 1e6 / max(reqs, 1)
print(f"{rps:.0f} {p50:.3f} {p99:.3f} {cpu_us:.1f}")
PY
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

bench_pair() { # name config
  local name=$1 config=$2
  echo "== $name: starting both servers"
  start_workerd "$config"; start_capmesh "$config"
  echo "first answered request after: workerd ${tw} ms, capmesh ${tc} ms"
  # Warm each system up alone (the other frozen). GraalJS compiles hot code in background
  # threads that compete with requests on 2 cores, so capmesh needs a longer warm-up than V8.
  echo "warm-up (workerd ${warmup_w}, capmesh ${warmup_c})"
  kill -STOP "$cpid"
  wrk -t1 -c32 -d"$warmup_w" "http://127.0.0.1:$port_w/" >/dev/null
  kill -CONT "$cpid"; kill -STOP "$wpid"
  wrk -t1 -c32 -d"$warmup_c" "http://127.0.0.1:$port_c/" >/dev/null
  kill -CONT "$wpid"
  : >"$results/$name-w.txt"; : >"$results/$name-c.txt"
  # While one system is measured the other is frozen (SIGSTOP), so neither one's background
  # work (e.g. JIT compilation) takes CPU from the other on this 2-core machine.
  for i in $(seq 1 "$rounds"); do
    kill -STOP "$cpid"
    measure $port_w "$wpid" | tee -a "$results/$name-w.txt" | sed "s/^/round $i workerd: /"
    kill -CONT "$cpid"; kill -STOP "$wpid"
    measure $port_c "$cpid" | tee -a "$results/$name-c.txt" | sed "s/^/round $i capmesh: /"
    kill -CONT "$wpid"
  done
  local rw rc
  rw=$(rss_kib "$wpid"); rc=$(rss_kib "$cpid")
  for sys in w c; do
    f="$results/$name-$sys.txt"
    printf '%s %s rps=%s p50=%sms p99=%sms cpu/req=%sus\n' "$name" "$sys" \
      "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" \
      "$(cut -d' ' -f3 "$f" | median)" "$(cut -d' ' -f4 "$f" | median)" | tee -a "$results/summary.txt"
  done
  echo "$name rss workerd=${rw}KiB capmesh=${rc}KiB startup workerd=${tw}ms capmesh=${tc}ms" | tee -a "$results/summary.txt"
  python3 - "$results/$name-w.txt" "$results/$name-c.txt" <<'PY' | tee -a "$results/summary.txt"
import sys, statistics
w = [float(l.split()[0]) for l in open(sys.argv[1])]
c = [float(l.split()[0]) for l in open(sys.argv[2])]
print(f"ratio capmesh/workerd requests/s (median of rounds): {statistics.median(c) / statistics.median(w):.2f}x")
PY
  cleanup; pids=()
}

idle_memory() { # RSS with 1 and with 101 workers, after one request each to w0
  local cfg1="$results/one.capnp" cfg101="$results/many.capnp"
  python3 "$here/gen-many.py" 1 >"$cfg1"; python3 "$here/gen-many.py" 101 >"$cfg101"
  for sys in workerd capmesh; do
    local r1 r101
    if [ $sys = workerd ]; then start_workerd "$cfg1"; r1=$(rss_kib "$wpid"); cleanup; pids=()
      start_workerd "$cfg101"; r101=$(rss_kib "$wpid"); cleanup; pids=()
    else start_capmesh "$cfg1"; r1=$(rss_kib "$cpid"); cleanup; pids=()
      start_capmesh "$cfg101"; r101=$(rss_kib "$cpid"); cleanup; pids=()
    fi
    echo "idle $sys rss 1 worker=${r1}KiB 101 workers=${r101}KiB per extra worker=$(( (r101 - r1) / 100 ))KiB" | tee -a "$results/summary.txt"
  done
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024/1024)" GiB"}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_pair hello "$here/hello.capnp"
bench_pair two-hop "$here/two-hop.capnp"
idle_memory
echo "results in $results"
cat "$results/summary.txt"
