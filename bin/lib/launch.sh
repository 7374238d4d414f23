# Shared launcher logic: build a module (and what it depends on) when its
# outputs are missing or older than any source, then exec its main class.
# Expects $root and bin/lib/jdk.sh to be loaded. Sourced, not executed.

# A start runs the helpers below (and capmesh_value_of, in jdk.sh) with shell builtins, in this
# shell, and they answer in capmesh_reply: each program or subshell costs a fork (and an exec), several milliseconds apiece
# on a small VM, and the launcher once ran about fifty programs (380 ms before the JVM started,
# on the 2-core benchmark VM; docs/BENCHMARKS.md, issue 9).

# Sets capmesh_reply to the first line of file $1 (empty if there is none).
capmesh_first_line() {
  capmesh_reply=""
  [ -f "$1" ] && { IFS= read -r capmesh_reply <"$1" || true; }
}

# Sets capmesh_reply to the machine's memory in KiB (0 if unknown).
capmesh_mem_kib() {
  capmesh_value_of /proc/meminfo "MemTotal:"
  capmesh_reply=${capmesh_reply%kB}
  capmesh_reply=${capmesh_reply// /}
  capmesh_reply=${capmesh_reply:-0}
}

# The maximum heap for serve/agent: CAPMESH_HEAP, else from the config's worker count.
capmesh_heap() {
  if [ -n "${CAPMESH_HEAP:-}" ]; then echo "$CAPMESH_HEAP"; return; fi
  local mib=1024 arg workers mem_kib
  if [ "${1:-}" = serve ]; then
    for arg in "${@:2}"; do
      if [ "${arg#-}" = "$arg" ] && [ -f "$arg" ]; then
        # Counts the lines declaring a worker: `worker = (` inside a service, or a constant
        # `name :Workerd.Worker = (` that services point at; comments may add a few.
        workers=$(grep -cE '(^|[^A-Za-z0-9_])worker[[:space:]]*=[[:space:]]*\(|:[[:space:]]*([A-Za-z0-9_]+\.)?Worker[[:space:]]*=[[:space:]]*\(' "$arg" 2>/dev/null || true)
        mib=$((256 + 48 * ${workers:-0}))
        break
      fi
    done
  fi
  capmesh_mem_kib
  mem_kib=$capmesh_reply
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

  local stale=0
  if [ "${CAPMESH_NO_BUILD:-0}" != 1 ]; then
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
  capmesh_first_line "$stamp"
  cp="$root/$module/target/classes:$capmesh_reply"
  # Netty (in gRPC) loads native transports: allow it without a warning.
  local jvm_args=(-XX:+UseParallelGC -Xss4m --enable-native-access=ALL-UNNAMED)
  case "${1:-}" in
    serve|agent|train-startup-cache)
      # Long-running commands run JavaScript with Graal's optimizing compiler. On a JDK that can
      # link a runtime and keep an ahead-of-time cache (25 and later), the compiler goes into a
      # runtime linked beside the build, and a startup cache recorded once per build is used
      # (capmesh_startup_cache below); otherwise the runner build lists the flags that put the
      # compiler on the upgrade module path, which rules the cache out.
      if ! capmesh_startup_cache "$module" "$stale" "$@" && [ -f "$out/jvm-args.txt" ]; then
        while IFS= read -r line; do [ -n "$line" ] && jvm_args+=("$line"); done <"$out/jvm-args.txt"
      fi
      # The heap is sized to the config, not to the machine: left alone, the parallel collector
      # grows towards a quarter of the machine's memory (1.1 GiB RSS after 5 minutes of hello
      # world on 24 GiB, where 80 MiB are live). The old generation fills with the optimizing
      # compiler's graphs (promoted while a compilation runs) and is collected only when full,
      # so its maximum is what the process holds: 685 MiB RSS with a 560 MiB maximum, 521 MiB
      # with 304 MiB, at the same throughput (docs/BENCHMARKS.md). A young generation of at
      # most 64 MiB, and a maximum heap of 256 MiB plus 48 MiB per worker the config declares
      # (1 GiB for an agent, whose plans come later), at most a quarter of the memory.
      # CAPMESH_HEAP (e.g. 2g) sets the maximum instead; CAPMESH_JAVA_OPTS comes later and wins
      # over both.
      jvm_args+=(-XX:MaxNewSize=64m "-Xmx$(capmesh_heap "$@")")
      # What a start builds (the engine, parsed sources, the workers' contexts: about 25 MiB)
      # lives as long as the process; with the collector's default tenuring it was copied
      # between the survivor spaces at the first seven young collections, 13-28 ms each, which
      # stalled every request in flight in the first seconds under load. Tenured after one
      # collection, only the first three are that long (the collector adapts the threshold
      # from there on). docs/BENCHMARKS.md, issue 9, session 30.
      jvm_args+=(-XX:InitialTenuringThreshold=1)
      ;;
    *)
      # Short commands (check, compile, ...) run no JavaScript: the quick C1 compiler alone
      # finishes them sooner than tiered compilation does, and a young generation big enough
      # for a large config's value tree spares most garbage collections (on machines with room).
      jvm_args+=(-XX:TieredStopAtLevel=1)
      local mem_kib
      capmesh_mem_kib
      mem_kib=$capmesh_reply
      if [ "${mem_kib:-0}" -ge 8000000 ]; then jvm_args+=(-Xmn1g); fi
      ;;
  esac
  if [ "${1:-}" = train-startup-cache ] && [ -n "${capmesh_cache:-}" ]; then
    capmesh_train "$java" "$cp" "$main" "${jvm_args[@]}"
    return
  fi
  if [ -n "${capmesh_cache:-}" ]; then
    if [ -f "$capmesh_cache" ] && capmesh_cache_fresh "$capmesh_cache" "$cp"; then
      jvm_args+=("-XX:AOTCache=$capmesh_cache")
    elif [ "$stale" = 1 ] && [ "${CAPMESH_PRINT_COMMAND:-0}" != 1 ]; then
      capmesh_train_in_background "$java" "$cp" "$main" "${jvm_args[@]}"
    fi
  fi
  if [ "${CAPMESH_PRINT_COMMAND:-0}" = 1 ]; then
    # The command instead of running it, one argument per line (bench/runner/floor.py reads it).
    # shellcheck disable=SC2086
    printf '%s\n' "$java" "${jvm_args[@]}" ${CAPMESH_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
    return
  fi
  # shellcheck disable=SC2086
  exec "$java" "${jvm_args[@]}" ${CAPMESH_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}

# The startup cache (docs/RUNNER.md, "Startup cache"). HotSpot keeps no class cache when a
# module of the JDK is replaced with --upgrade-module-path, and the Graal compiler that Truffle
# needs must replace the JDK's own jdk.graal.compiler. So the launcher links (jlink, from the
# JDK's own run-time image) a runtime with every module of the JDK but that one and the flight
# recorder's (Truffle registers its JFR events at every start where jdk.jfr is there: about
# 0.1 s before the first answer; a CAPMESH_JAVA_OPTS that names the flight recorder, or
# CAPMESH_AOT=off, runs on the JDK itself, with JFR), puts the
# compiler's jars on the plain module path, and records the JDK's ahead-of-time cache
# (-XX:AOTCacheOutput, JEP 483/514, without method profiles) from a built-in workload once per
# build. Later starts load and link their classes from the cache: the first answer comes about
# twice as soon (docs/BENCHMARKS.md). Where anything of it is missing (JDK older than 25, jlink
# refused, the cache not recorded yet or older than a jar or than this file), the runner starts
# the old way; none of it can make a start fail. The runtime is linked and the cache recorded
# (in the background) only when the launcher has just built the module, or by
# `bin/runner train-startup-cache` (in the foreground); a start with CAPMESH_NO_BUILD=1 uses
# what is there and prepares nothing.
# CAPMESH_AOT=off turns it off; CAPMESH_CACHE_DIR moves it (default: beside the build output).
# Arguments: the module, 1 if it was just built, the command line. Sets java, jvm_args, cp and
# capmesh_cache; returns 1 when not in use.
capmesh_startup_cache() {
  local module=$1 built=$2; shift 2
  local prepare=$built
  [ "${1:-}" = train-startup-cache ] && prepare=1
  local dir=${CAPMESH_CACHE_DIR:-$out}
  capmesh_cache=""
  [ "${CAPMESH_AOT:-on}" != off ] || return 1
  # The linked runtime has no flight recorder: a start that asks for one runs on the JDK itself.
  case " ${CAPMESH_JAVA_OPTS:-} " in
    *FlightRecord*) return 1 ;;
  esac
  [ -f "$out/jvm-args.txt" ] || return 1
  local jit
  capmesh_value_of "$out/jvm-args.txt" --upgrade-module-path=
  jit=$capmesh_reply
  [ -n "$jit" ] || return 1
  capmesh_java_release "$java"
  [ "$capmesh_release" -ge 25 ] 2>/dev/null || return 1
  local jar="" f
  for f in "$root/$module"/target/capmesh-"$module"-*.jar; do
    case $f in *-sources.jar|*-tests.jar) continue ;; esac
    [ -f "$f" ] && { jar=$f; break; }
  done
  [ -n "$jar" ] || return 1
  capmesh_linked_runtime "$dir" "$prepare" || return 1
  java="$dir/jre/bin/java"
  jvm_args+=(-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI "--module-path=$jit"
    --add-modules=jdk.graal.compiler,org.graalvm.truffle.compiler,org.graalvm.word,org.graalvm.collections
    --sun-misc-unsafe-memory-access=allow)
  # The cache holds classes from jar files only: the module's own jar, not target/classes.
  capmesh_first_line "$stamp"
  cp="$jar:$capmesh_reply"
  capmesh_cache="$dir/startup.aot"
}

