/* Memory 2 is limited to 16 pages (--memory=2:max=16): allocating until
 * mm_malloc returns NULL must stop at that limit, and freeing everything
 * must let one large block fit again (the heap coalesced it all). */
#include <stdio.h>
#include <mmcc.h>

enum { MAX_BLOCKS = 4096 };
static __memory(2) unsigned char *blocks[MAX_BLOCKS];

int main(void) {
    int n = 0;
    while (n < MAX_BLOCKS && (blocks[n] = mm_malloc(2, 1000)) != 0) {
        for (int i = 0; i < 1000; i++)
            blocks[n][i] = (unsigned char)(n + i);
        n++;
    }
    printf("stopped at NULL: %s\n", n < MAX_BLOCKS ? "yes" : "no");
    printf("memory 2 pages: %d\n", (int)mm_memory_pages(2));
    printf("blocks: at least 1000: %s\n", n >= 1000 ? "yes" : "no");
    int intact = 1;
    for (int b = 0; b < n; b++)
        for (int i = 0; i < 1000; i++)
            intact &= blocks[b][i] == (unsigned char)(b + i);
    printf("contents intact: %s\n", intact ? "yes" : "no");
    printf("too big fails: %s\n", mm_malloc(2, 2u << 20) == 0 ? "yes" : "no");
    for (int b = 0; b < n; b++)
        mm_free(2, blocks[b]);
    __memory(2) unsigned char *big = mm_malloc(2, 900 * 1024);
    printf("900 KiB after freeing everything: %s\n", big ? "yes" : "no");
    mm_free(2, big);
    /* Growing a block at the top of the memory in place. */
    __memory(2) unsigned char *v = mm_malloc(2, 16);
    int moved = 0;
    for (unsigned size = 32; size <= 512 * 1024; size *= 2) {
        __memory(2) unsigned char *w = mm_realloc(2, v, size);
        moved += w != v;
        v = w;
    }
    printf("realloc doubling to 512 KiB: %s\n", v ? "ok" : "failed");
    return 0;
}
