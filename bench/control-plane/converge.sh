#!/usr/bin/env bash
# Push convergence and control-plane memory on a fleet of in-process agents.
#
# Starts `bin/control-plane serve` (its own process, loopback only), then FleetBench: AGENTS
# agents speaking real gRPC to it, each applying plans to a recorder (no JavaScript is built, so
# this measures the control plane and the protocol). PUSHES pushes alternate a one-worker
# change and a whole-config change of a WORKERS-worker config; printed per kind: push -> last
# ACK p50/p99/max and bytes each runner received. Control-plane memory is sampled (after a full
# GC) before any agent connects and once all are connected: (after - before) / AGENTS.
#
# Usage: bench/control-plane/converge.sh
# Environment: AGENTS (50), PUSHES (20), WORKERS (20), SKIP_BUILD=1 (use what is built).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
agents=${AGENTS:-50}; pushes=${PUSHES:-20}; workers=${WORKERS:-20}
. "$root/bin/lib/jdk.sh"
capmesh_find_jdk || exit 1
java="$CAPMESH_JAVA_HOME/bin/java"; jcmd="$CAPMESH_JAVA_HOME/bin/jcmd"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$root" && JAVA_HOME="$CAPMESH_JAVA_HOME" ./mvnw -q -B -DskipTests -pl benchmarks,control-plane -am package)
fi
work="$(mktemp -d)"; trap 'kill "${cp_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
(umask 077; echo "bench=$token" > "$work/tokens"; echo "$token" > "$work/bench.token")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

CAPMESH_NO_BUILD=1 "$root/bin/control-plane" serve --data "$work/cp" --listen "127.0.0.1:$port" \
    --tokens "$work/tokens" >"$work/cp.log" 2>&1 &
cp_pid=$!
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
# the launcher execs java: $cp_pid is the JVM
memory() {  # heap used after a full GC (KiB) and RSS (KiB) of the control plane
  "$jcmd" "$cp_pid" GC.run >/dev/null
  local heap rss
  heap=$("$jcmd" "$cp_pid" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub("K,?", "", v); s += v } } END { print s }')
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$cp_pid/status")
  echo "$heap $rss"
}
read -r heap0 rss0 < <(memory)
echo "control plane before agents: heap used ${heap0} KiB, RSS ${rss0} KiB"

"$java" -Xss4m --enable-native-access=ALL-UNNAMED -cp "$root/benchmarks/target/benchmarks.jar" dev.capmesh.benchmarks.fleet.FleetBench \
    "127.0.0.1:$port" "$work/bench.token" "$agents" "$pushes" "$workers" "$work/agents" 2>&1 | grep --line-buffered -v " INFO " | while IFS= read -r line; do
  if [[ "$line" == READY ]]; then
    read -r heap1 rss1 < <(memory)
    echo "control plane with $agents agents: heap used ${heap1} KiB, RSS ${rss1} KiB;" \
      "per connected runner: heap $(( (heap1 - heap0) / agents )) KiB, RSS $(( (rss1 - rss0) / agents )) KiB"
  else
    echo "$line"
  fi
done
