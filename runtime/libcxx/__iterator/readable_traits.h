// mmcc: libc++'s <__iterator/readable_traits.h>, and
// indirectly_readable_traits (iter_value_t, C++20) for pointers into
// memory N: the value type is the element type without its memory, as in
// iterator_traits (see <__iterator/iterator_traits.h>).
#include_next <__iterator/readable_traits.h>

#ifndef __MMCC_LIBCXX_READABLE_TRAITS_H
#define __MMCC_LIBCXX_READABLE_TRAITS_H
#include <__mmcc/memories.h>

#if _LIBCPP_STD_VER >= 20
_LIBCPP_BEGIN_NAMESPACE_STD

template <int _Mm, class _Tp>
struct indirectly_readable_traits<__MMCC_IN(_Mm) _Tp*> : __cond_value_type<_Tp> {};

_LIBCPP_END_NAMESPACE_STD
#endif

#endif // __MMCC_LIBCXX_READABLE_TRAITS_H
