#!/usr/bin/env bash
# Config compiler benchmark: one generated config, three ways of compiling it, side by side.
#
#   (a) capnp eval --binary          the reference tool (C++), REPS runs, median wall time
#   (b) in-process compile (JMH)     ConfigCompilerBenchmark in benchmarks/target/benchmarks.jar
#   (c) command line end to end      `bin/runner compile CONFIG -o OUT` if that command works,
#                                    else a fresh JVM running dev.capmesh.benchmarks.CompileOnce
#                                    on the runner's class path (same JVM flags as bin/runner)
#
# Then checks once that `capnp decode` prints the same text for our binary and capnp's.
#
# Usage: bench/compiler/run.sh
# Environment: WORKERS (10000), REPS (7), SKIP_BUILD=1 (use the jars already built),
#              JMH_ARGS (extra JMH options, e.g. "-wi 2 -i 3" for a quicker run),
#              KEEP=1 (keep the temp dir and print its path).
# Needs: python3, capnp (Debian package capnproto), a JDK >= 21 (found like bin/runner does).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
workers=${WORKERS:-10000}
reps=${REPS:-7}
. "$root/bin/lib/jdk.sh"
capmesh_find_jdk || exit 1
java="$CAPMESH_JAVA_HOME/bin/java"
command -v capnp >/dev/null || { echo "error: capnp not found (apt-get install capnproto)" >&2; exit 3; }

tmp="$(mktemp -d)"
if [[ "${KEEP:-0}" == 1 ]]; then echo "temp dir: $tmp" >&2; else trap 'rm -rf "$tmp"' EXIT; fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "building benchmarks and runner..." >&2
  (cd "$root" && ./mvnw -q -B -DskipTests -pl benchmarks,runner -am package) >&2
fi
jar="$root/benchmarks/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "error: $jar missing (run without SKIP_BUILD)" >&2; exit 1; }

# The config and an include dir where capnp finds "/capmesh/capmesh.capnp".
mkdir -p "$tmp/include/capmesh"
cp "$root/schema/src/main/resources/capmesh/capmesh.capnp" "$tmp/include/capmesh/"
cfg="$tmp/config.capnp"
python3 "$root/bench/compiler/gen-config.py" -n "$workers" -o "$cfg"

# Runs "$@" REPS times; prints the median wall time in ms. Output goes to /dev/null.
median_ms() {
  local times=() i t0 t1
  for ((i = 0; i < reps; i++)); do
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'
  echo "  runs (ms): ${times[*]}" >&2
}

load_before=$(uptime)

# (a) capnp eval
echo "(a) capnp eval --binary, $reps runs" >&2
capnp eval --binary -I "$tmp/include" "$cfg" config >"$tmp/capnp.bin"   # warm the page cache
capnp_ms=$(median_ms capnp eval --binary -I "$tmp/include" "$cfg" config)

# (b) in-process compile, JMH
echo "(b) JMH in-process compile" >&2
# shellcheck disable=SC2086
"$java" -jar "$jar" ConfigCompilerBenchmark -p config="$cfg" -rf json -rff "$tmp/jmh.json" \
  ${JMH_ARGS:-} >"$tmp/jmh.log" 2>&1 || { tail -40 "$tmp/jmh.log" >&2; exit 1; }
sed -n '/^Benchmark /,$p' "$tmp/jmh.log" >&2
jmh_score() {
  python3 - "$tmp/jmh.json" "$1" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    if r["benchmark"].endswith("." + sys.argv[2]):
        m = r["primaryMetric"]
        try:
            err = float(m["scoreError"])
        except (TypeError, ValueError):
            err = float("nan")
        print("%.1f %s" % (m["score"], "n/a" if err != err else "%.1f" % err))
PY
}
read -r inproc_ms inproc_err < <(jmh_score parseAndEncode)
read -r parse_ms parse_err < <(jmh_score parse)
compile_line=""
if read -r comp_ms comp_err < <(jmh_score compile); then
  compile_line=$(printf '%-44s %10s %s\n' "in-process compile() (JMH avg)" "$comp_ms" "± $comp_err")
