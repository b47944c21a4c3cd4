// The heaps of memories whose static data ends just before a 64 KiB page
// boundary. The linker sizes memory N for its static data only, and the
// heap keeps its state (about 3.2 KB) right after that data, so the first
// mm_malloc there must grow the memory before it writes the state (it used
// to trap: tests/gen/found/heap_state_past_memory_end.c, memory15.c).
//
// With the linker's stagger (docs/linker.md), memory N's data starts at
// 16 + (N * 4160) mod 65536: memory 15 at 62416, 31 at 63440, 47 at 64464,
// 2 at 8336. The data below ends 120, about 80, 72 and 116 bytes before a
// boundary (memory 31's crosses one page first). Initialized data has a
// segment, zero-initialized data only the linker's layout: both kinds are
// here. In each memory: malloc, calloc, realloc growing in place and by
// moving, aligned_alloc, usable_size and free, with every block's contents
// checked, and the static data checked after the heap grew past it. The
// plain build (mm_* are the C library's, in memory 0) prints the same.
#include <mmcc.h>
#include <stdint.h>
#include <stdio.h>

/* 62416 + 3000 = 65416: 120 bytes before 64 KiB. */
__memory(15) uint8_t data15[3000] = {15, 1, 2, 3};
/* 63440 + 4 + 67600, with word31 first (zero-initialized data comes
 * after initialized data) and alignment: about 80 bytes before 128 KiB. */
__memory(31) uint8_t zeros31[67600];
__memory(31) uint32_t word31 = 31;
/* 64464 + 1000 = 65464: 72 bytes before 64 KiB. */
__memory(47) uint8_t data47[1000] = {47, 9};
/* 8336 + 57084 = 65420: 116 bytes before 64 KiB. */
__memory(2) uint8_t data2[57084] = {2};

static unsigned long failures;

static void check(int ok, int memory, const char *what) {
    if (!ok && failures++ < 20)
        printf("FAIL memory %d: %s\n", memory, what);
}

static uint8_t pattern(uint32_t seed, uint32_t i) { return (uint8_t)(seed * 7u + i * 13u + (i >> 9)); }

/* The same workout for each memory (the memory must be a constant). */
#define WORKOUT(M)                                                                           \
    static uint32_t workout_##M(void) {                                                      \
        uint32_t sum = 0;                                                                    \
        /* The first call writes the heap's state past the static data. */                  \
        __memory(M) uint8_t *small = mm_malloc(M, 24);                                       \
        check(small != 0, M, "first malloc");                                                \
        if (!small)                                                                          \
            return 0;                                                                        \
        for (uint32_t i = 0; i < 24; i++)                                                    \
            small[i] = pattern(M, i);                                                        \
        check(mm_usable_size(M, small) >= 24, M, "usable size");                             \
        /* Many blocks, a few larger than a page. */                                         \
        __memory(M) uint8_t *blocks[40];                                                     \
        uint32_t sizes[40];                                                                  \
        for (uint32_t b = 0; b < 40; b++) {                                                  \
            sizes[b] = (b % 7 == 3) ? 70000 + b * 100 : 16 + b * 37;                         \
            blocks[b] = mm_malloc(M, sizes[b]);                                              \
            check(blocks[b] != 0, M, "malloc");                                              \
            if (blocks[b])                                                                   \
                for (uint32_t i = 0; i < sizes[b]; i++)                                      \
                    blocks[b][i] = pattern(b + M, i);                                        \
        }                                                                                    \
        /* Free every other block, then grow the rest: in place where the                    \
         * next block is free, by moving otherwise. */                                       \
        for (uint32_t b = 0; b < 40; b += 2) {                                               \
            mm_free(M, blocks[b]);                                                           \
            blocks[b] = 0;                                                                   \
        }                                                                                    \
        for (uint32_t b = 1; b < 40; b += 2) {                                               \
            uint32_t grown = sizes[b] * 3 + 5;                                               \
            __memory(M) uint8_t *q = mm_realloc(M, blocks[b], grown);                        \
            check(q != 0, M, "realloc");                                                     \
            if (!q)                                                                          \
                continue;                                                                    \
            for (uint32_t i = 0; i < sizes[b]; i++)                                          \
                if (q[i] != pattern(b + M, i)) {                                             \
                    check(0, M, "contents after realloc");                                   \
                    break;                                                                   \
                }                                                                            \
            for (uint32_t i = sizes[b]; i < grown; i++)                                      \
                q[i] = pattern(b + M, i);                                                    \
            blocks[b] = q;                                                                   \
            sizes[b] = grown;                                                                \
        }                                                                                    \
        /* Shrinking keeps the front. */                                                     \
        blocks[1] = mm_realloc(M, blocks[1], 20);                                            \
        check(blocks[1] != 0, M, "shrinking realloc");                                       \
        sizes[1] = 20;                                                                       \
        __memory(M) uint32_t *zeroed = mm_calloc(M, 1000, sizeof(uint32_t));                 \
        check(zeroed != 0, M, "calloc");                                                     \
        if (zeroed)                                                                          \
            for (uint32_t i = 0; i < 1000; i++)                                              \
                check(zeroed[i] == 0, M, "calloc zeroes");                                   \
        __memory(M) uint8_t *aligned = mm_aligned_alloc(M, 4096, 100);                       \
        check(aligned != 0 && ((uintptr_t)aligned & 4095) == 0, M, "aligned_alloc");         \
        for (uint32_t b = 0; b < 40; b++)                                                    \
            if (blocks[b]) {                                                                 \
                for (uint32_t i = 0; i < sizes[b]; i++) {                                    \
                    if (blocks[b][i] != pattern(b + M, i)) {                                 \
                        check(0, M, "contents");                                             \
                        break;                                                               \
                    }                                                                        \
                    sum += blocks[b][i];                                                     \
                }                                                                            \
                mm_free(M, blocks[b]);                                                       \
            }                                                                                \
        for (uint32_t i = 0; i < 24; i++)                                                    \
            check(small[i] == pattern(M, i), M, "first block");                              \
        mm_free(M, small);                                                                   \
        mm_free(M, zeroed);                                                                  \
        mm_free(M, aligned);                                                                 \
        /* Everything is free again: a block larger than all of them fits. */               \
        __memory(M) uint8_t *big = mm_malloc(M, 300000);                                     \
        check(big != 0, M, "big block after freeing everything");                            \
        if (big) {                                                                           \
            big[0] = 1;                                                                      \
            big[299999] = 2;                                                                 \
            sum += big[0] + big[299999];                                                     \
        }                                                                                    \
        mm_free(M, big);                                                                     \
        return sum;                                                                          \
    }

WORKOUT(15)
WORKOUT(31)
WORKOUT(47)
WORKOUT(2)

int main(void) {
    printf("memory 15: %u\n", (unsigned)workout_15());
    printf("memory 31: %u\n", (unsigned)workout_31());
    printf("memory 47: %u\n", (unsigned)workout_47());
    printf("memory 2: %u\n", (unsigned)workout_2());
    /* The static data before the heaps is intact. */
    uint32_t zeros = 0;
    for (uint32_t i = 0; i < sizeof zeros31; i++)
        zeros += zeros31[i] != 0;
    printf("data: %u %u %u %u %u %u %u, nonzero in zeros31: %u\n", data15[0], data15[3], data15[2999],
           (unsigned)word31, data47[0], data47[1], data2[0], (unsigned)zeros);
    printf("failures: %lu\n", failures);
    return failures != 0;
}
