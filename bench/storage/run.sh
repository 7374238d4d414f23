#!/usr/bin/env bash
# 1 MiB object get from an S3-compatible server (s3proxy), loopback only.
#
#   bench/storage/run.sh [ROUNDS]      # default 3 rounds; DURATION=10s per window
#
# The JMH benchmark S3GetBenchmark (benchmarks module): S3ObjectBackend.get (the runner's
# backend) against the AWS SDK's S3AsyncClient.getObject alone, on the same server, 4 threads
# (one warm-up and one measured iteration of DURATION each, in a fresh JVM per round); also the
# SDK alone asking for the object's checksums (checksumMode ENABLED), as the backend does.
# Without WORKER=1 the server is an s3proxy inside the JMH JVM.
#
# Through a worker (WORKER=1): starts s3proxy as its own process (S3TestServer's main, logging
# at WARN) and bin/runner serving a worker whose GET / answers (await env.STORAGE.get("obj")).body;
# wrk -t1 -c4 counts 1 MiB answers per second (after WARMUP=20s). The JMH rounds then read the
# same object from the same s3proxy process (-p endpoint=...), so worker/SDK compares requests/s
# through the runner with the SDK's gets/s at 4 in flight against one server. Each round runs
# the worker window and the JMH run, the order flipped every round. The runner's RSS is sampled
# during every worker window, and its heap (jcmd GC.heap_info) at the end of it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-3}
duration=${DURATION:-10s}
results=${RESULTS:-$root/bench/results/storage-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results"
. "$root/bin/lib/jdk.sh"
capmesh_find_jdk || exit 1
java="$CAPMESH_JAVA_HOME/bin/java"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

{
  echo "command: WORKER=${WORKER:-0} DURATION=$duration bench/storage/run.sh $rounds"
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')   commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "nproc: $(nproc)   java: $("$java" -version 2>&1 | head -1)"
  echo "load at start: $(uptime)"
} | tee "$results/header.txt"

if [ -z "${CAPMESH_NO_BUILD:-}" ]; then
  (cd "$root" && ./mvnw -q -B -DskipTests -pl runner-cli,benchmarks -am package)
fi
export CAPMESH_NO_BUILD=1
jar="$root/benchmarks/target/benchmarks.jar"
jmh_args=()

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if [ "${WORKER:-0}" = 1 ]; then
  command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
  port_s=$(free_port); port_c=$(free_port)
  export S3_ACCESS_KEY_ID=AKIDBENCH000000001 S3_SECRET_ACCESS_KEY=bench-secret
  # From the benchmarks jar: its logback.xml (at WARN here); s3proxy's classpath alone logs every
  # request at DEBUG, with stack traces, and that slows the server down.
  "$java" -Xms512m -Xmx512m -Dcapmesh.log.level=WARN -cp "$jar" dev.capmesh.testing.s3.S3TestServer \
    "$port_s" bench >"$results/s3.log" 2>&1 &
  pids+=($!)
  jmh_args=(-p "endpoint=http://127.0.0.1:$port_s")
  for _ in $(seq 1 600); do grep -q '^ready' "$results/s3.log" && break; sleep 0.1; done
  head -c $((1 << 20)) /dev/urandom >"$results/obj.bin"
  cat >"$results/storage.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [ (name = "worker.js", esModule = "export default { async fetch(req, env) { if (req.method === 'PUT') { await env.STORAGE.put('obj', req.body); return new Response('ok'); } const o = await env.STORAGE.get('obj'); return new Response(o.body); } };") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "STORAGE", r2Bucket = "bucket") ],
    )),
    (name = "bucket", storage = (s3 = (endpoint = "http://127.0.0.1:$port_s", bucket = "bench", pathStyle = true,
        accessKeyIdEnv = "S3_ACCESS_KEY_ID", secretAccessKeyEnv = "S3_SECRET_ACCESS_KEY"))),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:$port_c", http = (), service = "main") ],
);
CAPNP
  "$root/bin/runner" serve "$results/storage.capnp" >"$results/runner.log" 2>&1 &
  cpid=$!; pids+=("$cpid")
  for _ in $(seq 1 3000); do
    kill -0 "$cpid" 2>/dev/null || { echo "the runner stopped:"; tail -5 "$results/runner.log"; exit 1; }
    curl -fs -o /dev/null -X PUT --data-binary @"$results/obj.bin" "http://127.0.0.1:$port_c/" && break; sleep 0.05
  done
  cmp -s <(curl -fs "http://127.0.0.1:$port_c/") "$results/obj.bin" || { echo "the worker answers something else" >&2; exit 1; }
  echo "runner up; warming up for ${WARMUP:-20s}"
  wrk -t1 -c4 -d"${WARMUP:-20s}" "http://127.0.0.1:$port_c/" >/dev/null
