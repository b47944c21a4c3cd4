/* bench.h: what the kernels share. One source, built several ways
 * (bench/run.py passes the defines):
 *
 *   A   plain clang: <mmcc.h>'s qualifiers vanish, everything is in memory 0
 *   B   mmcc: data declared MEM(N) lives in memory N (__memory(N))
 *   Bw  mmcc -DBENCH_ARRAYS: each MEM(N) array is a wasm_memory array, a
 *       memory of its own
 *   C   mmcc -DBENCH_ACCESSORS: the data is in memory N as in B, but every
 *       access to it is a call to an out-of-line accessor function
 *       (accessors.c, compiled separately so nothing can inline it): what
 *       code that reaches other memories through imported glue does today
 *
 * So kernels write every access to MEM data as GET(x) (a read), SET(x, v)
 * (a write) or COPY(dN, d, sN, s) (one element copied from memory sN to
 * memory dN), and index global arrays rather than take pointers into them
 * (a wasm_memory array has no pointers). The hot functions are HOT and
 * named kernel_*: bench/run.py counts their instructions. */
#ifndef MMCC_BENCH_H
#define MMCC_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <mmcc.h>

#ifndef SCALE
#define SCALE 4 /* bench/run.py --quick builds with SCALE=1 */
#endif

#if defined(BENCH_ARRAYS) && defined(MMCC_MULTI_MEMORY)
#define MEM(N) __wasm_memory
#else
#define MEM(N) __memory(N)
#endif

#if defined(BENCH_ACCESSORS) && defined(MMCC_MULTI_MEMORY)
#include "accessors.h"
#define GET(x) BENCH_GET(&(x))
#define SET(x, v) BENCH_SET(&(x), (v))
#define COPY(dN, d, sN, s) bench_copy_m##dN##_m##sN(&(d), &(s), sizeof(d))
#else
#define GET(x) (x)
#define SET(x, v) ((x) = (v))
#define COPY(dN, d, sN, s) ((d) = (s))
#endif

/* Kept out of line (and so countable) in every build. */
#define HOT __attribute__((noinline))

static double bench_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* One untimed call first (engines that compile in tiers, like V8, run the
 * first call in their baseline compiler and the next ones in the
 * optimizing one: no on-stack replacement for wasm), then `reps` timed
 * calls. */
#define BENCH_TIME(reps, call)                                                 \
    ({                                                                         \
        call;                                                                  \
        double bench_start_ = bench_now_ns();                                  \
        for (int bench_rep_ = 0; bench_rep_ < (reps); bench_rep_++)            \
            call;                                                              \
        bench_now_ns() - bench_start_;                                         \
    })

static void bench_report(double elapsed_ns, uint64_t checksum) {
    printf("result: time_ns=%.0f checksum=%llu\n", elapsed_ns, (unsigned long long)checksum);
}

/* A small deterministic generator (xorshift32) for the inputs. */
static uint32_t bench_rng = 0x2545f491u;
static inline uint32_t bench_random(void) {
    bench_rng ^= bench_rng << 13;
    bench_rng ^= bench_rng >> 17;
    bench_rng ^= bench_rng << 5;
    return bench_rng;
}

#endif
