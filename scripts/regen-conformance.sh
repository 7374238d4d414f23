#!/usr/bin/env bash
# Regenerates the expected.txt files of the compiler's conformance corpora.
#
#   conformance/NAME/          workerd configs; expected.txt = the reference (workerd) output
#   conformance-capmesh/NAME/  configs using capmesh extensions; expected.txt = capnp's output
#
# Each directory holds config.capnp (and the files it embeds or imports); the const to
# compile is "config" unless the directory has a const.txt naming another one.
# expected.txt is the Config message decoded as text with capmesh's own schema.
#
# Usage: scripts/regen-conformance.sh [NAME...]      (no names: every directory)
# Needs: capnp (package capnproto); workerd from $WORKERD, PATH, or else installed from npm
# into a temp dir (never into the repo).
set -euo pipefail
shopt -s nullglob

root="$(cd "$(dirname "$0")/.." && pwd)"
schema="$root/schema/src/main/resources/capmesh/capmesh.capnp"
corpus="$root/config-compiler/src/test/resources/conformance"
capmesh_corpus="$root/config-compiler/src/test/resources/conformance-capmesh"

command -v capnp >/dev/null || { echo "error: install capnproto (capnp tool)" >&2; exit 3; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

workerd=""
find_workerd() {
  [[ -n "$workerd" ]] && return
  workerd="${WORKERD:-$(command -v workerd || true)}"
  if [[ -z "$workerd" ]]; then
    echo "workerd not found; installing it from npm into $tmp/npm" >&2
    npm install --silent --prefix "$tmp/npm" workerd >&2
    workerd="$tmp/npm/node_modules/.bin/workerd"
  fi
}

const_of() {
  if [[ -f "$1/const.txt" ]]; then tr -d ' \n' < "$1/const.txt"; else echo config; fi
}

names=("$@")
wanted() {
  [[ ${#names[@]} -eq 0 ]] && return 0
  local n
  for n in "${names[@]}"; do [[ "$n" == "$1" ]] && return 0; done
  return 1
}

failed=0
for dir in "$corpus"/*/; do
  dir="${dir%/}"; name="$(basename "$dir")"
  wanted "$name" || continue
  find_workerd
  if (cd "$dir" && "$workerd" compile --config-only config.capnp "$(const_of "$dir")") \
      > "$tmp/ref.bin" 2> "$tmp/err.txt" \
     && capnp decode "$schema" Config < "$tmp/ref.bin" > "$tmp/expected.txt"; then
    mv "$tmp/expected.txt" "$dir/expected.txt"
  else
    echo "FAILED conformance/$name:" >&2; cat "$tmp/err.txt" >&2; failed=1
  fi
done

# capmesh configs: capnp 0.9.2 evaluates them against the schema file itself, found
# through an include dir that serves it at both import paths.
mkdir -p "$tmp/include/capmesh" "$tmp/include/workerd"
cp "$schema" "$tmp/include/capmesh/capmesh.capnp"
cp "$schema" "$tmp/include/workerd/workerd.capnp"
for dir in "$capmesh_corpus"/*/; do
  dir="${dir%/}"; name="$(basename "$dir")"
  wanted "$name" || continue
  work="$tmp/capmesh/$name"
  mkdir -p "$work"
  cp -R "$dir"/. "$work"/
  # capnp needs a file id on every file it evaluates.
  if ! grep -q '^@0x[0-9a-fA-F]*;' "$work/config.capnp"; then
    { echo "$(capnp id);"; cat "$work/config.capnp"; } > "$work/c.tmp" && mv "$work/c.tmp" "$work/config.capnp"
  fi
  if (cd "$work" && capnp eval --binary -I "$tmp/include" config.capnp "$(const_of "$dir")") \
      > "$tmp/ref.bin" 2> "$tmp/err.txt" \
     && capnp decode "$schema" Config < "$tmp/ref.bin" > "$tmp/expected.txt"; then
    mv "$tmp/expected.txt" "$dir/expected.txt"
  else
    echo "FAILED conformance-capmesh/$name:" >&2; cat "$tmp/err.txt" >&2; failed=1
  fi
done
exit "$failed"
