// mmcc: libc++'s <__string/constexpr_c_functions.h>, for pointers into
// memory N.
//
// libc++'s algorithms call the C library's memchr and memcmp for ranges
// of bytes (find, equal, lexicographical_compare, mismatch). Those are
// compiled for memory 0 and would read memory 0 at a memory-N address;
// these overloads compare element by element in the ranges' own memories
// (LLVM vectorizes the loops where it vectorizes any loop). memmove needs
// nothing: it becomes memory.copy, which works between any two memories.
#include_next <__string/constexpr_c_functions.h>

#ifndef __MMCC_LIBCXX_CONSTEXPR_C_FUNCTIONS_H
#define __MMCC_LIBCXX_CONSTEXPR_C_FUNCTIONS_H
#include <__mmcc/memories.h>

_LIBCPP_BEGIN_NAMESPACE_STD

template <class _Lp, class _Rp>
_LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX14 int __mmcc_memcmp(_Lp* __lhs, _Rp* __rhs, size_t __count) {
  for (; __count != 0; --__count, ++__lhs, ++__rhs) {
    if (*__lhs < *__rhs)
      return -1;
    if (*__rhs < *__lhs)
      return 1;
  }
  return 0;
}

template <class _Lp, class _Rp>
_LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX14 bool __mmcc_memcmp_equal(_Lp* __lhs, _Rp* __rhs, size_t __count) {
  for (; __count != 0; --__count, ++__lhs, ++__rhs)
    if (!(*__lhs == *__rhs))
      return false;
  return true;
}

// Left in memory N, right in memory M (N == M included), and each of them
// against memory 0.
#define __MMCC_COMPARE(_Name, _Result, _LeftMemory, _RightMemory, ...)                                           \
  template <__VA_ARGS__ class _Tp, class _Up>                                                                    \
  _LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX14 _Result __constexpr_##_Name(                               \
      const _LeftMemory _Tp* __lhs, const _RightMemory _Up* __rhs, __element_count __n) {                        \
    return std::__mmcc_##_Name(__lhs, __rhs, static_cast<size_t>(__n));                                          \
  }
#define __MMCC_COMPARE_ALL(_Name, _Result)                                                                       \
  __MMCC_COMPARE(_Name, _Result, __MMCC_IN(_Mm), __MMCC_IN(_Nm), int _Mm, int _Nm, )                            \
  __MMCC_COMPARE(_Name, _Result, __MMCC_IN(_Mm), , int _Mm, )                                                    \
  __MMCC_COMPARE(_Name, _Result, , __MMCC_IN(_Nm), int _Nm, )

__MMCC_COMPARE_ALL(memcmp, int)
__MMCC_COMPARE_ALL(memcmp_equal, bool)

#undef __MMCC_COMPARE_ALL
#undef __MMCC_COMPARE

template <int _Mm, class _Tp, class _Up>
_LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX14 __MMCC_IN(_Mm) _Tp*
__constexpr_memchr(__MMCC_IN(_Mm) _Tp* __str, _Up __value, size_t __count) {
  for (; __count != 0; --__count, ++__str)
    if (*__str == __value)
      return __str;
  return nullptr;
}

_LIBCPP_END_NAMESPACE_STD

#endif // __MMCC_LIBCXX_CONSTEXPR_C_FUNCTIONS_H
