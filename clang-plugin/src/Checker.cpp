// Checker.cpp - what the checks share: reporting with template context.
#include "Checker.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ParentMapContext.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;

namespace mmcc {

void Checker::error(SourceLocation Loc, const std::string &Message,
                    llvm::ArrayRef<SourceRange> Ranges) {
  R.error(Loc, Message, Ranges);
  noteInstantiation();
}

void Checker::warning(WarningGroup G, SourceLocation Loc,
                      const std::string &Message,
                      llvm::ArrayRef<SourceRange> Ranges) {
  R.warning(G, Loc, Message, Ranges);
  noteInstantiation();
}

void Checker::noteInstantiation() {
  // The innermost enclosing function or class that clang instantiated from
  // a template. (The Reporter drops the note if the diagnostic itself was
  // dropped.)
  for (auto It = Enclosing.rbegin(); It != Enclosing.rend(); ++It) {
    const NamedDecl *Inst = nullptr;
    SourceLocation Point;
    if (const auto *FD = dyn_cast<FunctionDecl>(*It)) {
      if (FD->isTemplateInstantiation()) {
        Inst = FD;
        Point = FD->getPointOfInstantiation();
      }
    } else if (const auto *RD = dyn_cast<ClassTemplateSpecializationDecl>(*It)) {
      if (RD->getSpecializationKind() != TSK_ExplicitSpecialization) {
        Inst = RD;
        Point = RD->getPointOfInstantiation();
      }
    }
    if (!Inst)
      continue;
    if (Point.isInvalid())
      return;
    std::string Name;
    llvm::raw_string_ostream OS(Name);
    Inst->getNameForDiagnostic(OS, Ctx.getPrintingPolicy(), true);
    R.note(Point, "in instantiation of '" + OS.str() + "' requested here");
    return;
  }
}

/// The parent of E, skipping parentheses; null at the top.
const Stmt *parentOf(ASTContext &Ctx, const Stmt *E) {
  while (true) {
    auto Parents = Ctx.getParents(*E);
    if (Parents.empty())
      return nullptr;
    const Stmt *P = Parents[0].get<Stmt>();
    if (!P || !isa<ParenExpr>(P))
      return P;
    E = P;
  }
}

} // namespace mmcc