fi

# One wrk window through the worker: requests/s to worker.txt, the runner's largest RSS in the
# window to rss.txt (MiB), its heap at the end to heap.txt.
worker_round() {
  wrk -t1 -c4 -d"$duration" "http://127.0.0.1:$port_c/" >"$results/wrk-now.txt" &
  local w=$! max=0 r
  while kill -0 "$w" 2>/dev/null; do
    r=$(ps -o rss= -p "$cpid" 2>/dev/null || echo 0); [ "${r:-0}" -gt "$max" ] && max=$r
    sleep 0.5
  done
  wait "$w"
  cat "$results/wrk-now.txt" >>"$results/wrk.txt"
  if grep -q "Non-2xx\|Socket errors" "$results/wrk-now.txt"; then echo "errors through the worker (see wrk.txt)" >&2; fi
  awk '/Requests\/sec/ {print $2}' "$results/wrk-now.txt" >>"$results/worker.txt"
  echo $((max / 1024)) >>"$results/rss.txt"
  "$CAPMESH_JAVA_HOME/bin/jcmd" "$cpid" GC.heap_info 2>/dev/null | tee -a "$results/heap-info.txt" \
    | awk '/Gen|heap/ && /used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub(/K,?$/, "", v); s += v}}
           END {print int(s / 1024)}' >>"$results/heap.txt" || true
}
jmh_round() {
  "$java" -jar "$jar" S3GetBenchmark -wi 1 -w "$duration" -i 1 -r "$duration" "${jmh_args[@]}" \
    -rf json -rff "$results/jmh-$r.json" >"$results/jmh-$r.txt" 2>&1
  python3 - "$results/jmh-$r.json" "$results" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1])):
    name = b["benchmark"].rsplit(".", 1)[1]
    open(f"{sys.argv[2]}/jmh-{name}.txt", "a").write(f'{b["primaryMetric"]["score"]:.1f}\n')
PY
}

for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds (load: $(uptime | sed 's/.*load average: //'))"
  uptime >>"$results/load.txt"
  if [ "${WORKER:-0}" = 1 ] && [ $((r % 2)) = 1 ]; then worker_round; fi
  jmh_round
  if [ "${WORKER:-0}" = 1 ] && [ $((r % 2)) = 0 ]; then worker_round; fi
done
echo "load at end: $(uptime)" | tee -a "$results/header.txt"

python3 - "$results" <<'PY' | tee "$results/summary.txt"
import os, statistics, sys
d = sys.argv[1]
def vals(name):
    return [float(x) for x in open(f"{d}/{name}.txt").read().split()]
def med(name):
    return statistics.median(vals(name))
def each(name):
    return "/".join(f"{x:.1f}" for x in vals(name))
print(open(f"{d}/header.txt").read().rstrip())
b, s = med("jmh-backendGet"), med("jmh-sdkGet")
where = "the standalone s3proxy" if os.path.exists(f"{d}/worker.txt") else "an s3proxy in the JMH JVM"
print(f"1 MiB gets/s from {where} (median; rounds in brackets), 4 in flight:")
print(f"  S3ObjectBackend {b:.1f} [{each('jmh-backendGet')}]   AWS SDK alone {s:.1f} [{each('jmh-sdkGet')}]   backend/SDK {b/s:.2f}x")
if os.path.exists(f"{d}/jmh-sdkGetWithChecksums.txt"):
    c = med("jmh-sdkGetWithChecksums")
    print(f"  AWS SDK alone asking for checksums, as the backend does: {c:.1f} [{each('jmh-sdkGetWithChecksums')}]"
          f"   backend/that {b/c:.2f}x")
if os.path.exists(f"{d}/worker.txt"):
    w = med("worker")
    print(f"  through a worker (wrk -t1 -c4): {w:.1f} [{each('worker')}]   worker/SDK {w/s:.2f}x   worker/backend {w/b:.2f}x")
    rss = vals("rss")
    heap = vals("heap") if os.path.exists(f"{d}/heap.txt") and open(f"{d}/heap.txt").read().split() else []
    print(f"  runner RSS, largest in each worker window: {'/'.join(f'{x:.0f}' for x in rss)} MiB"
          + (f"; heap used at the end of each: {'/'.join(f'{x:.0f}' for x in heap)} MiB" if heap else ""))
PY
echo "results in $results"
