// Plugin.cpp - the mmcc clang plugin: registration and the AST consumer.
//
// Loaded with -fplugin=libmmcc-plugin.so. Loading the library registers
//   - the wasm_memory attribute (WasmMemoryAttr.cpp), and
//   - the "mmcc" plugin action, which runs *before* the main action
//     (AddBeforeMainAction): clang still does what the command line asks
//     (-emit-llvm, -c, -S, -fsyntax-only), and the plugin's AST consumer
//     sees each translation unit first. Its errors stop code generation,
//     so a rejected cast never reaches the backend (which would crash on
//     the addrspacecast);
//   - in C++, memcpy/memmove/memset overloads for pointers into any memory
//     (CxxMemoryFunctions.cpp);
//   - a diagnostic consumer that names the wasm_memory array where clang's
//     own messages would show its private address space number
//     (WasmMemoryDiagnostics.cpp);
//   - in C++, the special members and twins that construct, copy and call
//     const member functions on trivially copyable classes' objects in
//     memory N (MemoryClassMembers.cpp);
//   - '#pragma mmcc memory(push, K)' / '(pop)', which gives the declarations
//     of a library's header memory K's types (MemoryPragma.cpp,
//     LibraryTypes.cpp).
//
// Arguments (optional) use the same spelling as the -W options of the
// plugin's warnings (see Reporter.h), e.g.
//   -fplugin-arg-mmcc-Wno-mmcc-variadic-memory
//   -fplugin-arg-mmcc-Werror=mmcc-variadic-memory
#include "Checker.h"
#include "LibraryMemory.h"
#include "Memory.h"
#include "MemoryClassMembers.h"
#include "Reporter.h"
#include "WasmMemory.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Lex/PreprocessorOptions.h"

using namespace clang;

namespace mmcc {

// CxxMemoryFunctions.cpp
void addCxxMemoryFunctionOverloads(CompilerInstance &CI);
// WasmMemoryDiagnostics.cpp
void installWasmMemoryDiagnostics(CompilerInstance &CI);

namespace {

class MmccConsumer : public ASTConsumer {
public:
  MmccConsumer(CompilerInstance &CI, std::vector<std::string> Args)
      : CI(CI), Args(std::move(Args)),
        ClassMembers(installMemoryClassMembers(CI)) {}

  /// In C++, trivially copyable classes get their members for objects in
  /// memory N (MemoryClassMembers.cpp).
  void HandleTagDeclDefinition(TagDecl *D) override {
    memoryClassDefined(ClassMembers.get(), D);
  }

  /// wasm_memory arrays are settled, and the library functions of
  /// '#pragma mmcc memory' regions named, before the code generator (the
  /// next consumer) sees their declarations.
  bool HandleTopLevelDecl(DeclGroupRef Group) override {
    for (Decl *D : Group)
      finishWasmMemoryArrays(D, CI.getASTContext(), CI.getDiagnostics());
    labelLibraryFunctions(CI.getASTContext());
    return true;
  }

  void HandleTranslationUnit(ASTContext &Ctx) override {
    finishRemainingWasmMemoryArrays(Ctx, CI.getDiagnostics());
    finishLibraryDeclarations(Ctx, CI.getDiagnostics());
    // After a fatal error (e.g. a missing #include) the AST is incomplete;
    // anything reported now would only be noise.
    if (CI.getDiagnostics().hasFatalErrorOccurred())
      return;
    Reporter R(CI, Args);
    Checker C(Ctx, R);
    C.TraverseDecl(Ctx.getTranslationUnitDecl());
  }

private:
  CompilerInstance &CI;
  std::vector<std::string> Args;
  std::shared_ptr<MemoryClassMembersHandle> ClassMembers;
};

class MmccAction : public PluginASTAction {
protected:
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    // Called before the main file is parsed: the last moment to add to the
    // predefines.
    addCxxMemoryFunctionOverloads(CI);
    installWasmMemoryDiagnostics(CI);
    // mmcc compiles code for a library memory with -D__MMCC_IN_MEMORY__=K.
    bool InLibrary = false;
    for (const auto &[Macro, IsUndef] : CI.getPreprocessorOpts().Macros)
      if (llvm::StringRef(Macro).starts_with("__MMCC_IN_MEMORY__"))
        InLibrary = !IsUndef;
    setInLibraryMemory(InLibrary);
    installMemoryPragma(CI, Args);
    return std::make_unique<MmccConsumer>(CI, Args);
  }

  bool ParseArgs(const CompilerInstance &CI,
                 const std::vector<std::string> &A) override {
    DiagnosticsEngine &Diags = CI.getDiagnostics();
    for (const std::string &Arg : A) {
      llvm::StringRef S(Arg);
      // Only warning options are understood (see Reporter.h).
      if (S.starts_with("-W") || S.starts_with("W")) {
        Args.push_back(Arg);
        continue;
      }
      unsigned ID = Diags.getCustomDiagID(
          DiagnosticsEngine::Error,
          "unknown argument '%0' for the mmcc plugin; it accepts "
          "-W<warning-option>, e.g. -Wno-mmcc-variadic-memory");
      Diags.Report(ID) << Arg;
      return false;
    }
    return true;
  }

  ActionType getActionType() override { return AddBeforeMainAction; }

private:
  std::vector<std::string> Args;
};

} // namespace
} // namespace mmcc

static FrontendPluginRegistry::Add<mmcc::MmccAction>
    RegisterMmcc("mmcc", "mmcc: checks for WebAssembly multi-memory code");
