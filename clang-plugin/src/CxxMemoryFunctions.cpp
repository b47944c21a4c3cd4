// CxxMemoryFunctions.cpp - memcpy / memmove / memset across memories in C++.
//
// mmcc promises that memcpy, memmove and memset work on pointers into any
// memory (they become memory.copy / memory.fill). In C that is true out of
// the box: clang re-declares the library builtin with parameters in the
// arguments' address spaces. In C++ it is not: <string.h> declares
// 'void *memcpy(void *, const void *, size_t)', overload resolution runs
// first, and a memory-2 pointer cannot convert to 'void *', so clang
// reports "no matching function for call to 'memcpy'".
//
// The plugin therefore adds, in C++ only, function templates named memcpy,
// memmove and memset that accept pointers into memory N (N deduced from
// __attribute__((address_space(N)))) and forward to the __builtin_ forms.
// They are added to clang's predefines (the "<built-in>" buffer, parsed
// before the main file), so they exist before <string.h> / <cstring>, and
// libc++'s 'using ::memcpy;' brings them into std:: too.
//
// They never change ordinary code: template argument deduction of N fails
// for a pointer into the default memory, so a call with memory-0 pointers
// only sees the C library's declaration. (The one visible difference: the
// name 'memcpy' is now an overload set, so 'auto f = &memcpy;' needs a
// target type.)
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Lex/Preprocessor.h"

namespace mmcc {

namespace {

/// The return type of the overloads: the destination pointer, as 'void *'
/// in its memory. Undefined for a const or volatile destination, so that
/// such a call is rejected in overload resolution (as the C library's
/// 'void *' parameter would), not with an error inside the template.
const char *const DestinationType = R"(
template <int __mmcc_M, class __mmcc_T> struct __mmcc_memfn_dest {
  typedef __attribute__((address_space(__mmcc_M))) void *type;
};
template <int __mmcc_M, class __mmcc_T>
struct __mmcc_memfn_dest<__mmcc_M, const __mmcc_T> {};
template <int __mmcc_M, class __mmcc_T>
struct __mmcc_memfn_dest<__mmcc_M, volatile __mmcc_T> {};
template <int __mmcc_M, class __mmcc_T>
struct __mmcc_memfn_dest<__mmcc_M, const volatile __mmcc_T> {};
)";

/// One function (memcpy or memmove): destination in memory D and source in
/// memory 0; destination in memory 0 and source in memory S; both in
/// non-default memories. The builtin returns a memory-0 'void *', so the
/// templates return the destination themselves.
std::string copyFunction(const char *Name) {
  std::string N = Name;
  return R"(
template <int __mmcc_D, class __mmcc_T>
inline __attribute__((__always_inline__, __nodebug__))
typename __mmcc_memfn_dest<__mmcc_D, __mmcc_T>::type
)" + N + R"((__attribute__((address_space(__mmcc_D))) __mmcc_T *__d,
      const void *__s, __SIZE_TYPE__ __n) noexcept {
  __builtin_)" + N + R"((__d, __s, __n);
  return __d;
}
template <int __mmcc_S, class __mmcc_U>
inline __attribute__((__always_inline__, __nodebug__)) void *
)" + N + R"((void *__d,
      const __attribute__((address_space(__mmcc_S))) __mmcc_U *__s,
      __SIZE_TYPE__ __n) noexcept {
  __builtin_)" + N + R"((__d, __s, __n);
  return __d;
}
template <int __mmcc_D, int __mmcc_S, class __mmcc_T, class __mmcc_U>
inline __attribute__((__always_inline__, __nodebug__))
typename __mmcc_memfn_dest<__mmcc_D, __mmcc_T>::type
)" + N + R"((__attribute__((address_space(__mmcc_D))) __mmcc_T *__d,
      const __attribute__((address_space(__mmcc_S))) __mmcc_U *__s,
      __SIZE_TYPE__ __n) noexcept {
  __builtin_)" + N + R"((__d, __s, __n);
  return __d;
}
)";
}

std::string memoryFunctionOverloads() {
  return "\n// mmcc clang plugin: memcpy, memmove and memset on pointers into "
         "any WebAssembly memory (C++).\n" +
         std::string(DestinationType) + copyFunction("memcpy") +
         copyFunction("memmove") + R"(
template <int __mmcc_D, class __mmcc_T>
inline __attribute__((__always_inline__, __nodebug__))
typename __mmcc_memfn_dest<__mmcc_D, __mmcc_T>::type
memset(__attribute__((address_space(__mmcc_D))) __mmcc_T *__d, int __c,
       __SIZE_TYPE__ __n) noexcept {
  __builtin_memset(__d, __c, __n);
  return __d;
}
)";
}

} // namespace

/// Appends the overloads to the predefines of a C++ compilation. Must run
/// before the main file is entered (plugin consumers are created before
/// parsing starts).
void addCxxMemoryFunctionOverloads(clang::CompilerInstance &CI) {
  if (!CI.getLangOpts().CPlusPlus || !CI.hasPreprocessor())
    return;
  clang::Preprocessor &PP = CI.getPreprocessor();
  PP.setPredefines(PP.getPredefines() + memoryFunctionOverloads());
}

} // namespace mmcc
