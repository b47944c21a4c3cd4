// <__mmcc/memories.h>: what mmcc's additions to libc++ share.
//
// runtime/libcxx/ is searched before libc++'s own headers in C++
// compilations. Each header there includes libc++'s header of the same
// name (#include_next) and then adds overloads or specializations for
// pointers into memory N (`__attribute__((address_space(N))) T *`), so
// that the standard algorithms, iterator traits and swap work on
// memory-N ranges. They never change what libc++ does for ordinary
// (memory-0) pointers: each addition is more specialized than libc++'s
// template and applies only when a memory number can be deduced from a
// pointer's type, which fails for a pointer into the default memory.
#ifndef __MMCC_LIBCXX_MEMORIES_H
#define __MMCC_LIBCXX_MEMORIES_H

#include <__config>

#define __MMCC_IN(memory) __attribute__((address_space(memory)))

_LIBCPP_BEGIN_NAMESPACE_STD

// The memory an object type lives in: 0 for an unqualified type, N for
// `__attribute__((address_space(N))) T`.
template <class _Tp>
struct __mmcc_memory_of {
  static const int value = 0;
};
template <int _Mm, class _Tp>
struct __mmcc_memory_of<__MMCC_IN(_Mm) _Tp> {
  static const int value = _Mm;
};

// The type without its memory: `int` for `__attribute__((address_space(2))) const int`
// is `const int`.
template <class _Tp>
struct __mmcc_without_memory {
  typedef _Tp type;
};
template <int _Mm, class _Tp>
struct __mmcc_without_memory<__MMCC_IN(_Mm) _Tp> {
  typedef _Tp type;
};

_LIBCPP_END_NAMESPACE_STD

#endif // __MMCC_LIBCXX_MEMORIES_H
