/* Threads sharing memory 2: each thread is its own instance of this module
 * (its own default memory, with its own C stack), and all import the same
 * shared memory 2 (tests/threads.rs is the host). They count with atomics
 * and pass messages through a one-slot mailbox with wait/notify. */
#include <mmcc.h>
#include <stdatomic.h>

/* Fixed places in the shared memory (no variables: the host's memory is
 * not initialized by the module). */
#define COUNTER ((__memory(2) _Atomic unsigned *)64)
#define MAIL_STATE ((__memory(2) _Atomic int *)128)   /* 0 empty, 1 full */
#define MAIL_VALUE ((__memory(2) _Atomic unsigned *)132)
#define RECEIVED ((__memory(2) _Atomic unsigned long long *)136)

__attribute__((export_name("count")))
int count(int times) {
    for (int i = 0; i < times; i++)
        atomic_fetch_add(COUNTER, 1);
    return 0;
}

__attribute__((export_name("send")))
int send(int messages) {
    for (int i = 1; i <= messages; i++) {
        while (atomic_load(MAIL_STATE) != 0)
            mm_atomic_wait32(2, MAIL_STATE, 1, -1);
        atomic_store(MAIL_VALUE, (unsigned)i * 3u);
        atomic_store(MAIL_STATE, 1);
        mm_atomic_notify(2, MAIL_STATE, 1);
    }
    return 0;
}

__attribute__((export_name("receive")))
int receive(int messages) {
    for (int i = 0; i < messages; i++) {
        while (atomic_load(MAIL_STATE) != 1)
            mm_atomic_wait32(2, MAIL_STATE, 0, -1);
        atomic_fetch_add(RECEIVED, atomic_load(MAIL_VALUE));
        atomic_store(MAIL_STATE, 0);
        mm_atomic_notify(2, MAIL_STATE, 1);
    }
    return 0;
}

/* The heap of memory 3 (imported, shared) used by all threads at once.
 * Each thread keeps up to 32 blocks of its own, fills each with a pattern
 * of (thread, block) and checks it before freeing; a block handed out twice
 * or overwritten by another thread's block shows up as a broken pattern. */
#define HEAP_FAILURES ((__memory(2) _Atomic unsigned *)192)
#define HEAP_OPERATIONS ((__memory(2) _Atomic unsigned *)196)

static unsigned char heap_pattern(int thread, unsigned serial, unsigned i) {
    return (unsigned char)(thread * 31 + serial * 7 + i);
}

__attribute__((export_name("heap_work")))
int heap_work(int thread) {
    enum { SLOTS = 32, ROUNDS = 4000 };
    __memory(3) unsigned char *block[SLOTS] = {0};
    unsigned size[SLOTS] = {0}, serial[SLOTS] = {0};
    unsigned random = 2463534242u + (unsigned)thread * 7919u, failures = 0;
    for (unsigned round = 0; round < ROUNDS; round++) {
        random ^= random << 13, random ^= random >> 17, random ^= random << 5;
        int s = (int)(random % SLOTS);
        if (block[s]) {
            for (unsigned i = 0; i < size[s]; i++)
                failures += block[s][i] != heap_pattern(thread, serial[s], i);
            mm_free(3, block[s]);
            block[s] = 0;
        } else {
            size[s] = 8 + (random >> 8) % 2000;
            serial[s] = round;
            block[s] = mm_malloc(3, size[s]);
            if (!block[s]) {
                failures++;
                continue;
            }
            for (unsigned i = 0; i < size[s]; i++)
                block[s][i] = heap_pattern(thread, serial[s], i);
        }
    }
    for (int s = 0; s < SLOTS; s++)
        if (block[s]) {
            for (unsigned i = 0; i < size[s]; i++)
                failures += block[s][i] != heap_pattern(thread, serial[s], i);
            mm_free(3, block[s]);
        }
    atomic_fetch_add(HEAP_FAILURES, failures);
    atomic_fetch_add(HEAP_OPERATIONS, ROUNDS);
    return 0;
}

/* After every thread freed everything: one block of nearly the whole
 * memory must fit (the heap coalesced it all back). */
__attribute__((export_name("heap_all_free")))
int heap_all_free(int unused) {
    (void)unused;
    __memory(3) void *big = mm_malloc(3, (unsigned)mm_memory_bytes(3) - 4096);
    mm_free(3, big);
    return big != 0;
}
