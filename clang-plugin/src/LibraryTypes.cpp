// LibraryTypes.cpp - the declarations of a '#pragma mmcc memory(push, K)'
// region get memory K's types (see LibraryMemory.h for the mechanism).
//
// The rules, as a memory-K library sees its own header:
//   - every pointer type the declaration spells points into memory K, at
//     every level ('char **' is 'K char * K *'); a pointee that already
//     has an address space keeps it. C++ references likewise; arrays
//     through their element types; parameters of function types and of
//     function-pointer types likewise, but a function pointer itself has
//     no memory (it is an index into the table all memories share);
//   - a typedef declared elsewhere is not looked into: it is that
//     declaration's business (the library's own typedefs were rewritten
//     where they were declared; the C library's keep memory 0);
//   - an 'extern' variable is the library's, so its storage is in memory
//     K too;
//   - what is compiled here (function bodies, variable definitions) is the
//     application's, in memory 0, so it cannot be in a region.
//
// C++ mangles address spaces into function names ('PU3AS3c' for a memory-3
// 'char *'), but the library, compiled for memory K as its default memory,
// mangles plain pointers ('Pc'). Each rewritten C++ function therefore gets
// the library's own symbol name as an asm label (labelLibraryFunctions).
//
// The rewriting happens when Sema has just made the declaration: before it
// is merged with earlier declarations, entered in scope or used. Types are
// rebuilt with address-space qualifiers only, so the declaration's
// TypeSourceInfo keeps its layout and its source locations are copied as
// they are (a qualifier has no location data of its own).
#include "LibraryMemory.h"
#include "Memory.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Mangle.h"
#include "clang/AST/TypeLoc.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Sema/Scope.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <memory>
#include <vector>

using namespace clang;

namespace mmcc {

namespace {

std::string pushSpelling(unsigned Memory) {
  return "'#pragma mmcc memory(push, " + std::to_string(Memory) + ")'";
}

void reportError(DiagnosticsEngine &Diags, SourceLocation Loc,
                 const std::string &Message) {
  unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0");
  Diags.Report(Loc, ID) << Message;
}

/// Types as a memory-K library declares them.
class LibraryTypeRewriter {
public:
  LibraryTypeRewriter(ASTContext &Ctx, unsigned Memory)
      : Ctx(Ctx), AS(getLangASFromTargetAS(Memory)) {}

  /// T, the type of a declaration, with memory K's pointers.
  QualType declared(QualType T) {
    if (T.isNull())
      return T;
    SplitQualType Split = T.split();
    QualType New = rebuild(Split.Ty);
    if (New.isNull())
      return T;
    return Ctx.getQualifiedType(New, Split.Quals);
  }

  /// P, what a pointer or reference points to, in memory K.
  QualType pointee(QualType P) {
    QualType New = declared(P);
    if (New->isFunctionType() || New.hasAddressSpace())
      return New;
    return Ctx.getAddrSpaceQualType(New, AS);
  }

  /// T, a parameter's type as written: an array is a pointer to its
  /// elements, a function a function pointer.
  QualType parameter(QualType T) {
    if (T->isArrayType())
      return pointee(T); // the qualifier goes to the elements
    return declared(T);
  }

  /// TSI with type New (TSI's type with qualifiers added), its locations
  /// kept, and the parameters of its function types rewritten.
  TypeSourceInfo *sourceInfo(TypeSourceInfo *TSI, QualType New) {
    if (!TSI || New == TSI->getType())
      return TSI;
    TypeLoc Old = TSI->getTypeLoc();
    unsigned Size = TypeLoc::getFullDataSizeForType(New);
    TypeSourceInfo *Result = nullptr;
    if (Size == Old.getFullDataSize()) {
      Result = Ctx.CreateTypeSourceInfo(New, Size);
      if (sameShape(Old, Result->getTypeLoc()))
        std::memcpy(Result->getTypeLoc().getOpaqueData(), Old.getOpaqueData(),
                    Size);
      else
        Result = nullptr;
    }
    // Not expected (the new type differs by qualifiers only); locations
    // are then all the declaration's type's start.
    if (!Result)
      Result = Ctx.getTrivialTypeSourceInfo(New, Old.getBeginLoc());
    parameters(Result->getTypeLoc());
    return Result;
  }

