// MemoryClassMembers.h - special members of trivially copyable classes for
// objects in memory N (see MemoryClassMembers.cpp).
#ifndef MMCC_PLUGIN_MEMORY_CLASS_MEMBERS_H
#define MMCC_PLUGIN_MEMORY_CLASS_MEMBERS_H

#include <memory>

namespace clang {
class CompilerInstance;
class TagDecl;
} // namespace clang

namespace mmcc {

struct MemoryClassMembersHandle;

/// Starts watching a C++ translation unit's tokens for memory numbers;
/// null in C. Call before the main file is entered.
std::shared_ptr<MemoryClassMembersHandle>
installMemoryClassMembers(clang::CompilerInstance &CI);

/// A wasm_memory array got its private address space (WasmMemoryAttr.cpp):
/// its element class gets the members for it.
void wasmMemorySpaceNamed(unsigned TargetAddressSpace);

/// A class (or struct or union) definition is complete.
void memoryClassDefined(MemoryClassMembersHandle *H, clang::TagDecl *D);

} // namespace mmcc

#endif
