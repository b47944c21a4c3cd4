// Found by tests/gen/run.py (seed 2 of generator version 1), reduced by hand.
// mm_malloc traps when memory N's static data ends less than the size of
// the heap's state (struct heap in runtime/memory/heap.c, about 3.2 KB)
// before a 64 KiB boundary: the linker sizes memory N for its static data
// only (1 page here), the heap's state goes right after the data
// (__mmcc_heap_base_2), and the allocator writes it without growing the
// memory first.
//
//   .build/bin/mmcc -O0 heap_state_past_memory_end.c -o a.wasm && .build/bin/mmtool run a.wasm
//   -> trap: out of bounds memory access (memory fault at 0x10004 in memory 2, size 0x10000)
//   plain clang-19 (the oracle build): prints "5 1"
//
// With the linker's stagger (memory N's data starts (N * 4160) mod 65536 +
// 16 bytes in), any static data at all in memory 15, 31 or 47 is enough:
// e.g. `__memory(15) uint64_t x = 1;` and mm_malloc(15, 16).
#include <mmcc.h>
#include <stdint.h>
#include <stdio.h>

/* memory 2's data starts at 8352 (16 + the stagger of 8336); this array
 * ends 100 bytes before 64 KiB */
__memory(2) uint8_t big[65536 - 8352 - 100] = {1};

int main(void) {
    __memory(2) uint8_t *h = mm_malloc(2, 16);
    if (!h)
        return 9;
    h[0] = 5;
    printf("%u %u\n", h[0], big[0]);
    return 0;
}
