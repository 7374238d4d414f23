#!/usr/bin/env bash
# KV get/put through a worker against raw Lettuce, on one redis-server, loopback only.
#
#   bench/kv/run.sh [ROUNDS]      # default 3 rounds; DURATION=10s per wrk run
#
# Starts its own redis-server on a free port. Through a worker: bin/runner serves a worker whose
# GET /get answers env.KV.get("key") and GET /put does env.KV.put("key", ...) (and GET /hello
# answers the same text without KV, the ceiling of the HTTP + worker path), driven by
# wrk -t1 -c32. Raw: the JMH benchmark KvRedisBenchmark (benchmarks module) with 32 threads on
# the same Redis: Lettuce GET/SET by hand, and the runner's RedisKv backend without a worker.
# Rounds alternate worker and JMH runs; the summary prints medians and the worker/raw ratios.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-3}
duration=${DURATION:-10s}
warmup=${WARMUP:-30s}
results=${RESULTS:-$root/bench/results/kv-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results"
. "$root/bin/lib/jdk.sh"
capmesh_find_jdk || exit 1
java="$CAPMESH_JAVA_HOME/bin/java"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_r=$(free_port); port_c=$(free_port)

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
(cd "$root" && ./mvnw -q -B -DskipTests -pl runner-cli,benchmarks -am package)
export CAPMESH_NO_BUILD=1

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis-server --port "$port_r" --bind 127.0.0.1 --save "" --appendonly no >"$results/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do redis-cli -p "$port_r" ping >/dev/null 2>&1 && break; sleep 0.05; done
url="redis://127.0.0.1:$port_r"

cat >"$results/kv.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [ (name = "worker.js", esModule = "export default { async fetch(req, env) { const p = new URL(req.url).pathname; if (p === '/hello') { return new Response('a value of some length, like a session record'); } if (p === '/put') { await env.KV.put('key', 'a value of some length, like a session record'); return new Response('ok'); } return new Response(await env.KV.get('key')); } };") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "KV", kvNamespace = "ns") ],
    )),
    (name = "ns", kv = (redis = (url = "$url", keyPrefix = "capmesh-bench:worker:"))),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:$port_c", http = (), service = "main") ],
);
CAPNP

"$root/bin/runner" serve "$results/kv.capnp" >"$results/runner.log" 2>&1 &
cpid=$!; pids+=("$cpid")
for _ in $(seq 1 6000); do curl -fs -o /dev/null "http://127.0.0.1:$port_c/put" && break; sleep 0.02; done
curl -fs "http://127.0.0.1:$port_c/get" | grep -q "session record" || { echo "the worker does not answer" >&2; exit 1; }

echo "warming up the runner ($warmup per path)"
wrk -t1 -c32 -d"$warmup" "http://127.0.0.1:$port_c/put" >/dev/null
wrk -t1 -c32 -d"$warmup" "http://127.0.0.1:$port_c/get" >/dev/null
wrk -t1 -c32 -d"$warmup" "http://127.0.0.1:$port_c/hello" >/dev/null

rps() { wrk -t1 -c32 -d"$duration" "http://127.0.0.1:$port_c/$1" | tee -a "$results/wrk-$1.txt" | awk '/Requests\/sec/ {print $2}'; }
for r in $(seq 1 "$rounds"); do
  echo "round $r: worker"
  rps get >>"$results/worker-get.txt"
  rps put >>"$results/worker-put.txt"
  rps hello >>"$results/worker-hello.txt"
  echo "round $r: JMH"
  "$java" -jar "$root/benchmarks/target/benchmarks.jar" KvRedisBenchmark -p redisUrl="$url" \
    -wi 1 -w 5s -i 2 -r 5s -rf json -rff "$results/jmh-$r.json" >"$results/jmh-$r.txt" 2>&1
  python3 - "$results/jmh-$r.json" "$results" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1])):
    name = b["benchmark"].rsplit(".", 1)[1]
    open(f"{sys.argv[2]}/jmh-{name}.txt", "a").write(f'{b["primaryMetric"]["score"]:.0f}\n')
PY
done

python3 - "$results" <<'PY' | tee "$results/summary.txt"
import statistics, sys
d = sys.argv[1]
def med(name):
    return statistics.median(float(x) for x in open(f"{d}/{name}.txt").read().split())
wg, wp, wh = med("worker-get"), med("worker-put"), med("worker-hello")
lg, lp = med("jmh-lettuceGet"), med("jmh-lettucePut")
kg, kp = med("jmh-redisKvGet"), med("jmh-redisKvPut")
print("medians (ops/s, 32 concurrent):")
print(f"  get: worker {wg:9.0f}   RedisKv {kg:9.0f}   raw Lettuce {lg:9.0f}")
print(f"  put: worker {wp:9.0f}   RedisKv {kp:9.0f}   raw Lettuce {lp:9.0f}")
print(f"ratio worker/raw Lettuce: get {wg/lg:.2f}x, put {wp/lp:.2f}x   (target >= 0.8x)")
print(f"ratio RedisKv/raw Lettuce: get {kg/lg:.2f}x, put {kp/lp:.2f}x")
print(f"worker without KV (/hello): {wh:.0f}/s; KV get/put through a worker over it: {wg/wh:.2f}x, {wp/wh:.2f}x")
PY
echo "results in $results"
