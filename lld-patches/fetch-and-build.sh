#!/usr/bin/env bash
# Fetch lld 19.1.7 from Debian's llvm-toolchain-19 source package, apply the
# patches in this folder, and build wasm-ld against Debian's llvm-19-dev.
#
# Why this way: the linker must be the same LLVM 19.1.7 as clang-19, and the
# only source we may fetch is Debian's source package. A private apt
# configuration (own sources list, lists and cache under the build folder)
# leaves the machine's apt setup untouched.
#
# Idempotent: the built linker is reused while the patches and this script
# are unchanged (a stamp holds their hash).
#
# Usage: lld-patches/fetch-and-build.sh [BUILD_DIR]   (default: .build/lld)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-"$here/../.build/lld"}
mkdir -p "$build"
build=$(cd "$build" && pwd)

stamp_of_inputs() {
  # The patches (there may be none yet) and this script decide the build.
  find "$here" -maxdepth 1 \( -name '*.patch' -o -name 'fetch-and-build.sh' \) -print0 \
    | sort -z | xargs -0 cat | sha256sum | cut -d' ' -f1
}
want=$(stamp_of_inputs)
if [ -x "$build/bin/wasm-ld" ] && [ "$(cat "$build/stamp" 2>/dev/null)" = "$want" ]; then
  echo "lld: patched wasm-ld is up to date ($build/bin/wasm-ld)"
  exit 0
fi

for tool in cmake ninja dpkg-source apt-get; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is missing; run ./install.sh" >&2; exit 1; }
done

# 1. The source package, through a private apt configuration.
src_root="$build/src"
if [ ! -d "$src_root/lld" ]; then
  apt_dir="$build/apt"
  mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$build/download"
  : > "$apt_dir/sources.list"
  cat > "$apt_dir/sources.list.d/bookworm-src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list"
            -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
            -o "Dir::State::Lists=$apt_dir/lists"
            -o "Dir::Cache=$apt_dir/cache")
  echo "lld: fetching Debian's llvm-toolchain-19 source package (about 165 MB)"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$build/download" && apt-get "${apt_opts[@]}" source --download-only llvm-toolchain-19)
  orig=$(ls "$build"/download/llvm-toolchain-19_*.orig.tar.xz | head -n1)
  [ -f "$orig" ] || { echo "error: llvm-toolchain-19 orig tarball not found" >&2; exit 1; }
  echo "lld: extracting lld/, cmake/, libunwind/include/, llvm/include/llvm/ from $(basename "$orig")"
  mkdir -p "$src_root.tmp"
  top=$({ tar -tJf "$orig" || true; } | head -n1 | cut -d/ -f1)
  tar -xJf "$orig" -C "$src_root.tmp" --strip-components=1 \
    "$top/lld" "$top/cmake" "$top/libunwind/include" "$top/llvm/include/llvm"
  rm -rf "$src_root"
  mv "$src_root.tmp" "$src_root"
  # Pristine copy, so that patches are always applied to the original tree.
  cp -a "$src_root/lld" "$build/lld.orig"
fi

# 2. Patches, applied to a fresh copy of the pristine lld tree.
rm -rf "$src_root/lld"
cp -a "$build/lld.orig" "$src_root/lld"
for p in "$here"/[0-9]*.patch; do
  [ -e "$p" ] || continue
  echo "lld: applying $(basename "$p")"
  patch -d "$src_root" -p1 --quiet --forward < "$p"
done

# 3. Build wasm-ld only, against Debian's LLVM 19.
mkdir -p "$build/obj"
cmake -S "$src_root/lld" -B "$build/obj" -G Ninja \
  -DLLVM_DIR=/usr/lib/llvm-19/lib/cmake/llvm \
  -DLLVM_LINK_LLVM_DYLIB=ON -DLLVM_INCLUDE_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=Release >"$build/cmake.log" 2>&1 \
  || { tail -n 30 "$build/cmake.log" >&2; echo "error: cmake failed for lld (log: $build/cmake.log)" >&2; exit 1; }
ninja -C "$build/obj" lld
mkdir -p "$build/bin"
ln -sf "$build/obj/bin/lld" "$build/bin/wasm-ld"
echo "$want" > "$build/stamp"
echo "lld: built $build/bin/wasm-ld"
