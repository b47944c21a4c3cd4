#!/usr/bin/env bash
# Tests of the patched wasm-ld (lld-patches/) on hand-made multi-memory
# objects (tests/linker/make_objects.py), see docs/linker.md.
#
# Usage: tests/linker/run.sh      (WASM_LD / STOCK_WASM_LD override the linkers)
# Prints one line per check and a final "N passed, M failed"; exits non-zero
# on any failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LD=${WASM_LD:-$root/.build/lld/bin/wasm-ld}
STOCK=${STOCK_WASM_LD:-/usr/bin/wasm-ld-19}
CLANG=${CLANG:-clang-19}

for tool in "$LD" "$STOCK" wasm-objdump wasm-validate python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
obj=$work/obj
python3 "$here/make_objects.py" "$obj" || { echo "error: make_objects.py failed" >&2; exit 2; }

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() {
  failed=$((failed + 1)); echo "FAIL: $1"
  [ -n "${2:-}" ] && sed 's/^/    /' <<<"$2"
  return 0
}

# link NAME ARGS...: link into $work/NAME.wasm with the patched linker.
link() {
  local name=$1; shift
  "$LD" -o "$work/$name.wasm" "$@" >"$work/$name.log" 2>&1
}

# expect_ok NAME ARGS...: the link succeeds and the module validates.
expect_ok() {
  local name=$1; shift
  if ! link "$name" "$@"; then
    fail "$name: link" "$(cat "$work/$name.log")"; return 1
  fi
  if ! wasm-validate --enable-multi-memory --enable-threads "$work/$name.wasm" \
      >"$work/$name.val" 2>&1; then
    fail "$name: wasm-validate" "$(cat "$work/$name.val")"; return 1
  fi
  wasm-objdump -x -d "$work/$name.wasm" >"$work/$name.dump" 2>&1
  pass "$name: links and validates"
}

# expect_error NAME 'MESSAGE' ARGS...: the link fails cleanly (exit 1, no
# crash) with "wasm-ld: error: " and MESSAGE (a fixed string) on stderr.
expect_error() {
  local name=$1 msg=$2; shift 2
  link "$name" "$@"
  local rc=$? log
  log=$(cat "$work/$name.log")
  if [ $rc -eq 0 ]; then
    fail "$name: should fail with '$msg'" "$log"
  elif [ $rc -ne 1 ] || grep -q "Stack dump\|PLEASE submit\|Assertion" <<<"$log"; then
    fail "$name: crashed (exit $rc)" "$log"
  elif ! grep -qF "wasm-ld: error: " <<<"$log" || ! grep -qF -- "$msg" <<<"$log"; then
    fail "$name: expected error '$msg'" "$log"
  elif [ -e "$work/$name.wasm" ]; then
    fail "$name: output written despite the error" "$log"
  else
    pass "$name: error: $msg"
  fi
}

# has NAME 'REGEX' [what]: the wasm-objdump -x -d output of NAME matches.
has() {
  if grep -qE -- "$2" "$work/$1.dump"; then pass "$1: ${3:-$2}"
  else fail "$1: ${3:-$2} (no match for /$2/)"; fi
}
hasnt() {
  if grep -qE -- "$2" "$work/$1.dump"; then fail "$1: ${3:-not $2} (matched /$2/)"
  else pass "$1: ${3:-not $2}"; fi
}

# func NAME FUNC: the disassembly of one function of module NAME.
func() {
  awk -v f="<$2>:" '$3 == f { on = 1; next } / func\[[0-9]+\] <.*>:$/ { on = 0 } on' \
    "$work/$1.dump"
}

# in_func NAME FUNC 'REGEX' [what]: FUNC's disassembly matches.
in_func() {
  if func "$1" "$2" | grep -qE -- "$3"; then pass "$1: $2: ${4:-$3}"
  else fail "$1: $2: ${4:-$3} (no match for /$3/)" "$(func "$1" "$2")"; fi
}

