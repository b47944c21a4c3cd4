/* Fixed in d737f99 (src/ir/lower/integers.rs); kept as a regression case. */
// Found by tests/gen/run.py (seed 51 of generator version 1), reduced by hand.
// A 24-bit bitfield that does not start a 32-bit unit is read by clang as an
// `i24` load; from memory N, mmcc compiles it to `i32.load16_u N offset=1`
// alone: the third byte (clang's `i32.load8_u offset=3`, shifted and or-ed
// in) is lost, at every optimization level. Stores are right (the bytes in
// memory 2 are 56 34 12); only the load is truncated. The other odd-sized
// loads clang makes for bitfields are cut the same way, to the power of two
// at their lowest address: `unsigned char c; unsigned long long b : 40;`
// (i40) reads 0x3456789a for 0x123456789a, `b : 48` (i48) and `b : 56`
// (i56) read only their low 32 bits.
//
//   .build/bin/mmcc -O0 i24_load.c -o a.wasm && .build/bin/mmtool run a.wasm
//   -> 3456        (-O2, -Os: the same)
//   plain clang-19 (the oracle build): 123456
#include <mmcc.h>
#include <stdio.h>

struct a { unsigned char c; unsigned int b : 24; };   /* b: bytes 1..3 */
__memory(2) struct a A = {1, 0x123456};

int main(void) {
    printf("%x\n", A.b);
    return 0;
}
