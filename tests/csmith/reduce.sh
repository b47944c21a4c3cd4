#!/usr/bin/env bash
# Reduces a failing csmith seed of tests/csmith/run.py with creduce.
#
#   tests/csmith/reduce.sh SEED [--opt -O2] [--mmcc PATH] [--out DIR] [--jobs N]
#                               [--file FILE.c]
#
# Makes the seed's program as run.py does (same csmith options, same
# optimization level unless --opt), or takes FILE.c (e.g. a program kept by
# run.py --keep, or one reduced by hand); finds how it fails and reduces it
# with creduce (Debian's creduce; installed with apt-get if missing) while
# the failure stays the same:
#
#   output  plain clang-19 (memory 0) and mmcc --in-memory=3 both build it and
#           both runs finish, on the engine where they disagree (wasmtime or
#           V8), but print different things or exit differently.  Reduction
#           must not bring in undefined behaviour (two memory layouts differ
#           on such a program for no fault of mmcc's), so a candidate is
#           kept only if, besides: clang and gcc see none of the warnings
#           that usually mean undefined behaviour (-Werror=uninitialized ...),
#           it runs clean natively under ASan+UBSan and under MSan, the
#           native output is the plain build's (when it was so for the
#           original), the plain build at -O0 prints the same as at the
#           level under test, and the plain build with UBSan in trap mode
#           runs to the same end.
#   build   plain clang builds it and mmcc fails with the same first error
#           line (locations and numbers aside).
#
# Everything lands in DIR/seed-SEED (default /tmp/mmcc-csmith-reduce):
# prog.c (the original), small.c (the reduction, updated as creduce goes),
# interesting.sh (creduce's test; `cd DIR/seed-SEED && ./interesting.sh`
# says 0 on small.c while it still fails), config.sh, repro.sh
# (`./repro.sh small.c` builds and runs it both ways on both engines).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2,6p' "$0" >&2; exit 2; }

seed=
opt=
mmcc=
out=/tmp/mmcc-csmith-reduce
jobs=$(nproc 2>/dev/null || echo 1)
file=
while [ $# -gt 0 ]; do
  case $1 in
    --opt) opt=$2; shift 2 ;;
    --mmcc) mmcc=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --file) file=$(realpath "$2"); shift 2 ;;
    -h|--help) usage ;;
    -*) echo "reduce.sh: unknown option $1" >&2; usage ;;
    *) [ -z "$seed" ] || usage; seed=$1; shift ;;
  esac
done
[[ "$seed" =~ ^[0-9]+$ ]] || usage

if ! command -v creduce >/dev/null; then
  echo "creduce is missing; installing Debian's creduce" >&2
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y creduce >/dev/null ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y creduce >/dev/null; }
  fi
  command -v creduce >/dev/null ||
    { echo "error: creduce is not installed (as root: apt-get install -y creduce)" >&2; exit 2; }
fi

mkdir -p "$out"
out=$(realpath "$out")
emit=(python3 "$here/run.py" --seeds "$seed" --emit "$out")
[ -n "$opt" ] && emit+=("--opt=$opt")
[ -n "$mmcc" ] && emit+=(--mmcc "$mmcc")
case_dir=$out/seed-$seed
rm -rf "$case_dir"
"${emit[@]}" >/dev/null || exit 2
[ -n "$file" ] && cp "$file" "$case_dir/prog.c"
cd "$case_dir" || exit 2
. ./config.sh
echo "seed $SEED $OPT: $case_dir"

# --- how does it fail? ------------------------------------------------------

run_on() {  # engine wasm -> stdout in $3, returns the exit code (124: timeout)
  local engine=$1 wasm=$2 dest=$3
  if [ "$engine" = wasmtime ]; then
    timeout -k 2 "$TIMEOUT" "$MMTOOL" run "$wasm" -- 1 >"$dest" 2>/dev/null
  else
    timeout -k 2 "$TIMEOUT" "$NODE" "$RUN_MJS" "$wasm" 1 >"$dest" 2>/dev/null
  fi
}

wasm_flags=(--target=wasm32-wasi -fuse-ld=lld -mbulk-memory)
"$CLANG" "${wasm_flags[@]}" $OPT -w -I"$CSMITH_INC" prog.c -o plain.wasm ||
  { echo "plain clang does not build it: nothing to reduce" >&2; exit 1; }

