#!/usr/bin/env bash
# Side-by-side TLS benchmark of capmesh and workerd (the reference), on loopback only.
#
#   bench/runner/tls.sh [ROUNDS]     # default 5 rounds per measurement and system
#
# Both serve the same config (an https socket in front of a hello-world worker) with the same
# certificate: an EC P-256 leaf for 127.0.0.1 signed by a throwaway CA, both made here with
# openssl into a temporary directory. Measured, each system alone while the other is frozen
# (SIGSTOP), rounds interleaved, after a warm-up of each:
#   (a) new TLS connections per second: wrk -t1 -c16 with "Connection: close", so every
#       request is a full handshake (wrk does not resume sessions) plus one request;
#   (b) https hello requests per second with keep-alive: wrk -t1 -c32.
# Reports the median of the rounds and capmesh/workerd. Installs what it needs like run.sh.
# RUNNER_FLAGS adds flags to `bin/runner serve` (e.g. RUNNER_FLAGS="--io-threads 2").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rounds=${1:-5}
duration=${DURATION:-10s}
warmup_w=${WARMUP_WORKERD:-20s}
warmup_c=${WARMUP_CAPMESH:-90s}
bench_home=${BENCH_HOME:-$HOME/.cache/capmesh-bench}
port_w=18443
port_c=18444
mkdir -p "$bench_home"
results="$bench_home/tls-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
work=$(mktemp -d)

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
command -v openssl >/dev/null || { echo "installing openssl"; apt-get install -y -qq openssl >/dev/null; }
workerd=${WORKERD:-}
if [ -z "$workerd" ]; then
  workerd="$bench_home/node_modules/.bin/workerd"
  [ -x "$workerd" ] || { echo "installing workerd from npm into $bench_home"; npm install --prefix "$bench_home" --silent workerd >/dev/null; }
fi
"$workerd" --version
# bin/runner builds the runner CLI when its sources changed; do that now, not while timing.
"$root/bin/runner" --help >/dev/null
export CAPMESH_NO_BUILD=1
# The startup cache a user's launcher records after a build (docs/RUNNER.md): cold rows include it.
CAPMESH_NO_BUILD=1 "$root/bin/runner" train-startup-cache >/dev/null || echo "(no startup cache: the runs start without it)"

pids=()
cleanup() { for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap 'cleanup; rm -rf "$work"' EXIT

# ---- the certificate, the same for both ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=bench CA" -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/leaf.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$work/ext.cnf"
openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
  -days 2 -extfile "$work/ext.cnf" -out "$work/leaf.pem" 2>/dev/null
cat "$work/leaf.pem" "$work/ca.pem" >"$work/chain.pem"
cat >"$work/tls.capnp" <<'EOF'
# Benchmark: the hello-world worker behind an https socket, identical for workerd and capmesh.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = (
      modules = [ (name = "worker.js", esModule = "export default { async fetch(req) { return new Response('Hello World\\n'); } };") ],
      compatibilityDate = "2024-09-01",
    )),
  ],
  sockets = [ (name = "https", address = "127.0.0.1:8443", service = "main",
    https = (tlsOptions = (keypair = (privateKey = embed "key.pem", certificateChain = embed "chain.pem")))) ],
);
EOF
echo "certificate: $(openssl x509 -in "$work/leaf.pem" -noout -subject -ext subjectAltName | tr '\n' ' ')"

wait_up() {
  for _ in $(seq 1 6000); do
    curl -fs --cacert "$work/ca.pem" -o /dev/null "https://127.0.0.1:$1/" && return 0
    sleep 0.01
  done
  echo "server on $1 did not come up" >&2; return 1
}

"$workerd" serve "$work/tls.capnp" --socket-addr "https=127.0.0.1:$port_w" >"$results/workerd.log" 2>&1 &
wpid=$!; pids+=("$wpid")
# shellcheck disable=SC2086 # RUNNER_FLAGS is a list of flags
"$root/bin/runner" serve "$work/tls.capnp" --socket-addr "https=127.0.0.1:$port_c" ${RUNNER_FLAGS:-} >"$results/capmesh.log" 2>&1 &
cpid=$!; pids+=("$cpid")
wait_up $port_w; wait_up $port_c
echo "TLS of each: workerd $(echo | openssl s_client -connect 127.0.0.1:$port_w -CAfile "$work/ca.pem" 2>/dev/null | grep -m1 -o 'TLSv1.[23], Cipher is [A-Z0-9_-]*')," \
  "capmesh $(echo | openssl s_client -connect 127.0.0.1:$port_c -CAfile "$work/ca.pem" 2>/dev/null | grep -m1 -o 'TLSv1.[23], Cipher is [A-Z0-9_-]*')"

rps() { grep -o 'Requests/sec: *[0-9.]*' | awk '{print $2}'; }
# One measurement against port $1: "new" (a new connection per request) or "keepalive".
measure() {
  local port=$1 kind=$2 out
  if [ "$kind" = new ]; then
    out=$(wrk -t1 -c16 -d"$duration" -H 'Connection: close' "https://127.0.0.1:$port/")
  else
    out=$(wrk -t1 -c32 -d"$duration" "https://127.0.0.1:$port/")
  fi
  echo "$out" >>"$results/wrk-$port-$kind.txt"
  if echo "$out" | grep -q 'Socket errors'; then echo "$out" | grep 'Socket errors' >&2; fi
  echo "$out" | rps
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "warm-up (workerd $warmup_w, capmesh $warmup_c; half with new connections, half keep-alive)"
kill -STOP "$cpid"
wrk -t1 -c16 -d"$warmup_w" -H 'Connection: close' "https://127.0.0.1:$port_w/" >/dev/null
wrk -t1 -c32 -d"$warmup_w" "https://127.0.0.1:$port_w/" >/dev/null
kill -CONT "$cpid"; kill -STOP "$wpid"
wrk -t1 -c16 -d"$warmup_c" -H 'Connection: close' "https://127.0.0.1:$port_c/" >/dev/null
wrk -t1 -c32 -d"$warmup_c" "https://127.0.0.1:$port_c/" >/dev/null
kill -CONT "$wpid"

for kind in new keepalive; do
  : >"$results/$kind-w.txt"; : >"$results/$kind-c.txt"
  for i in $(seq 1 "$rounds"); do
    kill -STOP "$cpid"
    measure $port_w $kind | tee -a "$results/$kind-w.txt" | sed "s/^/round $i $kind workerd: /"
    kill -CONT "$cpid"; kill -STOP "$wpid"
    measure $port_c $kind | tee -a "$results/$kind-c.txt" | sed "s/^/round $i $kind capmesh: /"
    kill -CONT "$wpid"
  done
done

{
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  for kind in new keepalive; do
    w=$(median <"$results/$kind-w.txt"); c=$(median <"$results/$kind-c.txt")
    label=$([ $kind = new ] && echo "new TLS connections/s (1 request each)" || echo "https hello req/s (keep-alive)")
    printf '%s: workerd %s, capmesh %s, capmesh/workerd %.2f\n' "$label" "$w" "$c" "$(echo "$c / $w" | bc -l)"
  done
  echo "capmesh RSS $(awk '/VmRSS/ {print $2}' /proc/$cpid/status) KiB, workerd RSS $(awk '/VmRSS/ {print $2}' /proc/$wpid/status) KiB"
} | tee "$results/summary.txt"
echo "results in $results"
