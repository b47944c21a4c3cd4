#!/usr/bin/env bash
# Fetch zlib's source, with its own build systems (CMakeLists.txt, configure,
# Makefile.in) and its test programs (test/example.c, test/minigzip.c), into
# .build/zlib-src.
#
# Where from: Debian 12's zlib source package (1.2.13), through a private apt
# configuration (own sources list, lists and cache under .build/zlib-apt) as
# lld-patches/fetch-and-build.sh does, so the machine's apt setup is left
# alone. The libz-sys crate vendors zlib too, but only the library's .c and
# .h files: no CMakeLists.txt, configure or test/.
#
# We take the upstream tarball (zlib_*.orig.tar.*) as it is, without
# Debian's patches: it is zlib's release minus some of contrib/, three RFCs
# and win32/ (the "dfsg" in the version; debian/copyright lists them).
# zlib's CMakeLists.txt names win32/zlib1.rc, the resource file of the
# Windows DLL, among the sources of its shared library on every platform,
# and CMake stops when a source is missing: so we put an empty one there
# (nothing compiles it outside Windows).
#
# Idempotent: does nothing when .build/zlib-src/zlib.h exists.
#
# Usage: examples/zlib/fetch.sh [DIR]   (default: <repo>/.build/zlib-src)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dest=${1:-"$repo/.build/zlib-src"}

if [ -f "$dest/zlib.h" ] && [ -f "$dest/CMakeLists.txt" ] && [ -f "$dest/test/example.c" ] && [ -f "$dest/win32/zlib1.rc" ]; then
  echo "zlib: source is in $dest ($(sed -n 's/^#define ZLIB_VERSION "\(.*\)"/\1/p' "$dest/zlib.h"))"
  exit 0
fi

command -v apt-get >/dev/null || { echo "error: apt-get is missing (Debian's source package is where zlib comes from)" >&2; exit 1; }

apt_dir="$repo/.build/zlib-apt"
download="$apt_dir/download"
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$download"
: > "$apt_dir/sources.list"
cat > "$apt_dir/sources.list.d/bookworm-src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt_opts=(-o "APT::Sandbox::User=root"
          -o "Dir::Etc::SourceList=$apt_dir/sources.list"
          -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
          -o "Dir::State::Lists=$apt_dir/lists"
          -o "Dir::Cache=$apt_dir/cache")

orig=$(ls "$download"/zlib_*.orig.tar.* 2>/dev/null | head -n1 || true)
if [ -z "$orig" ]; then
  echo "zlib: fetching Debian's zlib source package (about 1 MB)"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$download" && apt-get "${apt_opts[@]}" source --download-only zlib)
  orig=$(ls "$download"/zlib_*.orig.tar.* 2>/dev/null | head -n1 || true)
fi
[ -n "$orig" ] || { echo "error: zlib's orig tarball not found in $download" >&2; exit 1; }

echo "zlib: extracting $(basename "$orig") into $dest"
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
tar -xf "$orig" -C "$dest.tmp" --strip-components=1
[ -f "$dest.tmp/zlib.h" ] || { echo "error: $(basename "$orig") has no zlib.h at its top" >&2; exit 1; }
if [ ! -e "$dest.tmp/win32/zlib1.rc" ]; then
  mkdir -p "$dest.tmp/win32"
  echo "// Placeholder for the Windows DLL resource file, which Debian's tarball leaves out (examples/zlib/fetch.sh)." \
    > "$dest.tmp/win32/zlib1.rc"
fi
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "zlib: source is in $dest ($(sed -n 's/^#define ZLIB_VERSION "\(.*\)"/\1/p' "$dest/zlib.h"))"
