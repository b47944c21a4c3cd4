// mmcc-flags: -matomics
// multi-flags: --memory=2:shared,max=16
// A shared memory 2 (declared on the command line) with atomics and
// wait/notify; memory.grow respects its maximum.
#include <stdio.h>
#include <stdatomic.h>
#include <mmcc.h>

__memory(2) _Atomic int counter;
__memory(2) int mailbox[4];

int main(void) {
    for (int i = 0; i < 10; i++)
        atomic_fetch_add(&counter, 2);
    mailbox[1] = 99;
    int woken = mm_atomic_notify(2, &mailbox[0], 1);
#ifdef MMCC_MULTI_MEMORY
    /* The value differs, so wait returns 1 ("not-equal") at once. */
    int waited = mm_atomic_wait32(2, &mailbox[1], 0, 1000);
    int grown = mm_memory_grow(2, 100);   /* past max=16 pages: -1 */
#else
    /* The plain build's memory 0 cannot be shared (Debian's wasi-libc is
     * built without atomics), and a wait traps on unshared memory. */
    int waited = 1, grown = -1;
#endif
    printf("counter %d woken %d waited %d grow past max %d\n", atomic_load(&counter), woken, waited, grown);
    return 0;
}
