#!/usr/bin/env bash
# Builds the mmcc clang plugin: BUILD_DIR/libmmcc-plugin.so.
#
#   clang-plugin/build.sh [BUILD_DIR]     (default: <repo>/.build/plugin)
#
# Idempotent: configures once (cmake -G Ninja against /usr/lib/llvm-19),
# then only runs ninja, which rebuilds nothing when nothing changed (and
# re-runs cmake by itself if CMakeLists.txt changed).
#
# Compiler: g++ by default. Debian's clang-19 is built with gcc and
# libstdc++, and the plugin shares C++ objects with it, so the plugin must
# use the same C++ ABI; clang++-19 (also libstdc++ on Debian) works as well:
# CXX=clang++-19 clang-plugin/build.sh.
# Environment: LLVM_ROOT (default /usr/lib/llvm-19), CXX.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="${1:-$repo/.build/plugin}"
llvm_root="${LLVM_ROOT:-/usr/lib/llvm-19}"

if [ -z "${CXX:-}" ]; then
  if command -v g++ >/dev/null 2>&1; then CXX=g++
  elif command -v clang++-19 >/dev/null 2>&1; then CXX=clang++-19
  else echo "build.sh: need g++ or clang++-19" >&2; exit 1
  fi
fi

for tool in cmake ninja; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "build.sh: '$tool' not found (apt-get install cmake ninja-build)" >&2
    exit 1
  }
done
[ -d "$llvm_root/include/clang" ] || {
  echo "build.sh: no clang headers in $llvm_root/include (apt-get install libclang-19-dev)" >&2
  exit 1
}

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$here" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER="$CXX" \
    -DMMCC_LLVM_ROOT="$llvm_root" >&2
fi
ninja -C "$build" >&2
echo "$build/libmmcc-plugin.so"
