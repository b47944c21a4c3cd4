/* runtime.h: what the per-memory runtime's sources share.
 *
 * mmcc compiles heap.c and string.c once for each memory N a program calls
 * mm_* functions on, with -DMMCC_MEMORY=N (and -DMMCC_THREADS=1 -matomics
 * when the program is built with atomics). The functions are named
 * __mmcc_m<N>_<fn>: mmcc's IR pass turns the header's __mmcc_rt_<fn>(N, ...)
 * calls into calls of them. For memory 0 they are thin wrappers of the C
 * library's. */
#ifndef MMCC_RUNTIME_H
#define MMCC_RUNTIME_H

#include <mmcc.h>
#include <stddef.h>
#include <stdint.h>

#ifndef MMCC_MEMORY
#error "compile the per-memory runtime with -DMMCC_MEMORY=<memory number>"
#endif

#define MMCC_CAT3_(a, b, c) a##b##c
#define MMCC_CAT3(a, b, c) MMCC_CAT3_(a, b, c)
/* MMCC_RT(malloc) -> __mmcc_m2_malloc */
#define MMCC_RT(fn) MMCC_CAT3(__mmcc_m, MMCC_MEMORY, _##fn)

/* Every pointer of this runtime points into its memory. */
#define MEM __memory(MMCC_MEMORY)

typedef __mmcc_address_t address;
typedef __mmcc_size_t size;

/* Defined by the heap; string.c's strdup allocates with it. */
address MMCC_RT(malloc)(size n);

#endif
