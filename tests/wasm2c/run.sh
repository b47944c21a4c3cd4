#!/usr/bin/env bash
# wasm2c as a fifth engine: every program in tests/programs/ that needs no
# more WASI than printing (fd_write, fd_close, fd_fdstat_get, fd_seek,
# proc_exit; tests/wasm2c/host.c implements them) is built by mmcc at -O0
# and -O2 and as a whole program in library memory 5 (-O2 --in-memory=5),
# translated to C by Debian's wasm2c (wabt 1.0.32, --enable-multi-memory),
# compiled natively with gcc against wabt's runtime (wasm-rt-impl.c) and run;
# it must print what wasmtime (mmtool run) prints and exit with the same
# code. A module wasm2c cannot take, or that imports more than the host
# has, is a "skip" line with the reason, counted, never a pass.
#
#   bash tests/wasm2c/run.sh [NAME]   (only programs whose file name contains NAME)
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
mmcc=$root/target/release/mmcc
mmtool=$root/target/release/mmtool
runtime=/usr/share/wabt/wasm2c
[ -x "$mmcc" ] && [ -x "$mmtool" ] || { echo "run ./install.sh first"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$runtime/wasm-rt-impl.c" ] || { echo "wabt's wasm2c runtime ($runtime) is missing: apt-get install wabt"; echo "0 passed, 1 failed"; exit 1; }
host_imports="fd_close fd_fdstat_get fd_seek fd_write proc_exit"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0

# A directive from the comment lines at the top of a program (as in
# tests/programs.rs).
directive() { sed -n '/^[^/ ]/q; s|^// *'"$2"' *||p' "$1" | head -1; }

check() { # name, label, module
  local name=$1 label=$2 wasm=$3 dir
  dir=$work/$label
  mkdir -p "$dir"
  local imports
  imports=$(wasm-objdump -x -j Import "$wasm" 2>/dev/null | sed -n 's/.*<- \([^ ]*\)$/\1/p' | sort -u)
  local extra
  extra=$(for i in $imports; do
    case " $host_imports " in *" ${i#wasi_snapshot_preview1.} "*) [ "${i%%.*}" = wasi_snapshot_preview1 ] || echo "$i" ;; *) echo "$i" ;; esac
  done | tr '\n' ' ')
  if [ -n "$extra" ]; then
    echo "skip $label: imports $extra(the host has $host_imports)"; skipped=$((skipped + 1)); return
  fi
  # (In a subshell of its own, so that an abort is not also announced by bash.)
  if ! (wasm2c --enable-multi-memory -n prog "$wasm" -o "$dir/prog.c" 2>"$dir/wasm2c.err"; exit $?) 2>/dev/null; then
    local why
    why=$(head -1 "$dir/wasm2c.err")
    # 0xfe prefixes the atomic instructions; wasm2c 1.0.32 refuses
    # --enable-threads ("only supports a limited set of features").
    case "$why" in *"opcode: 0xfe"*) why="$why (an atomic instruction: wasm2c 1.0.32 has no threads support)" ;; esac
    # 1.0.32 has no SIMD (wasm2c has it from 1.0.33 on) and aborts on v128
    # code without a message.
    if [ -z "$why" ] && wasm2wat --enable-multi-memory "$wasm" 2>/dev/null | grep -c v128 >/dev/null; then
      why="wasm2c aborted on SIMD (v128) code, which wasm2c supports from 1.0.33 on"
    fi
    echo "skip $label: wasm2c cannot translate it: $why"; skipped=$((skipped + 1)); return
  fi
  # wabt 1.0.32 predates the multi-memory proposal's order of memory.copy's
  # immediates (destination, then source; wabt pull request 2294, after
  # 1.0.32), so its wasm2c swaps the two memories of a copy between
  # different memories. Swap them back in the C it writes (a no-op when
  # both are the same memory); the comparison with wasmtime checks this.
  sed -i -E 's/memory_copy\(&instance->(w2c_[A-Za-z0-9_]+), &instance->(w2c_[A-Za-z0-9_]+),/memory_copy(\&instance->\2, \&instance->\1,/' "$dir/prog.c"
  if ! gcc -O1 -w -I"$dir" -I"$runtime" -o "$dir/prog" tests/wasm2c/host.c "$dir/prog.c" "$runtime/wasm-rt-impl.c" -lm 2>"$dir/gcc.err"; then
    echo "FAIL $label: gcc: $(head -5 "$dir/gcc.err")"; failed=$((failed + 1)); return
  fi
  "$mmtool" run "$wasm" >"$dir/wasmtime.out" 2>/dev/null
  local want=$?
  "$dir/prog" >"$dir/wasm2c.out" 2>"$dir/wasm2c.stderr"
  local got=$?
  if [ "$got" = "$want" ] && cmp -s "$dir/wasm2c.out" "$dir/wasmtime.out"; then
    echo "ok   $label"; passed=$((passed + 1))
  else
    echo "FAIL $label: exit code $got (wasmtime $want); $(head -3 "$dir/wasm2c.stderr")"
    diff "$dir/wasmtime.out" "$dir/wasm2c.out" | head -10 | sed 's/^/     /'
    failed=$((failed + 1))
  fi
}

for src in tests/programs/*.c tests/programs/*.cpp; do
  name=$(basename "$src")
  case "$name" in *"${1:-}"*) ;; *) continue ;; esac
  driver=()
  case "$name" in *.cpp) driver=(--driver-mode=g++) ;; esac
  read -ra flags <<<"$(directive "$src" mmcc-flags:)"
  read -ra multi <<<"$(directive "$src" multi-flags:)"
  also=()
  for f in $(directive "$src" also:); do also+=("$(dirname "$src")/$f"); done
  builds=("-O0" "-O2")
  grep -q '^// library: no' "$src" || grep -qE '\(5\)|=5:|\(5,' "$src" || builds+=("-O2 --in-memory=5")
  for build in "${builds[@]}"; do
    label="$name ${build// /}"
    wasm=$work/${label// /_}.wasm
    # shellcheck disable=SC2086
    if ! "$mmcc" "${driver[@]}" "${multi[@]}" $build "${flags[@]}" "$src" "${also[@]}" -o "$wasm" 2>"$work/build.err"; then
      echo "FAIL $label: mmcc: $(head -3 "$work/build.err")"; failed=$((failed + 1)); continue
    fi
    check "$name" "${label// /}" "$wasm"
  done
done

echo
echo "wasm2c: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