# memories NAME: the Memory section lines, "memory[i] pages: ..." one a line.
memory_is() {
  local line
  line=$(grep -E "^ - memory\[$2\] pages: " "$work/$1.dump" | grep -v ' <- ')
  if [ "$line" = " - memory[$2] pages: $3" ]; then pass "$1: memory $2 is '$3'"
  else fail "$1: memory $2 should be '$3'" "got: '$line'"; fi
}
export_is() {  # export_is NAME INDEX 'EXPORTNAME' ('' for none)
  local got
  got=$(grep -E "^ - memory\[$2\] -> " "$work/$1.dump" | sed 's/.* -> //' | tr '\n' ' ' | sed 's/ $//')
  if [ "$got" = "${3:+\"$3\"}" ]; then pass "$1: memory $2 export '${3:-(none)}'"
  else fail "$1: memory $2 export should be '${3:-(none)}'" "got: '$got'"; fi
}
memory_count_is() {
  local n
  n=$(grep -oE '^Memory\[[0-9]+\]' "$work/$1.dump" | tr -dc 0-9)
  if [ "${n:-0}" = "$2" ]; then pass "$1: $2 memories defined"
  else fail "$1: $2 memories defined" "got ${n:-0}"; fi
}

O=$obj
NOENTRY=(--no-entry)

# ---------------------------------------------------------------------------
echo "== two objects with overlapping memories (1,3 and 2,3), with _start"
if expect_ok ab "$O/mm_a.o" "$O/mm_b.o" "$O/start.o" --export=load1 \
    --export=store3 --export=size3 --export=grow1 --export=copy3to1 \
    --export=fill3 --export=counter0 --export=b_store2; then
  memory_count_is ab 4
  memory_is ab 0 "initial=2"
  memory_is ab 1 "initial=1"
  memory_is ab 2 "initial=1"
  memory_is ab 3 "initial=1"
  export_is ab 0 memory
  export_is ab 1 memory1
  export_is ab 2 memory2
  export_is ab 3 memory3
  in_func ab load1 'i32\.load 2 1 4$' "load on memory 1, offset 4"
  in_func ab load1 '28 42 81 80 80 80 00 04' "memory index stays a 5-byte ULEB"
  in_func ab store3 'i32\.store 2 3 0$' "object index 2 -> memory 3"
  in_func ab size3 'memory\.size 3$'
  in_func ab grow1 'memory\.grow 1$'
  in_func ab copy3to1 'memory\.copy 1 3$' "memory.copy dst 1, src 3"
  in_func ab fill3 'memory\.fill 3$'
  in_func ab counter0 'i32\.load 2 [0-9]+$' "default-memory load unchanged"
  in_func ab counter0 'i32\.const 1024$' "memory-0 data address relocated"
  in_func ab mixed 'i32\.load 2 1 0$' "mixed: memory 1"
  in_func ab mixed 'i32\.load 2 3 0$' "mixed: memory 3"
  in_func ab mixed 'call [0-9]+ <b_sum>' "mixed: call relocated"
  in_func ab mixed 'i32\.load8_u 0 0$' "mixed: memory 0 byte load"
  in_func ab b_sum 'i32\.load 2 2 0$' "b: object index 1 -> memory 2"
  in_func ab b_sum 'i32\.load 2 3 8$' "b: object index 2 -> memory 3"
  in_func ab b_store2 'i32\.store 2 2 0$'
  has ab '\[\+\] multimemory' "target_features has multimemory"
  hasnt ab 'mmcc\.memories' "no mmcc.memories section in the output"
fi

echo "== an object using only memory 3 (object index 1), plus a gap"
if expect_ok c "${NOENTRY[@]}" "$O/mm_c.o" --export=c_load3 --export=c_size3; then
  memory_count_is c 4
  memory_is c 1 "initial=0"
  memory_is c 2 "initial=0"
  memory_is c 3 "initial=1"
  export_is c 1 ""
  export_is c 2 ""
  export_is c 3 memory3
  in_func c c_load3 'i32\.load 2 3 16$' "object index 1 -> memory 3"
  in_func c c_size3 'memory\.size 3$'
fi

echo "== memories 1 and 3 used, 2 is a private 0-page gap"
if expect_ok a_gap "$O/mm_a.o" "$O/mm_stub_b.o" "$O/start.o"; then
  memory_count_is a_gap 4
  memory_is a_gap 2 "initial=0"
  export_is a_gap 2 ""
  export_is a_gap 1 memory1
  export_is a_gap 3 memory3
fi

echo "== three objects sharing memory 3"
if expect_ok abc "$O/mm_a.o" "$O/mm_b.o" "$O/mm_c.o" "$O/start.o" --export=c_load3; then
  in_func abc c_load3 'i32\.load 2 3 16$'
  in_func abc b_sum 'i32\.load 2 3 8$'
