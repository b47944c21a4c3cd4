// WasmMemoryAttr.cpp - the __attribute__((wasm_memory)) attribute.
//
// Spellings: __attribute__((wasm_memory)) (GNU), and [[mmcc::wasm_memory]]
// in C23 and C++11 and later.
//
// A global variable declared with it *is* a WebAssembly memory (the full
// model is the memory-indexed IR pass's business). Here the attribute only
// has to reach the LLVM IR: it becomes
//     __attribute__((annotate("mmcc.wasm_memory")))
// which clang's code generator lists in @llvm.global.annotations next to the
// global it annotates. Clang emits that list only for *definitions*; an
// 'extern' declaration carries nothing into the IR.
//
// The attribute takes no arguments (clang reports "'wasm_memory' attribute
// takes no arguments" itself). Applying it to anything other than a
// variable with static storage duration is an error: a function, a type, a
// struct member, a parameter or an automatic local variable cannot be a
// memory.
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"

using namespace clang;

namespace {

/// The annotation string the IR pass looks for.
constexpr const char *WasmMemoryAnnotation = "mmcc.wasm_memory";

/// What D is, for "... not to <what>" in the error message; empty if D may
/// carry the attribute.
std::string whatCannotBeAMemory(const Decl *D) {
  if (const auto *VD = dyn_cast<VarDecl>(D)) {
    if (isa<ParmVarDecl>(VD))
      return "a function parameter";
    if (!VD->hasGlobalStorage())
      return "a local variable with automatic storage (declare it at file "
             "scope, or 'static')";
    if (VD->getTLSKind() != VarDecl::TLS_None)
      return "a thread-local variable";
    return std::string();
  }
  if (isa<FunctionDecl>(D) || isa<FunctionTemplateDecl>(D))
    return "a function";
  if (isa<FieldDecl>(D) || isa<IndirectFieldDecl>(D))
    return "a struct or union member";
  if (isa<TypedefNameDecl>(D))
    return "a typedef";
  if (isa<TagDecl>(D))
    return "a type";
  if (isa<EnumConstantDecl>(D))
    return "an enumerator";
  if (isa<LabelDecl>(D))
    return "a label";
  if (isa<NamespaceDecl>(D))
    return "a namespace";
  return "this declaration";
}

struct WasmMemoryAttrInfo : public ParsedAttrInfo {
  WasmMemoryAttrInfo() {
    static constexpr Spelling S[] = {
        {ParsedAttr::AS_GNU, "wasm_memory"},
        {ParsedAttr::AS_C23, "mmcc::wasm_memory"},
        {ParsedAttr::AS_CXX11, "mmcc::wasm_memory"},
    };
    Spellings = S;
    // No arguments: NumArgs and OptArgs stay 0, so clang rejects any.
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    std::string What = whatCannotBeAMemory(D);
    if (What.empty())
      return true;
    DiagnosticsEngine &Diags = S.getDiagnostics();
    unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0");
    Diags.Report(Attr.getLoc(), ID)
        << ("the 'wasm_memory' attribute declares a WebAssembly memory and "
            "can only be applied to a global variable, not to " +
            What)
        << Attr.getRange();
    return false;
  }

  bool diagAppertainsToStmt(Sema &S, const ParsedAttr &Attr,
                            const Stmt *St) const override {
    DiagnosticsEngine &Diags = S.getDiagnostics();
    unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0");
    Diags.Report(Attr.getLoc(), ID)
        << "the 'wasm_memory' attribute declares a WebAssembly memory and "
           "can only be applied to a global variable, not to a statement"
        << Attr.getRange();
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    // diagAppertainsToDecl has already accepted D. Add the annotation once,
    // even if the attribute is written twice or on a redeclaration.
    for (const auto *A : D->specific_attrs<AnnotateAttr>())
      if (A->getAnnotation() == WasmMemoryAnnotation)
        return AttributeApplied;
    D->addAttr(AnnotateAttr::Create(S.Context, WasmMemoryAnnotation, nullptr,
                                    0, Attr.getRange()));
    return AttributeApplied;
  }
};

} // namespace

static ParsedAttrInfoRegistry::Add<WasmMemoryAttrInfo>
    RegisterWasmMemory("wasm_memory",
                       "__attribute__((wasm_memory)): a global variable that "
                       "is a WebAssembly memory");
