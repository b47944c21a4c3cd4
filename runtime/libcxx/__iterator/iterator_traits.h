// mmcc: libc++'s <__iterator/iterator_traits.h>, and iterator_traits for
// pointers into memory N (see <__mmcc/memories.h>).
//
// libc++ defines value_type as remove_cv_t<T>, which keeps the memory:
// for `__memory(2) int *` it would be `__memory(2) int`, and every
// algorithm that holds a value in a local variable (sort's pivot,
// rotate's temporary) would declare an automatic variable in memory 2,
// which is an error. The value an algorithm holds lives on the stack, in
// memory 0: value_type is `int`. pointer and reference keep the memory.
#include_next <__iterator/iterator_traits.h>

#ifndef __MMCC_LIBCXX_ITERATOR_TRAITS_H
#define __MMCC_LIBCXX_ITERATOR_TRAITS_H
#include <__mmcc/memories.h>

_LIBCPP_BEGIN_NAMESPACE_STD

template <int _Mm, class _Tp>
#if _LIBCPP_STD_VER >= 20
  requires is_object_v<_Tp>
#endif
struct _LIBCPP_TEMPLATE_VIS iterator_traits<__MMCC_IN(_Mm) _Tp*> {
  typedef ptrdiff_t difference_type;
  typedef __remove_cv_t<_Tp> value_type;
  typedef __MMCC_IN(_Mm) _Tp* pointer;
  typedef __MMCC_IN(_Mm) _Tp& reference;
  typedef random_access_iterator_tag iterator_category;
#if _LIBCPP_STD_VER >= 20
  typedef contiguous_iterator_tag iterator_concept;
#endif
};

_LIBCPP_END_NAMESPACE_STD

#endif // __MMCC_LIBCXX_ITERATOR_TRAITS_H