fi

echo "== declarations in objects"
if expect_ok decl "${NOENTRY[@]}" --export-all "$O/mm_decl.o" "$O/mm_decl2.o"; then
  memory_count_is decl 7
  memory_is decl 1 "initial=0"
  memory_is decl 2 "initial=2 max=8"
  memory_is decl 3 "initial=0"
  memory_is decl 4 "initial=0"
  memory_is decl 5 "initial=1 max=16 shared"
  memory_is decl 6 "initial=3"
  export_is decl 2 heap2
  export_is decl 4 ""
  export_is decl 5 memory5
  export_is decl 6 memory6
  in_func decl d_atomic5 'i32\.atomic\.load 2 5 0$' "atomic load on memory 5"
  in_func decl d2_load6 'i32\.load 2 6 0$'
fi

echo "== --mm-memory overrides the objects"
if expect_ok cmd "${NOENTRY[@]}" --export-all "$O/mm_decl.o" "$O/mm_decl2.o" \
    --mm-memory=2:min=4,max=20,export=two --mm-memory=4:export=four \
    --mm-memory=6:private --mm-memory=2:max=30 --mm-memory=8:min=2 \
    --mm-memory=1:max=5,shared --mm-memory=5:export=five \
    --mm-memory=5:private; then
  memory_count_is cmd 9
  memory_is cmd 1 "initial=1 max=5 shared"
  memory_is cmd 2 "initial=4 max=30"
  memory_is cmd 4 "initial=0"
  memory_is cmd 6 "initial=3"
  memory_is cmd 7 "initial=0"
  memory_is cmd 8 "initial=2"
  export_is cmd 1 memory1
  export_is cmd 2 two
  export_is cmd 4 four
  export_is cmd 6 ""
  export_is cmd 8 memory8
  export_is cmd 5 ""
fi
if expect_ok cmd_resolves "${NOENTRY[@]}" --export-all "$O/mm_decl.o" \
    "$O/bad_export_conflict.o" --mm-memory=2:export=agreed; then
  export_is cmd_resolves 2 agreed
fi

echo "== --compress-relocations"
if expect_ok compress --compress-relocations --strip-debug "$O/mm_a.o" \
    "$O/mm_b.o" "$O/start.o" --export=load1 --export=copy3to1; then
  in_func compress load1 '28 42 01 04 ' "memory index compressed to 1 byte"
  in_func compress load1 'i32\.load 2 1 4$'
  in_func compress copy3to1 'fc 0a 01 03 ' "memory.copy indices compressed"
  in_func compress b_sum 'i32\.load 2 3 8$'
fi

echo "== --import-memory: memory 0 imported, the others defined"
if expect_ok import "${NOENTRY[@]}" --import-memory "$O/mm_c.o" --export=c_load3; then
  has import '^ - memory\[0\] pages: initial=[0-9]+ <- env\.memory$' "memory 0 imported"
  memory_count_is import 3
  memory_is import 3 "initial=1"
  export_is import 3 memory3
  in_func import c_load3 'i32\.load 2 3 16$'
fi

echo "== -pie"
if expect_ok pie "${NOENTRY[@]}" --experimental-pic -pie "$O/mm_c.o" --export=c_load3; then
  memory_is pie 3 "initial=1"
  export_is pie 3 memory3
  in_func pie c_load3 'i32\.load 2 3 16$'
fi

echo "== --gc-sections drops unused functions, memories stay"
if expect_ok gc "${NOENTRY[@]}" "$O/mm_a.o" "$O/mm_b.o" --export=size3; then
  hasnt gc '<load1>:' "load1 removed"
  in_func gc size3 'memory\.size 3$'
  memory_count_is gc 4
fi

echo "== archives: a member is linked (and its memories defined) once extracted"
rm -f "$work/libmm.a"
if llvm-ar-19 rcs "$work/libmm.a" "$O/mm_b.o" "$O/mm_c.o" 2>/dev/null; then
  if expect_ok ar "$O/mm_a.o" "$O/start.o" "$work/libmm.a"; then
    in_func ar b_sum 'i32\.load 2 2 0$'
    hasnt ar '<c_load3>' "unused member not linked"
  fi
else
  fail "llvm-ar-19 not available"
fi

