/* Variant C's accessors (see bench.h): each does one load or store on its
 * memory. Compiled as a separate file, without LTO, so the kernels' calls
 * stay calls, as calls into imported glue do. */
#include "accessors.h"

#define BENCH_DEFINE(name, T, N)                                               \
    T bench_get_##name##_m##N(__memory(N) const T *p) { return *p; }           \
    void bench_set_##name##_m##N(__memory(N) T *p, T v) { *p = v; }
BENCH_TYPES(BENCH_DEFINE, 1)
BENCH_TYPES(BENCH_DEFINE, 2)

void bench_copy_m1_m2(__memory(1) void *dst, __memory(2) const void *src, uint32_t n) { __builtin_memcpy(dst, src, n); }
void bench_copy_m2_m1(__memory(2) void *dst, __memory(1) const void *src, uint32_t n) { __builtin_memcpy(dst, src, n); }
void bench_copy_m1_m1(__memory(1) void *dst, __memory(1) const void *src, uint32_t n) { __builtin_memcpy(dst, src, n); }
void bench_copy_m2_m2(__memory(2) void *dst, __memory(2) const void *src, uint32_t n) { __builtin_memcpy(dst, src, n); }
