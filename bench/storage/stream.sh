#!/usr/bin/env bash
# Heap while 1 GiB streams into a bucket through a worker and back out (bin/runner serve, loopback).
#
#   bench/storage/stream.sh                # SIZE_MIB=1024 HEAP=256m MODES="direct js"
#
# The runner runs with a small heap (-Xmx$HEAP, parallel GC, GC logging). For each mode (see
# stream.js) curl PUTs a SIZE_MIB file of random bytes, then GETs it back and compares SHA-256.
# Reported per transfer: the largest heap occupancy right after a GC while it ran (an upper
# bound of the live heap: after a young GC it still counts old-generation garbage; after a full
# GC it is the live heap), how many GCs ran, and the runner's peak RSS so far. A body held in
# memory would need SIZE_MIB of live heap and fail under -Xmx$HEAP.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/bench/storage"
size_mib=${SIZE_MIB:-1024}
heap=${HEAP:-256m}
modes=${MODES:-direct js}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cp "$here/stream.capnp" "$here/stream.js" "$work/"
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$work/blob"
want=$(sha256sum <"$work/blob" | cut -d' ' -f1)

"$root/bin/runner" check "$work/stream.capnp" >/dev/null   # builds the runner on first use
CAPMESH_NO_BUILD=1 CAPMESH_JAVA_OPTS="-Xmx$heap -Xlog:gc:file=$work/gc.log" \
  "$root/bin/runner" serve "$work/stream.capnp" --max-body-size $((size_mib + 1))m \
  --cpu-limit 10m --backend-timeout 30s --data-dir "$work/data" >"$work/runner.log" 2>&1 &
pid=$!
for _ in $(seq 1200); do curl -s -o /dev/null "http://127.0.0.1:18090/direct/none" && break; sleep 0.1; done

gc_lines() { wc -l <"$work/gc.log"; }
# Largest "after" value (MiB) and count of GC pauses logged after line $1.
gc_since() {
  tail -n +"$(($1 + 1))" "$work/gc.log" | awk '/Pause/ { n++; if (match($0, /->[0-9]+M/)) { v = substr($0, RSTART + 2, RLENGTH - 3) + 0; if (v > m) m = v; if (/Pause Full/) { f++; if (v > fm) fm = v } } }
    END { printf "heap after GC at most %d MiB (%d GCs; after a full GC at most %d MiB, %d full)", m, n, fm, f }'
}
hwm() { awk '/VmHWM/ { printf "%d MiB", $2 / 1024 }' "/proc/$pid/status"; }

echo "runner: -Xmx$heap, $(nproc) CPUs; object: $size_mib MiB"
for mode in $modes; do
  start=$(gc_lines); t0=$(date +%s%N)
  out=$(curl -s -f -T "$work/blob" "http://127.0.0.1:18090/$mode/blob-$mode")
  t1=$(date +%s%N)
  echo "$mode PUT: $out; $(( (t1 - t0) / 1000000 )) ms; $(gc_since "$start"); peak RSS $(hwm)"
  start=$(gc_lines); t0=$(date +%s%N)
  got=$(curl -s -f "http://127.0.0.1:18090/$mode/blob-$mode" | sha256sum | cut -d' ' -f1)
  t1=$(date +%s%N)
  [ "$got" = "$want" ] && same=yes || same=NO
  echo "$mode GET: sha256 matches: $same; $(( (t1 - t0) / 1000000 )) ms; $(gc_since "$start"); peak RSS $(hwm)"
done