echo "== running the linked module (wabt's interpreter, multi-memory enabled)"
# run NAME: run all exports of NAME.wasm, compare with the expected results.
run() {
  local got want
  want='t_isolation() => i32:5333111
t_size() => i32:110
t_grow() => i32:13
t_copy() => i32:16909060
t_fill() => i32:2880154539'
  got=$(wasm-interp --enable-multi-memory --run-all-exports "$work/$1.wasm" 2>&1 | grep '^t_')
  if [ "$got" = "$want" ]; then pass "$1: runs with the expected results"
  else fail "$1: run results" "$(diff <(echo "$want") <(echo "$got"))"; fi
}
if command -v wasm-interp >/dev/null; then
  expect_ok run "${NOENTRY[@]}" --export-all "$O/mm_run.o" && run run
  expect_ok run_compress "${NOENTRY[@]}" --export-all --compress-relocations \
    --strip-all "$O/mm_run.o" && run run_compress
  expect_ok run_import "${NOENTRY[@]}" --export-all --import-memory \
    "$O/mm_run.o" && in_func run_import t_size 'memory\.size 3$'
else
  echo "SKIP: wasm-interp not found"
fi

# ---------------------------------------------------------------------------
echo "== plain single-memory links are byte-identical to stock wasm-ld"
# same NAME ARGS...: the patched and the stock linker give identical modules.
# Both write a file of the same name (the name section holds it).
mkdir -p "$work/new" "$work/old"
same() {
  local name=$1; shift
  if ! "$LD" -o "$work/new/$name.wasm" "$@" >"$work/new/$name.log" 2>&1; then
    fail "$name: patched link failed" "$(cat "$work/new/$name.log")"; return
  fi
  if ! "$STOCK" -o "$work/old/$name.wasm" "$@" >"$work/old/$name.log" 2>&1; then
    fail "$name: stock link failed" "$(cat "$work/old/$name.log")"; return
  fi
  if cmp -s "$work/new/$name.wasm" "$work/old/$name.wasm"; then
    pass "$name: identical to stock wasm-ld ($(stat -c %s "$work/new/$name.wasm") bytes)"
  else
    fail "$name: differs from stock wasm-ld"
  fi
}
same plain "${NOENTRY[@]}" "$O/plain.o" --export=plain_get --export=plain_set
same plain_all "${NOENTRY[@]}" --export-all "$O/plain.o"
same plain_compress "${NOENTRY[@]}" --compress-relocations --strip-debug \
  --export=plain_get "$O/plain.o"
same plain_import "${NOENTRY[@]}" --import-memory --initial-memory=131072 \
  --max-memory=1048576 --export=plain_get "$O/plain.o"
same plain_r -r "$O/plain.o"
same plain_emit "${NOENTRY[@]}" --emit-relocs --export=plain_set "$O/plain.o"
if command -v "$CLANG" >/dev/null; then
  cat >"$work/c1.c" <<'EOF'
static int table[64] = {1, 2, 3};
int counter;
int get(int i) { return table[i & 63] + counter; }
void set(int i, int v) { table[i & 63] = v; counter++; }
const char *name(void) { return "plain"; }
EOF
  cat >"$work/hello.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  char *p = malloc(100);
  snprintf(p, 100, "hello %d", argc);
  puts(p);
  free(p);
  return 0;
}
EOF
  if "$CLANG" --target=wasm32 -O2 -c "$work/c1.c" -o "$work/c1.o" 2>"$work/c1.log"; then
    same c_plain "${NOENTRY[@]}" --export-all "$work/c1.o"
    same c_gc "${NOENTRY[@]}" --export=get --gc-sections --strip-all "$work/c1.o"
    same c_shared_mem "${NOENTRY[@]}" --export=get --shared-memory \
      --max-memory=1048576 --no-check-features "$work/c1.o"
    if "$CLANG" --target=wasm32 -O2 -fPIC -c "$work/c1.c" -o "$work/c1pic.o"; then
      same c_pie "${NOENTRY[@]}" --experimental-pic -pie --export=get "$work/c1pic.o"
      same c_so --experimental-pic -shared "$work/c1pic.o"
    fi
  else
    fail "clang-19 -c failed" "$(cat "$work/c1.log")"
  fi
  # A whole WASI program with libc, through the clang driver.
  if [ -d /usr/lib/wasm32-wasi ] && "$CLANG" --target=wasm32-wasi -O2 -c \
      "$work/hello.c" -o "$work/hello.o" 2>"$work/hello.log"; then
    for l in new old; do
      if [ $l = new ] ; then ld=$LD; else ld=$STOCK; fi
      "$CLANG" --target=wasm32-wasi --ld-path="$ld" "$work/hello.o" \
        -o "$work/$l/hello.wasm" >"$work/$l/hello.log" 2>&1 ||
        fail "hello: $l link" "$(cat "$work/$l/hello.log")"
    done
    if cmp -s "$work/new/hello.wasm" "$work/old/hello.wasm"; then
      pass "hello (wasi-libc): identical to stock wasm-ld ($(stat -c %s "$work/new/hello.wasm") bytes)"
    else
      fail "hello (wasi-libc): differs from stock wasm-ld"
    fi
  else
    echo "SKIP: wasi-libc hello world (no wasi-libc or clang failed)"
  fi
