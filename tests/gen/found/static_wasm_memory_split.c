/* Fixed in 1a96c1f (src/ir/wasm_memory.rs); kept as a regression case. */
// Found by tests/gen/run.py (seed 194 of generator version 1, -O2
// -msimd128), reduced by hand.
// A `static` __wasm_memory array is split by LLVM's global optimizer (SRA of
// an internal global) into one global per element used with a constant
// index (w.1, w.3); mmcc makes each a memory of its own (`mmtool inspect`:
// two memories named `w`, one with no instructions), but compiles every
// access to the same memory at the same address: w[1] and w[3] become one
// location. -O0 is right; -O2 (and -Os, -Oz) print "7 7 70007". Without
// `static` the array is not split and all levels are right.
//
//   .build/bin/mmcc -O2 static_wasm_memory_split.c -o a.wasm && .build/bin/mmtool run a.wasm
//   -> 7 7 70007
//   plain clang-19 (the oracle build), and mmcc -O0: 5 7 50007
#include <mmcc.h>
#include <stdint.h>
#include <stdio.h>

static __wasm_memory uint64_t w[4];
volatile uint64_t input = 5;

__attribute__((noinline)) static void put(void) {
    w[1] = input;
    w[3] = input + 2;
}

int main(void) {
    put();
    uint64_t sum = 0;
    for (int i = 0; i < 4; i++)
        sum = sum * 100 + w[i];
    printf("%llu %llu %llu\n", (unsigned long long)w[1], (unsigned long long)w[3], (unsigned long long)sum);
    return 0;
}
