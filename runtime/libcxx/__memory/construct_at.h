// mmcc: libc++'s <__memory/construct_at.h>, and std::construct_at,
// destroy_at, destroy and destroy_n for objects in memory N.
//
// C++ cannot run a constructor or destructor on an object in memory N:
// placement new and destructors take memory-0 addresses. For the classes
// whose objects can be in memory N, the trivially copyable ones, these
// need not run there: construct_at builds the object in memory 0 and
// copies it in (as `*p = T(args...)` does), and destroying one is nothing
// (its destructor is trivial).
#include_next <__memory/construct_at.h>

#ifndef __MMCC_LIBCXX_CONSTRUCT_AT_H
#define __MMCC_LIBCXX_CONSTRUCT_AT_H
#include <__mmcc/memories.h>

_LIBCPP_BEGIN_NAMESPACE_STD

#if _LIBCPP_STD_VER >= 20
template <int _Mm, class _Tp, class... _Args, class = decltype(_Tp(std::declval<_Args>()...))>
_LIBCPP_HIDE_FROM_ABI constexpr __MMCC_IN(_Mm) _Tp* construct_at(__MMCC_IN(_Mm) _Tp* __location, _Args&&... __args) {
  static_assert(__is_trivially_copyable(_Tp),
                "std::construct_at in memory N: only objects of trivially copyable types can be in memory N");
  *__location = _Tp(std::forward<_Args>(__args)...);
  return __location;
}
#endif

#if _LIBCPP_STD_VER >= 17
template <int _Mm, class _Tp>
_LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX20 void destroy_at(__MMCC_IN(_Mm) _Tp*) {
  static_assert(__is_trivially_destructible(_Tp),
                "std::destroy_at in memory N: only objects of trivially destructible types can be in memory N");
}

template <int _Mm, class _Tp>
_LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX20 void destroy(__MMCC_IN(_Mm) _Tp*, __MMCC_IN(_Mm) _Tp*) {
  static_assert(__is_trivially_destructible(_Tp),
                "std::destroy in memory N: only objects of trivially destructible types can be in memory N");
}

template <int _Mm, class _Tp, class _Size>
_LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX20 __MMCC_IN(_Mm) _Tp* destroy_n(__MMCC_IN(_Mm) _Tp* __first, _Size __n) {
  static_assert(__is_trivially_destructible(_Tp),
                "std::destroy_n in memory N: only objects of trivially destructible types can be in memory N");
  return __first + __n;
}
#endif

_LIBCPP_END_NAMESPACE_STD

#endif // __MMCC_LIBCXX_CONSTRUCT_AT_H
