// CastChecks.cpp - conversions between pointers into different memories.
//
// An address in WebAssembly memory 2 is not an address in memory 0: there is
// no meaningful conversion between them (and LLVM's WebAssembly backend
// crashes on the 'addrspacecast' that clang would emit). So every
// conversion that changes the memory a pointer points into is an error:
//
//   explicit casts        (char *)p, static_cast / reinterpret_cast /
//                         functional casts, (char &)*p
//   implicit conversions  the ones clang lets through, all in C: comparing
//                         pointers into different memories (p == q), and
//                         a conditional operator with a 'void *' operand
//                         (c ? p : v)
//   nested pointers       (char **)pp where pp is a pointer to a memory-2
//                         pointer: the pointers it points to would be read
//                         as memory-0 pointers
//
// Allowed, because they do not pretend that an address is valid in another
// memory:
//   - integer round trips: (uintptr_t)p and (__memory(2) char *)(uintptr_t)x
//     (cast kinds PointerToIntegral / IntegralToPointer);
//   - null pointer constants converted to a memory-N pointer: 0, NULL,
//     (void *)0, nullptr (cast kind NullToPointer; also a null constant
//     that went through a pointer cast first, like (char *)0).
//
// Clang itself rejects the other implicit conversions between address
// spaces (assignment, initialization, argument passing, return, the
// conditional operator with two non-void pointers, pointer subtraction; in
// C++ also comparisons and the conditional operator) and, in C++,
// static_cast and reinterpret_cast; those expressions become RecoveryExpr
// (skipped by the Checker), so each gets only clang's error.
#include "Checker.h"
#include "Memory.h"

#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace mmcc {

namespace {

const char *const AcrossMemoriesAdvice =
    ": an address in one WebAssembly memory is meaningless in another; copy "
    "the data instead (memcpy works across memories)";

/// True if E is a null pointer constant, possibly behind casts: converting
/// null to a pointer into any memory gives that memory's null pointer.
bool isNullConstant(ASTContext &Ctx, const Expr *E) {
  if (E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
    return true;
  const Expr *Inner = E->IgnoreParenCasts();
  return Inner != E &&
         Inner->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull);
}

/// Cast kinds that never convert a pointer into one memory to a pointer
/// into another (integer round trips, nulls, conversions to bool/void...).
bool isHarmlessCastKind(CastKind K) {
  switch (K) {
  case CK_Dependent:
  case CK_NullToPointer:
  case CK_NullToMemberPointer:
  case CK_IntegralToPointer:
  case CK_PointerToIntegral:
  case CK_PointerToBoolean:
  case CK_ToVoid:
  case CK_LValueToRValue:
  case CK_FunctionToPointerDecay:
  case CK_BuiltinFnToFnPtr:
    return true;
  default:
    return false;
  }
}

bool isComparison(BinaryOperatorKind Op) {
  return BinaryOperator::isComparisonOp(Op);
}

/// The type of a comparison operand before clang converted it to the other
/// operand's type (array and function decay are kept).
QualType typeBeforeConversion(const Expr *E) {
  E = E->IgnoreParens();
  while (const auto *ICE = dyn_cast<ImplicitCastExpr>(E)) {
    CastKind K = ICE->getCastKind();
    if (K != CK_AddressSpaceConversion && K != CK_NoOp && K != CK_BitCast)
      break;
    E = ICE->getSubExpr()->IgnoreParens();
  }
  return E->getType();
}

/// Where a conversion is reported: at the start of an explicit cast (its
/// '(' or cast keyword), at the converted operand of an implicit one.
SourceLocation reportLoc(const CastExpr *CE) {
  return isa<ExplicitCastExpr>(CE) ? CE->getBeginLoc() : CE->getExprLoc();
}

std::string castWord(const CastExpr *CE) {
  return isa<ExplicitCastExpr>(CE) ? "cast" : "implicit conversion";
}

/// The source range of the cast's operand, for highlighting.
SourceRange operandRange(const CastExpr *CE) {
  return CE->getSubExpr()->getSourceRange();
}

} // namespace

bool Checker::markConvertedOperand(const Expr *Operand) {
  // The operand as written, then clang's implicit conversions on top of it
  // (an AddressSpaceConversion, or in some C cases a NoOp cast that changes
  // the address space). If they change the memory, they are reported as
  // part of the parent expression, not separately.
  const Expr *E = Operand->IgnoreParens();
  std::optional<unsigned> After = pointeeMemory(E->getType());
  std::optional<unsigned> Before = pointeeMemory(typeBeforeConversion(E));
  if (!After || !Before || *After == *Before)
    return false;
  while (const auto *ICE = dyn_cast<ImplicitCastExpr>(E)) {
    HandledCasts.insert(ICE);
    if (isNullConstant(Ctx, ICE->getSubExpr()))
      return false;
    E = ICE->getSubExpr()->IgnoreParens();
  }
  return true;
}

bool Checker::VisitBinaryOperator(BinaryOperator *BO) {
  if (!BO->containsErrors() && !BO->isTypeDependent())
    checkMemberPointerAccess(BO);
  // In C, clang accepts comparing pointers into different address spaces and
  // converts one operand with an implicit address-space conversion. Report
  // the comparison as a whole (at the operator), not the hidden conversion.
  if (BO->containsErrors() || BO->isTypeDependent() ||
      !isComparison(BO->getOpcode()))
    return true;
  const Expr *L = BO->getLHS(), *Rhs = BO->getRHS();
  bool Converted = markConvertedOperand(L);
  Converted |= markConvertedOperand(Rhs);
  if (!Converted)
    return true;
  std::optional<unsigned> LM = pointeeMemory(typeBeforeConversion(L));
  std::optional<unsigned> RM = pointeeMemory(typeBeforeConversion(Rhs));
  if (!LM || !RM || *LM == *RM)
    return true;
  error(BO->getOperatorLoc(),
          "comparison between a pointer into " + describeMemory(*LM) +
              " and a pointer into " + describeMemory(*RM) +
              ": addresses in different WebAssembly memories cannot be "
              "compared (each memory has its own address 0)",
          {L->getSourceRange(), Rhs->getSourceRange()});
  return true;
}

