// Memory.cpp - address space <-> memory number mapping (see Memory.h).
#include "Memory.h"
#include "WasmMemory.h"

#include "clang/AST/Type.h"

using namespace clang;

namespace mmcc {

namespace {
bool InLibraryMemory = false;
} // namespace

void setInLibraryMemory(bool InLibrary) { InLibraryMemory = InLibrary; }

std::optional<unsigned> addressSpaceNumber(LangAS AS) {
  if (AS == LangAS::Default)
    return 0u;
  // A wasm_memory array's private address space is not a numbered memory
  // (WasmMemoryChecks.cpp looks after it).
  if (wasmMemoryArrayOf(AS))
    return std::nullopt;
  // address_space(N) in C/C++ becomes the target address space N.
  if (isTargetAddressSpace(AS))
    return toTargetAddressSpace(AS);
  return std::nullopt;
}

std::optional<unsigned> memoryOf(LangAS AS) {
  std::optional<unsigned> N = addressSpaceNumber(AS);
  if (N && !badAddressSpaceReason(*N).empty())
    return std::nullopt;
  // Outside a library memory, __default_memory is memory 0 itself.
  if (N == ApplicationAddressSpace && !InLibraryMemory)
    return 0u;
  return N;
}

std::optional<unsigned> pointeeMemory(QualType T) {
  if (T.isNull())
    return std::nullopt;
  if (const auto *PT = T->getAs<PointerType>())
    return memoryOf(PT->getPointeeType().getAddressSpace());
  if (const auto *BT = T->getAs<BlockPointerType>())
    return memoryOf(BT->getPointeeType().getAddressSpace());
  return std::nullopt;
}

std::string describeMemory(unsigned Memory) {
  if (Memory == 0)
    return "memory 0 (the default memory)";
  if (Memory == ApplicationAddressSpace)
    return "the application's default memory (__default_memory)";
  return "memory " + std::to_string(Memory);
}

std::string badAddressSpaceReason(unsigned N) {
  if (N == ExternrefAddressSpace)
    return "address space 10 is reserved: LLVM's WebAssembly backend uses it "
           "for externref values (__externref_t), so it cannot name a "
           "memory; use a memory number from 1 to 255 other than 10 and 20";
  if (N == FuncrefAddressSpace)
    return "address space 20 is reserved: LLVM's WebAssembly backend uses it "
           "for funcref values (__funcref), so it cannot name a memory; use "
           "a memory number from 1 to 255 other than 10 and 20";
  if (N > MaxMemory && N != ApplicationAddressSpace)
    return "address space " + std::to_string(N) +
           " is out of range: address_space(N) names WebAssembly memory N, "
           "and mmcc supports memories 0 to 255 (0 is the default memory; "
           "10 and 20 are reserved; 256 is <mmcc.h>'s __default_memory)";
  return std::string();
}

} // namespace mmcc
