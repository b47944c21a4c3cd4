// mmcc: libc++'s <__utility/exchange.h>, and std::exchange for an object
// in memory N. libc++'s exchange(T &, U &&) deduces T = `__memory(2) int`
// and holds the old value in a local of that type (an error); ranges::swap
// uses it on the elements of a range. The old value lives in memory 0.
#include_next <__utility/exchange.h>

#ifndef __MMCC_LIBCXX_EXCHANGE_H
#define __MMCC_LIBCXX_EXCHANGE_H
#include <__mmcc/memories.h>

#if _LIBCPP_STD_VER >= 14
_LIBCPP_BEGIN_NAMESPACE_STD

template <int _Mm, class _T1, class _T2 = _T1>
inline _LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX20 _T1
exchange(__MMCC_IN(_Mm) _T1& __obj, _T2&& __new_value) noexcept(
    is_nothrow_move_constructible<_T1>::value && is_nothrow_assignable<__MMCC_IN(_Mm) _T1&, _T2>::value) {
  _T1 __old_value = std::move(__obj);
  __obj           = std::forward<_T2>(__new_value);
  return __old_value;
}

_LIBCPP_END_NAMESPACE_STD
#endif

#endif // __MMCC_LIBCXX_EXCHANGE_H
