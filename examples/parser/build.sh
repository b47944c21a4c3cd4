#!/usr/bin/env bash
# Builds examples/parser into OUTDIR (default .build/examples/parser, where
# host.mjs looks for parser.wasm; a relative OUTDIR is relative to the
# repository root):
#
#   parser.wasm        the application in memory 0, the parser (tlv.c) in
#                      memory 5 with WASI denied to it
#   parser-plain.wasm  the same two files, plain clang-19 + stock wasm-ld,
#                      everything in memory 0 (<mmcc.h>'s qualifiers and the
#                      pragma are nothing there): the problem
#   parser-m0.wasm     the same with mmcc -DMMCC_SINGLE_MEMORY
#
#   bash examples/parser/build.sh [OUTDIR]
#
# Needs .build/bin/mmcc (./install.sh). Takes a second or two.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/examples/parser"
out=${1:-.build/examples/parser}
case $out in /*) ;; *) out="$root/$out" ;; esac
mkdir -p "$out"
# -mexec-model=reactor: no main; the host calls the exports (app.c).
flags=(-O2 -Wall -Wextra -Werror -mexec-model=reactor)
# Linked into a scratch folder under their own names (a module's name
# section is named after its file), then moved.
tmp="$out/.tmp"
mkdir -p "$tmp"
"$root/.build/bin/mmcc" "${flags[@]}" "$here/app.c" --in-memory=5 "$here/tlv.c" --memory=5:wasi=deny \
  -o "$tmp/parser.wasm"
clang-19 --target=wasm32-wasi -fuse-ld=lld -mbulk-memory -isystem "$root/runtime/include" "${flags[@]}" \
  -Wno-unknown-pragmas "$here/app.c" "$here/tlv.c" -o "$tmp/parser-plain.wasm"
"$root/.build/bin/mmcc" "${flags[@]}" -DMMCC_SINGLE_MEMORY "$here/app.c" "$here/tlv.c" -o "$tmp/parser-m0.wasm"
for m in parser parser-plain parser-m0; do mv "$tmp/$m.wasm" "$out/$m.wasm"; done
rmdir "$tmp"
echo "$out/parser.wasm $out/parser-plain.wasm $out/parser-m0.wasm"
