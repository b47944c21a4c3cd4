#!/usr/bin/env bash
# Runs mmcc's whole test suite. Installs and builds what is missing first
# (./install.sh --no-demo), so it works on a fresh clone. Idempotent.
#
# Suites:
#   cargo test           unit tests; the equivalence oracle (tests/programs.rs);
#                        host-side isolation and tool checks (tests/isolation.rs)
#   diagnostics (mmcc)   every misuse gets its located diagnostic through the
#                        whole mmcc pipeline (tests/diagnostics, MMCC mode)
#   diagnostics (plugin) the clang plugin alone (tests/diagnostics)
#   linker               the patched wasm-ld on hand-made objects (tests/linker)
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
suite "browsers" sh -c 'bash tests/browser/install.sh && python3 tests/browser/run.py'
suite "benchmarks, quick mode" python3 bench/run.py --quick

echo
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
