#!/usr/bin/env bash
# Builds examples/sqlite: the application (memory 0) with sqlite in memory 4,
# and the same application with sqlite in memory 0 for comparison.
#
# sqlite's source is the 3.54.1 amalgamation of the libsqlite3-sys crate,
# which the benchmarks fetch with cargo (bench/run.py's sqlite_source(): a
# throwaway project depending on the crate, `cargo fetch`, the crate's
# sqlite3/ folder in cargo's registry cache); the compile flags are the
# benchmarks' too (bench/run.py's SQLITE_FLAGS and SQLITE_LIBS: the crate's
# wasm32-wasi defines, no extension loading, temporary tables in memory).
# Nothing of sqlite is copied into the repository.
#
# Into .build/sqlite-example/:
#   sqlite3.o          sqlite3.c compiled by mmcc, an ordinary (memory-0) object
#   sqlite3-m4.o       sqlite3.c compiled by mmcc --in-memory=4: already retargeted
#   sqlite3-plain.o    sqlite3.c compiled by plain clang-19
#   app-m4.wasm        app.c + --in-memory=4 sqlite3.o (retargeted as it is
#                      linked); app.c reads sqlite3.h inside
#                      #pragma mmcc memory(push, 4)
#   app-m4-prebuilt.wasm  app.c + --in-memory=4 sqlite3-m4.o
#   app-m4-header.wasm app.c with the hand-written sqlite3_m4.h instead of the
#                      pragma (-DSQLITE_APP_HAND_WRITTEN_HEADER) + sqlite3.o
#   app-m0.wasm        app.c -DMMCC_SINGLE_MEMORY + sqlite3.o: mmcc, one memory
#   app-plain.wasm     app.c + sqlite3-plain.o, plain clang-19 + stock wasm-ld,
#                      <mmcc.h>'s qualifiers defined away (and the pragma
#                      ignored)
#   env.sh             the paths and flags, for the tests (source it)
#
# The objects are compiled once (about 35 s each; about 1.5 minutes for
# the three on two cores) and again
# only when sqlite3.c, the flags or the compiler change; the links take a
# second or two.
#
# Usage: examples/sqlite/build.sh [-O LEVEL]   (default -O2)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
mmcc="$repo/.build/bin/mmcc"
out="$repo/.build/sqlite-example"
opt=-O2
if [ "${1:-}" = -O ] && [ $# -ge 2 ]; then opt="-O$2"; fi

[ -x "$mmcc" ] || { echo "error: $mmcc is missing: run ./install.sh --no-demo" >&2; exit 1; }
command -v clang-19 >/dev/null || { echo "error: clang-19 is missing: run ./install.sh --no-demo" >&2; exit 1; }
mkdir -p "$out"

# sqlite's source folder, flags and libraries: bench/run.py's.
python3 - "$repo" >"$out/env.sh" <<'EOF'
import shlex, sys
sys.path.insert(0, sys.argv[1] + "/bench")
import run  # bench/run.py: only definitions run on import
directory, crate_version = run.sqlite_source()
q = shlex.quote
print(f"sqlite_src={q(str(directory))}")
print(f"sqlite_crate={q(run.SQLITE_CRATE + ' ' + crate_version)}")
print("sqlite_flags=(" + " ".join(map(q, run.SQLITE_FLAGS)) + ")")
print("sqlite_libs=(" + " ".join(map(q, run.SQLITE_LIBS)) + ")")
print("plain_cc=(" + " ".join(map(q, run.PLAIN)) + ")")
EOF
# shellcheck source=/dev/null
. "$out/env.sh"
echo "sqlite: $sqlite_src ($sqlite_crate)"

# Compiles sqlite3.c into $1 with the command after it, unless the object is
# there from the same command, newer than sqlite3.c and the compiler.
compile() {
  local object=$1
  shift
  local stamp="$object.cmd" command="$* -c $sqlite_src/sqlite3.c -o $object"
  if [ -f "$object" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$command" ] \
      && [ "$object" -nt "$sqlite_src/sqlite3.c" ] && { [ "$1" != "$mmcc" ] || [ "$object" -nt "$mmcc" ]; }; then
    return 0
  fi
  echo "compiling $(basename "$object") ($1 $opt)"
  rm -f "$object" "$stamp"
  "$@" -c "$sqlite_src/sqlite3.c" -o "$object.tmp" && mv "$object.tmp" "$object" && echo "$command" >"$stamp"
}

common=("$opt" "${sqlite_flags[@]}")
pids=()
compile "$out/sqlite3.o" "$mmcc" "${common[@]}" & pids+=($!)
compile "$out/sqlite3-m4.o" "$mmcc" --in-memory=4 "${common[@]}" & pids+=($!)
compile "$out/sqlite3-plain.o" "${plain_cc[@]}" -Wno-unused-command-line-argument "${common[@]}" & pids+=($!)
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
[ "$status" = 0 ] || { echo "error: compiling sqlite3.c failed" >&2; exit 1; }

app=("-I" "$sqlite_src" "$here/app.c")
link() { # module, compiler and arguments...
  local module=$1
  shift
  # Linked into a scratch folder under its own name (a module's name
  # section is named after its file), then moved.
  mkdir -p "$out/.tmp"
  if ! "$@" -o "$out/.tmp/$module" >"$out/$module.log" 2>&1; then
    cat "$out/$module.log" >&2
    if grep -q "unknown pragma ignored" "$out/$module.log"; then
      echo "error: mmcc's clang plugin has no #pragma mmcc memory: rebuild it (./install.sh --no-demo)" >&2
    fi
    echo "error: building $module failed" >&2
    exit 1
  fi
  mv "$out/.tmp/$module" "$out/$module"
}
link app-m4.wasm "$mmcc" "$opt" -Werror=unknown-pragmas "${app[@]}" --in-memory=4 "$out/sqlite3.o" "${sqlite_libs[@]}"
link app-m4-prebuilt.wasm "$mmcc" "$opt" "${app[@]}" --in-memory=4 "$out/sqlite3-m4.o" "${sqlite_libs[@]}"
link app-m4-header.wasm "$mmcc" "$opt" -DSQLITE_APP_HAND_WRITTEN_HEADER "${app[@]}" --in-memory=4 "$out/sqlite3.o" "${sqlite_libs[@]}"
link app-m0.wasm "$mmcc" "$opt" -DMMCC_SINGLE_MEMORY "${app[@]}" "$out/sqlite3.o" "${sqlite_libs[@]}"
link app-plain.wasm "${plain_cc[@]}" "$opt" -Wno-unknown-pragmas "${app[@]}" "$out/sqlite3-plain.o" "${sqlite_libs[@]}"
echo "built: $(cd "$out" && echo app-*.wasm)"
