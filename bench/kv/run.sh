#!/usr/bin/env bash
# KV operations per second through env.KV inside a worker against raw Lettuce, at the same number
# of operations in flight, on one redis-server (started here on a free loopback port).
#
#   bench/kv/run.sh [ROUNDS]     # default 3; DURATION=10s per window, COLD=5s, WARMUP=15s per path
#
# Through a worker: bin/runner serves one worker bound to a `kv` service on that Redis. Each HTTP
# request makes B KV operations (B=1; B=64 awaited one after the other, "seq"; B=64 at once through
# Promise.all, "par"; one bulk get([...]) of B=64 keys, "bulk") and checks every answer; wrk
# counts requests, KV ops/s = requests/s x B. Operations in flight: wrk connections for B=1 and
# seq (32), connections x 64 for par and bulk (4 x 64).
# Raw: KvRawDriver (benchmarks module), a long-lived JVM: N slots each issuing its next Lettuce
# async GET/SET when the previous completes (N = the worker row's in-flight count); the same with
# the runner's RedisKv backend alone (no worker, no JS). GET /hello (no KV) is the ceiling of the
# HTTP + worker path, with the old one-op-per-request rows beside it.
#
# Cold: the first COLD seconds of a fresh runner (get B=1, then put B=1) and of a fresh driver JVM.
# Warm: after WARMUP per path, ROUNDS rounds; within a round each row runs worker then raw, and
# the order flips every round. The summary prints medians (every round's number in brackets),
# ratios worker/raw, the command, date, load and nproc.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-3}
duration=${DURATION:-10s}
cold=${COLD:-5s}
warmup=${WARMUP:-15s}
results=${RESULTS:-$root/bench/results/kv-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results"
. "$root/bin/lib/jdk.sh"
capmesh_find_jdk || exit 1
java="$CAPMESH_JAVA_HOME/bin/java"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
secs() { local d=$1; d=${d%s}; echo "$d"; }
port_r=$(free_port); port_c=$(free_port)

{
  echo "command: DURATION=$duration COLD=$cold WARMUP=$warmup bench/kv/run.sh $rounds"
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')   commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "nproc: $(nproc)   redis: $(redis-server --version | awk '{print $3}')   java: $("$java" -version 2>&1 | head -1)"
  echo "load at start: $(uptime)"
} | tee "$results/header.txt"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
if [ -z "${CAPMESH_NO_BUILD:-}" ]; then
  (cd "$root" && ./mvnw -q -B -DskipTests -pl runner-cli,benchmarks -am package)
fi
export CAPMESH_NO_BUILD=1

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis-server --port "$port_r" --bind 127.0.0.1 --save "" --appendonly no >"$results/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do redis-cli -p "$port_r" ping >/dev/null 2>&1 && break; sleep 0.05; done
url="redis://127.0.0.1:$port_r"

cat >"$results/worker.js" <<'JS'
const VALUE = 'a value of some length, like a session record';
export default {
  async fetch(req, env) {
    const u = new URL(req.url);
    if (u.pathname === '/hello') return new Response(VALUE);
    const b = Number(u.searchParams.get('b') || '1');
    const par = u.searchParams.get('mode') === 'par';
    const get = u.pathname === '/get';
    if (get && u.searchParams.get('mode') === 'bulk') {
      // One bulk get of B keys (the same key B times: B reads from Redis, one Map entry).
      const m = await env.KV.get(new Array(b).fill('key'));
      if (m.get('key') !== VALUE) return new Response('unexpected answer', { status: 500 });
      return new Response(VALUE);
    }
    const one = () => (get ? env.KV.get('key') : env.KV.put('key', VALUE));
    let answers;
    if (par) {
      const all = new Array(b);
      for (let i = 0; i < b; i++) all[i] = one();
      answers = await Promise.all(all);
    } else {
      answers = new Array(b);
      for (let i = 0; i < b; i++) answers[i] = await one();
    }
    for (const a of answers) {
      if (a !== (get ? VALUE : undefined)) return new Response('unexpected answer', { status: 500 });
    }
    return new Response(get ? VALUE : 'ok');
  },
};
JS
cat >"$results/kv.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [ (name = "worker.js", esModule = embed "worker.js") ],
      compatibilityDate = "2024-09-01",
      bindings = [ (name = "KV", kvNamespace = "ns") ],
    )),
    (name = "ns", kv = (redis = (url = "$url", keyPrefix = "capmesh-bench:worker:"))),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:$port_c", http = (), service = "main") ],
);
CAPNP

# The raw driver: a coprocess answering "OP INFLIGHT SECONDS" with ops/s.
coproc RAW { exec "$java" -Xms512m -Xmx512m -cp "$root/benchmarks/target/benchmarks.jar" \
  dev.capmesh.benchmarks.resources.KvRawDriver "$url" 2>"$results/driver.log"; }
pids+=("$RAW_PID")
raw() { echo "$1 $2 $(secs "$3")" >&"${RAW[1]}"; local x; read -r x <&"${RAW[0]}"; echo "$x"; }

