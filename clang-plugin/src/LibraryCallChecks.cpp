// LibraryCallChecks.cpp - calls into a library memory that would hand the
// library data on the caller's stack.
//
// The application (memory 0) calls the functions of a memory-K library
// (declared in a '#pragma mmcc memory(push, K)' region) directly. What
// WebAssembly's C ABI passes as values crosses without trouble: integers,
// floats, pointers, and structs with a single scalar member. What it passes
// through memory does not: the caller puts it on its own C stack, in memory
// 0, and hands over the address, and the library, whose every access is to
// memory K, reads or writes memory K at that address. That is
//   - a struct or union argument (other than an empty one or one with a
//     single scalar member), a _Complex one, a C++ class that cannot be
//     passed in registers: a copy on the caller's stack;
//   - such a result, and a result wider than one WebAssembly value (long
//     double, __int128): a slot on the caller's stack that the callee
//     fills;
//   - variadic arguments: a buffer on the caller's stack;
//   - a va_list: a pointer to such a buffer.
// Each is an error at the call. The header may declare such functions
// (only calling them from memory 0 is wrong), and calls through function
// pointers cannot be checked. (The rules are those of clang's WebAssembly
// ABI: records with one scalar element, after empty fields and bases, and
// no padding, are passed and returned as that scalar.)
#include "Checker.h"
#include "LibraryMemory.h"

#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/TargetInfo.h"

using namespace clang;

