#!/usr/bin/env bash
# Prints the binary layout of a Cap'n Proto schema as a sorted, stable listing:
# one line per struct (data/pointer size), union (tag offset), group, field (ordinal,
# type, default, slot, union tag) and enumerant. Two schemas whose listings agree
# lay out messages the same way.
#
# Usage: scripts/schema-layout.sh SCHEMA.capnp
#        scripts/schema-layout.sh --workerd WORKERD.capnp
#
# The golden file schema/src/test/resources/workerd-layout.txt is
#   scripts/schema-layout.sh --workerd path/to/workerd.capnp
# (workerd.capnp ships in the npm package "workerd").
#
# --workerd first strips the C++ annotations and rewrites the one bare-string default
# ("internet") so that capnp 0.9.2 accepts workerd's schema; the copy lives in a temp dir.
#
# Needs only the `capnp` tool (Debian/Ubuntu package: capnproto). It relies on
# capnp's own "capnp" output plugin (capnpc-capnp, same package), which decodes the
# compiler's CodeGeneratorRequest and annotates every field with its slot.
set -euo pipefail

workerd=false
if [[ "${1:-}" == "--workerd" ]]; then
  workerd=true
  shift
fi
if [[ $# -ne 1 ]]; then
  echo "usage: $0 [--workerd] SCHEMA.capnp" >&2
  exit 2
fi
if ! command -v capnp >/dev/null 2>&1; then
  echo "error: the capnp tool is missing; install capnproto (e.g. apt-get install -y capnproto)" >&2
  exit 3
fi

schema="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if $workerd; then
  sed -e '/^using Cxx = import/d' \
      -e '/^\$Cxx\./d' \
      -e 's/\$Cxx\.[A-Za-z]*\(([^)]*)\)\{0,1\}//g' \
      -e 's/@\([0-9]*\) *:ServiceDesignator = "\([^"]*\)";/@\1 :ServiceDesignator = (name = "\2");/' \
      "$schema" > "$tmp/schema.capnp"
  schema="$tmp/schema.capnp"
fi

# capnpc-capnp writes its output next to the input path; run it in the temp dir.
abs="$(cd "$(dirname "$schema")" && pwd)/$(basename "$schema")"
(cd "$tmp" && capnp compile -ocapnp "$abs") > "$tmp/out.txt"

awk '
function path(   i, p) {
  p = ""
  for (i = 1; i <= depth; i++) p = (p == "" ? stack[i] : p "." stack[i])
  return p
}
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
{
  line = $0
  comment = ""
  # The layout comment is the last "  # " on the line (defaults never contain one here).
  if (match(line, /  # [^#]*$/)) {
    comment = substr(line, RSTART + 4)
    line = substr(line, 1, RSTART - 1)
  }
  line = trim(line)
  if (line == "" || line ~ /^#/ || line ~ /^@0x[0-9a-f]+;$/) next

  if (line ~ /^struct [A-Za-z0-9_]+ @0x[0-9a-f]+ \{$/) {
    split(line, w, " ")
    stack[++depth] = w[2]
    print path() " struct " comment
    next
  }
  if (line ~ /^enum [A-Za-z0-9_]+ @0x[0-9a-f]+ \{$/) {
    split(line, w, " ")
    stack[++depth] = w[2]
    print path() " enum"
    inenum[depth] = 1
    next
  }
  if (line == "union {") {
    stack[++depth] = "(union)"
    print path() " union " comment
    next
  }
  if (line ~ /^[A-Za-z0-9_]+ :group \{$/) {
    split(line, w, " ")
    stack[++depth] = w[1]
    print path() " group" (comment == "" ? "" : " " comment)
    next
  }
  if (line == "}") {
    inenum[depth] = 0
    depth--
    next
  }
  if (inenum[depth] && line ~ /^[A-Za-z0-9_]+ @[0-9]+;$/) {
    sub(/;$/, "", line)
    print path() " enumerant " line
    next
  }
  if (line ~ /^[A-Za-z0-9_]+ @[0-9]+ :.*;$/) {
    sub(/;$/, "", line)
    print path() " field " line " | " comment
    next
  }
  print "unrecognized line: " $0 > "/dev/stderr"
  bad = 1
}
END { if (bad) exit 1 }
' "$tmp/out.txt" | LC_ALL=C sort
