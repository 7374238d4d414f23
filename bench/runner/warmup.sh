#!/usr/bin/env bash
# Issue 9's warm-up benchmark: capmesh against workerd, every row as a ratio, in one run.
#
#   bench/runner/warmup.sh            # ~20 minutes; PEAK_AT=120 RSS_AT=300 WINDOW=6 STARTUPS=3
#   PEAK_AT=60 RSS_AT=60 bench/runner/warmup.sh   # a shorter run (the rows say what they used)
#
# Installs what it needs outside the repo: wrk (Debian package) and workerd 1.20261117 (npm,
# into $BENCH_HOME, default ~/.cache/capmesh-bench). Loopback only. See warmup.py for the rows.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench_home=${BENCH_HOME:-$HOME/.cache/capmesh-bench}
workerd_version=${WORKERD_VERSION:-1.20261117.1}
mkdir -p "$bench_home"
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
if [ -z "${WORKERD:-}" ]; then
  WORKERD="$bench_home/node_modules/.bin/workerd"
  if [ ! -x "$WORKERD" ] || ! "$WORKERD" --version 2>/dev/null | grep -q "${workerd_version:2:4}-${workerd_version:6:2}-${workerd_version:8:2}"; then
    echo "installing workerd@$workerd_version from npm into $bench_home"
    npm install --prefix "$bench_home" --silent "workerd@$workerd_version" >/dev/null
  fi
fi
export WORKERD
echo "workerd: $("$WORKERD" --version)"
# Build once, outside the measurement (bin/runner would otherwise check staleness at each start).
(cd "$root" && bin/runner --version >/dev/null)
# The startup cache a user's launcher records after a build (docs/RUNNER.md): cold rows include it.
CAPMESH_NO_BUILD=1 "$root/bin/runner" train-startup-cache >/dev/null || echo "(no startup cache: the runs start without it)"
exec python3 "$root/bench/runner/warmup.py"