# name path connections B inflight raw-op kv-op
rows=(
  "hello /hello 32 1 32 - -"
  "get1 /get?b=1 32 1 32 get kvget"
  "put1 /put?b=1 32 1 32 put kvput"
  "get64seq /get?b=64&mode=seq 32 64 32 get kvget"
  "put64seq /put?b=64&mode=seq 32 64 32 put kvput"
  "get64par /get?b=64&mode=par 4 64 256 get kvget"
  "put64par /put?b=64&mode=par 4 64 256 put kvput"
  "get64bulk /get?b=64&mode=bulk 4 64 256 get kvget"
)

# Requests/s of one wrk window, times B; a window with errors or non-2xx answers counts as 0.
worker_ops() {
  local path=$1 conns=$2 b=$3 d=$4 out
  out=$(wrk -t1 -c"$conns" -d"$d" --timeout 30s "http://127.0.0.1:$port_c$path")
  echo "== $path c$conns $d" >>"$results/wrk.txt"; echo "$out" >>"$results/wrk.txt"
  if echo "$out" | grep -q "Non-2xx\|Socket errors"; then echo "errors in $path (see wrk.txt)" >&2; echo 0; return; fi
  echo "$out" | awk -v b="$b" '/Requests\/sec/ {printf "%.0f\n", $2 * b}'
}

start=$(date +%s%N)
"$root/bin/runner" serve "$results/kv.capnp" >"$results/runner.log" 2>&1 &
pids+=($!)
until curl -fs -o /dev/null "http://127.0.0.1:$port_c/put?b=1"; do sleep 0.02; done
echo "runner: first answer after $(( ($(date +%s%N) - start) / 1000000 )) ms" | tee -a "$results/header.txt"
curl -fs "http://127.0.0.1:$port_c/get?b=1" | grep -q "session record" || { echo "the worker does not answer" >&2; exit 1; }

echo "cold: the first $cold of a fresh runner and of a fresh driver JVM"
worker_ops "/get?b=1" 32 1 "$cold" >"$results/cold-worker-get1.txt"
worker_ops "/put?b=1" 32 1 "$cold" >"$results/cold-worker-put1.txt"
raw get 32 "$cold" >"$results/cold-raw-get1.txt"
raw put 32 "$cold" >"$results/cold-raw-put1.txt"

echo "warming up ($warmup per path and per raw operation)"
for row in "${rows[@]}"; do
  read -r name path conns b inflight rop kop <<<"$row"
  worker_ops "$path" "$conns" "$b" "$warmup" >/dev/null
  if [ "$rop" != - ]; then raw "$rop" "$inflight" "$warmup" >/dev/null; raw "$kop" "$inflight" "$warmup" >/dev/null; fi
done

for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds (load: $(uptime | sed 's/.*load average: //'))"
  echo "$(uptime)" >>"$results/load.txt"
  for row in "${rows[@]}"; do
    read -r name path conns b inflight rop kop <<<"$row"
    if [ $((r % 2)) = 1 ] || [ "$rop" = - ]; then
      worker_ops "$path" "$conns" "$b" "$duration" >>"$results/worker-$name.txt"
    fi
    if [ "$rop" != - ]; then
      raw "$rop" "$inflight" "$duration" >>"$results/raw-$name.txt"
      raw "$kop" "$inflight" "$duration" >>"$results/redisKv-$name.txt"
      if [ $((r % 2)) = 0 ]; then worker_ops "$path" "$conns" "$b" "$duration" >>"$results/worker-$name.txt"; fi
    fi
  done
done
echo "load at end: $(uptime)" | tee -a "$results/header.txt"

python3 - "$results" <<'PY' | tee "$results/summary.txt"
import statistics, sys
d = sys.argv[1]
def vals(name):
    return [float(x) for x in open(f"{d}/{name}.txt").read().split()]
def med(name):
    return statistics.median(vals(name))
def each(name):
    return "/".join(f"{x:.0f}" for x in vals(name))
print(open(f"{d}/header.txt").read().rstrip())
print()
print("KV ops/s (median of rounds; each round in brackets); ratio = worker / raw Lettuce, target >= 0.8x")
print(f"{'row':10} {'in flight':>9} {'worker':>9} {'RedisKv':>9} {'Lettuce':>9} {'ratio':>6} {'RedisKv/L':>9}")
rows = [("get1", 32), ("put1", 32), ("get64seq", 32), ("put64seq", 32), ("get64par", 256), ("put64par", 256),
        ("get64bulk", 256)]
for name, n in rows:
    w, k, l = med(f"worker-{name}"), med(f"redisKv-{name}"), med(f"raw-{name}")
    print(f"{name:10} {n:9} {w:9.0f} {k:9.0f} {l:9.0f} {w/l:5.2f}x {k/l:8.2f}x"
          f"   [worker {each('worker-'+name)}; Lettuce {each('raw-'+name)}]")
h = med("worker-hello")
print(f"hello (no KV) requests/s: {h:.0f} [{each('worker-hello')}]; one KV op per request:"
      f" get {med('worker-get1')/h:.2f}x, put {med('worker-put1')/h:.2f}x of hello")
cw, cr = vals("cold-worker-get1")[0], vals("cold-raw-get1")[0]
pw, pr = vals("cold-worker-put1")[0], vals("cold-raw-put1")[0]
print(f"cold (first seconds of fresh processes, 32 in flight): get worker {cw:.0f} / Lettuce {cr:.0f} = {cw/cr:.2f}x;"
      f" put worker {pw:.0f} / Lettuce {pr:.0f} = {pw/pr:.2f}x")
PY
echo "results in $results"
