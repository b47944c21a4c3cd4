#!/usr/bin/env bash
# Runs mmcc's whole test suite. Installs and builds what is missing first
# (./install.sh --no-demo), so it works on a fresh clone. Idempotent.
#
# Suites:
#   cargo test           unit tests; the equivalence oracle (tests/programs.rs:
#                        four engines, and lowered to one memory on four
#                        engines without multi-memory); the lowering and the
#                        multi-memory spec tests through it (tests/lowering.rs,
#                        tests/spec_lowering.rs); robustness (tests/robustness.rs);
#                        libraries in memories of their own (tests/library.rs,
#                        tests/parser.rs);
#                        host-side isolation and tool checks (tests/isolation.rs)
#   diagnostics (mmcc)   every misuse gets its located diagnostic through the
#                        whole mmcc pipeline (tests/diagnostics, MMCC mode)
#   diagnostics (plugin) the clang plugin alone (tests/diagnostics)
#   linker               the patched wasm-ld on hand-made objects (tests/linker)
#   zlib in memory 3     zlib built with its own CMake build through mmcc's
#                        toolchain file and retargeted into memory 3: an
#                        application round-trips files through it; zlib's own
#                        example.c and minigzip.c run whole-program in
#                        memory 3 (tests/library/zlib; fetches zlib's source
#                        from Debian's source package the first time)
#   sqlite in memory 4   examples/sqlite: SQL scripts and file databases give
#                        the same output with sqlite in memory 4 as all in
#                        memory 0, on wasmtime and V8 (tests/library/sqlite)
#   pragma               a plain C library's header included inside
#                        '#pragma mmcc memory(push, 3)' (tests/library/pragma)
#   csmith               random C programs (csmith), plain clang against a
#                        whole program in memory 3, a fixed batch of seeds on
#                        both engines (tests/csmith; docs/csmith.md has the
#                        long run)
#   generated programs   random programs with data in many memories (tests/gen),
#                        plain clang against mmcc -O0/-O2/-Os/-Oz on every engine
#                        and lowered to one memory (docs/generator.md has the
#                        long run)
#   wasm2c               the oracle programs translated to C by Debian's wasm2c
#                        and compiled natively give wasmtime's answers
#                        (tests/wasm2c)
#   browsers             the examples' web pages in Debian's chromium and
#                        firefox-esr, headless (tests/browser; installs them
#                        first; a browser that cannot be had is a SKIP: line)
#   benchmarks (quick)   bench/run.py --quick: every benchmark builds, runs on
#                        both engines and agrees with its baseline (no timing
#                        is asserted)
set -uo pipefail
cd "$(dirname "$0")"

./install.sh --no-demo || { echo "install failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
suite() {
  local name=$1; shift
  echo
  echo "== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "!! suite failed: $name"
  fi
}

suite "cargo test" cargo test --release --quiet
suite "diagnostics through mmcc" env MMCC="$PWD/target/release/mmcc" bash tests/diagnostics/check.sh
suite "diagnostics of the clang plugin" bash tests/diagnostics/check.sh
suite "patched wasm-ld" bash tests/linker/run.sh
suite "zlib in memory 3" bash tests/library/zlib/run.sh
suite "sqlite in memory 4" bash tests/library/sqlite/run.sh
suite "pragma: a library's header in memory 3" bash tests/library/pragma/run.sh
suite "csmith: random programs in memory 3" python3 tests/csmith/run.py --suite
suite "generated multi-memory programs" python3 tests/gen/run.py --suite
suite "wasm2c: the oracle programs as native code" bash tests/wasm2c/run.sh
suite "browsers" sh -c 'bash tests/browser/install.sh && python3 tests/browser/run.py'
suite "benchmarks, quick mode" python3 bench/run.py --quick

echo
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
