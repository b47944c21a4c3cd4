// A randomized workout of the heaps of memories 2 and 3: malloc, calloc,
// realloc, aligned_alloc, strdup, free and cross-memory copies, with every
// block's contents checked on each access. The plain build maps mm_* to
// the C library's functions in memory 0; both must print the same.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <mmcc.h>

enum { SLOTS = 400, OPS = 30000 };

static uint32_t rng = 0x9e3779b9u;
static uint32_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Mostly small blocks, some up to 64 KiB (log-uniform-ish). */
static uint32_t random_size(void) {
    uint32_t r = next_random();
    uint32_t bits = 3 + r % 14; /* 8 .. 64 KiB */
    if (r & 0x100000)
        bits = 3 + r % 7;       /* favour 8 .. 512 */
    uint32_t size = (next_random() & ((1u << bits) - 1)) + 1;
    return size < 65536 ? size : 65536;
}

static unsigned char pattern(uint32_t seed, uint32_t i) { return (unsigned char)(seed + i * 131u + (i >> 8)); }

static unsigned long checked_bytes, failures;
static unsigned long counts[8];

static void fail(const char *what, int memory, int slot, uint32_t at) {
    if (failures++ < 10)
        printf("MISMATCH %s memory %d slot %d at %u\n", what, memory, slot, at);
}

/* The same operations for each memory. */
#define HEAP_OPS(M)                                                                 \
    static __memory(M) unsigned char *block_##M[SLOTS];                              \
    static uint32_t size_##M[SLOTS], seed_##M[SLOTS];                                \
                                                                                     \
    static void fill_##M(int s, uint32_t from) {                                     \
        for (uint32_t i = from; i < size_##M[s]; i++)                                \
            block_##M[s][i] = pattern(seed_##M[s], i);                               \
    }                                                                                \
    static void verify_##M(int s, uint32_t n) {                                      \
        for (uint32_t i = 0; i < n; i++)                                             \
            if (block_##M[s][i] != pattern(seed_##M[s], i)) {                        \
                fail("content", M, s, i);                                            \
                return;                                                              \
            }                                                                        \
        checked_bytes += n;                                                          \
    }                                                                                \
    static void step_##M(void) {                                                     \
        int s = (int)(next_random() % SLOTS);                                        \
        uint32_t choice = next_random() % 100;                                       \
        if (!block_##M[s]) {                                                         \
            uint32_t n = random_size();                                              \
            if (choice < 55) {                                                       \
                block_##M[s] = mm_malloc(M, n);                                      \
                counts[0]++;                                                         \
            } else if (choice < 75) {                                                \
                block_##M[s] = mm_calloc(M, 1, n);                                   \
                counts[1]++;                                                         \
                for (uint32_t i = 0; block_##M[s] && i < n; i++)                     \
                    if (block_##M[s][i]) {                                           \
                        fail("calloc zero", M, s, i);                                \
                        break;                                                       \
                    }                                                                \
            } else if (choice < 90) {                                                \
                uint32_t align = 16u << (next_random() % 9); /* 16 .. 4096 */        \
                block_##M[s] = mm_aligned_alloc(M, align, n);                        \
                counts[2]++;                                                         \
                if ((uintptr_t)block_##M[s] % align)                                 \
                    fail("alignment", M, s, align);                                  \
            } else {                                                                 \
                /* A string built in memory 0, duplicated into memory M. */          \
                char text[64];                                                       \
                int len = snprintf(text, sizeof text, "block %d of memory %d", s, M);\
                block_##M[s] = (__memory(M) unsigned char *)mm_strdup_to(M, 0, text);                        \
                counts[3]++;                                                         \
                if (mm_strlen(M, (__memory(M) char *)block_##M[s]) != (size_t)len)   \
                    fail("strdup length", M, s, len);                                \
                n = (uint32_t)len + 1;                                               \
            }                                                                        \
            if (!block_##M[s]) {                                                     \
                fail("out of memory", M, s, n);                                      \
                return;                                                              \
            }                                                                        \
            if (mm_usable_size(M, block_##M[s]) < n)                                 \
                fail("usable size", M, s, n);                                        \
            size_##M[s] = n;                                                         \
            seed_##M[s] = next_random();                                             \
            fill_##M(s, 0);                                                          \
            return;                                                                  \
        }                                                                            \
        verify_##M(s, size_##M[s]);                                                  \
        if (choice < 60) {                                                           \
            mm_free(M, block_##M[s]);                                                \
            block_##M[s] = 0;                                                        \
            counts[4]++;                                                             \
        } else {                                                                     \
            uint32_t n = random_size();                                              \
            __memory(M) unsigned char *p = mm_realloc(M, block_##M[s], n);           \
            counts[5]++;                                                             \
            if (!p) {                                                                \
                fail("realloc", M, s, n);                                            \
                return;                                                              \
            }                                                                        \
            block_##M[s] = p;                                                        \
            uint32_t kept = n < size_##M[s] ? n : size_##M[s];                       \
            size_##M[s] = kept;                                                      \
            verify_##M(s, kept); /* the prefix survived */                           \
            size_##M[s] = n;                                                         \
            fill_##M(s, kept);                                                       \
        }                                                                            \
    }

HEAP_OPS(2)
HEAP_OPS(3)

/* Copies a block of memory 2 into a fresh block of memory 3 and back. */
static void cross_copy(void) {
    int s = (int)(next_random() % SLOTS);
    if (!block_2[s] || block_3[s])
        return;
    block_3[s] = mm_memdup_to(3, 2, block_2[s], size_2[s]);
    if (!block_3[s])
        return;
    size_3[s] = size_2[s];
    seed_3[s] = seed_2[s];
    verify_3(s, size_3[s]);
    mm_copy(2, block_2[s], 3, block_3[s], size_3[s]);
    verify_2(s, size_2[s]);
    counts[6]++;
}

int main(void) {
    unsigned long checksum = 0;
    for (int op = 1; op <= OPS; op++) {
        uint32_t which = next_random() % 16;
        if (which == 0)
            cross_copy();
        else if (which & 1)
            step_2();
        else
            step_3();
        if (op % 10000 == 0) {
            for (int s = 0; s < SLOTS; s++)
                checksum = checksum * 31 + (block_2[s] ? size_2[s] : 0) + (block_3[s] ? size_3[s] * 7 : 0);
            printf("after %d operations: checksum %lu, %lu bytes checked\n", op, checksum, checked_bytes);
        }
    }
    /* Free everything; a big block must fit in each memory again. */
    for (int s = 0; s < SLOTS; s++) {
        if (block_2[s]) {
            verify_2(s, size_2[s]);
            mm_free(2, block_2[s]);
        }
        if (block_3[s]) {
            verify_3(s, size_3[s]);
            mm_free(3, block_3[s]);
        }
    }
    __memory(2) char *big2 = mm_malloc(2, 1 << 20);
    __memory(3) char *big3 = mm_malloc(3, 1 << 20);
    printf("big blocks: %s %s\n", big2 ? "yes" : "no", big3 ? "yes" : "no");
    mm_free(2, big2);
    mm_free(3, big3);
    printf("malloc %lu calloc %lu aligned %lu strdup %lu free %lu realloc %lu cross %lu\n",
           counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6]);
    printf("failures: %lu\n", failures);
    return failures != 0;
}
