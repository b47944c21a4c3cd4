// LibraryMemory.h - the header of a library that lives in memory K:
// '#pragma mmcc memory(push, K)' ... '#pragma mmcc memory(pop)'.
//
// mmcc can retarget a whole library into memory K (--in-memory=K): its
// code, data, stack and C library live in memory K, and every pointer it
// takes or returns is an address in memory K. The application calls it
// directly, so it needs the library's header with memory-K pointer types:
//
//   #pragma mmcc memory(push, 3)
//   #include <zlib.h>
//   #pragma mmcc memory(pop)
//
// Inside the region every pointer type that a declaration spells points
// into memory 3 (docs/pragma.md has the rules). How:
//
//   - MemoryPragma.cpp: the pragma handler records the regions as
//     locations (the parser may look ahead of the declarations it is
//     building, so a declaration is classified by where it is written,
//     never by the pragma state at the time it is parsed), and reports
//     malformed or unbalanced pragmas;
//   - while a region is open, an attribute that nobody can spell sits on
//     clang's '#pragma clang attribute' stack (Sema::PragmaAttributeStack),
//     so Sema hands the plugin every function, variable, field and typedef
//     the moment it is declared, before anything else uses it;
//   - LibraryTypes.cpp: rewrites the declaration's types there, before the
//     declaration is merged with earlier ones or entered in scope. A
//     typedef is rewritten before its first use, so no TypedefType node
//     with the old canonical type ever exists; later code sees the new
//     types, and clang's own type checks reject memory-0 pointers passed
//     to the library.
#ifndef MMCC_PLUGIN_LIBRARY_MEMORY_H
#define MMCC_PLUGIN_LIBRARY_MEMORY_H

#include "clang/Basic/SourceLocation.h"

#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CompilerInstance;
class Decl;
class Diagnostic;
class FunctionDecl;
class DiagnosticsEngine;
class Sema;
} // namespace clang

namespace mmcc {

/// Registers '#pragma mmcc' with CI's preprocessor. Called when the plugin's
/// AST consumer is created (before the main file is read), so that
/// preprocessing alone (-E) leaves the pragma in its output. PluginArgs are
/// the plugin's -W arguments (for -Wmmcc-memory-pragma).
void installMemoryPragma(clang::CompilerInstance &CI,
                         const std::vector<std::string> &PluginArgs);

/// The memory of the innermost '#pragma mmcc memory' region that contains
/// Loc (a macro expansion counts where it is expanded); 0 outside regions.
unsigned regionMemoryAt(clang::SourceLocation Loc);

/// The memory this translation unit's code is compiled for: K when mmcc
/// compiles it into a library memory (--in-memory=K, which defines
/// __MMCC_IN_MEMORY__=K), 0 for the application.
unsigned ownMemory();

/// If Info is clang's "unterminated '#pragma clang attribute push'" error
/// about the plugin's own entry (a region still open at the end of the
/// main file), the message mmcc prints instead.
std::optional<std::string>
memoryPragmaMessage(const clang::Diagnostic &Info);

// LibraryTypes.cpp

/// Gives the declaration D, just declared at a location in a region of
/// memory Memory (!= 0), memory Memory's types, or reports why it cannot
/// have them.
void applyLibraryMemory(clang::Sema &S, clang::Decl *D, unsigned Memory);

/// The memory of the library whose function FD is (declared with memory
/// K's types in a region); 0 for any other function.
unsigned libraryMemoryOf(const clang::FunctionDecl *FD);

/// Whether a region of memory Memory would change the type of D (for the
/// warning about system headers included in a region).
bool libraryMemoryWouldChange(clang::ASTContext &Ctx, const clang::Decl *D,
                              unsigned Memory);

/// Gives the C++ functions rewritten so far the library's own symbol
/// names (C++ mangles address spaces into names). Called for each
/// top-level declaration, before the code generator sees it.
void labelLibraryFunctions(clang::ASTContext &Ctx);

/// What can only be judged once the declarations are complete: function
/// bodies and variable definitions inside regions. Called at the end of
/// the translation unit.
void finishLibraryDeclarations(clang::ASTContext &Ctx,
                               clang::DiagnosticsEngine &Diags);

} // namespace mmcc

#endif
