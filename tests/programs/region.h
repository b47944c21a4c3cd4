/* Test helper: REGION(N, T, name, count, base) declares `name`, a pointer to
 * `count` elements of T in memory N.
 *
 * With mmcc the elements sit at address `base` of memory N (every memory a
 * program uses has at least one 64 KiB page; address 0 is left alone, like
 * NULL). In the plain build (<mmcc.h> defines __memory(N) away) they are a
 * static array in memory 0, so both builds compute the same thing.
 */
#ifndef REGION_H
#define REGION_H
#include <mmcc.h>
#include <stdint.h>

#ifdef MMCC_MULTI_MEMORY
/* The base goes through a volatile zero so that LLVM cannot fold the
 * address into every use (it would then lose `restrict` and similar facts
 * that the plain build keeps for its arrays). */
static volatile uintptr_t region_zero;
#define REGION(N, T, name, count, base) \
    __memory(N) T *const name = (__memory(N) T *)((uintptr_t)(base) + region_zero)
#else
#define REGION(N, T, name, count, base) \
    static T name##_storage[count];      \
    T *const name = name##_storage
#endif

#endif
