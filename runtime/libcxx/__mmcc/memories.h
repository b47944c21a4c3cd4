// <__mmcc/memories.h>: what mmcc's additions to libc++ share.
//
// runtime/libcxx/ is searched before libc++'s own headers in C++
// compilations. Each header there includes libc++'s header of the same
// name (#include_next) and then adds overloads or specializations for
// pointers into memory N (`__attribute__((address_space(N))) T *`), so
// that the standard algorithms, iterator traits, swap, span and
// construct_at work on memory-N ranges and objects. They never change what libc++ does for ordinary
// (memory-0) pointers: each addition is more specialized than libc++'s
// template and applies only when a memory number can be deduced from a
// pointer's type, which fails for a pointer into the default memory.
#ifndef __MMCC_LIBCXX_MEMORIES_H
#define __MMCC_LIBCXX_MEMORIES_H

#include <__config>

// `__MMCC_IN(N) T`: T in memory N (N a template parameter, deduced from
// a pointer's type).
#define __MMCC_IN(memory) __attribute__((address_space(memory)))

#endif // __MMCC_LIBCXX_MEMORIES_H
