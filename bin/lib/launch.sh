# Shared launcher logic: build a module (and what it depends on) when its
# outputs are missing or older than any source, then exec its main class.
# Expects $root and bin/lib/jdk.sh to be loaded. Sourced, not executed.

# The maximum heap for serve/agent: CAPMESH_HEAP, else from the config's worker count.
capmesh_heap() {
  if [ -n "${CAPMESH_HEAP:-}" ]; then echo "$CAPMESH_HEAP"; return; fi
  local mib=1024 arg workers mem_kib
  if [ "${1:-}" = serve ]; then
    for arg in "${@:2}"; do
      if [ "${arg#-}" = "$arg" ] && [ -f "$arg" ]; then
        # Counts `worker = (` (a declaration, inherited or not); comments may add a few.
        workers=$(grep -cE '(^|[^A-Za-z0-9_])worker[[:space:]]*=[[:space:]]*\(' "$arg" 2>/dev/null || true)
        mib=$((512 + 48 * ${workers:-0}))
        break
      fi
    done
  fi
  mem_kib=$(awk '/MemTotal/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
  if [ "${mem_kib:-0}" -gt 0 ] && [ "$mib" -gt $((mem_kib / 4096)) ]; then
    mib=$((mem_kib / 4096))
  fi
  [ "$mib" -ge 256 ] || mib=256
  echo "${mib}m"
}

capmesh_launch() {
  local module=$1 main=$2; shift 2
  capmesh_find_jdk || exit 1
  local java="$CAPMESH_JAVA_HOME/bin/java"
  local out="$root/$module/target/launcher"
  local stamp="$out/classpath.txt"

  if [ "${CAPMESH_NO_BUILD:-0}" != 1 ]; then
    local stale=0
    if [ ! -f "$stamp" ]; then
      stale=1
    elif [ -n "$(find "$root" -path "$root/*/target" -prune -o -path "$root/.git" -prune -o \
                 \( -name pom.xml -o -path '*/src/main/*' \) -newer "$stamp" -print -quit 2>/dev/null)" ]; then
      stale=1
    fi
    if [ "$stale" = 1 ]; then
      echo "capmesh: building $module (first use or sources changed)..." >&2
      if ! (cd "$root" && JAVA_HOME="$CAPMESH_JAVA_HOME" ./mvnw -q -B -Dmaven.test.skip=true -pl "$module" -am package >"$root/$module/target.build.log" 2>&1); then
        echo "capmesh: build failed; the last lines of $module/target.build.log:" >&2
        tail -n 40 "$root/$module/target.build.log" >&2
        exit 1
      fi
      rm -f "$root/$module/target.build.log"
      touch "$stamp"
    fi
  fi

  local cp
  cp="$root/$module/target/classes:$(cat "$stamp")"
  # Netty (in gRPC) loads native transports: allow it without a warning.
  local jvm_args=(-XX:+UseParallelGC -Xss4m --enable-native-access=ALL-UNNAMED)
  case "${1:-}" in
    serve|agent)
      # Long-running commands run JavaScript: the runner build lists the flags that put
      # Graal's optimizing compiler on the upgrade module path.
      if [ -f "$out/jvm-args.txt" ]; then
        while IFS= read -r line; do [ -n "$line" ] && jvm_args+=("$line"); done <"$out/jvm-args.txt"
      fi
      # The heap is sized to the config, not to the machine: left alone, the parallel collector
      # grows towards a quarter of the machine's memory (1.1 GiB RSS after 5 minutes of hello
      # world on 24 GiB, where 80 MiB are live; 0.84 GiB with these settings, at a higher peak:
      # docs/BENCHMARKS.md). A young generation of at most 64 MiB, and a maximum heap of 512 MiB
      # plus 48 MiB per worker the config declares (1 GiB for an agent, whose plans come later),
      # at most a quarter of the memory. CAPMESH_HEAP (e.g. 2g) sets the maximum instead;
      # CAPMESH_JAVA_OPTS comes later and wins over both.
      jvm_args+=(-XX:MaxNewSize=64m "-Xmx$(capmesh_heap "$@")")
      ;;
    *)
      # Short commands (check, compile, ...) run no JavaScript: the quick C1 compiler alone
      # finishes them sooner than tiered compilation does, and a young generation big enough
      # for a large config's value tree spares most garbage collections (on machines with room).
      jvm_args+=(-XX:TieredStopAtLevel=1)
      local mem_kib
      mem_kib=$(awk '/MemTotal/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
      if [ "${mem_kib:-0}" -ge 8000000 ]; then jvm_args+=(-Xmn1g); fi
      ;;
  esac
  # shellcheck disable=SC2086
  exec "$java" "${jvm_args[@]}" ${CAPMESH_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}
