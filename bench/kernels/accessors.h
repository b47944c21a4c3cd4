/* The accessor functions of variant C (see bench.h): one getter and one
 * setter per element type and memory, and a copy per pair of memories,
 * defined in accessors.c. GET/SET pick the function by the pointer's type. */
#ifndef MMCC_BENCH_ACCESSORS_H
#define MMCC_BENCH_ACCESSORS_H

#include <stdint.h>
#include <mmcc.h>

/* X(name, type, memory) for every element type the kernels use. */
#define BENCH_TYPES(X, N)                                                      \
    X(u8, uint8_t, N)                                                          \
    X(i16, int16_t, N)                                                         \
    X(u16, uint16_t, N)                                                        \
    X(i32, int32_t, N)                                                         \
    X(u32, uint32_t, N)                                                        \
    X(u64, uint64_t, N)                                                        \
    X(f32, float, N)                                                           \
    X(f64, double, N)

#define BENCH_DECLARE(name, T, N)                                              \
    T bench_get_##name##_m##N(__memory(N) const T *p);                         \
    void bench_set_##name##_m##N(__memory(N) T *p, T v);
BENCH_TYPES(BENCH_DECLARE, 1)
BENCH_TYPES(BENCH_DECLARE, 2)

void bench_copy_m1_m2(__memory(1) void *dst, __memory(2) const void *src, uint32_t n);
void bench_copy_m2_m1(__memory(2) void *dst, __memory(1) const void *src, uint32_t n);
void bench_copy_m1_m1(__memory(1) void *dst, __memory(1) const void *src, uint32_t n);
void bench_copy_m2_m2(__memory(2) void *dst, __memory(2) const void *src, uint32_t n);

#define BENCH_GET_CASE(name, T, N) __memory(N) T *: bench_get_##name##_m##N,
#define BENCH_SET_CASE(name, T, N) __memory(N) T *: bench_set_##name##_m##N,
#define BENCH_GET(p) _Generic((p), BENCH_TYPES(BENCH_GET_CASE, 1) BENCH_TYPES(BENCH_GET_CASE, 2) void *: 0)(p)
#define BENCH_SET(p, v) _Generic((p), BENCH_TYPES(BENCH_SET_CASE, 1) BENCH_TYPES(BENCH_SET_CASE, 2) void *: 0)((p), (v))

#endif