else
  echo "SKIP: clang-compiled plain objects (no $CLANG)"
fi

# ---------------------------------------------------------------------------
echo "== malformed or unsupported objects"
M="malformed mmcc.memories section"
expect_error e_version "bad_version.o: $M: unsupported version 2 (expected 1)" \
  "${NOENTRY[@]}" "$O/bad_version.o"
expect_error e_truncated "bad_truncated.o: $M: truncated" "${NOENTRY[@]}" "$O/bad_truncated.o"
expect_error e_trailing "bad_trailing.o: $M: unexpected data after the relocations" \
  "${NOENTRY[@]}" "$O/bad_trailing.o"
expect_error e_offset "bad_offset.o: $M: memory index relocation at offset 100000 is outside the code section" \
  "${NOENTRY[@]}" "$O/bad_offset.o"
expect_error e_index "bad_index.o: $M: memory index relocation at offset" \
  "${NOENTRY[@]}" "$O/bad_index.o"
expect_error e_index2 "uses memory index 2, which is not declared" \
  "${NOENTRY[@]}" "$O/bad_index.o"
expect_error e_bytes "bad_bytes.o: $M: code offset" "${NOENTRY[@]}" "$O/bad_bytes.o"
expect_error e_unsorted "bad_unsorted.o: $M: memory index relocations are not sorted" \
  "${NOENTRY[@]}" "$O/bad_unsorted.o" "$O/mm_stub_b.o"
expect_error e_named "bad_named.o: memory 'frame': named memories are not supported yet" \
  "${NOENTRY[@]}" "$O/bad_named.o"
expect_error e_import "bad_import.o: memory 7: imported memories are not supported yet" \
  "${NOENTRY[@]}" "$O/bad_import.o"
expect_error e_data "bad_data_segment.o: data segment 0 (.data.in_mem3) is in memory index 1" \
  "${NOENTRY[@]}" "$O/bad_data_segment.o"
expect_error e_nosection "bad_no_section.o: uses 2 memories but has no mmcc.memories section" \
  "${NOENTRY[@]}" "$O/bad_no_section.o"
expect_error e_flags "bad_flags.o: $M: unknown flags 0x100 for memory 3" \
  "${NOENTRY[@]}" "$O/bad_flags.o"
expect_error e_key0 "bad_key0.o: $M: key 0 is the default memory" \
  "${NOENTRY[@]}" "$O/bad_key0.o"
expect_error e_undeclared "bad_undeclared_import.o: $M: memory index 2 is not declared" \
  "${NOENTRY[@]}" "$O/bad_undeclared_import.o"
expect_error e_relocatable "mm_c.o: multi-memory objects (mmcc.memories) cannot be linked with -r or --emit-relocs yet" \
  -r "$O/mm_c.o"
expect_error e_emit_relocs "cannot be linked with -r or --emit-relocs yet" \
  "${NOENTRY[@]}" --emit-relocs "$O/mm_c.o"
expect_error e_shared "mm_c.o: multi-memory objects (mmcc.memories) cannot be linked with -shared yet" \
  --experimental-pic -shared "$O/mm_c.o"

