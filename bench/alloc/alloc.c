/* The allocation benchmark: a random mix of malloc, free and realloc with
 * sizes from 8 B to 64 KiB (log-uniform), over a live set of up to SLOTS
 * blocks, every block touched at both ends.
 *
 *   -DHEAP=0  the C library's malloc (wasi-libc's dlmalloc) in memory 0
 *   -DHEAP=2  mm_malloc on memory 2 (mmcc's heap)
 *   -DOPS=n   number of operations (default 1,000,000)
 *   -DBENCH_ACCESSORS  (with HEAP=2) every access to a block is a call to
 *             an out-of-line accessor (variant C, see bench/kernels/bench.h)
 *
 * Prints one line, "result: time_ns=... heap_bytes=... live_peak=...
 * checksum=...": the time of the operations alone, how far the heap's
 * memory grew beyond its static data, the largest live set requested, and
 * a checksum that must be the same for both heaps. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <mmcc.h>
#include "../kernels/bench.h" /* GET and SET */

#ifndef HEAP
#define HEAP 2
#endif
#ifndef OPS
#define OPS 1000000
#endif
enum { SLOTS = 2048 };

#if HEAP == 0
typedef uint8_t *block_t;
#define heap_malloc(n) ((block_t)malloc(n))
#define heap_realloc(p, n) ((block_t)realloc((p), (n)))
#define heap_free(p) free(p)
extern unsigned char __heap_base;
#define STATIC_END ((uintptr_t)&__heap_base)
#else
typedef __memory(HEAP) uint8_t *block_t;
#define heap_malloc(n) ((block_t)mm_malloc(HEAP, (n)))
#define heap_realloc(p, n) ((block_t)mm_realloc(HEAP, (p), (n)))
#define heap_free(p) mm_free(HEAP, (p))
#define STR_(x) #x
#define STR(x) STR_(x)
extern const char heap_base_symbol[] __asm__("__mmcc_heap_base_" STR(HEAP));
#define STATIC_END ((uintptr_t)heap_base_symbol)
#endif

#ifndef SEED
#define SEED 0x2545f491u
#endif
static uint32_t rng = SEED;
static inline uint32_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* 8 B .. 64 KiB, log-uniform. */
static inline uint32_t random_size(void) {
    uint32_t bits = 3 + next_random() % 14;
    return (1u << bits) + (next_random() & ((1u << bits) - 1)) / 2;
}

static block_t blocks[SLOTS];
static uint32_t sizes[SLOTS];

/* Slot s now holds b, n bytes: both ends touched. */
static void keep(uint32_t s, block_t b, uint32_t n) {
    SET(b[0], (uint8_t)s);
    SET(b[n - 1], (uint8_t)n);
    blocks[s] = b;
    sizes[s] = n;
}

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(void) {
    uint64_t checksum = 0, live = 0, live_peak = 0;
    double start = now_ns();
    for (long op = 0; op < OPS; op++) {
        uint32_t s = next_random() % SLOTS;
        block_t b = blocks[s];
        if (!b) {
            uint32_t n = random_size();
            b = heap_malloc(n);
            if (!b) {
                printf("out of memory after %ld operations\n", op);
                return 1;
            }
            keep(s, b, n);
            live += n;
        } else {
            uint32_t n = sizes[s];
            checksum += GET(b[0]) + GET(b[n - 1]);
            if (next_random() % 10 < 7) {
                heap_free(b);
                blocks[s] = 0;
                live -= n;
            } else {
                uint32_t m = random_size();
                b = heap_realloc(b, m);
                if (!b) {
                    printf("out of memory after %ld operations\n", op);
                    return 1;
                }
                keep(s, b, m);
                live += (uint64_t)m - n;
            }
        }
        if (live > live_peak)
            live_peak = live;
    }
    double elapsed = now_ns() - start;
    uint64_t heap_bytes = (uint64_t)mm_memory_bytes(HEAP) - STATIC_END;
    printf("result: time_ns=%.0f heap_bytes=%llu live_peak=%llu checksum=%llu\n", elapsed,
           (unsigned long long)heap_bytes, (unsigned long long)live_peak, (unsigned long long)checksum);
    return 0;
}
