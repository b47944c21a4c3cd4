// The same bug as heap_state_past_memory_end.c, through the stagger alone:
// memory 15's data starts at 15 * 4160 + 16 = 62416, so the heap's state
// after an 8-byte variable crosses the end of memory 15's only page.
//   mmcc: trap (out of bounds memory access in allocate); plain clang: "4 2"
#include <mmcc.h>
#include <stdint.h>
#include <stdio.h>

__memory(15) uint64_t x = 2;

int main(void) {
    __memory(15) uint16_t *h = mm_malloc(15, 16);
    if (!h)
        return 9;
    h[3] = 4;
    printf("%u %u\n", h[3], (unsigned)x);
    return 0;
}
