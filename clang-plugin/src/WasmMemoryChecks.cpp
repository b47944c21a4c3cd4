// WasmMemoryChecks.cpp - a wasm_memory array has no address.
//
// A wasm_memory array is a memory of its own (WasmMemory.h): the program
// reads and writes its elements by index, and nothing else in the program
// can point into it (a pointer is an address in *one* memory, and the
// array's memory has no number a pointer type could name). So, as for
// WebAssembly tables, these are errors:
//   - taking the address of the array, an element or a member of one
//     (&a, &a[i], &a[i].field);
//   - using the array as a pointer: passing it to a function, assigning or
//     converting it, pointer arithmetic that does not end in an access
//     (a + i alone; *(a + i) and a[i] are accesses);
//   - declaring a pointer or reference that would point into it (C++
//     references, 'auto &', deduced template parameters).
// Clang itself rejects some of these first (they change the pointer's
// address space); then clang's error is the only one.
#include "Checker.h"
#include "WasmMemory.h"

#include "clang/AST/Expr.h"
#include "clang/AST/ParentMapContext.h"

using namespace clang;

namespace mmcc {

namespace {

/// The array a pointer-typed expression points into, if a wasm_memory one.
const VarDecl *arrayOfPointer(const Expr *E) {
  if (const auto *PT = E->getType()->getAs<PointerType>())
    return wasmMemoryArrayOf(PT->getPointeeType().getAddressSpace());
  return nullptr;
}

std::string accessHint(const VarDecl *Array) {
  std::string Name = Array->getNameAsString();
  return "'" + Name + "' is a wasm_memory array, a memory of its own: its "
         "elements have no address a pointer could hold; read and write "
         "them by index (" + Name + "[i])";
}

} // namespace


/// Is the array-to-pointer decay Decay only the first step of an access?
/// a[i], i[a], *a, *(a + i - j), (a + i)[j] and a->field are; helpers of
/// <mmcc.h> that take the array itself (__mmcc_wasm_memory_*) are too.
static bool decayIsAccess(ASTContext &Ctx, const Expr *Decay) {
  const Stmt *Child = Decay;
  const Stmt *P = parentOf(Ctx, Decay);
  // Pointer arithmetic on the way to the access.
  while (const auto *BO = dyn_cast_or_null<BinaryOperator>(P)) {
    if ((BO->getOpcode() != BO_Add && BO->getOpcode() != BO_Sub) ||
        !BO->getType()->isPointerType())
      return false;
    Child = BO;
    P = parentOf(Ctx, BO);
  }
  if (!P)
    return false;
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(P))
    return AS->getBase()->IgnoreParens() == Child ||
           AS->getIdx()->IgnoreParens() == Child;
  if (const auto *ME = dyn_cast<MemberExpr>(P))
    return ME->isArrow();
  if (const auto *UO = dyn_cast<UnaryOperator>(P))
    return UO->getOpcode() == UO_Deref;
  if (Child != Decay)
    return false;
  if (const auto *CE = dyn_cast<CallExpr>(P))
    if (const FunctionDecl *FD = CE->getDirectCallee())
      if (const IdentifierInfo *II = FD->getIdentifier())
        return II->getName().starts_with("__mmcc_wasm_memory_");
  return false;
}

bool Checker::VisitUnaryOperator(UnaryOperator *UO) {
  if (UO->getOpcode() != UO_AddrOf || UO->containsErrors())
    return true;
  const VarDecl *Array = arrayOfPointer(UO);
  if (!Array)
    return true;
  const Expr *Operand = UO->getSubExpr()->IgnoreParenImpCasts();
  std::string What = "an element of '" + Array->getNameAsString() + "'";
  if (const auto *DRE = dyn_cast<DeclRefExpr>(Operand))
    if (DRE->getDecl()->getCanonicalDecl() == Array->getCanonicalDecl())
      What = "'" + Array->getNameAsString() + "'";
  if (isa<MemberExpr>(Operand))
    What = "a member of an element of '" + Array->getNameAsString() + "'";
  error(UO->getOperatorLoc(),
        "cannot take the address of " + What + ": " + accessHint(Array),
        UO->getSourceRange());
  return true;
}

bool Checker::VisitImplicitCastExpr(ImplicitCastExpr *CE) {
  if (!CE->containsErrors())
    checkObjectBuiltInPlace(CE);
  if (CE->getCastKind() != CK_ArrayToPointerDecay || CE->containsErrors())
    return true;
  const VarDecl *Array = arrayOfPointer(CE);
  if (!Array || decayIsAccess(Ctx, CE))
    return true;
  const Stmt *P = parentOf(Ctx, CE);
  // Look through the conversions clang adds around an argument.
  while (P && isa<ImplicitCastExpr>(P))
    P = parentOf(Ctx, P);
  std::string Use = P && isa<CallExpr>(P)
                        ? "cannot be passed where a pointer is expected"
                        : "cannot be used as a pointer";
  std::string Name = Array->getNameAsString();
  error(CE->getExprLoc(),
        "'" + Name + "' " + Use + ": " + accessHint(Array),
        CE->getSourceRange());
  return true;
}

void Checker::checkWasmMemoryPointerType(const NamedDecl *D, QualType T) {
  if (D->isInvalidDecl() || T.isNull())
    return;
  const VarDecl *Array = pointsIntoWasmMemoryArray(T);
  if (!Array)
    return;
  std::string Name = D->getDeclName().isIdentifier() && D->getIdentifier()
                         ? "'" + D->getNameAsString() + "'"
                         : std::string("this declaration");
  error(D->getLocation(),
        Name + " would point into '" + Array->getNameAsString() + "': " +
            accessHint(Array));
}

} // namespace mmcc
