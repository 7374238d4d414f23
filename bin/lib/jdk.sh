# Shared by bin/runner, bin/control-plane and mvnw: locate a JDK whose feature
# release is at least CAPMESH_MIN_JAVA (21). Sourced, not executed.

CAPMESH_MIN_JAVA=${CAPMESH_MIN_JAVA:-21}

# Sets capmesh_reply to what follows "$2" at the start of the first line of file $1 that has it
# (empty if none), with shell builtins only.
capmesh_value_of() {
  local line
  capmesh_reply=""
  [ -f "$1" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in "$2"*) capmesh_reply=${line#"$2"}; return 0 ;; esac
  done <"$1"
}

# Sets capmesh_release to the feature release (17, 21, 25, ...) of the java binary given as $1
# (a path); 0 if it cannot tell. Reads the JDK's `release` file when there is one, with shell
# builtins only and in this shell: a start runs this for every JDK it looks at, and each program
# or subshell costs a fork (and an exec), several milliseconds apiece on a small VM. Otherwise it
# asks the JVM (slower).
capmesh_java_release() {
  local out home=${1%/*}
  home=${home%/*}
  capmesh_value_of "$home/release" JAVA_VERSION=
  out=${capmesh_reply#\"}
  out=${out%%\"*}
  if [ -z "$out" ]; then
    out=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  fi
  case "$out" in
    1.*) out=${out#1.}; capmesh_release=${out%%.*} ;;
    "") capmesh_release=0 ;;
    *) capmesh_release=${out%%.*} ;;
  esac
}

# Sets CAPMESH_JAVA_HOME to the first JDK >= CAPMESH_MIN_JAVA with a javac,
# looking at $JAVA_HOME, the java on PATH, then the usual install directories
# (newest first). Returns 1 with a message on stderr if there is none.
capmesh_find_jdk() {
  local candidates=() dir java_bin
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if java_bin=$(command -v java 2>/dev/null); then
    java_bin=$(readlink -f "$java_bin")
    java_bin=${java_bin%/*}
    candidates+=("${java_bin%/*}")
  fi
  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home \
             "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  local best="" best_release=0 release
  for dir in "${candidates[@]}"; do
    [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
    capmesh_java_release "$dir/bin/java"
    release=$capmesh_release
    [ "$release" -ge "$CAPMESH_MIN_JAVA" ] 2>/dev/null || continue
    # $JAVA_HOME wins when it qualifies; otherwise take the newest release found.
    if [ -n "${JAVA_HOME:-}" ] && [ "$dir" = "$JAVA_HOME" ]; then best=$dir; break; fi
    if [ "$release" -gt "$best_release" ]; then best=$dir; best_release=$release; fi
  done
  if [ -z "$best" ]; then
    echo "capmesh: no JDK >= $CAPMESH_MIN_JAVA found (looked at JAVA_HOME, PATH and /usr/lib/jvm)." >&2
    echo "capmesh: install one (e.g. 'apt-get install openjdk-21-jdk') or set JAVA_HOME." >&2
    return 1
  fi
  CAPMESH_JAVA_HOME=$best
}
