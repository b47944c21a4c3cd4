// mmcc: libc++'s <__utility/swap.h>, and std::swap for objects in memory N.
//
// libc++'s swap(T &, T &) deduces T = `__memory(2) int` for two memory-2
// objects and holds the value in a local of that type (an error), and it
// cannot swap objects of two different memories at all (iter_swap in
// swap_ranges between memories 1 and 2). These overloads hold the value in
// memory 0 and assign it across memories.
#include_next <__utility/swap.h>

#ifndef __MMCC_LIBCXX_SWAP_H
#define __MMCC_LIBCXX_SWAP_H
#include <__mmcc/memories.h>
#include <__type_traits/is_nothrow_assignable.h>
#include <__type_traits/is_nothrow_constructible.h>
#include <__utility/move.h>

_LIBCPP_BEGIN_NAMESPACE_STD

// One swap for every pair of places: memory N and memory M, either of them
// possibly memory 0. _Ap and _Bp are the two objects' types with their
// memories.
template <class _Tp, class _Ap, class _Bp>
inline _LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX20 void __mmcc_swap(_Ap& __x, _Bp& __y)
    _NOEXCEPT_(is_nothrow_move_constructible<_Tp>::value&& is_nothrow_move_assignable<_Tp>::value) {
  _Tp __t(std::move(__x));
  __x = std::move(__y);
  __y = std::move(__t);
}

template <int _Mm, class _Tp>
inline _LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX20 void swap(__MMCC_IN(_Mm) _Tp& __x, __MMCC_IN(_Mm) _Tp& __y)
    _NOEXCEPT_(is_nothrow_move_constructible<_Tp>::value&& is_nothrow_move_assignable<_Tp>::value) {
  std::__mmcc_swap<_Tp>(__x, __y);
}
template <int _Mm, int _Nm, class _Tp>
inline _LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX20 void swap(__MMCC_IN(_Mm) _Tp& __x, __MMCC_IN(_Nm) _Tp& __y)
    _NOEXCEPT_(is_nothrow_move_constructible<_Tp>::value&& is_nothrow_move_assignable<_Tp>::value) {
  std::__mmcc_swap<_Tp>(__x, __y);
}
template <int _Mm, class _Tp>
inline _LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX20 void swap(__MMCC_IN(_Mm) _Tp& __x, _Tp& __y)
    _NOEXCEPT_(is_nothrow_move_constructible<_Tp>::value&& is_nothrow_move_assignable<_Tp>::value) {
  std::__mmcc_swap<_Tp>(__x, __y);
}
template <int _Mm, class _Tp>
inline _LIBCPP_HIDE_FROM_ABI _LIBCPP_CONSTEXPR_SINCE_CXX20 void swap(_Tp& __x, __MMCC_IN(_Mm) _Tp& __y)
    _NOEXCEPT_(is_nothrow_move_constructible<_Tp>::value&& is_nothrow_move_assignable<_Tp>::value) {
  std::__mmcc_swap<_Tp>(__x, __y);
}

_LIBCPP_END_NAMESPACE_STD

#endif // __MMCC_LIBCXX_SWAP_H
