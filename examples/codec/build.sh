#!/usr/bin/env bash
# Builds examples/codec/codec.wasm, the module the hosts load, into OUTDIR
# (default .build/examples/codec, where host.mjs and the web page look for
# it). A relative OUTDIR is relative to the repository root, like the
# default.
#
#   bash examples/codec/build.sh [OUTDIR]
#
# Needs .build/bin/mmcc (./install.sh). Can be run again at any time.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-.build/examples/codec}
case $out in /*) ;; *) out="$root/$out" ;; esac
mkdir -p "$out"
# -mexec-model=reactor: a library, no main (crt1-reactor.o; the module
# exports _initialize instead of _start). The memories' settings are in
# codec.c (__memory_declare), so no --memory= flags are needed.
"$root/.build/bin/mmcc" -O2 -Wall -Wextra -Werror -mexec-model=reactor --memory=0:private \
  "$root/examples/codec/codec.c" -o "$out/codec.wasm.tmp"
mv "$out/codec.wasm.tmp" "$out/codec.wasm"
echo "$out/codec.wasm"