namespace mmcc {

namespace {

/// What the ABI treats as an aggregate (never a single WebAssembly value by
/// itself).
bool isAggregate(QualType T) {
  return T->isRecordType() || T->isArrayType() || T->isAnyComplexType() ||
         T->isMemberFunctionPointerType();
}

bool isEmptyRecord(const ASTContext &Ctx, QualType T);

bool isEmptyField(const ASTContext &Ctx, const FieldDecl *F) {
  if (F->isUnnamedBitField())
    return true;
  QualType T = F->getType();
  while (const ConstantArrayType *AT = Ctx.getAsConstantArrayType(T)) {
    if (AT->isZeroSize())
      return true;
    T = AT->getElementType();
  }
  // C++ members of class type are never empty in the Itanium ABI.
  if (!T->isRecordType() || isa<CXXRecordDecl>(T->getAsRecordDecl()))
    return false;
  return isEmptyRecord(Ctx, T);
}

bool isEmptyRecord(const ASTContext &Ctx, QualType T) {
  const auto *RT = T->getAs<RecordType>();
  if (!RT)
    return false;
  const RecordDecl *RD = RT->getDecl()->getDefinition();
  if (!RD || RD->hasFlexibleArrayMember())
    return false;
  if (const auto *CXX = dyn_cast<CXXRecordDecl>(RD))
    for (const CXXBaseSpecifier &B : CXX->bases())
      if (!isEmptyRecord(Ctx, B.getType()))
        return false;
  for (const FieldDecl *F : RD->fields())
    if (!isEmptyField(Ctx, F))
      return false;
  return true;
}

/// The scalar a record with one scalar element is passed as; null if T is
/// not such a record.
const Type *singleElement(const ASTContext &Ctx, QualType T) {
  const auto *RT = T->getAs<RecordType>();
  if (!RT)
    return nullptr;
  const RecordDecl *RD = RT->getDecl()->getDefinition();
  if (!RD || RD->hasFlexibleArrayMember())
    return nullptr;
  const Type *Found = nullptr;
  if (const auto *CXX = dyn_cast<CXXRecordDecl>(RD))
    for (const CXXBaseSpecifier &B : CXX->bases()) {
      if (isEmptyRecord(Ctx, B.getType()))
        continue;
      if (Found || !(Found = singleElement(Ctx, B.getType())))
        return nullptr;
    }
  for (const FieldDecl *F : RD->fields()) {
    if (isEmptyField(Ctx, F))
      continue;
    if (Found)
      return nullptr;
    QualType FT = F->getType();
    while (const ConstantArrayType *AT = Ctx.getAsConstantArrayType(FT)) {
      if (AT->getZExtSize() != 1)
        break;
      FT = AT->getElementType();
    }
    Found = isAggregate(FT) ? singleElement(Ctx, FT) : FT.getTypePtr();
    if (!Found)
      return nullptr;
  }
  // Padding after the element makes it a record again.
  if (Found && Ctx.getTypeSize(Found) != Ctx.getTypeSize(T))
    return nullptr;
  return Found;
}

/// A C++ class passed by the address of a temporary.
bool passedByAddress(QualType T) {
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  return RD && RD->hasDefinition() && !RD->canPassInRegisters();
}

/// Whether an argument of type T goes through the caller's stack.
bool argumentInMemory(const ASTContext &Ctx, QualType T) {
  if (const auto *BT = T->getAs<BitIntType>())
    return BT->getNumBits() > 128;
  if (!isAggregate(T))
    return false; // wider scalars are split into i64 values
  if (passedByAddress(T))
    return true;
  return !isEmptyRecord(Ctx, T) && !singleElement(Ctx, T);
}

/// Whether a result of type T goes through the caller's stack.
bool resultInMemory(const ASTContext &Ctx, QualType T) {
  if (T->isVoidType() || T->isDependentType())
    return false;
  if (isAggregate(T)) {
    if (passedByAddress(T))
      return true;
    if (isEmptyRecord(Ctx, T))
      return false;
    const Type *Element = singleElement(Ctx, T);
    if (!Element)
      return true;
    T = QualType(Element, 0);
  }
  // A function returns one WebAssembly value (without the multivalue
  // feature); a wider one is returned through memory.
  uint64_t Bits = Ctx.getTypeSize(T);
  if (Bits <= 64)
    return false;
  return !(T->isVectorType() && Bits == 128 &&
           Ctx.getTargetInfo().hasFeature("simd128"));
}

/// Whether T is spelled with va_list (any typedef of __builtin_va_list).
bool isVaList(const ASTContext &Ctx, QualType T) {
  const TypedefNameDecl *VaList =
      dyn_cast_or_null<TypedefNameDecl>(Ctx.getBuiltinVaListDecl());
  while (const auto *TT = T->getAs<TypedefType>()) {
    if (TT->getDecl() == VaList)
      return true;
    T = TT->getDecl()->getUnderlyingType();
  }
  return false;
}

} // namespace

void Checker::checkLibraryMemoryCall(const CallExpr *CE,
                                     const FunctionDecl *FD) {
  unsigned K = FD ? libraryMemoryOf(FD) : 0;
  if (!K)
    return;
  const auto *FPT = FD->getType()->getAs<FunctionProtoType>();
  std::string Name = "'" + FD->getNameAsString() + "'";
  std::string Library = Name + " is memory " + std::to_string(K) +
                        "'s library function, and ";
  std::string Where = "on the caller's stack, in memory " +
                      std::to_string(ownMemory()) + ", ";
  std::string Glue = "call it from glue code compiled with the library "
                     "(--in-memory=" + std::to_string(K) + ")";
  // Under the experimental multivalue ABI, records travel as values.
  bool Multivalue = Ctx.getTargetInfo().getABI() == "experimental-mv";

  if (!Multivalue && resultInMemory(Ctx, CE->getCallReturnType(Ctx)))
    error(CE->getBeginLoc(),
          Library + "WebAssembly's C ABI returns its '" +
              CE->getCallReturnType(Ctx).getAsString() +
              "' result through a slot " + Where +
              "which the library would write in memory " + std::to_string(K) +
              "; " + Glue + " that stores the result through a pointer",
          {CE->getSourceRange()});

  unsigned Fixed = FPT ? FPT->getNumParams() : 0;
  for (unsigned I = 0; I < CE->getNumArgs() && I < Fixed; ++I) {
    const Expr *Arg = CE->getArg(I);
    QualType T = FPT->getParamType(I);
    if (isVaList(Ctx, T))
      error(Arg->getExprLoc(),
            Library + "a va_list points to variadic arguments " + Where +
                "which the library would read in memory " +
                std::to_string(K) + "; " + Glue,
            {Arg->getSourceRange()});
    else if (!Multivalue && argumentInMemory(Ctx, T))
      error(Arg->getExprLoc(),
            Library + "WebAssembly's C ABI passes this '" + T.getAsString() +
                "' argument as the address of a copy " + Where +
                "which the library would read in memory " +
                std::to_string(K) + "; pass a pointer into memory " +
                std::to_string(K) + " to glue code compiled with the "
                "library (--in-memory=" + std::to_string(K) + ")",
            {Arg->getSourceRange()});
  }
  if (FPT && FPT->isVariadic() && CE->getNumArgs() > Fixed)
    error(CE->getArg(Fixed)->getExprLoc(),
          Library + "its variadic arguments are passed in a buffer " + Where +
              "which the library would read in memory " + std::to_string(K) +
              "; " + Glue + " with fixed parameters",
          {CE->getArg(Fixed)->getSourceRange()});
}

} // namespace mmcc
