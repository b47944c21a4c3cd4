/* <mmcc.h>: spelling for WebAssembly multi-memory in C and C++.
 *
 * mmcc puts runtime/include on the include path, so `#include <mmcc.h>`
 * works without flags.
 *
 *   __memory(N) T *p;     p points into memory N (0 is the default memory,
 *                         which holds the C stack, libc's heap and all
 *                         ordinary data).
 *
 * Compiled by anything other than mmcc (or with MMCC_SINGLE_MEMORY defined),
 * __memory(N) expands to nothing and every memory is memory 0: the same
 * program then runs in one memory. The test suite uses this as its
 * equivalence oracle.
 */
#ifndef MMCC_H
#define MMCC_H

#if defined(__mmcc__) && !defined(MMCC_SINGLE_MEMORY)
#define MMCC_MULTI_MEMORY 1
/* A pointer into memory N: `__memory(2) int *p`. */
#define __memory(N) __attribute__((address_space(N)))
#else
#define __memory(N)
#endif

/* Size of memory N in 64 KiB pages, and in bytes. N must be a constant. */
#ifdef MMCC_MULTI_MEMORY
#define mm_memory_pages(N) __builtin_wasm_memory_size(N)
#define mm_memory_grow(N, delta_pages) __builtin_wasm_memory_grow((N), (delta_pages))
#else
#define mm_memory_pages(N) __builtin_wasm_memory_size(0)
#define mm_memory_grow(N, delta_pages) __builtin_wasm_memory_grow(0, (delta_pages))
#endif
#define mm_memory_bytes(N) ((unsigned long long)mm_memory_pages(N) * 65536ull)

/* Wait and notify on memory N (needs -matomics or -pthread; N constant).
 *   mm_atomic_wait32(N, p, expected, timeout_ns): 0 woken, 1 value differed,
 *     2 timed out (timeout_ns < 0: no timeout); traps unless memory N is
 *     shared.
 *   mm_atomic_notify(N, p, count): wakes up to count waiters, returns how
 *     many were woken. */
#ifdef MMCC_MULTI_MEMORY
int __mmcc_memory_atomic_wait32(int memory, unsigned long address, int expected, long long timeout_ns);
int __mmcc_memory_atomic_wait64(int memory, unsigned long address, long long expected, long long timeout_ns);
int __mmcc_memory_atomic_notify(int memory, unsigned long address, int count);
#define mm_atomic_wait32(N, p, expected, timeout_ns) \
    __mmcc_memory_atomic_wait32((N), (unsigned long)(p), (expected), (timeout_ns))
#define mm_atomic_wait64(N, p, expected, timeout_ns) \
    __mmcc_memory_atomic_wait64((N), (unsigned long)(p), (expected), (timeout_ns))
#define mm_atomic_notify(N, p, count) __mmcc_memory_atomic_notify((N), (unsigned long)(p), (count))
#else
#define mm_atomic_wait32(N, p, expected, timeout_ns) \
    __builtin_wasm_memory_atomic_wait32((int *)(p), (expected), (timeout_ns))
#define mm_atomic_wait64(N, p, expected, timeout_ns) \
    __builtin_wasm_memory_atomic_wait64((long long *)(p), (expected), (timeout_ns))
#define mm_atomic_notify(N, p, count) __builtin_wasm_memory_atomic_notify((int *)(p), (count))
#endif

#endif /* MMCC_H */
