#!/bin/sh
# CMAKE_CROSSCOMPILING_EMULATOR of mmcc-toolchain.cmake: runs a WASI module
# on wasmtime (mmtool run) with the current directory preopened as ".",
# for try_run and ctest: mmcc-run.sh module.wasm [args...]
here=$(cd "$(dirname "$0")" && pwd)
module=$1
shift
exec "${MMCC_ROOT:-$here/../..}/.build/bin/mmtool" run --dir . "$module" -- "$@"
