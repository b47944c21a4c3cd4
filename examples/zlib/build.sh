#!/usr/bin/env bash
# Builds zlib with its own build system and mmcc, twice, into .build/zlib/:
#
#   m0/   zlib's CMakeLists.txt through runtime/cmake/mmcc-toolchain.cmake:
#         libz.a with ordinary (default-memory) objects, which
#         `mmcc ... --in-memory=3 .build/zlib/m0/libz.a` retargets at link time;
#         include/ (zlib.h and the generated zconf.h), and zlib's own test
#         programs example.wasm and minigzip.wasm as CMake linked them.
#   m3/   the same with -DMMCC_IN_MEMORY=3: libz.a's objects come out of the
#         compiler already retargeted into memory 3, and example.wasm and
#         minigzip.wasm are whole programs in memory 3.
#
# With --configure it also builds zlib the classic way, in a copy of the
# source, `CC=mmcc ./configure && make` (configure-m0/) and with
# CC="mmcc --in-memory=3" (configure-m3/), and runs zlib's `make test` on
# wasmtime (QEMU_RUN, zlib's hook for running cross-compiled tests).
#
# Idempotent: a build is redone only when its stamp (mmcc's binary, the
# toolchain files, this script, zlib's version) changed. The source comes
# from examples/zlib/fetch.sh.
#
# Usage: examples/zlib/build.sh [--configure] [--force]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src="$repo/.build/zlib-src"
out="$repo/.build/zlib"
mmcc="$repo/.build/bin/mmcc"
toolchain="$repo/runtime/cmake/mmcc-toolchain.cmake"

configure=0
force=0
for arg in "$@"; do
  case "$arg" in
    --configure) configure=1 ;;
    --force) force=1 ;;
    *) echo "usage: $0 [--configure] [--force]" >&2; exit 2 ;;
  esac
done

[ -x "$mmcc" ] || { echo "error: $mmcc is missing: run ./install.sh --no-demo" >&2; exit 1; }
for tool in cmake ninja llvm-ar-19 llvm-ranlib-19 make; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is missing (Debian: cmake ninja-build llvm-19 make)" >&2; exit 1; }
done

bash "$here/fetch.sh"
mkdir -p "$out"

stamp_of() { # what a build depends on
  {
    sha256sum "$repo/target/release/mmcc" 2>/dev/null || sha256sum "$(readlink -f "$mmcc")"
    cat "$toolchain" "$repo"/runtime/cmake/Platform/*.cmake "$repo/runtime/cmake/mmcc-run.sh" "$here/build.sh"
    grep '^#define ZLIB_VERSION' "$src/zlib.h"
    echo "$1"
  } | sha256sum | cut -d' ' -f1
}

# zlib's CMakeLists.txt, out of the source tree. It renames the source's
# zconf.h to zconf.h.included when building outside it (it generates its
# own in the build folder), so the source is used as it is and the
# configure builds below work on copies.
cmake_build() { # memory (0 or K)
  local memory=$1
  local dest="$out/m$memory" work="$out/cmake-m$memory"
  local want
  want=$(stamp_of "cmake $memory")
  if [ "$force" = 0 ] && [ -f "$dest/libz.a" ] && [ "$(cat "$dest/stamp" 2>/dev/null)" = "$want" ]; then
    echo "zlib: $dest is up to date"
    return
  fi
  echo "zlib: building with CMake and mmcc$( [ "$memory" = 0 ] || echo " --in-memory=$memory") into $dest"
  rm -rf "$work" "$dest"
  local in_memory=()
  [ "$memory" = 0 ] || in_memory=(-DMMCC_IN_MEMORY="$memory")
  cmake -S "$src" -B "$work" -G Ninja -Wno-dev \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release "${in_memory[@]}" \
    >"$out/cmake-m$memory.log" 2>&1 \
    || { tail -n 30 "$out/cmake-m$memory.log" >&2; echo "error: cmake failed (log: $out/cmake-m$memory.log)" >&2; exit 1; }
  # zlibstatic is libzlibstatic.a (zlib's CMakeLists.txt names it libz.a on
  # UNIX only, which WASI is not); example and minigzip link the `zlib`
  # library target, a static library here too.
  ninja -C "$work" zlibstatic example minigzip >>"$out/cmake-m$memory.log" 2>&1 \
    || { grep -v 'warning:' "$out/cmake-m$memory.log" | tail -n 30 >&2; echo "error: building zlib failed (log: $out/cmake-m$memory.log)" >&2; exit 1; }
  mkdir -p "$dest/include"
  cp "$work/libzlibstatic.a" "$dest/libz.a"
  cp "$src/zlib.h" "$work/zconf.h" "$dest/include/"
  cp "$work/example.wasm" "$work/minigzip.wasm" "$dest/"
  echo "$want" > "$dest/stamp"
  echo "zlib: built $dest/libz.a"
}

# zlib's configure and Makefile, in a copy of the source (the classic build
# is in the source tree).
configure_build() { # memory (0 or K)
  local memory=$1
  local work="$out/configure-m$memory"
  local want
  want=$(stamp_of "configure $memory")
  if [ "$force" = 0 ] && [ -f "$work/libz.a" ] && [ "$(cat "$work/stamp" 2>/dev/null)" = "$want" ]; then
    echo "zlib: $work is up to date"
    return
  fi
  local cc="$mmcc"
  [ "$memory" = 0 ] || cc="$mmcc --in-memory=$memory"
  echo "zlib: CC=\"$cc\" ./configure && make && make test, in $work"
  rm -rf "$work"
  # (configure writes zconf.h from zconf.h.in, so the CMake build's
  # renaming does not matter here.)
  cp -a "$src" "$work"
  local log="$out/configure-m$memory.log"
  (
    cd "$work"
    # llvm-ar writes a symbol index for wasm objects (GNU ar writes none).
    CC="$cc" AR=llvm-ar-19 RANLIB=llvm-ranlib-19 ./configure
    make -j"$(nproc)"
    # `make test` runs ./example and ./minigzip, which are wasm modules.
    make test QEMU_RUN="$repo/runtime/cmake/mmcc-run.sh"
  ) >"$log" 2>&1 || { grep -v 'warning:' "$log" | tail -n 30 >&2; echo "error: the configure build failed (log: $log)" >&2; exit 1; }
  grep -q '\*\*\* zlib test OK \*\*\*' "$log" || { echo "error: zlib's make test did not pass (log: $log)" >&2; exit 1; }
  echo "$want" > "$work/stamp"
  echo "zlib: built $work/libz.a (make test passed on wasmtime)"
}

cmake_build 0
cmake_build 3
if [ "$configure" = 1 ]; then
  configure_build 0
  configure_build 3
fi
