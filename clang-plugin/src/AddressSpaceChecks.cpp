// AddressSpaceChecks.cpp - address spaces that cannot be memories.
//
// address_space(N) names WebAssembly memory N. Two kinds of N are errors:
//   - 10 and 20: LLVM's WebAssembly backend lowers pointers in these address
//     spaces to externref / funcref values; the code would not touch any
//     memory at all (and typically crashes the backend);
//   - N > 255: beyond mmcc's memory numbers.
//
// An explicitly written attribute is reported where it is written (visiting
// AttributedTypeLoc). A typedef that uses it is not reported again at every
// use. Address spaces computed in templates (address_space(N) with N a
// template parameter, directly or through an alias template) have no
// written attribute after instantiation; those are found by walking the
// types of declarations and reported at the declaration.
#include "Checker.h"
#include "Memory.h"

#include "clang/AST/Attr.h"
#include "clang/AST/TypeLoc.h"

using namespace clang;

namespace mmcc {

namespace {

/// Finds an address space in T that is not a valid memory and was *not*
/// written as an address_space attribute in T's own spelling (those are
/// reported by VisitAttributedTypeLoc), nor comes from a typedef or a
/// template argument (reported where those are written). Returns the bad
/// address space number.
std::optional<unsigned> findComputedBadAddressSpace(QualType T,
                                                    unsigned Depth = 0) {
  while (!T.isNull() && Depth++ < 64) {
    Qualifiers Q = T.getLocalQualifiers();
    if (Q.hasAddressSpace())
      if (std::optional<unsigned> M = addressSpaceNumber(Q.getAddressSpace()))
        if (!badAddressSpaceReason(*M).empty())
          return M;

    const Type *Ty = T.getTypePtr();
    if (const auto *AT = dyn_cast<AttributedType>(Ty)) {
      if (AT->getAttrKind() == attr::AddressSpace) {
        // Written explicitly: skip the qualifier it introduced, keep looking
        // inside.
        T = QualType(AT->getModifiedType().getTypePtr(), 0);
        continue;
      }
      T = AT->getModifiedType();
      continue;
    }
    if (isa<TypedefType>(Ty) || isa<UsingType>(Ty) ||
        isa<SubstTemplateTypeParmType>(Ty) || isa<TemplateTypeParmType>(Ty))
      return std::nullopt;
    if (const auto *PT = dyn_cast<PointerType>(Ty)) {
      T = PT->getPointeeType();
      continue;
    }
    if (const auto *RT = dyn_cast<ReferenceType>(Ty)) {
      T = RT->getPointeeTypeAsWritten();
      continue;
    }
    if (const auto *BT = dyn_cast<BlockPointerType>(Ty)) {
      T = BT->getPointeeType();
      continue;
    }
    if (const auto *MT = dyn_cast<MemberPointerType>(Ty)) {
      T = MT->getPointeeType();
      continue;
    }
    if (const auto *AT = dyn_cast<ArrayType>(Ty)) {
      T = AT->getElementType();
      continue;
    }
    if (const auto *FT = dyn_cast<FunctionProtoType>(Ty)) {
      for (QualType P : FT->param_types())
        if (std::optional<unsigned> M =
                findComputedBadAddressSpace(P, Depth))
          return M;
      T = FT->getReturnType();
      continue;
    }
    if (const auto *FT = dyn_cast<FunctionNoProtoType>(Ty)) {
      T = FT->getReturnType();
      continue;
    }
    // Other sugar (parentheses, elaborated names, alias templates, macros,
    // decltype, deduced 'auto'): look through one level.
    QualType Next = Ty->getLocallyUnqualifiedSingleStepDesugaredType();
    if (Next.getTypePtr() == Ty)
      return std::nullopt; // not sugar: a leaf type
    T = Next;
  }
  return std::nullopt;
}

} // namespace

bool Checker::VisitAttributedTypeLoc(AttributedTypeLoc TL) {
  if (TL.getAttrKind() != attr::AddressSpace)
    return true;
  // The attribute's own value is clang's internal address-space number;
  // the qualified type tells the address space as written.
  std::optional<unsigned> M =
      addressSpaceNumber(TL.getType().getAddressSpace());
  if (!M)
    return true;
  std::string Reason = badAddressSpaceReason(*M);
  if (Reason.empty())
    return true;
  const Attr *A = TL.getAttr();
  SourceLocation Loc = A ? A->getLocation() : TL.getBeginLoc();
  SourceRange Range = A ? A->getRange() : TL.getSourceRange();
  error(Loc, Reason, Range);
  return true;
}

void Checker::checkDeclaredType(const NamedDecl *D, QualType T) {
  if (D->isInvalidDecl() || T.isNull())
    return;
  std::optional<unsigned> M = findComputedBadAddressSpace(T);
  if (!M)
    return;
  std::string Reason = badAddressSpaceReason(*M);
  std::string Name = D->getDeclName().isIdentifier() && D->getIdentifier()
                         ? " (in the type of '" + D->getNameAsString() + "')"
                         : std::string();
  error(D->getLocation(), Reason + Name);
}

bool Checker::VisitDeclaratorDecl(DeclaratorDecl *D) {
  // Parameters are visited as declarations of their own.
  QualType T = isa<FunctionDecl>(D) ? cast<FunctionDecl>(D)->getReturnType()
                                    : D->getType();
  checkDeclaredType(D, T);
  checkWasmMemoryPointerType(D, T);
  return true;
}

bool Checker::VisitTypedefNameDecl(TypedefNameDecl *D) {
  checkDeclaredType(D, D->getUnderlyingType());
  return true;
}

} // namespace mmcc