fi

# (c) the command line, end to end
cli_out="$tmp/cli.bin"
if CAPMESH_NO_BUILD=1 "$root/bin/runner" compile "$cfg" -o "$cli_out" >/dev/null 2>&1 && [[ -s "$cli_out" ]]; then
  cli_label="bin/runner compile (end to end)"
  cli_cmd=(env CAPMESH_NO_BUILD=1 "$root/bin/runner" compile "$cfg" -o "$cli_out")
else
  cli_label="java CompileOnce, runner class path (e2e)"
  cp="$jar"
  launcher="$root/runner/target/launcher"
  if [[ -f "$launcher/classpath.txt" ]]; then
    cp="$root/runner/target/classes:$(cat "$launcher/classpath.txt"):$root/benchmarks/target/classes"
  else
    cli_label="java CompileOnce, benchmarks.jar (e2e)"
  fi
  jvm_args=(-XX:+UseParallelGC -Xss4m)
  if [[ -f "$launcher/jvm-args.txt" ]]; then
    while IFS= read -r line; do [[ -n "$line" ]] && jvm_args+=("$line"); done <"$launcher/jvm-args.txt"
  fi
  cli_cmd=("$java" "${jvm_args[@]}" -cp "$cp" dev.capmesh.benchmarks.CompileOnce "$cfg" -o "$cli_out")
fi
echo "(c) $cli_label, $reps runs" >&2
if [[ "${cli_cmd[*]}" == *" -cp "* ]]; then
  echo "  command: $java ${jvm_args[*]} -cp <runner class path>:benchmarks/target/classes dev.capmesh.benchmarks.CompileOnce CONFIG -o OUT" >&2
else
  echo "  command: ${cli_cmd[*]}" >&2
fi
"${cli_cmd[@]}" >/dev/null
cli_ms=$(median_ms "${cli_cmd[@]}")

load_after=$(uptime)

# Same message? Compare capnp's text rendering of both binaries.
decode() { capnp decode -I "$tmp/include" "$tmp/include/capmesh/capmesh.capnp" Config <"$1"; }
if cmp -s <(decode "$tmp/capnp.bin") <(decode "$cli_out"); then
  same="yes: capnp decode prints identical text for both binaries"
else
  same="NO: capnp decode output differs (diff the files in a KEEP=1 run)"
  [[ "${KEEP:-0}" == 1 ]] && { decode "$tmp/capnp.bin" >"$tmp/capnp.txt"; decode "$cli_out" >"$tmp/ours.txt"; }
fi

ratio=$(awk -v a="$inproc_ms" -v b="$capnp_ms" 'BEGIN {printf "%.2f", a / b}')
echo
echo "config: $workers workers, $(wc -c <"$cfg") bytes; binary $(wc -c <"$tmp/capnp.bin") bytes (capnp)"
printf '%-44s %10s\n' "what" "ms"
printf '%-44s %10s\n' "(a) capnp eval --binary (median of $reps)" "$capnp_ms"
printf '%-44s %10s %s\n' "(b) in-process parse+encode (JMH avg)" "$inproc_ms" "± $inproc_err"
printf '%-44s %10s %s\n' "    in-process parse only (JMH avg)" "$parse_ms" "± $parse_err"
[[ -n "$compile_line" ]] && echo "$compile_line"
printf '%-44s %10s\n' "(c) $cli_label" "$cli_ms"
echo "ratio in-process/capnp-eval: $ratio (target: < 1)"
echo "CLI end to end under 3 s: $([[ $cli_ms -lt 3000 ]] && echo yes || echo NO)"
echo "same message: $same"
echo "load before: $load_before"
echo "load after:  $load_after"
