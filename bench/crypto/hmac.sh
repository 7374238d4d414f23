#!/usr/bin/env bash
# Issue 12's crypto benchmark: HMAC-SHA256 sign of 1 KiB through crypto.subtle, capmesh against
# Node on the same machine, cold and warm, in one run (about 3.5 minutes with the defaults).
#
#   bench/crypto/hmac.sh
#   WARMUP=30 ROUNDS=5 ROUND_SECS=2 WARM_N=1000 REQ_MS=200 INFLIGHT=64 COLD_RUNS=2 COLD_N=100 AUDIT=0 bench/crypto/hmac.sh
#
# Both sides run hmac.js unchanged: capmesh as a worker (worker.js, hmac.capnp: a key imported at
# module scope and a cryptoKey binding) under `bin/runner serve`, Node behind node:http
# (node-server.mjs); loopback only. COLD: fresh processes, signs/s over the first 1 s and 5 s.
# WARM: after WARMUP seconds, alternating rounds per variant. The signature is checked against
# Python's hmac first. AUDIT=1 runs capmesh with --audit-log and counts its lines.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
echo "# command: $(printf '%q ' env WARMUP="${WARMUP:-30}" ROUNDS="${ROUNDS:-5}" ROUND_SECS="${ROUND_SECS:-2}" \
  WARM_N="${WARM_N:-1000}" REQ_MS="${REQ_MS:-200}" INFLIGHT="${INFLIGHT:-64}" COLD_RUNS="${COLD_RUNS:-2}" COLD_N="${COLD_N:-100}" \
  AUDIT="${AUDIT:-0}" bench/crypto/hmac.sh)"
# Build once, outside the measurement (bin/runner would otherwise check staleness at each start).
(cd "$root" && bin/runner --version >/dev/null)
exec python3 "$root/bench/crypto/bench.py"
