#!/usr/bin/env bash
# 1 MiB object get from an S3-compatible server (s3proxy, in-process), loopback only.
#
#   bench/storage/run.sh [ROUNDS]      # default 3 rounds
#
# Now: the JMH benchmark S3GetBenchmark (benchmarks module): S3ObjectBackend.get against the AWS
# SDK's S3AsyncClient.getObject alone, on the same server, 4 threads.
#
# Through a worker (WORKER=1): starts s3proxy as its own process (S3TestServer's main) and
# bin/runner serving a worker whose GET / answers (await env.STORAGE.get("obj")).body, and drives
# it with wrk -t1 -c4. This needs the JS R2 API (env.STORAGE), which lands separately: until then
# the runner refuses the r2Bucket binding at start and this part stops with that message.
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

(cd "$root" && ./mvnw -q -B -DskipTests -pl runner-cli,benchmarks -am package)
export CAPMESH_NO_BUILD=1

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if [ "${WORKER:-0}" = 1 ]; then
  command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
  port_s=$(free_port); port_c=$(free_port)
  export S3_ACCESS_KEY_ID=AKIDBENCH000000001 S3_SECRET_ACCESS_KEY=bench-secret
  (cd "$root" && ./mvnw -q -B -o -pl testing/s3-server dependency:build-classpath -Dmdep.outputFile="$results/cp.txt" >/dev/null)
  "$java" -cp "$root/testing/s3-server/target/classes:$(cat "$results/cp.txt")" dev.capmesh.testing.s3.S3TestServer \
    "$port_s" bench >"$results/s3.log" 2>&1 &
  pids+=($!)
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
  wrk -t1 -c4 -d30s "http://127.0.0.1:$port_c/" >/dev/null
fi

for r in $(seq 1 "$rounds"); do
  if [ "${WORKER:-0}" = 1 ]; then
    echo "round $r: worker"
    wrk -t1 -c4 -d"$duration" "http://127.0.0.1:$port_c/" | tee -a "$results/wrk.txt" | awk '/Requests\/sec/ {print $2}' >>"$results/worker.txt"
  fi
  echo "round $r: JMH"
  "$java" -jar "$root/benchmarks/target/benchmarks.jar" S3GetBenchmark -wi 1 -w 5s -i 2 -r 5s \
    -rf json -rff "$results/jmh-$r.json" >"$results/jmh-$r.txt" 2>&1
  python3 - "$results/jmh-$r.json" "$results" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1])):
    name = b["benchmark"].rsplit(".", 1)[1]
    open(f"{sys.argv[2]}/jmh-{name}.txt", "a").write(f'{b["primaryMetric"]["score"]:.1f}\n')
PY
done

python3 - "$results" <<'PY' | tee "$results/summary.txt"
import os, statistics, sys
d = sys.argv[1]
def med(name):
    return statistics.median(float(x) for x in open(f"{d}/{name}.txt").read().split())
b, s = med("jmh-backendGet"), med("jmh-sdkGet")
print(f"1 MiB gets/s (median, 4 threads): S3ObjectBackend {b:.1f}   AWS SDK alone {s:.1f}   ratio {b/s:.2f}x")
if os.path.exists(f"{d}/worker.txt"):
    w = med("worker")
    print(f"through a worker (wrk -c4): {w:.1f}/s   ratio worker/SDK {w/s:.2f}x")
PY
echo "results in $results"
