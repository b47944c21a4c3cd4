// CxxObjectChecks.cpp - C++ objects that would be built in memory 0 and
// used as memory N's.
//
// C++17 builds a prvalue of class type directly in the object it
// initializes: `__memory(2) Point a = Point(7, 8);` and
// `__memory(2) Point b = make();` run Point's constructor (or make's
// return) on a's address, with no copy in between. clang allows that
// across address spaces (it compares the types without qualifiers), but
// the constructor's `this`, and the address a function returns its result
// through, are pointers into memory 0: the code would write memory 0 at
// memory 2's address. mmcc's memory-indexing pass would stop at the
// conversion deep inside the constructor; this check reports it where it
// is written, with what to write instead: the memory-N constructors that
// MemoryClassMembers.cpp declares (`__memory(2) Point a(7, 8);`, or
// `= {7, 8}`), or an assignment (`a = make();`), which copies.
//
// Static objects with constant initialization run no code and are fine.
//
// Pointers to members: clang 19 gives `obj.*pm` and `p->*pm` the member's
// type without the object's address space, so for an object in memory N
// the result is an lvalue of memory 0 (`auto &r = items[i].*pm;` would
// then read memory 0 at memory N's address, with no conversion left for
// mmcc's pass to see). Reading the value right away is compiled right;
// anything else is reported.
#include "Checker.h"
#include "Memory.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"

using namespace clang;

namespace mmcc {

namespace {

/// The variable whose initializer holds E (through initializer lists and
/// other expressions), if any.
const VarDecl *initializedVariable(ASTContext &Ctx, const Expr *E) {
  DynTypedNode Node = DynTypedNode::create(*E);
  for (unsigned Depth = 0; Depth < 64; ++Depth) {
    auto Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return nullptr;
    if (const auto *VD = Parents[0].get<VarDecl>())
      return VD;
    if (!Parents[0].get<Expr>())
      return nullptr;
    Node = Parents[0];
  }
  return nullptr;
}

} // namespace

/// The visitor walks an initializer list's written form, which lacks the
/// conversions to the elements' types: look at the semantic form's.
bool Checker::VisitInitListExpr(InitListExpr *ILE) {
  if (ILE->containsErrors())
    return true;
  const InitListExpr *Semantic = ILE->isSemanticForm() ? ILE : ILE->getSemanticForm();
  if (!Semantic || (Semantic == ILE && ILE->getSyntacticForm()))
    return true; // a semantic form is checked through its written form
  for (const Expr *Init : Semantic->inits())
    if (const auto *CE = dyn_cast_or_null<ImplicitCastExpr>(Init))
      checkObjectBuiltInPlace(CE);
  return true;
}

void Checker::checkObjectBuiltInPlace(const ImplicitCastExpr *CE) {
  if (CE->getCastKind() != CK_NoOp || !CE->isPRValue() ||
      !CE->getType()->isRecordType())
    return;
  std::optional<unsigned> To = memoryOf(CE->getType().getAddressSpace());
  const Expr *Sub = CE->getSubExpr();
  std::optional<unsigned> From = memoryOf(Sub->getType().getAddressSpace());
  if (!To || *To == 0 || !From || *From != 0)
    return;
  if (const VarDecl *VD = initializedVariable(Ctx, CE))
    if (VD->hasGlobalStorage() && VD->hasConstantInitialization())
      return;
  const Expr *Inner = Sub->IgnoreParens();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(Inner))
    if (Construct->getConstructor()->isTrivial())
      return; // no code runs on the object: clang copies or zeroes it
  std::string Type = Sub->getType().getUnqualifiedType().getAsString(
      Ctx.getPrintingPolicy());
  bool IsCall = isa<CallExpr>(Inner) && !isa<CXXOperatorCallExpr>(Inner);
  std::string What =
      IsCall ? "this call returns its '" + Type +
                   "' result through a pointer into memory 0"
             : "this '" + Type + "' is constructed with 'this' in memory 0";
  error(CE->getExprLoc(),
        What + ", and C++ builds it in place, in the object in " +
            describeMemory(*To) + " that it initializes; construct the " +
            "object in its memory directly (`__memory(" +
            std::to_string(*To) + ") " + Type + " v(args);` or `= {args}`), " +
            "or initialize it otherwise and assign the value (`v = ...;` " +
            "copies it in)",
        {CE->getSourceRange()});
}

void Checker::checkMemberPointerAccess(const BinaryOperator *BO) {
  if (BO->getOpcode() != BO_PtrMemD && BO->getOpcode() != BO_PtrMemI)
    return;
  QualType Object = BO->getLHS()->getType();
  if (BO->getOpcode() == BO_PtrMemI) {
    const auto *PT = Object->getAs<PointerType>();
    if (!PT)
      return;
    Object = PT->getPointeeType();
  }
  std::optional<unsigned> M = memoryOf(Object.getAddressSpace());
  if (!M || *M == 0 || BO->getType().hasAddressSpace() || !BO->isGLValue())
    return;
  // Read at once (an lvalue-to-rvalue conversion): clang loads from the
  // right memory.
  if (const auto *ICE = dyn_cast_or_null<ImplicitCastExpr>(parentOf(Ctx, BO)))
    if (ICE->getCastKind() == CK_LValueToRValue)
      return;
  error(BO->getOperatorLoc(),
        "a pointer to member applied to an object in " + describeMemory(*M) +
            " names a member that clang types as in memory 0 (the object's "
            "memory is lost), so it can only be read at once; read its value "
            "(`T v = obj.*pm;`), or copy the object out first",
        {BO->getSourceRange()});
}

} // namespace mmcc