  /// The parameter declarations of the function types in TL (a function
  /// pointer's parameters are declarations too) get their new types.
  void parameters(TypeLoc TL) {
    for (; !TL.isNull(); TL = TL.getNextTypeLoc()) {
      auto FTL = TL.getAs<FunctionProtoTypeLoc>();
      if (!FTL)
        continue;
      for (ParmVarDecl *P : FTL.getParams())
        if (P)
          parameterDecl(P);
    }
  }

  void parameterDecl(ParmVarDecl *P) {
    QualType Old = P->getType();
    P->setType(declared(Old));
    if (TypeSourceInfo *TSI = P->getTypeSourceInfo())
      P->setTypeSourceInfo(sourceInfo(TSI, parameter(TSI->getType())));
    if (P->getType() != Old)
      Changed.push_back(P);
  }

  /// Parameters whose type changed (their default arguments were
  /// converted to the old type).
  std::vector<ParmVarDecl *> Changed;

  /// A type node the rewriter cannot rebuild, behind which a pointer would
  /// change (reported, never left silently in memory 0).
  const Type *Unsupported = nullptr;

private:
  /// Ty with memory K's pointers; null if nothing changes.
  QualType rebuild(const Type *Ty) {
    switch (Ty->getTypeClass()) {
    case Type::Pointer: {
      QualType P = cast<PointerType>(Ty)->getPointeeType();
      QualType New = pointee(P);
      return New == P ? QualType() : Ctx.getPointerType(New);
    }
    case Type::BlockPointer: {
      QualType P = cast<BlockPointerType>(Ty)->getPointeeType();
      QualType New = declared(P); // a block is a function: no memory
      return New == P ? QualType() : Ctx.getBlockPointerType(New);
    }
    case Type::LValueReference: {
      const auto *RT = cast<LValueReferenceType>(Ty);
      QualType P = RT->getPointeeTypeAsWritten();
      QualType New = pointee(P);
      if (New == P)
        return QualType();
      return Ctx.getLValueReferenceType(New, RT->isSpelledAsLValue());
    }
    case Type::RValueReference: {
      QualType P = cast<RValueReferenceType>(Ty)->getPointeeTypeAsWritten();
      QualType New = pointee(P);
      return New == P ? QualType() : Ctx.getRValueReferenceType(New);
    }
    case Type::ConstantArray: {
      const auto *AT = cast<ConstantArrayType>(Ty);
      QualType E = declared(AT->getElementType());
      if (E == AT->getElementType())
        return QualType();
      return Ctx.getConstantArrayType(E, AT->getSize(), AT->getSizeExpr(),
                                      AT->getSizeModifier(),
                                      AT->getIndexTypeCVRQualifiers());
    }
    case Type::IncompleteArray: {
      const auto *AT = cast<IncompleteArrayType>(Ty);
      QualType E = declared(AT->getElementType());
      if (E == AT->getElementType())
        return QualType();
      return Ctx.getIncompleteArrayType(E, AT->getSizeModifier(),
                                        AT->getIndexTypeCVRQualifiers());
    }
    case Type::VariableArray: {
      const auto *AT = cast<VariableArrayType>(Ty);
      QualType E = declared(AT->getElementType());
      if (E == AT->getElementType())
        return QualType();
      return Ctx.getVariableArrayType(E, AT->getSizeExpr(),
                                      AT->getSizeModifier(),
                                      AT->getIndexTypeCVRQualifiers(),
                                      AT->getBracketsRange());
    }
    case Type::DependentSizedArray: {
      const auto *AT = cast<DependentSizedArrayType>(Ty);
      QualType E = declared(AT->getElementType());
      if (E == AT->getElementType())
        return QualType();
      return Ctx.getDependentSizedArrayType(E, AT->getSizeExpr(),
                                            AT->getSizeModifier(),
                                            AT->getIndexTypeCVRQualifiers(),
                                            AT->getBracketsRange());
    }
    case Type::FunctionProto: {
      const auto *FT = cast<FunctionProtoType>(Ty);
      QualType Result = declared(FT->getReturnType());
      bool Same = Result == FT->getReturnType();
      llvm::SmallVector<QualType, 8> Params;
      for (QualType P : FT->getParamTypes()) {
        Params.push_back(declared(P));
        Same &= Params.back() == P;
      }
      if (Same)
        return QualType();
      return Ctx.getFunctionType(Result, Params, FT->getExtProtoInfo());
    }
    case Type::FunctionNoProto: {
      const auto *FT = cast<FunctionNoProtoType>(Ty);
      QualType Result = declared(FT->getReturnType());
      if (Result == FT->getReturnType())
        return QualType();
      return Ctx.getFunctionNoProtoType(Result, FT->getExtInfo());
    }
    case Type::Decayed: {
      // A parameter declared as an array or a function.
      QualType Original = cast<DecayedType>(Ty)->getOriginalType();
      QualType New = parameter(Original);
      return New == Original ? QualType() : Ctx.getDecayedType(New);
    }
    case Type::Adjusted: {
      const auto *AT = cast<AdjustedType>(Ty);
      QualType Original = declared(AT->getOriginalType());
      QualType Adjusted = declared(AT->getAdjustedType());
      if (Original == AT->getOriginalType() &&
          Adjusted == AT->getAdjustedType())
        return QualType();
      return Ctx.getAdjustedType(Original, Adjusted);
    }
    case Type::Paren: {
      QualType Inner = cast<ParenType>(Ty)->getInnerType();
      QualType New = declared(Inner);
      return New == Inner ? QualType() : Ctx.getParenType(New);
    }
    case Type::Attributed: {
      // Nullability, calling conventions, address_space as written, ...
      const auto *AT = cast<AttributedType>(Ty);
      QualType Modified = declared(AT->getModifiedType());
      QualType Equivalent = declared(AT->getEquivalentType());
      if (Modified == AT->getModifiedType() &&
          Equivalent == AT->getEquivalentType())
        return QualType();
      return Ctx.getAttributedType(AT->getAttrKind(), Modified, Equivalent);
    }
    case Type::MacroQualified: {
      const auto *MT = cast<MacroQualifiedType>(Ty);
      QualType New = declared(MT->getUnderlyingType());
      if (New == MT->getUnderlyingType())
        return QualType();
      return Ctx.getMacroQualifiedType(New, MT->getMacroIdentifier());
    }
    case Type::Atomic: {
      QualType Value = cast<AtomicType>(Ty)->getValueType();
      QualType New = declared(Value);
      return New == Value ? QualType() : Ctx.getAtomicType(New);
    }
    // Types named here but declared elsewhere (typedefs, tags, template
    // parameters and specializations, decltype), and types that hold no
    // pointer. A member pointer is an offset into an object, not an
    // address.
    case Type::Typedef:
    case Type::Using:
    case Type::Elaborated:
    case Type::Record:
    case Type::Enum:
    case Type::InjectedClassName:
    case Type::TemplateTypeParm:
    case Type::SubstTemplateTypeParm:
    case Type::SubstTemplateTypeParmPack:
    case Type::TemplateSpecialization:
    case Type::DependentName:
    case Type::DependentTemplateSpecialization:
    case Type::UnresolvedUsing:
    case Type::Decltype:
    case Type::TypeOfExpr:
    case Type::Auto:
    case Type::DeducedTemplateSpecialization:
    case Type::PackExpansion:
    case Type::MemberPointer:
    case Type::Builtin:
    case Type::Complex:
    case Type::Vector:
    case Type::ExtVector:
    case Type::BitInt:
    case Type::DependentBitInt:
    case Type::DependentAddressSpace:
      return QualType();
    default:
      break;
    }
    // Other sugar (typeof(type), counted_by, btf_type_tag, ...): rebuilding
    // it is not supported; it matters only if a pointer behind it would
    // change.
    QualType Next = Ty->getLocallyUnqualifiedSingleStepDesugaredType();
    if (Next.getTypePtr() != Ty && declared(Next) != Next && !Unsupported)
      Unsupported = Ty;
    return QualType();
  }

