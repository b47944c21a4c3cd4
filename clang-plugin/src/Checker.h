// Checker.h - the AST walk that finds multi-memory misuse.
//
// The walk runs once per translation unit, after clang has parsed it and
// instantiated every template (HandleTranslationUnit), and before the code
// generator turns the AST into IR. It visits template patterns *and* their
// instantiations; the Reporter drops repeated identical diagnostics, so a
// mistake in a template is reported once.
//
// Expressions that clang already rejected are marked "containsErrors" (clang
// replaces them with RecoveryExpr) and are skipped, so every mistake gets
// exactly one error: clang's or ours.
//
// The checks live in one file per concern (Checker.cpp has what they
// share):
//   AddressSpaceChecks.cpp  address spaces that cannot be memories (10, 20,
//                           > 255)
//   CastChecks.cpp          conversions between pointers into different
//                           memories
//   CallChecks.cpp          C library functions called with memory-N
//                           pointers; memory-N pointers passed to '...'
//   RuntimeCallChecks.cpp   the memory arguments of <mmcc.h>'s mm_*
//                           functions
//   LibraryCallChecks.cpp   calls into a library memory that pass data on
//                           the caller's stack
//   WasmMemoryChecks.cpp    wasm_memory arrays used as pointers
#ifndef MMCC_PLUGIN_CHECKER_H
#define MMCC_PLUGIN_CHECKER_H

#include "Reporter.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/DenseSet.h"

#include <vector>

namespace mmcc {

/// The parent of E, skipping parentheses; null at the top.
const clang::Stmt *parentOf(clang::ASTContext &Ctx, const clang::Stmt *E);

class Checker : public clang::RecursiveASTVisitor<Checker> {
public:
  Checker(clang::ASTContext &Ctx, Reporter &R) : Ctx(Ctx), R(R) {}

  /// Check every instantiation: a template may be fine as written and
  /// wrong for one set of arguments (e.g. a memory number as a template
  /// argument).
  bool shouldVisitTemplateInstantiations() const { return true; }
  /// Compiler-generated members (copy constructors, ...) convert nothing
  /// the user did not already write.
  bool shouldVisitImplicitCode() const { return false; }

  // AddressSpaceChecks.cpp
  bool VisitAttributedTypeLoc(clang::AttributedTypeLoc TL);
  bool VisitDeclaratorDecl(clang::DeclaratorDecl *D);
  bool VisitTypedefNameDecl(clang::TypedefNameDecl *D);

  /// Keeps track of the declarations being traversed, so that a diagnostic
  /// inside a template instantiation can say which instantiation.
  bool TraverseDecl(clang::Decl *D) {
    Enclosing.push_back(D);
    bool Result = RecursiveASTVisitor::TraverseDecl(D);
    Enclosing.pop_back();
    return Result;
  }

  /// Clang has already reported an error for the expression that this
  /// RecoveryExpr replaces; stay quiet about its parts.
  bool TraverseRecoveryExpr(clang::RecoveryExpr *E,
                            DataRecursionQueue *Queue = nullptr) {
    return true;
  }

  // CastChecks.cpp
  bool VisitAbstractConditionalOperator(
      clang::AbstractConditionalOperator *CO);
  bool VisitBinaryOperator(clang::BinaryOperator *BO);
  bool VisitCastExpr(clang::CastExpr *CE);

  // CallChecks.cpp
  bool VisitCallExpr(clang::CallExpr *CE);

  // WasmMemoryChecks.cpp
  bool VisitUnaryOperator(clang::UnaryOperator *UO);
  bool VisitImplicitCastExpr(clang::ImplicitCastExpr *CE);
  bool VisitInitListExpr(clang::InitListExpr *ILE);

private:
  // Checker.cpp
  /// Report through R, then add "in instantiation of ... requested here"
  /// when the diagnostic is inside a template instantiation (as clang does
  /// for its own diagnostics in templates).
  void error(clang::SourceLocation Loc, const std::string &Message,
             llvm::ArrayRef<clang::SourceRange> Ranges = {});
  void warning(WarningGroup G, clang::SourceLocation Loc,
               const std::string &Message,
               llvm::ArrayRef<clang::SourceRange> Ranges = {});
  void noteInstantiation();

  // CxxObjectChecks.cpp
  void checkObjectBuiltInPlace(const clang::ImplicitCastExpr *CE);
  void checkMemberPointerAccess(const clang::BinaryOperator *BO);

  // AddressSpaceChecks.cpp
  void checkDeclaredType(const clang::NamedDecl *D, clang::QualType T);

  // CastChecks.cpp
  /// If clang converted Operand (of a comparison or conditional operator)
  /// to another memory, marks those conversions as handled and returns
  /// true.
  bool markConvertedOperand(const clang::Expr *Operand);
  // Each checks the conversion Conv and reports it as Shown (Conv itself,
  // or the explicit cast that Conv is part of).
  void checkConversion(const clang::CastExpr *Conv,
                       const clang::CastExpr *Shown);
  void checkPointerConversion(const clang::CastExpr *Conv,
                              const clang::CastExpr *Shown);
  void checkNestedPointerConversion(const clang::CastExpr *Conv,
                                    const clang::CastExpr *Shown);
  void checkReferenceConversion(const clang::CastExpr *Conv,
                                const clang::CastExpr *Shown);

  // WasmMemoryChecks.cpp
  /// A declared type that points or refers into a wasm_memory array.
  void checkWasmMemoryPointerType(const clang::NamedDecl *D,
                                  clang::QualType T);

  // CallChecks.cpp
  void checkLibraryCall(const clang::CallExpr *CE,
                        const clang::FunctionDecl *FD);
  void checkVariadicArguments(const clang::CallExpr *CE,
                              const clang::FunctionDecl *FD);

  // RuntimeCallChecks.cpp
  void checkRuntimeCall(const clang::CallExpr *CE,
                        const clang::FunctionDecl *FD);

  // LibraryCallChecks.cpp
  void checkLibraryMemoryCall(const clang::CallExpr *CE,
                              const clang::FunctionDecl *FD);

  /// Source text of E if it is short and on one line (for suggestions).
  std::string shortSourceText(const clang::Expr *E) const;

  clang::ASTContext &Ctx;
  Reporter &R;
  /// Implicit conversions already reported as part of their parent
  /// expression (e.g. the operand of a comparison).
  llvm::DenseSet<const clang::CastExpr *> HandledCasts;
  /// Declarations being traversed, innermost last.
  std::vector<clang::Decl *> Enclosing;
};

} // namespace mmcc

#endif