mode=
signature=
engine=
plain_rc=
mm_rc=
if ! "$MMCC" $OPT --in-memory=3 -w -I"$CSMITH_INC" prog.c -o mm.wasm 2>mm.err; then
  mode=build
  # The first error line, without its location; numbers made wildcards later.
  signature=$(grep -m1 -E 'error|panicked|Assertion|Segmentation' mm.err |
              sed -E 's/^[^ :]*:[0-9]+:[0-9]+: //')
  [ -n "$signature" ] || signature=$(grep -m1 . mm.err)
  echo "mmcc does not build it: $signature"
else
  for e in wasmtime v8; do
    run_on $e plain.wasm plain.out; prc=$?
    run_on $e mm.wasm mm.out; mrc=$?
    if [ $prc = 124 ] || [ $prc = 137 ]; then
      echo "the plain build does not finish on $e within $TIMEOUT s" >&2; exit 1
    fi
    if [ $mrc = 124 ] || [ $mrc = 137 ]; then
      echo "note: the mmcc build does not finish on $e within $TIMEOUT s; reducing" \
           "needs both to finish (raise TIMEOUT in $case_dir/config.sh?)" >&2
      continue
    fi
    if [ $prc != $mrc ] || ! cmp -s plain.out mm.out; then
      mode=output engine=$e plain_rc=$prc mm_rc=$mrc
      echo "they disagree on $e: plain exit $prc, $(grep '^checksum' plain.out);" \
           "mmcc exit $mrc, $(grep '^checksum' mm.out || echo 'no checksum')"
      break
    fi
  done
  [ -n "$mode" ] || { echo "seed $SEED agrees on both engines: nothing to reduce" >&2; exit 1; }
fi

# --- the guards against undefined behaviour, checked on the original -------

clang_werror="-Werror=uninitialized -Werror=sometimes-uninitialized
  -Werror=conditional-uninitialized -Werror=return-type -Werror=implicit-int
  -Werror=implicit-function-declaration -Werror=int-conversion
  -Werror=incompatible-pointer-types -Werror=array-bounds
  -Werror=array-bounds-pointer-arithmetic -Werror=division-by-zero
  -Werror=unsequenced -Werror=null-dereference -Werror=shift-count-overflow
  -Werror=shift-count-negative -Werror=shift-negative-value
  -Werror=integer-overflow -Werror=return-stack-address -Werror=dangling
  -Werror=main-return-type -Werror=incompatible-pointer-types-discards-qualifiers
  -Werror=int-to-pointer-cast -Werror=pointer-to-int-cast -Werror=excess-initializers
  -Werror=format -Werror=empty-body"
gcc_werror="-Wall -Wextra -Werror=uninitialized -Werror=maybe-uninitialized
  -Werror=return-type -Werror=sequence-point -Werror=array-bounds -Werror=div-by-zero
  -Werror=implicit-int -Werror=implicit-function-declaration -Werror=int-conversion
  -Werror=incompatible-pointer-types -Werror=init-self -Werror=return-local-addr
  -Werror=shift-count-overflow -Werror=shift-negative-value -Werror=stringop-overflow
  -Werror=aggressive-loop-optimizations"
native_same=0
if [ $mode = output ]; then
  if ! "$CLANG" -fsyntax-only -I"$CSMITH_INC" $clang_werror prog.c >/dev/null 2>&1; then
    echo "warning: the original already has UB-like clang warnings; that guard is off" >&2
    clang_werror=
  fi
  gcc -c -O1 -o /dev/null -I"$CSMITH_INC" $gcc_werror prog.c >/dev/null 2>&1 || {
    echo "warning: the original already has UB-like gcc warnings (or no gcc); that guard is off" >&2
    gcc_werror=; }
  "$CLANG" -O1 -w -g -fsanitize=address,undefined -fno-sanitize-recover=all \
      -I"$CSMITH_INC" prog.c -o native 2>/dev/null &&
    ASAN_OPTIONS=detect_leaks=0 timeout -k 2 "$TIMEOUT" ./native 1 >native.out 2>/dev/null ||
    { echo "the original is not clean under ASan+UBSan natively: not a case to reduce" >&2; exit 1; }
  cmp -s native.out plain.out && [ "$plain_rc" = 0 ] && native_same=1
  echo "native output is the plain build's: $([ $native_same = 1 ] && echo yes || echo no)"
fi

# --- creduce's test ----------------------------------------------------------

sig_re=$(printf '%s' "$signature" | sed -E 's/[][\.*^$+?(){}|/]/\\&/g; s/[0-9]+/[0-9]+/g')
cat >interesting.sh <<EOF
#!/usr/bin/env bash
# creduce's interestingness test for seed $SEED ($mode), written by reduce.sh.
# Exit 0: small.c still shows the failure.
. '$case_dir/config.sh'
f=small.c
c="timeout -k 2 120"
W=(${wasm_flags[*]})
\$c "\$CLANG" "\${W[@]}" \$OPT -w -I"\$CSMITH_INC" \$f -o plain.wasm >/dev/null 2>&1 || exit 1
EOF
if [ $mode = build ]; then
  cat >>interesting.sh <<EOF
