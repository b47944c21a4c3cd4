/* bench.h: what the kernels share: a clock, a checksum, the result line
 * (see bench/run.py). Each kernel keeps its data in memories 1 and 2 with
 * __memory(N); built by plain clang the qualifiers vanish and everything
 * is in memory 0 (the baseline). */
#ifndef MMCC_BENCH_H
#define MMCC_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <mmcc.h>

#ifndef SCALE
#define SCALE 1 /* bench/run.py --quick builds with a smaller size */
#endif

static double bench_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void bench_report(double start_ns, uint64_t checksum) {
    printf("result: time_ns=%.0f checksum=%llu\n", bench_now_ns() - start_ns, (unsigned long long)checksum);
}

#endif