# Links $1/jre from the JDK in use, once per JDK, when $2 is 1; 1 if there is none for this JDK
# or it cannot be linked (remembered in $1/jre.refused).
capmesh_linked_runtime() {
  local dir=$1 prepare=$2 jdk=${java%/*}
  jdk=${jdk%/*}
  local id
  capmesh_value_of "$jdk/release" JAVA_RUNTIME_VERSION=
  # The module set is part of the id: a runtime linked with another set is linked again.
  id="$jdk $capmesh_reply without jdk.jfr"
  capmesh_first_line "$dir/jre/capmesh-jdk.txt"
  if [ -x "$dir/jre/bin/java" ] && [ "$capmesh_reply" = "$id" ]; then
    return 0
  fi
  capmesh_first_line "$dir/jre.refused"
  if [ "$prepare" != 1 ] || [ "$capmesh_reply" = "$id" ]; then
    return 1
  fi
  [ -x "$jdk/bin/jlink" ] || { mkdir -p "$dir" && echo "$id" >"$dir/jre.refused"; return 1; }
  local modules tmp="$dir/jre.tmp.$$"
  modules=$("$java" --list-modules | sed 's/@.*//' | grep -v -x -e jdk.graal.compiler \
    -e jdk.graal.compiler.management -e jdk.jlink -e jdk.jpackage -e jdk.jfr -e jdk.management.jfr \
    | paste -sd, -)
  mkdir -p "$dir"
  echo "capmesh: linking a runtime for the startup cache (once per JDK)..." >&2
  if "$jdk/bin/jlink" --add-modules "$modules" --output "$tmp" >"$dir/jlink.log" 2>&1; then
    echo "$id" >"$tmp/capmesh-jdk.txt"
    rm -rf "$dir/jre"
    mv "$tmp" "$dir/jre"
    rm -f "$dir/jlink.log"
    return 0
  fi
  echo "capmesh: jlink refused ($(grep -v -i warning "$dir/jlink.log" | head -n 1)); starting without a startup cache" >&2
  rm -rf "$tmp"
  echo "$id" >"$dir/jre.refused"
  return 1
}

# 0 when the cache $1 is newer than every jar of the class path $2 and the module path, and than
# this launcher (which decides what a cache holds).
capmesh_cache_fresh() {
  local cache=$1 entry
  local IFS=:
  for entry in $2; do
    [ "$entry" -nt "$cache" ] && return 1
  done
  [ "${cache%/*}/jre/capmesh-jdk.txt" -nt "$cache" ] && return 1
  [ "$root/bin/lib/launch.sh" -nt "$cache" ] && return 1
  return 0
}

# Records the cache in the foreground: java, cp, main, then the JVM arguments.
capmesh_train() {
  local java=$1 cp=$2 main=$3; shift 3
  local tmp="$capmesh_cache.tmp.$$"
  echo "capmesh: recording the startup cache (once per build; about half a minute)..." >&2
  # The workload runs with the compiler free from its first second (capmesh.js.compileAfter=0):
  # the cache then holds the Graal compiler's classes too, which a normal start needs once its
  # hold of the compiler ends (docs/RUNNER.md, "The first seconds").
  # The cache keeps classes only, not the workload's method profiles (JEP 515): replayed, those
  # profiles of an 8 s workload made HotSpot compile the request path early for what that
  # workload did, and recompile it over and over once real traffic differed (after a --watch
  # reload, the runner's task loop went between two compiled versions 40 times a second for up
  # to 24 s). Without them a runner served 34-44 % more in its first seconds, and its other
  # worker kept 0.81-0.86x of its speed across a reload instead of 0.72-0.93x (median 0.78x)
  # (docs/BENCHMARKS.md, issue 9).
  # shellcheck disable=SC2086
  if "$java" "$@" -Dcapmesh.js.compileAfter=0 -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining \
       ${CAPMESH_JAVA_OPTS:-} "-XX:AOTCacheOutput=$tmp" -cp "$cp" "$main" train-startup-cache \
       >"$capmesh_cache.log" 2>&1 && [ -s "$tmp" ]; then
    mv "$tmp" "$capmesh_cache"
    echo "capmesh: startup cache ready: $capmesh_cache" >&2
    return 0
  fi
  rm -f "$tmp" "$tmp.config"
  echo "capmesh: could not record the startup cache; see $capmesh_cache.log" >&2
  return 1
}

# Records the cache in a low-priority background process that ignores Ctrl-C, one at a time (a
# lock directory, taken over after 10 minutes), while this start goes on without it.
capmesh_train_in_background() {
  local lock="$capmesh_cache.lock"
  if ! mkdir "$lock" 2>/dev/null; then
    [ -n "$(find "$lock" -maxdepth 0 -mmin +10 2>/dev/null)" ] || return 0
    rm -rf "$lock"
    mkdir "$lock" 2>/dev/null || return 0
  fi
  echo "capmesh: recording the startup cache in the background (later starts use it)" >&2
  (
    trap 'rmdir "$lock" 2>/dev/null' EXIT
    trap '' INT HUP
    renice -n 10 -p "$BASHPID" >/dev/null 2>&1 || true
    capmesh_train "$@" 2>/dev/null
  ) </dev/null >/dev/null 2>&1 &
}
