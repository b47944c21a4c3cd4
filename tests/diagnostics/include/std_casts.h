// A stand-in for <utility> and <memory>: clang recognizes std::move and
// its kin as builtins only when a system header declares them.
#pragma clang system_header
namespace std {
template <class T> struct remove_reference { typedef T type; };
template <class T> struct remove_reference<T &> { typedef T type; };
template <class T> struct remove_reference<T &&> { typedef T type; };
template <class T> constexpr typename remove_reference<T>::type &&move(T &&t) noexcept {
  return static_cast<typename remove_reference<T>::type &&>(t);
}
template <class T> constexpr T &&forward(typename remove_reference<T>::type &t) noexcept {
  return static_cast<T &&>(t);
}
template <class T> constexpr T *addressof(T &t) noexcept { return __builtin_addressof(t); }
template <class T> constexpr const T &as_const(T &t) noexcept { return t; }
template <class T> constexpr T &&move_if_noexcept(T &t) noexcept { return static_cast<T &&>(t); }
} // namespace std