  /// Whether the two TypeLocs walk the same chain of TypeLoc classes
  /// (qualifiers aside), i.e. have the same data layout.
  static bool sameShape(TypeLoc A, TypeLoc B) {
    while (true) {
      if (auto Q = A.getAs<QualifiedTypeLoc>())
        A = Q.getUnqualifiedLoc();
      if (auto Q = B.getAs<QualifiedTypeLoc>())
        B = Q.getUnqualifiedLoc();
      if (A.isNull() || B.isNull())
        return A.isNull() && B.isNull();
      if (A.getTypeLocClass() != B.getTypeLocClass())
        return false;
      A = A.getNextTypeLoc();
      B = B.getNextTypeLoc();
    }
  }

  ASTContext &Ctx;
  LangAS AS;
};

/// What the end of the translation unit checks (finishLibraryDeclarations).
struct Declared {
  Decl *D;
  unsigned Memory;
  bool Rewritten;
};

struct LibraryState {
  std::vector<Declared> Functions;
  std::vector<Declared> Variables;
  /// Rewritten C++ functions still to be given the library's symbol name.
  std::vector<Declared> ToLabel;
  /// The names of the functions rewritten so far.
  llvm::DenseSet<DeclarationName> RewrittenNames;
  /// The rewritten functions: the library's, by memory.
  llvm::DenseMap<const FunctionDecl *, unsigned> LibraryFunctions;
};

LibraryState &libraryState() {
  static LibraryState S;
  return S;
}

/// Whether FD, whose declarator Sema is handling, is the start of a
/// definition. Sema handles a function definition's declarator with the
/// body's scope already entered (and the function not yet its context); a
/// declaration is handled in the scope it is made in.
bool startsDefinition(Sema &S, const FunctionDecl *FD) {
  const Scope *Cur = S.getCurScope();
  return Cur && Cur->isFunctionScope() &&
         !FD->getLexicalDeclContext()->isFunctionOrMethod();
}

/// Converts the default arguments of parameters whose type changed again,
/// to the new type (they were converted to the old one).
void convertDefaultArguments(Sema &S, const std::vector<ParmVarDecl *> &Ps) {
  for (ParmVarDecl *P : Ps) {
    if (!P->hasDefaultArg() || P->hasUnparsedDefaultArg() ||
        P->hasUninstantiatedDefaultArg() || !P->getDefaultArg())
      continue;
    Expr *Written = P->getDefaultArg()->IgnoreImplicit();
    ExprResult New =
        S.ConvertParamDefaultArgument(P, Written, Written->getBeginLoc());
    if (New.isInvalid())
      P->setInvalidDecl();
    else
      S.SetParamDefaultArgument(P, New.get(), Written->getBeginLoc());
  }
}

void reportUnsupported(Sema &S, const NamedDecl *D, QualType T,
                       const Type *Sugar, unsigned Memory) {
  reportError(S.getDiagnostics(), D->getLocation(),
              "mmcc cannot give the type of '" + D->getNameAsString() +
                  "' ('" + T.getAsString() + "') memory " +
                  std::to_string(Memory) + "'s pointers: it is spelled "
                  "with a '" + Sugar->getTypeClassName() + "' type, which "
                  "'#pragma mmcc memory' does not rewrite; spell the "
                  "pointer type without it, or declare it outside the "
                  "region");
}

/// T as the library itself declares it: compiled with memory K as its
/// default memory, it spells memory K's pointers as plain pointers.
/// (Canonical types: that is what C++ mangles.)
QualType libraryView(ASTContext &Ctx, QualType T, LangAS AS) {
  SplitQualType Split = T.getCanonicalType().split();
  Qualifiers Quals = Split.Quals;
  if (Quals.getAddressSpace() == AS)
    Quals.removeAddressSpace();
  const Type *Ty = Split.Ty;
  auto View = [&](QualType U) { return libraryView(Ctx, U, AS); };
  QualType New(Ty, 0);
  if (const auto *PT = dyn_cast<PointerType>(Ty))
    New = Ctx.getPointerType(View(PT->getPointeeType()));
  else if (const auto *RT = dyn_cast<LValueReferenceType>(Ty))
    New = Ctx.getLValueReferenceType(View(RT->getPointeeType()));
  else if (const auto *RT = dyn_cast<RValueReferenceType>(Ty))
    New = Ctx.getRValueReferenceType(View(RT->getPointeeType()));
  else if (const auto *BT = dyn_cast<BlockPointerType>(Ty))
    New = Ctx.getBlockPointerType(View(BT->getPointeeType()));
  else if (const auto *MT = dyn_cast<MemberPointerType>(Ty))
    New = Ctx.getMemberPointerType(View(MT->getPointeeType()), MT->getClass());
  else if (const auto *AT = dyn_cast<AtomicType>(Ty))
    New = Ctx.getAtomicType(View(AT->getValueType()));
  else if (const auto *AT = dyn_cast<ConstantArrayType>(Ty))
    New = Ctx.getConstantArrayType(View(AT->getElementType()), AT->getSize(),
                                   nullptr, AT->getSizeModifier(),
                                   AT->getIndexTypeCVRQualifiers());
  else if (const auto *AT = dyn_cast<IncompleteArrayType>(Ty))
    New = Ctx.getIncompleteArrayType(View(AT->getElementType()),
                                     AT->getSizeModifier(),
                                     AT->getIndexTypeCVRQualifiers());
  else if (const auto *FT = dyn_cast<FunctionProtoType>(Ty)) {
    llvm::SmallVector<QualType, 8> Params;
    for (QualType P : FT->getParamTypes())
      Params.push_back(View(P));
    New = Ctx.getFunctionType(View(FT->getReturnType()), Params,
                              FT->getExtProtoInfo());
  } else if (const auto *FT = dyn_cast<FunctionNoProtoType>(Ty))
    New = Ctx.getFunctionNoProtoType(View(FT->getReturnType()),
                                     FT->getExtInfo());
  return Ctx.getQualifiedType(New, Quals);
}

} // namespace

bool libraryMemoryWouldChange(ASTContext &Ctx, const Decl *D,
                              unsigned Memory) {
  LibraryTypeRewriter R(Ctx, Memory);
  if (const auto *TD = dyn_cast<TypedefNameDecl>(D))
    return R.declared(TD->getUnderlyingType()) != TD->getUnderlyingType();
  if (const auto *VD = dyn_cast<VarDecl>(D))
    if (VD->hasExternalStorage())
      return true; // it would move to memory K
  if (const auto *VD = dyn_cast<ValueDecl>(D))
    return R.declared(VD->getType()) != VD->getType();
  return false;
}

unsigned libraryMemoryOf(const FunctionDecl *FD) {
  const auto &Library = libraryState().LibraryFunctions;
  if (Library.empty())
    return 0;
  for (const FunctionDecl *D : FD->redecls())
    if (auto It = Library.find(D); It != Library.end())
      return It->second;
  return 0;
}

void labelLibraryFunctions(ASTContext &Ctx) {
  LibraryState &St = libraryState();
  if (St.ToLabel.empty())
    return;
  std::unique_ptr<MangleContext> Mangler(Ctx.createMangleContext());
  for (const Declared &F : St.ToLabel) {
    auto *FD = cast<FunctionDecl>(F.D);
    // A template's instances are named by their arguments, which the
    // library's instances spell differently: those do not link (the
    // linker names the undefined symbol).
    if (FD->isInvalidDecl() || FD->hasAttr<AsmLabelAttr>() ||
        FD->isDependentContext() || FD->getDescribedFunctionTemplate() ||
        !Mangler->shouldMangleDeclName(FD))
      continue;
    // The library's name is the mangling of the library's type.
    QualType Now = FD->getType();
    QualType Library = libraryView(Ctx, Now, getLangASFromTargetAS(F.Memory));
    if (Library == Now.getCanonicalType())
      continue;
    FD->setType(Library);
    std::string Name;
    llvm::raw_string_ostream OS(Name);
    Mangler->mangleName(GlobalDecl(FD), OS);
    FD->setType(Now);
    FD->addAttr(AsmLabelAttr::CreateImplicit(Ctx, OS.str(),
                                             /*IsLiteralLabel=*/true));
  }
  St.ToLabel.clear();
}

void applyLibraryMemory(Sema &S, Decl *D, unsigned Memory) {
  ASTContext &Ctx = S.Context;
  LibraryState &St = libraryState();
  LibraryTypeRewriter R(Ctx, Memory);
  if (D->isInvalidDecl())
    return;

  if (auto *TD = dyn_cast<TypedefNameDecl>(D)) {
    TypeSourceInfo *TSI = TD->getTypeSourceInfo();
    QualType New = R.declared(TSI->getType());
    if (R.Unsupported)
      return reportUnsupported(S, TD, TSI->getType(), R.Unsupported, Memory);
    // Sema has just made the typedef: nothing has named it yet, so no
    // TypedefType node caches its old canonical type. (Should one exist,
    // the new type would not reach its uses: that is an error, not a
    // silent memory-0 type.)
    if (const Type *Named = TD->getTypeForDecl())
      if (!Ctx.hasSameType(Named->getCanonicalTypeInternal(), New)) {
        reportError(S.getDiagnostics(), TD->getLocation(),
                    "mmcc cannot give typedef '" + TD->getNameAsString() +
                        "' memory " + std::to_string(Memory) +
                        "'s pointers: it was used before its declaration "
                        "was complete; declare it outside the region");
        return;
      }
    TD->setTypeSourceInfo(R.sourceInfo(TSI, New));
    return;
  }

  if (auto *FD = dyn_cast<FieldDecl>(D)) {
    QualType New = R.declared(FD->getType());
    if (R.Unsupported)
      return reportUnsupported(S, FD, FD->getType(), R.Unsupported, Memory);
    if (TypeSourceInfo *TSI = FD->getTypeSourceInfo())
      FD->setTypeSourceInfo(R.sourceInfo(TSI, R.declared(TSI->getType())));
    FD->setType(New);
    return;
  }

  if (auto *FD = dyn_cast<FunctionDecl>(D)) {
    // A member function's 'this' is a memory-0 pointer (reported at the
    // end, when '= delete' is known); a definition's body is compiled for
    // memory 0 (reported at the end, when the body is there): neither is
    // rewritten, so a body sees the types it is compiled with.
    // A definition of a function the region declared before is rewritten
    // after all, so that it matches the declaration and the error below is
    // the only one.
    const auto *MD = dyn_cast<CXXMethodDecl>(FD);
    bool Member = MD && !MD->isStatic();
    bool Definition = startsDefinition(S, FD) &&
                      !St.RewrittenNames.count(FD->getDeclName());
    St.Functions.push_back({FD, Memory, !Member && !Definition});
    if (Member || Definition)
      return;
    St.RewrittenNames.insert(FD->getDeclName());
    St.LibraryFunctions[FD] = Memory;
    QualType Old = FD->getType();
    QualType New = R.declared(Old);
    if (R.Unsupported)
      return reportUnsupported(S, FD, Old, R.Unsupported, Memory);
    if (TypeSourceInfo *TSI = FD->getTypeSourceInfo())
      FD->setTypeSourceInfo(R.sourceInfo(TSI, R.declared(TSI->getType())));
    else
      for (ParmVarDecl *P : FD->parameters())
        R.parameterDecl(P);
    FD->setType(New);
    convertDefaultArguments(S, R.Changed);
    // (Also when only its typedefs changed: names mangle canonical types.)
    if (S.getLangOpts().CPlusPlus)
      St.ToLabel.push_back({FD, Memory, true});
    return;
  }

  if (auto *VD = dyn_cast<VarDecl>(D)) {
    // Variables in function bodies belong to the body.
    if (isa<ParmVarDecl>(VD) || VD->isLocalVarDecl() ||
        VD->getLexicalDeclContext()->isFunctionOrMethod())
      return;
    // Initializers come later: a declaration with one is a definition,
    // found at the end.
    bool Library =
        VD->isThisDeclarationADefinition() == VarDecl::DeclarationOnly;
    St.Variables.push_back({VD, Memory, Library});
    if (!Library)
      return;
    QualType New = R.declared(VD->getType());
    if (R.Unsupported)
      return reportUnsupported(S, VD, VD->getType(), R.Unsupported, Memory);
    if (TypeSourceInfo *TSI = VD->getTypeSourceInfo())
      VD->setTypeSourceInfo(R.sourceInfo(TSI, R.declared(TSI->getType())));
    // The library's variable: its storage is in memory K too.
    if (!New.hasAddressSpace())
      New = Ctx.getAddrSpaceQualType(New, getLangASFromTargetAS(Memory));
    VD->setType(New);
    return;
  }
}

void finishLibraryDeclarations(ASTContext &Ctx, DiagnosticsEngine &Diags) {
  LibraryState &St = libraryState();
  // What is compiled here: the application's code, or (with
  // --in-memory=J) code of memory J's library.
  unsigned J = ownMemory();
  std::string Own = J ? "memory " + std::to_string(J) +
                            ", as this file's code (--in-memory=" +
                            std::to_string(J) + ")"
                      : std::string("memory 0, as part of the application");
  std::string Here = J ? std::string("this file") : "the application";
  for (const Declared &F : St.Functions) {
    auto *FD = cast<FunctionDecl>(F.D);
    if (FD->isInvalidDecl())
      continue;
    std::string Region = pushSpelling(F.Memory);
    std::string Memory = "memory " + std::to_string(F.Memory);
    const auto *MD = dyn_cast<CXXMethodDecl>(FD);
    if (MD && !MD->isStatic()) {
      if (MD->isDeleted())
        continue;
      bool Body = FD->doesThisDeclarationHaveABody() ||
                  FD->isExplicitlyDefaulted();
      reportError(Diags, FD->getLocation(),
                  "C++ member function '" + FD->getQualifiedNameAsString() +
                      "' is " + (Body ? "defined" : "declared") +
                      " inside " + Region +
                      ": a member function takes 'this' as a pointer into "
                      "memory " + std::to_string(ownMemory()) +
                      ", but the library's objects are in " + Memory +
                      (Body ? ", and a body here is compiled for " + Own
                            : std::string()) +
                      "; give the library a C interface (functions taking "
                      "pointers), or declare the class outside the region");
      continue;
    }
    if (FD->doesThisDeclarationHaveABody() || FD->isExplicitlyDefaulted())
      reportError(Diags, FD->getLocation(),
                  "'" + FD->getNameAsString() + "' is defined inside " +
                      Region + ", but a body here is compiled for " + Own +
                      ", not as " + Memory +
                      "'s library code; move the definition out of the "
                      "region, or into the library's own sources (compiled "
                      "with --in-memory=" + std::to_string(F.Memory) + ")");
  }
  for (const Declared &V : St.Variables) {
    auto *VD = cast<VarDecl>(V.D);
    if (VD->isInvalidDecl())
      continue;
    std::string Region = pushSpelling(V.Memory);
    std::string Name = "'" + VD->getNameAsString() + "'";
    // (A C++ static data member's initializer in its class does not define
    // it.)
    if (V.Rewritten &&
        VD->isThisDeclarationADefinition() != VarDecl::DeclarationOnly)
      reportError(Diags, VD->getLocation(),
                  Name + " is defined inside " + Region + ": an 'extern' "
                  "declaration there declares the library's variable, but "
                  "with an initializer it defines it in " + Here + "; "
                  "remove the initializer, or define the variable outside "
                  "the region");
    else if (!V.Rewritten && LibraryTypeRewriter(Ctx, V.Memory)
                                     .declared(VD->getType()) != VD->getType())
      reportError(Diags, VD->getLocation(),
                  Name + " is defined inside " + Region + ": a variable "
                  "defined there belongs to " + Here + ", in memory " +
                      std::to_string(ownMemory()) +
                      ", but its type would say memory " +
                      std::to_string(V.Memory) + "'s pointers; declare it "
                      "'extern' (the library's variable), or define it "
                      "outside the region");
  }
  St.Functions.clear();
  St.Variables.clear();
  labelLibraryFunctions(Ctx);
}

} // namespace mmcc
