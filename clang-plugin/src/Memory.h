// Memory.h - how mmcc reads clang address spaces as WebAssembly memories.
//
// mmcc's memory model: a pointer whose pointee is qualified with
// __attribute__((address_space(N))) points into WebAssembly memory N.
// Unqualified pointers (clang's LangAS::Default) and explicit
// address_space(0) both point into memory 0, the default memory (C stack,
// libc heap, ordinary data).
//
// Address spaces that are not numbered target address spaces (OpenCL's,
// the WebAssembly __funcref qualifier, ...) are not memories: every check
// in the plugin ignores them, so code using them is left to clang.
#ifndef MMCC_PLUGIN_MEMORY_H
#define MMCC_PLUGIN_MEMORY_H

#include "clang/AST/Type.h"
#include "clang/Basic/AddressSpaces.h"

#include <optional>
#include <string>

namespace mmcc {

/// Highest memory number mmcc accepts. WebAssembly allows more memories, but
/// mmcc's object format and runtime keep memory keys to one byte.
constexpr unsigned MaxMemory = 255;

/// Address spaces that LLVM's WebAssembly backend uses for reference types
/// (externref and funcref). A pointer qualified with one of these would be
/// lowered to a reference-typed value, not to an address in a memory.
constexpr unsigned ExternrefAddressSpace = 10;
constexpr unsigned FuncrefAddressSpace = 20;

/// `__default_memory` (<mmcc.h>): the application's default memory, named
/// explicitly. In code compiled into a library memory (mmcc defines
/// __MMCC_IN_MEMORY__), unqualified pointers point into the library's
/// memory and this one into the application's memory 0, so the two are
/// different memories; anywhere else both are memory 0.
constexpr unsigned ApplicationAddressSpace = 256;

/// Whether the translation unit is compiled into a library memory (set
/// once, when the plugin starts on it).
void setInLibraryMemory(bool InLibrary);

/// The number N of address space AS as written in address_space(N) (0 for
/// the default address space); nullopt if AS is not a numbered address
/// space (see above) or is a wasm_memory array's private address space.
std::optional<unsigned> addressSpaceNumber(clang::LangAS AS);

/// The memory a pointee with address space AS lives in; nullopt if AS is
/// not a memory: not numbered, or a number that cannot be a memory (those
/// are reported once, by AddressSpaceChecks.cpp, and ignored by every other
/// check).
std::optional<unsigned> memoryOf(clang::LangAS AS);

/// The memory that a value of pointer type T points into; nullopt if T is
/// not a pointer (or block pointer) or its pointee is not in a memory.
std::optional<unsigned> pointeeMemory(clang::QualType T);

/// "memory 0 (the default memory)" or "memory N": how diagnostics name a
/// memory (ApplicationAddressSpace in a library memory: "the application's
/// default memory (__default_memory)").
std::string describeMemory(unsigned Memory);

/// If address space number N (as written in address_space(N)) cannot be a
/// memory, the reason as a sentence fragment; empty if N is fine.
std::string badAddressSpaceReason(unsigned N);

} // namespace mmcc

#endif
