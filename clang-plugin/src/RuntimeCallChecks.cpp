// RuntimeCallChecks.cpp - the memory arguments of <mmcc.h>'s mm_* functions.
//
// mm_malloc(2, n), mm_strlen(2, s), mm_copy(1, d, 2, s, n) expand to calls
// of __mmcc_rt_<fn>(memory, ...) whose parameters say what each argument
// is (see runtime/include/mmcc.h):
//   __mmcc_memory_t   a memory number. It must be an integer constant
//                     expression: each memory has its own heap and its
//                     own code, chosen at compile time.
//   __mmcc_address_t  an address in the memory named by the closest
//                     __mmcc_memory_t parameter before it. The macro casts
//                     the user's pointer to __mmcc_address_t; the pointer
//                     must point into that memory (or be a null pointer).
// Without these checks mm_free(2, p) with p into memory 1 would free a
// random block of memory 2's heap.
#include "Checker.h"
#include "Memory.h"

#include "clang/AST/Expr.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace mmcc {

namespace {

/// Whether T is spelled with the typedef Name (through any sugar).
bool isTypedef(QualType T, StringRef Name) {
  while (const auto *TT = T->getAs<TypedefType>()) {
    if (TT->getDecl()->getName() == Name)
      return true;
    T = TT->getDecl()->getUnderlyingType();
  }
  return false;
}

/// The user's expression inside the macro's (__mmcc_address_t)(p) cast;
/// nullptr if the argument is not such a cast.
const Expr *addressOperand(const Expr *Arg) {
  const Expr *E = Arg->IgnoreParenImpCasts();
  const auto *Cast = dyn_cast<ExplicitCastExpr>(E);
  if (!Cast || !isTypedef(Cast->getTypeAsWritten(), "__mmcc_address_t"))
    return nullptr;
  return Cast->getSubExpr();
}

} // namespace

void Checker::checkRuntimeCall(const CallExpr *CE, const FunctionDecl *FD) {
  if (!FD || !FD->getIdentifier())
    return;
  StringRef Name = FD->getName();
  if (!Name.consume_front("__mmcc_rt_"))
    return;
  std::string Public = "mm_" + Name.str();
  std::optional<unsigned> Memory;
  unsigned N = std::min<unsigned>(FD->getNumParams(), CE->getNumArgs());
  for (unsigned I = 0; I != N; ++I) {
    const Expr *Arg = CE->getArg(I);
    QualType ParamType = FD->getParamDecl(I)->getType();
    if (isTypedef(ParamType, "__mmcc_memory_t")) {
      Memory.reset();
      std::optional<llvm::APSInt> Value = Arg->getIntegerConstantExpr(Ctx);
      if (!Value) {
        error(Arg->getExprLoc(),
              "the memory of " + Public +
                  " must be an integer constant expression: each memory "
                  "has its own heap and its own code, chosen when the "
                  "program is compiled",
              {Arg->getSourceRange()});
        return;
      }
      if (Value->isNegative() || Value->getZExtValue() > MaxMemory) {
        error(Arg->getExprLoc(),
              Public + " on memory " + llvm::toString(*Value, 10) +
                  ": memories are numbered 0 to " + std::to_string(MaxMemory),
              {Arg->getSourceRange()});
        return;
      }
      unsigned M = unsigned(Value->getZExtValue());
      std::string Reason = badAddressSpaceReason(M);
      if (!Reason.empty()) {
        error(Arg->getExprLoc(), Public + " on memory " + std::to_string(M) +
                                     ": " + Reason,
              {Arg->getSourceRange()});
        return;
      }
      Memory = M;
      continue;
    }
    if (!Memory || !isTypedef(ParamType, "__mmcc_address_t"))
      continue;
    const Expr *Operand = addressOperand(Arg);
    if (!Operand)
      continue; // called directly, not through the macro: nothing to see
    if (Operand->IgnoreParenImpCasts()->isNullPointerConstant(
            Ctx, Expr::NPC_ValueDependentIsNotNull))
      continue;
    std::optional<unsigned> PointsInto = pointeeMemory(Operand->getType());
    if (!PointsInto) {
      if (!Operand->getType()->isPointerType() &&
          !Operand->getType()->isArrayType())
        error(Operand->getExprLoc(),
              Public + " expects a pointer into " + describeMemory(*Memory) +
                  " here, not a value of type '" +
                  Operand->getType().getAsString() + "'",
              {Operand->getSourceRange()});
      continue;
    }
    if (*PointsInto != *Memory) {
      std::string Text = shortSourceText(Operand->IgnoreParenImpCasts());
      error(Operand->getExprLoc(),
            Public + " on " + describeMemory(*Memory) + ", but " +
                (Text.empty() ? std::string("this pointer")
                              : "'" + Text + "'") +
                " points into " + describeMemory(*PointsInto) +
                "; pass " + std::to_string(*PointsInto) +
                " as the memory, or copy the data (mm_copy)",
            {Operand->getSourceRange()});
    }
  }
}

} // namespace mmcc
