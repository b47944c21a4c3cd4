// WasmMemory.h - __attribute__((wasm_memory)) arrays: memories of their own.
//
// A global array declared with the attribute *is* a WebAssembly memory: its
// element 0 is byte 0 of that memory, and the program indexes it with
// integers. (docs/memory-model.md, "wasm_memory arrays", has the model and
// the reasons for it.)
//
// How the plugin gets that into the IR:
//   - the array's element type is given a *private address space*, one per
//     array in the translation unit, numbered from FirstWasmMemorySpace.
//     Clang and LLVM's optimizer then treat it as any global array, and a
//     pointer into it can never be mixed with a pointer into another memory
//     (their types differ), so the optimized IR says for every load and
//     store which array it touches;
//   - the declaration (its source location, C type and the companion
//     attributes below) is written into the global's section name, which
//     clang emits for definitions and for 'extern' declarations alike
//     (WasmMemoryInfoPrefix). The IR pass reads it, turns the array into a
//     named memory and takes the global away.
//
// Companion attributes (all also spelled [[mmcc::...]]):
//   wasm_memory_import("module", "field")  the host provides the memory
//   wasm_memory_export("name")             export it under this name
//   wasm_memory_private                    do not export it
//   wasm_memory_pages(min[, max])          limits in 64 KiB pages
//   wasm_memory_shared                     a shared memory (needs a max)
//
// The same companions declare a *numbered* memory (the memory of
// address_space(N) pointers) in the source, on the placeholder variable
// that <mmcc.h>'s __memory_declare(N, ...) makes:
//   __attribute__((memory_declare(N), wasm_memory_import("env", "user")))
//   static const char __mmcc_memory_declaration_K[1] = {0};
// Its section name carries the settings (MemoryDeclarationPrefix); the IR
// pass records them in the object and deletes the placeholder.
#ifndef MMCC_PLUGIN_WASM_MEMORY_H
#define MMCC_PLUGIN_WASM_MEMORY_H

#include "clang/AST/Decl.h"
#include "clang/AST/Type.h"

#include <optional>
#include <string>

namespace clang {
class ASTContext;
class DiagnosticsEngine;
} // namespace clang

namespace mmcc {

/// The private address spaces of wasm_memory arrays: FirstWasmMemorySpace +
/// k for the k-th array of a translation unit. Far above the memory numbers
/// (0-255), below clang's limit for address spaces (2^23).
constexpr unsigned FirstWasmMemorySpace = 0x700000;
constexpr unsigned MaxWasmMemoryArrays = 0x10000;

/// Section-name prefix that tells the IR pass "this global is a
/// wasm_memory array"; the rest is key=value pairs (percent-encoded values,
/// separated by '&'). Must match src/ir/wasm_memory.rs.
constexpr const char *WasmMemoryInfoPrefix = "mmcc.wasm_memory?";

/// Section-name prefix of a numbered memory's declaration
/// (src/ir/declarations.rs reads it).
constexpr const char *MemoryDeclarationPrefix = "mmcc.memory_declaration?";

/// True if target address space N is a wasm_memory array's.
inline bool isWasmMemorySpace(unsigned N) {
  return N >= FirstWasmMemorySpace &&
         N < FirstWasmMemorySpace + MaxWasmMemoryArrays;
}

/// The wasm_memory array whose private address space is AS, if any.
const clang::VarDecl *wasmMemoryArrayOf(clang::LangAS AS);

/// If T is (or contains, through pointers, references and arrays) a
/// pointer or reference into a wasm_memory array, that array.
const clang::VarDecl *pointsIntoWasmMemoryArray(clang::QualType T);

/// Settles the declaration of every wasm_memory array declared in D
/// (recursively, including static locals in function bodies): checks the
/// companion attributes across redeclarations and writes the section name
/// the IR pass reads. Must run before clang's code generator sees D; does
/// each array once.
void finishWasmMemoryArrays(clang::Decl *D, clang::ASTContext &Ctx,
                            clang::DiagnosticsEngine &Diags);

/// Settles every wasm_memory array not settled yet (template
/// instantiations and other declarations that never were a top-level
/// declaration).
void finishRemainingWasmMemoryArrays(clang::ASTContext &Ctx,
                                     clang::DiagnosticsEngine &Diags);

} // namespace mmcc

#endif
