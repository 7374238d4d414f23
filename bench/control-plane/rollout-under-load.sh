#!/usr/bin/env bash
# Requests failed across rollouts: a control plane and two runner agents (each its own
# process, loopback only), `wrk` keep-alive load on both agents' sockets while the fleet is
# pushed back and forth between samples/fleet/config.capnp and config-v2.capnp ROLLOUTS times.
# Prints wrk's totals per agent: requests, non-2xx responses and socket errors (target: 0).
#
# Usage: bench/control-plane/rollout-under-load.sh
# Environment: ROLLOUTS (6), CONNECTIONS (16 per agent), SKIP_BUILD=1.
# Needs: wrk (Debian package wrk).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rollouts=${ROLLOUTS:-6}; connections=${CONNECTIONS:-16}
command -v wrk >/dev/null || { echo "error: wrk not found (apt-get install wrk)" >&2; exit 3; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  . "$root/bin/lib/jdk.sh"; capmesh_find_jdk || exit 1
  (cd "$root" && JAVA_HOME="$CAPMESH_JAVA_HOME" ./mvnw -q -B -DskipTests -pl runner-cli,control-plane -am package)
fi
export CAPMESH_NO_BUILD=1
work="$(mktemp -d)"; pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
await_port() { for _ in $(seq 900); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
(umask 077; echo "demo=$token" > "$work/tokens"; echo "$token" > "$work/demo.token")
cp=$(free_port); p1=$(free_port); p2=$(free_port)

"$root/bin/control-plane" serve --data "$work/cp" --listen "127.0.0.1:$cp" --tokens "$work/tokens" >"$work/cp.log" 2>&1 &
pids+=($!)
await_port "$cp"
for n in 1 2; do
  port=$([[ $n == 1 ]] && echo "$p1" || echo "$p2")
  "$root/bin/runner" agent --control-plane "127.0.0.1:$cp" --fleet demo --data "$work/a$n" \
      --token-file "$work/demo.token" --socket-addr "http=127.0.0.1:$port" >"$work/a$n.log" 2>&1 &
  pids+=($!)
done
sleep 1
"$root/bin/control-plane" push "$root/samples/fleet/config.capnp" --fleet demo --server "127.0.0.1:$cp" >/dev/null
await_port "$p1"; await_port "$p2"
# Warm both (so the measured window is about swaps, not the first JIT minutes).
wrk -t1 -c"$connections" -d10s "http://127.0.0.1:$p1/" >/dev/null; wrk -t1 -c"$connections" -d10s "http://127.0.0.1:$p2/" >/dev/null

# wrk runs until interrupted after the last rollout (SIGINT makes it print its totals).
began=$(date +%s)
wrk -t1 -c"$connections" -d3600s "http://127.0.0.1:$p1/" >"$work/wrk1.txt" &
w1=$!
wrk -t1 -c"$connections" -d3600s "http://127.0.0.1:$p2/" >"$work/wrk2.txt" &
w2=$!
sleep 3
completed=0
for i in $(seq "$rollouts"); do
  config=$([[ $((i % 2)) == 1 ]] && echo config-v2.capnp || echo config.capnp)
  start=$(date +%s.%N)
  if "$root/bin/control-plane" push "$root/samples/fleet/$config" --fleet demo --server "127.0.0.1:$cp" --canary 50 --wave-size 1 >"$work/push$i.txt" 2>&1; then
    completed=$((completed + 1))
  fi
  printf 'rollout %d (%s): %s in %.1f s\n' "$i" "$config" "$(grep -o 'completed\|rolled-back\|refused' "$work/push$i.txt" | tail -1)" "$(echo "$(date +%s.%N) - $start" | bc)"
  sleep 2
done
sleep 3
kill -INT "$w1" "$w2"; wait "$w1" "$w2" || true
duration=$(( $(date +%s) - began ))
for n in 1 2; do
  f="$work/wrk$n.txt"
  requests=$(awk '/requests in/ {print $1}' "$f")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$f"); non2xx=${non2xx:-0}
  errors=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' "$f"); errors=${errors:-0}
  echo "agent $n: $requests requests in ${duration}s across $completed completed rollouts; non-2xx $non2xx; socket errors $errors"
done