bool Checker::VisitAbstractConditionalOperator(
    AbstractConditionalOperator *CO) {
  // In C, 'c ? p : v' with p into memory 2 and v a 'void *' into memory 0
  // is accepted: clang converts v to the other memory. Report the operator.
  if (CO->containsErrors() || CO->isTypeDependent())
    return true;
  const Expr *T = CO->getTrueExpr(), *F = CO->getFalseExpr();
  bool Converted = markConvertedOperand(T);
  Converted |= markConvertedOperand(F);
  if (!Converted)
    return true;
  std::optional<unsigned> TM = pointeeMemory(typeBeforeConversion(T));
  std::optional<unsigned> FM = pointeeMemory(typeBeforeConversion(F));
  if (!TM || !FM || *TM == *FM)
    return true;
  error(CO->getQuestionLoc(),
          "conditional operator mixes a pointer into " + describeMemory(*TM) +
              " and a pointer into " + describeMemory(*FM) +
              AcrossMemoriesAdvice,
          {T->getSourceRange(), F->getSourceRange()});
  return true;
}

bool Checker::VisitCastExpr(CastExpr *CE) {
  if (HandledCasts.count(CE) || CE->containsErrors() || CE->isTypeDependent())
    return true;
  if (CE->getSubExpr()->isTypeDependent())
    return true;
  checkConversion(CE, CE);
  // Clang spells some explicit casts as the explicit cast over implicit
  // conversions marked "part of explicit cast" (e.g. (char &)*p is a no-op
  // cast over an address-space conversion). Report those as the cast the
  // programmer wrote.
  if (isa<ExplicitCastExpr>(CE)) {
    const Expr *E = CE->getSubExpr()->IgnoreParens();
    while (const auto *ICE = dyn_cast<ImplicitCastExpr>(E)) {
      if (!ICE->isPartOfExplicitCast())
        break;
      HandledCasts.insert(ICE);
      checkConversion(ICE, CE);
      E = ICE->getSubExpr()->IgnoreParens();
    }
  }
  return true;
}

void Checker::checkConversion(const CastExpr *Conv, const CastExpr *Shown) {
  if (isHarmlessCastKind(Conv->getCastKind()))
    return;
  checkPointerConversion(Conv, Shown);
  checkNestedPointerConversion(Conv, Shown);
  checkReferenceConversion(Conv, Shown);
}

void Checker::checkPointerConversion(const CastExpr *CE,
                                     const CastExpr *Shown) {
  std::optional<unsigned> From = pointeeMemory(CE->getSubExpr()->getType());
  std::optional<unsigned> To = pointeeMemory(CE->getType());
  if (!From || !To || *From == *To)
    return;
  if (isNullConstant(Ctx, CE->getSubExpr()))
    return;
  std::string Pair = " from a pointer into " + describeMemory(*From) +
                     " to a pointer into " + describeMemory(*To);
  error(reportLoc(Shown), castWord(Shown) + Pair + AcrossMemoriesAdvice,
          {operandRange(Shown)});
}

void Checker::checkNestedPointerConversion(const CastExpr *CE,
                                           const CastExpr *Shown) {
  // (char **)pp with pp of type '__memory(2) char **': the outer pointers
  // agree (both point into memory 0) but the pointers stored there would
  // change memories. Walk down matching pointer levels.
  QualType From = CE->getSubExpr()->getType();
  QualType To = CE->getType();
  std::optional<unsigned> Top = pointeeMemory(From);
  if (!Top || Top != pointeeMemory(To))
    return; // not pointers, or already a top-level conversion
  QualType F = From->getPointeeType(), T = To->getPointeeType();
  for (int Level = 0; Level < 16; ++Level) {
    if (!F->isPointerType() || !T->isPointerType())
      return;
    std::optional<unsigned> FM = pointeeMemory(F), TM = pointeeMemory(T);
    if (!FM || !TM)
      return;
    if (*FM != *TM) {
      PrintingPolicy PP = Ctx.getPrintingPolicy();
      error(reportLoc(Shown),
              castWord(Shown) + " from '" + From.getAsString(PP) + "' to '" +
                  To.getAsString(PP) +
                  "' would make pointers into " + describeMemory(*FM) +
                  " be read as pointers into " + describeMemory(*TM) +
                  AcrossMemoriesAdvice,
              {operandRange(Shown)});
      return;
    }
    F = F->getPointeeType();
    T = T->getPointeeType();
  }
}

void Checker::checkReferenceConversion(const CastExpr *CE,
                                       const CastExpr *Shown) {
  // (char &)*p or reinterpret_cast<char &>(*p) with *p in memory 2: the
  // result designates an object in a different memory.
  const Expr *Sub = CE->getSubExpr();
  if (!CE->isGLValue() || !Sub->isGLValue())
    return;
  std::optional<unsigned> From = memoryOf(Sub->getType().getAddressSpace());
  std::optional<unsigned> To = memoryOf(CE->getType().getAddressSpace());
  if (!From || !To || *From == *To)
    return;
  std::string Pair = " from an object in " + describeMemory(*From) +
                     " to a reference to an object in " +
                     describeMemory(*To);
  error(reportLoc(Shown), castWord(Shown) + Pair + AcrossMemoriesAdvice,
          {operandRange(Shown)});
}

} // namespace mmcc
