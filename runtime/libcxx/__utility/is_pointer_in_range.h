// mmcc: libc++'s <__utility/is_pointer_in_range.h>, for pointers into
// memory N. libc++ compares the addresses as `const char *`, a cast that
// would leave the pointers' memories. Two different memories never
// overlap; within one memory the addresses compare as usual.
#include_next <__utility/is_pointer_in_range.h>

#ifndef __MMCC_LIBCXX_IS_POINTER_IN_RANGE_H
#define __MMCC_LIBCXX_IS_POINTER_IN_RANGE_H
#include <__mmcc/memories.h>

_LIBCPP_BEGIN_NAMESPACE_STD

template <int _Mm, class _Tp, class _Up>
_LIBCPP_CONSTEXPR_SINCE_CXX14 _LIBCPP_HIDE_FROM_ABI bool
__is_pointer_in_range(const __MMCC_IN(_Mm) _Tp* __begin, const __MMCC_IN(_Mm) _Tp* __end, const __MMCC_IN(_Mm) _Up* __ptr) {
  typedef const __MMCC_IN(_Mm) char* _Bytes;
  return (_Bytes)__begin <= (_Bytes)__ptr && (_Bytes)__ptr < (_Bytes)__end;
}
template <int _Mm, int _Nm, class _Tp, class _Up>
_LIBCPP_CONSTEXPR_SINCE_CXX14 _LIBCPP_HIDE_FROM_ABI bool
__is_pointer_in_range(const __MMCC_IN(_Mm) _Tp*, const __MMCC_IN(_Mm) _Tp*, const __MMCC_IN(_Nm) _Up*) {
  return false;
}
template <int _Mm, class _Tp, class _Up>
_LIBCPP_CONSTEXPR_SINCE_CXX14 _LIBCPP_HIDE_FROM_ABI bool
__is_pointer_in_range(const __MMCC_IN(_Mm) _Tp*, const __MMCC_IN(_Mm) _Tp*, const _Up*) {
  return false;
}
template <int _Mm, class _Tp, class _Up>
_LIBCPP_CONSTEXPR_SINCE_CXX14 _LIBCPP_HIDE_FROM_ABI bool
__is_pointer_in_range(const _Tp*, const _Tp*, const __MMCC_IN(_Mm) _Up*) {
  return false;
}

_LIBCPP_END_NAMESPACE_STD

#endif // __MMCC_LIBCXX_IS_POINTER_IN_RANGE_H
