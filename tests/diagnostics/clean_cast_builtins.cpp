// std::move, std::forward, std::addressof, std::as_const,
// std::move_if_noexcept and std::forward_like are C++ library builtins
// that only name their argument again: they read nothing, so objects in
// memory N go through them without a diagnostic (the standard algorithms
// use them on every element).
#define MEM(N) __attribute__((address_space(N)))

#include "include/std_casts.h"

MEM(2) int counter;
MEM(3) double values[4];

template <class T> int take(T &&v) { return (int)std::forward<T>(v); }
template <class T> T pass(T &&p) { return std::forward<T>(p); }

int use() {
  int a = std::move(counter);
  int b = take(values[1]);
  MEM(3) double *p = std::addressof(values[2]);
  const MEM(2) int &c = std::as_const(counter);
  double d = std::move_if_noexcept(values[0]);
  // Pointers into memory N as the values moved and forwarded (pair's
  // constructor, the algorithms' iterators).
  MEM(3) double *q = pass(p);
  MEM(3) double *r = std::move(q);
  MEM(3) double *const *s = std::addressof(r);
  MEM(3) double *t = std::move_if_noexcept(r);
  return a + b + (int)*p + c + (int)d + (int)**s + (int)*std::as_const(t);
}