echo "== damaged mmcc.memories sections: a clean error or a valid module, never a crash"
n=0; bad=""
for f in "$O"/fuzz/*.o; do
  n=$((n + 1))
  base=$(basename "$f" .o)
  "$LD" --no-entry --export-all -o "$work/fuzz.wasm" "$f" "$O/mm_b.o" >"$work/fuzz.log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    wasm-validate --enable-multi-memory "$work/fuzz.wasm" >/dev/null 2>&1 ||
      bad="$bad $base(invalid-module)"
  elif [ $rc -ne 1 ] || ! grep -q "^wasm-ld: error: " "$work/fuzz.log" ||
       grep -q "Stack dump\|PLEASE submit" "$work/fuzz.log"; then
    bad="$bad $base(exit-$rc)"
  fi
  rm -f "$work/fuzz.wasm"
done
if [ -z "$bad" ]; then pass "$n damaged sections handled cleanly"
else fail "damaged sections:$bad"; fi
if grep -q "trunc_" <<<"$(ls "$O/fuzz")"; then
  n=0; bad=""
  for f in "$O"/fuzz/trunc_*.o; do
    n=$((n + 1))
    if "$LD" --no-entry -o "$work/fuzz.wasm" "$f" "$O/mm_b.o" >"$work/fuzz.log" 2>&1 ||
       ! grep -q "malformed mmcc.memories section" "$work/fuzz.log"; then
      bad="$bad $(basename "$f" .o)"
    fi
  done
  if [ -z "$bad" ]; then pass "all $n truncations of a section are reported as malformed"
  else fail "truncations not reported:$bad"; fi
fi

echo "== conflicting declarations"
expect_error e_export_conflict "memory 2 is exported as 'heap2' by" \
  "${NOENTRY[@]}" "$O/mm_decl.o" "$O/bad_export_conflict.o"
expect_error e_private_conflict "memory 2 is private in" \
  "${NOENTRY[@]}" "$O/mm_decl.o" "$O/bad_private_conflict.o"
expect_error e_shared_atomics "'atomics' feature must be used in order to use shared memory 2" \
  "${NOENTRY[@]}" "$O/bad_shared_no_atomics.o"
expect_error e_shared_nomax "memory 2: a shared memory needs a maximum size" \
  "${NOENTRY[@]}" "$O/bad_shared_no_max.o"
expect_error e_max_lt_min "memory 2: maximum of 3 pages (from" \
  "${NOENTRY[@]}" "$O/bad_max_lt_min.o"
expect_error e_dup_export "duplicate export name 'memory' (memory 3)" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:export=memory
expect_error e_dup_export_fn "duplicate export name 'c_load3'" \
  "${NOENTRY[@]}" "$O/mm_c.o" --export=c_load3 --mm-memory=1:export=c_load3

echo "== bad --mm-memory flags"
expect_error f_zero "--mm-memory=0:min=1: memory 0 is the default memory; use --initial-memory, --max-memory and --export-memory for it" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=0:min=1
expect_error f_max_lt_min "memory 3: maximum of 2 pages (from --mm-memory) is less than the minimum of 4 pages (from --mm-memory)" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:min=4,max=2
expect_error f_max_lt_default "memory 3: maximum of 0 pages" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:max=0,min=1
expect_error f_shared_nomax "memory 3: a shared memory needs a maximum size" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:shared
expect_error f_unknown "--mm-memory=3:big: unknown option 'big'" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:big
expect_error f_bad_pages "--mm-memory=3:min=12x: invalid number of pages '12x' for min" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:min=12x
expect_error f_neg_pages "invalid number of pages '-1' for max" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:max=-1
expect_error f_no_value "invalid number of pages '' for min" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:min
expect_error f_bad_number "--mm-memory=x:min=1: invalid memory number 'x'" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=x:min=1
expect_error f_no_colon "--mm-memory=3: expected <N>:<option>[,<option>...]" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3
expect_error f_empty_export "--mm-memory=3:export=: empty export name" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:export=
expect_error f_too_big "memory 3: maximum of 70000 pages (from --mm-memory) is more than 65536 pages" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=3:max=70000
expect_error f_relocatable "-r and --mm-memory may not be used together" \
  -r "$O/plain.o" --mm-memory=1:min=1
expect_error f_shared "-shared and --mm-memory may not be used together" \
  --experimental-pic -shared "$O/plain.o" --mm-memory=1:min=1
expect_error f_number_too_big "memory 70000: memory numbers above 65535 are not supported" \
  "${NOENTRY[@]}" "$O/mm_c.o" --mm-memory=70000:min=1

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