\$c "\$MMCC" \$OPT --in-memory=3 -w -I"\$CSMITH_INC" \$f -o mm.wasm >/dev/null 2>mm.err && exit 1
grep -qE -- '$sig_re' mm.err
EOF
else
  cat >>interesting.sh <<EOF
run() {  # wasm out
  if [ $engine = wasmtime ]; then
    timeout -k 2 "\$TIMEOUT" "\$MMTOOL" run "\$1" -- 1 >"\$2" 2>/dev/null
  else
    timeout -k 2 "\$TIMEOUT" "\$NODE" "\$RUN_MJS" "\$1" 1 >"\$2" 2>/dev/null
  fi
}
\$c "\$MMCC" \$OPT --in-memory=3 -w -I"\$CSMITH_INC" \$f -o mm.wasm >/dev/null 2>&1 || exit 1
run plain.wasm plain.out; [ \$? = $plain_rc ] || exit 1
run mm.wasm mm.out; rc=\$?
case \$rc in 124|137) exit 1 ;; esac
if [ $mm_rc = 0 ]; then [ \$rc = 0 ] || exit 1; else [ \$rc != 0 ] || exit 1; fi
[ \$rc != $plain_rc ] || ! cmp -s plain.out mm.out || exit 1
# No undefined behaviour brought in by the reduction:
EOF
  [ -n "$clang_werror" ] && echo "\$c \"\$CLANG\" -fsyntax-only -I\"\$CSMITH_INC\" $(echo $clang_werror) \$f >/dev/null 2>&1 || exit 1" >>interesting.sh
  [ -n "$gcc_werror" ] && echo "\$c gcc -c -O1 -o /dev/null -I\"\$CSMITH_INC\" $(echo $gcc_werror) \$f >/dev/null 2>&1 || exit 1" >>interesting.sh
  cat >>interesting.sh <<EOF
\$c "\$CLANG" -O1 -w -fsanitize=address,undefined -fno-sanitize-recover=all -I"\$CSMITH_INC" \$f -o native >/dev/null 2>&1 || exit 1
ASAN_OPTIONS=detect_leaks=0 timeout -k 2 "\$TIMEOUT" ./native 1 >native.out 2>/dev/null || exit 1
if [ $native_same = 1 ]; then cmp -s native.out plain.out || exit 1; fi
\$c "\$CLANG" -O1 -w -fsanitize=memory -fno-sanitize-recover=all -I"\$CSMITH_INC" \$f -o native.msan >/dev/null 2>&1 || exit 1
timeout -k 2 "\$TIMEOUT" ./native.msan 1 >/dev/null 2>&1 || exit 1
\$c "\$CLANG" "\${W[@]}" -O0 -w -I"\$CSMITH_INC" \$f -o plain0.wasm >/dev/null 2>&1 || exit 1
run plain0.wasm plain0.out; [ \$? = $plain_rc ] || exit 1
cmp -s plain0.out plain.out || exit 1
\$c "\$CLANG" "\${W[@]}" -O0 -w -fsanitize=undefined -fsanitize-trap=all -I"\$CSMITH_INC" \$f -o ubsan.wasm >/dev/null 2>&1 || exit 1
run ubsan.wasm ubsan.out; [ \$? = $plain_rc ] || exit 1
cmp -s ubsan.out plain.out || exit 1
exit 0
EOF
fi
chmod +x interesting.sh
cp prog.c small.c
if ! ./interesting.sh; then
  echo "error: the interestingness test does not hold on the original (see $case_dir/interesting.sh)" >&2
  exit 1
fi
rm -f plain*.wasm mm.wasm ubsan.wasm native native.msan *.out mm.err

echo "creduce --n $jobs ./interesting.sh small.c  (in $case_dir; this takes a while)"
start=$(date +%s)
creduce --n "$jobs" ./interesting.sh small.c >creduce.log 2>&1
rc=$?
echo "creduce exit $rc after $(( $(date +%s) - start )) s; log in $case_dir/creduce.log"
./interesting.sh >/dev/null 2>&1 || echo "warning: small.c no longer passes the test" >&2
echo "reduced: $case_dir/small.c ($(wc -l <small.c) lines; the original: $(wc -l <prog.c))"
echo "reproduce: $case_dir/repro.sh small.c"
rm -f plain*.wasm ubsan.wasm native native.msan *.out
exit $rc
