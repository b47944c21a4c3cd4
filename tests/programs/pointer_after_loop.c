// A pointer into memory 11, kept in memory 26, loaded in a loop and used
// again after it. At -Os LLVM places the loop's exit block, which uses the
// loaded pointer plus a constant, before the loop's body, which loads it:
// the memory-indexing pass lowers instructions in block order, so it split
// the address `cursor + 40` before it replaced the pointer's load, and
// reused that split after erasing the load (mmcc crashed, exit 139, in
// LLVM's verifier; found by the generator at seeds 1587 and 1603,
// docs/generator.md). The seq_cst loads of `weights` keep the pointer's
// load inside the loop.
#include <mmcc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

__memory(11) uint64_t values[8] = {1, 2, 3, 4, 5, 6, 7, 8};
__memory(11) uint64_t *__memory(26) cursor = &values[0];
_Atomic uint32_t weights[2] = {3, 5};

int main(void) {
    uint32_t m = 0;
    for (uint32_t i = 0; i < 19; i++)
        for (uint32_t j = 0; j < 4; j++)
            for (uint32_t k = 0; k < 19; k++)
                m += weights[m & 1] * (uint32_t)cursor[0];
    for (uint32_t i = 0; i < 17; i++)
        cursor[5] = cursor[5] * 3 + 1;
    printf("%u %llu\n", m, (unsigned long long)values[5]);
    return 0;
}
