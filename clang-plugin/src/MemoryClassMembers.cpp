// MemoryClassMembers.cpp - C++ objects of trivially copyable classes in
// memory N: constructed, copied in and out, assigned, and given to const
// member functions.
//
// C++ constructs, copies and assigns class objects, and calls member
// functions, through members whose `this` must be in the object's address
// space (OpenCL's rules; outside OpenCL every member, implicit or written,
// is in the default address space). So for
//
//   struct Point { int x, y; int norm() const; };
//   __memory(2) Point pts[4];      // "no matching constructor"
//   Point p = pts[1];              // "cannot bind reference in address space 2"
//   pts[2] = p;                    // "'this' object is in address space 2"
//   pts[3].norm();                 // "cannot initialize object parameter"
//
// clang rejects every line, although for a trivially copyable class the
// first three are plain copies of bytes, which mmcc compiles across
// memories (memory.copy), and the last can run on a copy.
//
// The plugin therefore gives every trivially copyable class, for every
// memory N the translation unit names:
//   - the special members clang would declare if objects in memory N were
//     ordinary: a default constructor for an object in memory N (when the
//     class's own is trivial), copy constructors and copy assignments
//     between memory N, memory 0 and every other named memory. They are
//     implicit and trivial like the class's own: clang never calls them
//     but copies the bytes (and does nothing for a trivial default
//     constructor), so they need no body;
//   - a twin of each constructor the user wrote, for an object in memory
//     N, whose body is `*this = X(args...)`: construction in memory 0 and
//     a copy in, which is exact for a trivially copyable class;
//   - twins of each const member function that returns a value, for an
//     object and `const Y &` parameters in any of the named memories, whose
//     body is `return X(*this).f(Y(args)...)`: the call on copies.
// The twins' bodies are built with clang's own Sema calls, with errors
// trapped: a body that does not compile means no twin. A class whose own
// copy is not trivial (a user-written copy constructor or destructor, a
// virtual function) gets none of this: its members would have to run with
// `this` in memory N, which C++ cannot express.
//
// "Every memory the translation unit names" is every number written in
// address_space(N) (which __memory(N) expands to), seen by a token watcher
// as the preprocessor produces the tokens, before clang parses the
// declaration that uses them, and every memory that the fields of an
// instantiated class template point into (`mmcc::vector<Sample, 3>` names
// memory 3 only as a template argument). The private address space of a
// wasm_memory array of a trivially copyable class counts as a memory too:
// its whole elements are then copied in and out like any memory's objects.
// A class defined after a memory is named gets the members when it is
// defined; classes defined before get them when the memory is first named.
// Empty classes (tags, traits) get none.
#include "MemoryClassMembers.h"
#include "Memory.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/AddressSpaces.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Sema/EnterExpressionEvaluationContext.h"
#include "clang/Sema/Scope.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <set>
#include <vector>

using namespace clang;

namespace mmcc {

namespace {

/// Watches tokens for `address_space ( <number> )`.
class AddressSpaceTokens {
public:
  /// The memory number the token completes, if it does.
  std::optional<unsigned> next(const Token &Tok, Preprocessor &PP) {
    switch (State) {
    case 0:
      if (Tok.is(tok::identifier)) {
        StringRef Name = Tok.getIdentifierInfo()->getName();
        if (Name == "address_space" || Name == "__address_space__")
          State = 1;
      }
      return std::nullopt;
    case 1:
      State = Tok.is(tok::l_paren) ? 2 : 0;
      return std::nullopt;
    case 2: {
      State = 0;
      if (!Tok.is(tok::numeric_constant))
        return std::nullopt;
      SmallString<16> Buffer;
      bool Invalid = false;
      StringRef Text = PP.getSpelling(Tok, Buffer, &Invalid);
      unsigned N = 0;
      if (Invalid || Text.getAsInteger(0, N))
        return std::nullopt;
      return N;
    }
    }
    return std::nullopt;
  }

private:
  int State = 0;
};

/// What clang needs around the expressions of a function body that the
/// plugin builds: the function as the current context, a function scope,
/// an evaluated context, and a trap that keeps errors (a body that does
/// not compile) from reaching the user.
struct SynthesizedBody {
  SynthesizedBody(Sema &S, FunctionDecl *F)
      : Context(S, F), PopScope((S.PushFunctionScope(), S)),
        Evaluated(S, Sema::ExpressionEvaluationContext::PotentiallyEvaluated),
        Trap(S, /*AccessCheckingSFINAE=*/true) {}
  bool failed() const { return Trap.hasErrorOccurred(); }

  Sema::ContextRAII Context;
  Sema::FunctionScopeRAII PopScope;
  EnterExpressionEvaluationContext Evaluated;
  Sema::SFINAETrap Trap;
};

class MemoryClassMembers {
public:
  explicit MemoryClassMembers(CompilerInstance &CI) : CI(CI) {}

  void memoryNamed(unsigned N) {
    if (N == 0 || N > MaxMemory || N == ExternrefAddressSpace ||
        N == FuncrefAddressSpace)
      return;
    spaceNamed(N);
  }

  /// Any address space whose objects are in a memory: a numbered memory
  /// or a wasm_memory array's private space.
  void spaceNamed(unsigned N) {
    if (!Memories.insert(N).second || !CI.hasSema())
      return;
    // By index: building a twin's body may instantiate a template, whose
    // definition comes back here (classDefined) and grows the list.
    for (size_t I = 0; I < Classes.size(); ++I)
      addMembersFor(Classes[I], N);
  }

  void classDefined(CXXRecordDecl *RD) {
    if (!CI.hasSema() || !RD)
      return;
    // A memory may be named only through a template argument
    // (`mmcc::vector<Sample, 3>`): the instantiated class's fields show it.
    if (!RD->isDependentContext())
      for (const FieldDecl *F : RD->fields())
        for (unsigned N : memoriesIn(F->getType()))
          memoryNamed(N);
    if (!eligible(RD))
      return;
    Classes.push_back(RD);
    for (unsigned N : Memories)
      addMembersFor(RD, N);
  }

private:
  /// The memories that the pointers, references and arrays in T point
  /// into or are in.
  static llvm::SmallVector<unsigned, 2> memoriesIn(QualType T) {
    llvm::SmallVector<unsigned, 2> Found;
    for (unsigned Depth = 0; !T.isNull() && Depth < 16; ++Depth) {
      if (std::optional<unsigned> M = addressSpaceNumber(T.getAddressSpace()))
        if (*M != 0)
          Found.push_back(*M);
      if (const auto *P = T->getAs<PointerType>())
        T = P->getPointeeType();
      else if (const auto *R = T->getAs<ReferenceType>())
        T = R->getPointeeType();
      else if (const auto *A = T->getAsArrayTypeUnsafe())
        T = A->getElementType();
      else
        break;
    }
    return Found;
  }

  /// A class whose objects are copied as bytes: its own copy constructor,
  /// copy assignment and destructor are trivial (and not deleted). A
  /// user-declared copy assignment, even `= default`, also leaves the class
  /// without an implicit move assignment, and then `x = 5` (through a
  /// converting constructor) would be as good a match for a memory-N
  /// assignment's temporary as for the class's own: ambiguous in memory-0
  /// code. Such classes get nothing.
  static bool eligible(const CXXRecordDecl *RD) {
    if (!RD || !RD->isThisDeclarationADefinition() || RD->isInvalidDecl() ||
        RD->isDependentContext() || RD->isLambda() || RD->isEmpty())
      return false;
    return RD->isTriviallyCopyable() && RD->hasTrivialCopyConstructor() &&
           RD->hasTrivialCopyAssignment() && RD->hasTrivialDestructor() &&
           !RD->defaultedCopyConstructorIsDeleted() &&
           !RD->hasUserDeclaredCopyAssignment();
  }

  static LangAS addressSpace(unsigned N) {
    return N == 0 ? LangAS::Default : getLangASFromTargetAS(N);
  }

  /// The class's type with memory N's address space (and const).
  QualType inMemory(CXXRecordDecl *RD, unsigned N, bool Const) {
    ASTContext &Ctx = CI.getASTContext();
    QualType T = Ctx.getTypeDeclType(RD);
    if (Const)
      T.addConst();
    return N == 0 ? T : Ctx.getAddrSpaceQualType(T, addressSpace(N));
  }

  /// A noexcept member function type whose object is in memory This.
  QualType methodType(QualType Result, ArrayRef<QualType> Params,
                      unsigned This, bool VolatileThis = false) {
    ASTContext &Ctx = CI.getASTContext();
    FunctionProtoType::ExtProtoInfo EPI(
        Ctx.getDefaultCallingConvention(/*IsVariadic=*/false,
                                        /*IsCXXMethod=*/true));
    EPI.ExceptionSpec.Type = EST_BasicNoexcept;
    if (This != 0)
      EPI.TypeQuals.addAddressSpace(addressSpace(This));
    if (VolatileThis)
      EPI.TypeQuals.addVolatile();
    return Ctx.getFunctionType(Result, Params, EPI);
  }

  void finish(CXXRecordDecl *RD, CXXMethodDecl *M, QualType Param,
              bool Defaulted) {
    ASTContext &Ctx = CI.getASTContext();
    SourceLocation Loc = RD->getLocation();
    M->setAccess(AS_public);
    M->setImplicit();
    // Defaulted, as the class's own implicit members: not user-provided,
    // so the class stays an aggregate.
    if (Defaulted)
      M->setDefaulted();
    M->setTrivial(true);
    if (!Param.isNull()) {
      ParmVarDecl *P =
          ParmVarDecl::Create(Ctx, M, Loc, Loc, /*Id=*/nullptr, Param,
                              /*TInfo=*/nullptr, SC_None, nullptr);
      M->setParams(P);
    }
    RD->addDecl(M);
  }

  /// The constructor of an object in memory This from `const X &` in
  /// memory From (a default constructor if From is nullopt).
  void addConstructor(CXXRecordDecl *RD, unsigned This,
                      std::optional<unsigned> From) {
    ASTContext &Ctx = CI.getASTContext();
    SourceLocation Loc = RD->getLocation();
    QualType Param;
    if (From)
      Param = Ctx.getLValueReferenceType(inMemory(RD, *From, true));
    QualType Type = methodType(Ctx.VoidTy, From ? ArrayRef<QualType>(Param)
                                                : ArrayRef<QualType>(),
                               This);
    DeclarationName Name = Ctx.DeclarationNames.getCXXConstructorName(
        Ctx.getCanonicalType(Ctx.getTypeDeclType(RD)));
    auto *C = CXXConstructorDecl::Create(
        Ctx, RD, Loc, DeclarationNameInfo(Name, Loc), Type,
        /*TInfo=*/nullptr, ExplicitSpecifier(), /*UsesFPIntrin=*/false,
        /*isInline=*/true, /*isImplicitlyDeclared=*/true,
        ConstexprSpecKind::Unspecified);
    finish(RD, C, Param, /*Defaulted=*/true);
  }

  /// The class's type in memory N, for a parameter `const Y &` of a member
  /// function twin: Y itself if it is an eligible class, else null.
  static const CXXRecordDecl *copyableReferee(QualType Param) {
    const auto *Ref = Param->getAs<LValueReferenceType>();
    if (!Ref)
      return nullptr;
    QualType T = Ref->getPointeeType();
    if (!T.isConstQualified() || T.hasAddressSpace() || T.isVolatileQualified())
      return nullptr;
    const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
    return eligible(RD) ? RD : nullptr;
  }

  /// A const member function that can run on a copy: not static, virtual,
  /// a template or rvalue-qualified, and returning a value (a reference or
  /// pointer it returned could point into the copy).
  static bool runsOnACopy(const CXXMethodDecl *M) {
    if (M->isStatic() || M->isVirtual() || M->isTemplated() ||
        M->isDeleted() || isa<CXXConstructorDecl>(M) ||
        isa<CXXDestructorDecl>(M) || isa<CXXConversionDecl>(M) ||
        M->isExplicitObjectMemberFunction() ||
        M->getRefQualifier() == RQ_RValue ||
        M->getMethodQualifiers().hasAddressSpace() ||
        (M->getTemplateInstantiationPattern() && !M->isDefined()))
      return false;
    const auto *FPT = M->getType()->castAs<FunctionProtoType>();
    if (!FPT->isConst() || FPT->isVariadic() || FPT->isVolatile())
      return false;
    QualType R = FPT->getReturnType();
    return !R->isReferenceType() && !R->isAnyPointerType() &&
           !R->isMemberPointerType() && !R->isUndeducedType();
  }

  /// A twin of the const member function Orig for an object in memory
  /// This whose parameters with ParamMemories[i] != 0 take `const Y &` in
  /// that memory: `return X(*this).f(Y(p)...);`, the call on copies in memory 0.
  bool addMethodTwin(CXXRecordDecl *RD, CXXMethodDecl *Orig, unsigned This,
                     ArrayRef<unsigned> ParamMemories) {
    ASTContext &Ctx = CI.getASTContext();
    Sema &S = CI.getSema();
    SourceLocation Loc = Orig->getLocation();
    const auto *FPT = Orig->getType()->castAs<FunctionProtoType>();
    llvm::SmallVector<QualType, 4> ParamTypes;
    for (unsigned I = 0; I != FPT->getNumParams(); ++I) {
      QualType P = FPT->getParamType(I);
      // `const volatile`: a reference that only an object in that memory
      // binds to. A plain `const &` would also accept a temporary made by
      // a conversion (`x > 30` for a converting constructor) and make the
      // call ambiguous with the original, in memory-0 code.
      if (ParamMemories[I] != 0)
        P = Ctx.getLValueReferenceType(Ctx.getAddrSpaceQualType(
            P->getPointeeType().withVolatile(), addressSpace(ParamMemories[I])));
      ParamTypes.push_back(P);
    }
    FunctionProtoType::ExtProtoInfo EPI = FPT->getExtProtoInfo();
    EPI.ExceptionSpec = FunctionProtoType::ExceptionSpecInfo();
    EPI.ExceptionSpec.Type = EST_BasicNoexcept;
    Qualifiers Quals = EPI.TypeQuals;
    if (This != 0) {
      // volatile as the assignments' (see addAssignment): on a memory-0
      // object the original is the better match.
      Quals.addAddressSpace(addressSpace(This));
      Quals.addVolatile();
    }
    EPI.TypeQuals = Quals;
    QualType Type = Ctx.getFunctionType(FPT->getReturnType(), ParamTypes, EPI);
    auto *M = CXXMethodDecl::Create(
        Ctx, RD, Loc, Orig->getNameInfo(), Type, /*TInfo=*/nullptr, SC_None,
        /*UsesFPIntrin=*/false, /*isInline=*/true,
        ConstexprSpecKind::Unspecified, Loc);
    M->setAccess(Orig->getAccess());
    M->setImplicit();
    llvm::SmallVector<ParmVarDecl *, 4> Params;
    for (unsigned I = 0; I != ParamTypes.size(); ++I)
      Params.push_back(ParmVarDecl::Create(
          Ctx, M, Loc, Loc, Orig->getParamDecl(I)->getIdentifier(),
          ParamTypes[I], /*TInfo=*/nullptr, SC_None, nullptr));
    M->setParams(Params);

    SynthesizedBody Body(S, M);
    auto copyOf = [&](Expr *E, const CXXRecordDecl *Of) -> Expr * {
      TypeSourceInfo *Info =
          Ctx.getTrivialTypeSourceInfo(Ctx.getTypeDeclType(Of), Loc);
      ExprResult Copy = S.BuildCXXTypeConstructExpr(Info, Loc, {E}, Loc,
                                                    /*ListInitialization=*/false);
      return Copy.isInvalid() ? nullptr : Copy.get();
    };
    Expr *Object = UnaryOperator::Create(
        Ctx, CXXThisExpr::Create(Ctx, Loc, M->getThisType(), true), UO_Deref,
        Ctx.getTypeDeclType(RD).withConst(), VK_LValue, OK_Ordinary, Loc,
        false, FPOptionsOverride());
    if (This != 0) {
      // The object as it is, without the volatile of the twin's `this`
      // (only there for overload resolution): its copy is a plain one.
      Object->setType(inMemory(RD, This, true));
      Object = copyOf(Object, RD);
      if (!Object)
        return false;
      ExprResult Materialized = S.TemporaryMaterializationConversion(Object);
      if (Materialized.isInvalid())
        return false;
      Object = Materialized.get();
    }
    llvm::SmallVector<Expr *, 4> Args;
    for (unsigned I = 0; I != Params.size(); ++I) {
      ParmVarDecl *P = Params[I];
      // The argument as it is, without the volatile of the parameter's
      // type (there for overload resolution only): a plain copy.
      QualType ArgType = P->getType().getNonReferenceType();
      ArgType.removeLocalVolatile();
      if (ParamMemories[I] != 0)
        ArgType = Ctx.getAddrSpaceQualType(
            FPT->getParamType(I)->getPointeeType(),
            addressSpace(ParamMemories[I]));
      Expr *Arg = S.BuildDeclRefExpr(P, ArgType, VK_LValue, Loc);
      if (ParamMemories[I] != 0)
        Arg = copyOf(Arg, copyableReferee(FPT->getParamType(I)));
      if (!Arg)
        return false;
      Args.push_back(Arg);
    }
    MemberExpr *Callee = S.BuildMemberExpr(
        Object, /*IsArrow=*/false, Loc, NestedNameSpecifierLoc(),
        SourceLocation(), Orig, DeclAccessPair::make(Orig, Orig->getAccess()),
        /*HadMultipleCandidates=*/false, Orig->getNameInfo(),
        Ctx.BoundMemberTy, VK_PRValue, OK_Ordinary);
    ExprResult Call =
        S.BuildCallToMemberFunction(S.getCurScope(), Callee, Loc, Args, Loc);
    if (Call.isInvalid())
      return false;
    Stmt *Result;
    if (FPT->getReturnType()->isVoidType()) {
      ExprResult Full =
          S.ActOnFinishFullExpr(Call.get(), Loc, /*DiscardedValue=*/true);
      if (Full.isInvalid())
        return false;
      Result = Full.get();
    } else {
      StmtResult Return = S.BuildReturnStmt(Loc, Call.get());
      if (Return.isInvalid())
        return false;
      Result = Return.get();
    }
    if (Body.failed())
      return false;
    M->setBody(CompoundStmt::Create(Ctx, {Result}, FPOptionsOverride(), Loc, Loc));
    RD->addDecl(M);
    return true;
  }

  /// Twins of every const member function that runs on a copy, for memory
  /// N newly added to the class: the object and each `const Y &` parameter
  /// (Y trivially copyable) may be in memory 0, in N or in a memory the
  /// class already has; each combination with at least one N (the others
  /// were made when their memories came), except all-memory-0, the
  /// original. `a[i] * b[i]` with a and b in two memories is one of them.
  void addMethodTwins(CXXRecordDecl *RD, unsigned N) {
    llvm::SmallVector<unsigned, 8> Places = placesBefore(RD, N);
    Places.push_back(N);
    llvm::SmallVector<CXXMethodDecl *, 8> Methods;
    for (CXXMethodDecl *M : RD->methods())
      if (!M->isImplicit() && runsOnACopy(M))
        Methods.push_back(M);
    for (CXXMethodDecl *M : Methods) {
      // Position 0 is the object, then the copyable parameters.
      llvm::SmallVector<unsigned, 4> Copyable;
      for (unsigned I = 0; I != M->getNumParams(); ++I)
        if (copyableReferee(M->getParamDecl(I)->getType()))
          Copyable.push_back(I);
      if (Copyable.size() > 2)
        continue; // enough for operators and comparisons
      llvm::SmallVector<unsigned, 4> Choice(Copyable.size() + 1, 0);
      while (true) {
        bool HasN = llvm::any_of(Choice, [&](unsigned C) { return Places[C] == N; });
        if (HasN) {
          llvm::SmallVector<unsigned, 4> ParamMemories(M->getNumParams(), 0);
          for (unsigned K = 0; K != Copyable.size(); ++K)
            ParamMemories[Copyable[K]] = Places[Choice[K + 1]];
          addMethodTwin(RD, M, Places[Choice[0]], ParamMemories);
        }
        // The next combination (a counter with one digit per position).
        unsigned Digit = 0;
        while (Digit != Choice.size() && ++Choice[Digit] == Places.size())
          Choice[Digit++] = 0;
        if (Digit == Choice.size())
          break;
      }
    }
  }

  /// The user's constructor Orig for an object in memory This: its body is
  /// `*this = X(args...)`, construction in memory 0 and a copy in (exact
  /// for a trivially copyable class). Returns false, adding nothing, if
  /// clang cannot build that body (the user's constructor is then only
  /// for memory 0, and clang's error stands).
  bool addForwardingConstructor(CXXRecordDecl *RD, unsigned This,
                                CXXConstructorDecl *Orig) {
    ASTContext &Ctx = CI.getASTContext();
    Sema &S = CI.getSema();
    SourceLocation Loc = Orig->getLocation();
    const auto *FPT = Orig->getType()->castAs<FunctionProtoType>();
    for (QualType P : FPT->getParamTypes())
      if (P->isRValueReferenceType())
        return false; // would need std::move on the way through
    QualType Type = methodType(Ctx.VoidTy, FPT->getParamTypes(), This);
    auto *C = CXXConstructorDecl::Create(
        Ctx, RD, Loc, Orig->getNameInfo(), Type, /*TInfo=*/nullptr,
        Orig->getExplicitSpecifier(), /*UsesFPIntrin=*/false,
        /*isInline=*/true, /*isImplicitlyDeclared=*/true,
        ConstexprSpecKind::Unspecified);
    C->setAccess(Orig->getAccess());
    llvm::SmallVector<ParmVarDecl *, 4> Params;
    for (const ParmVarDecl *P : Orig->parameters())
      Params.push_back(ParmVarDecl::Create(
          Ctx, C, Loc, Loc, P->getIdentifier(), P->getType(),
          /*TInfo=*/nullptr, SC_None, nullptr));
    C->setParams(Params);

    SynthesizedBody Body(S, C);
    llvm::SmallVector<Expr *, 4> Args;
    for (ParmVarDecl *P : Params)
      Args.push_back(S.BuildDeclRefExpr(P, P->getType().getNonReferenceType(),
                                        VK_LValue, Loc));
    TypeSourceInfo *ClassInfo =
        Ctx.getTrivialTypeSourceInfo(Ctx.getTypeDeclType(RD), Loc);
    ExprResult Temporary =
        S.BuildCXXTypeConstructExpr(ClassInfo, Loc, Args, Loc,
                                    /*ListInitialization=*/false);
    if (Temporary.isInvalid())
      return false;
    Expr *ThisObject = UnaryOperator::Create(
        Ctx, CXXThisExpr::Create(Ctx, Loc, C->getThisType(), true), UO_Deref,
        inMemory(RD, This, false), VK_LValue, OK_Ordinary, Loc, false,
        FPOptionsOverride());
    ExprResult Assign = S.BuildBinOp(S.getCurScope(), Loc, BO_Assign,
                                     ThisObject, Temporary.get());
    if (Assign.isInvalid())
      return false;
    Assign = S.ActOnFinishFullExpr(Assign.get(), Loc, /*DiscardedValue=*/true);
    if (Assign.isInvalid() || Body.failed())
      return false;
    C->setBody(CompoundStmt::Create(Ctx, {Assign.get()}, FPOptionsOverride(),
                                    Loc, Loc));
    RD->addDecl(C);
    return true;
  }

  /// `X &operator=(const X &)` for an object in memory This from memory
  /// From; returns the object (in memory This). For This != 0 its `this`
  /// is volatile: clang does not compare a memory-0 object's address space
  /// with a member function's, so a memory-N assignment would be as good
  /// a match as the class's own on a memory-0 object (ambiguous); the
  /// qualification makes it a worse one. The copy itself is not volatile
  /// (clang copies the object as it is).
  void addAssignment(CXXRecordDecl *RD, unsigned This, unsigned From) {
    ASTContext &Ctx = CI.getASTContext();
    SourceLocation Loc = RD->getLocation();
    QualType Param = Ctx.getLValueReferenceType(inMemory(RD, From, true));
    QualType Result = Ctx.getLValueReferenceType(inMemory(RD, This, false));
    QualType Type = methodType(Result, Param, This, /*VolatileThis=*/This != 0);
    DeclarationName Name =
        Ctx.DeclarationNames.getCXXOperatorName(OO_Equal);
    auto *M = CXXMethodDecl::Create(
        Ctx, RD, Loc, DeclarationNameInfo(Name, Loc), Type,
        /*TInfo=*/nullptr, SC_None, /*UsesFPIntrin=*/false,
        // Not inline: clang would warn that an inline function is used
        // but not defined (it is never called: its copy is inlined).
        /*isInline=*/false, ConstexprSpecKind::Unspecified, Loc);
    finish(RD, M, Param, /*Defaulted=*/false);
  }

  /// Memory 0 and the memories RD had members for before N.
  llvm::SmallVector<unsigned, 8> placesBefore(const CXXRecordDecl *RD,
                                              unsigned N) const {
    llvm::SmallVector<unsigned, 8> Places{0};
    for (unsigned M : Memories)
      if (M != N && Done.count({RD, M}))
        Places.push_back(M);
    return Places;
  }

  /// Every member between memory N and memory 0 or an earlier memory, and
  /// within memory N.
  void addMembersFor(CXXRecordDecl *RD, unsigned N) {
    // Once per class and memory, also when a class defined while members
    // are being added is reached twice (by classDefined and by the loop in
    // spaceNamed).
    if (!Done.insert({RD, N}).second)
      return;
    // The class's own implicit members first: once a copy constructor is
    // declared, clang would not declare the implicit one.
    CI.getSema().ForceDeclarationOfImplicitMembers(RD);
    bool TrivialDefault = RD->hasTrivialDefaultConstructor() &&
                          !RD->hasUserProvidedDefaultConstructor();
    if (TrivialDefault)
      addConstructor(RD, N, std::nullopt);
    llvm::SmallVector<unsigned, 8> Others = placesBefore(RD, N);
    addConstructor(RD, N, N);
    addAssignment(RD, N, N);
    for (unsigned M : Others) {
      addConstructor(RD, N, M);
      addConstructor(RD, M, N);
      addAssignment(RD, N, M);
      addAssignment(RD, M, N);
    }
    // Constructors the user wrote (after the assignments, which their
    // bodies use).
    llvm::SmallVector<CXXConstructorDecl *, 4> Written;
    for (CXXConstructorDecl *C : RD->ctors())
      if (!C->isImplicit() && !C->isCopyOrMoveConstructor() &&
          !C->isDeleted() && !C->isTemplated() &&
          !C->getMethodQualifiers().hasAddressSpace() &&
          !(TrivialDefault && C->isDefaultConstructor()) &&
          // A class template's constructor not instantiated yet: using it
          // here would instantiate it even if the program never does
          // (and libc++ has constructors that are ill-formed for some
          // arguments, and never used with them).
          !(C->getTemplateInstantiationPattern() && !C->isDefined()))
        Written.push_back(C);
    for (CXXConstructorDecl *C : Written)
      addForwardingConstructor(RD, N, C);
    addMethodTwins(RD, N);
  }

  CompilerInstance &CI;
  std::set<unsigned> Memories;
  std::vector<CXXRecordDecl *> Classes;
  std::set<std::pair<const CXXRecordDecl *, unsigned>> Done;
};

} // namespace

struct MemoryClassMembersHandle {
  MemoryClassMembers Members;
  explicit MemoryClassMembersHandle(CompilerInstance &CI) : Members(CI) {
    Active = this;
  }
  ~MemoryClassMembersHandle() {
    if (Active == this)
      Active = nullptr;
  }
  /// The translation unit being compiled (one per clang process); the
  /// wasm_memory attribute, which has no handle of its own, reaches it here.
  static MemoryClassMembersHandle *Active;
};
MemoryClassMembersHandle *MemoryClassMembersHandle::Active = nullptr;

void wasmMemorySpaceNamed(unsigned TargetAddressSpace) {
  if (MemoryClassMembersHandle::Active)
    MemoryClassMembersHandle::Active->Members.spaceNamed(TargetAddressSpace);
}

std::shared_ptr<MemoryClassMembersHandle>
installMemoryClassMembers(CompilerInstance &CI) {
  if (!CI.getLangOpts().CPlusPlus || !CI.hasPreprocessor())
    return nullptr;
  auto Handle = std::make_shared<MemoryClassMembersHandle>(CI);
  Preprocessor &PP = CI.getPreprocessor();
  auto Tokens = std::make_shared<AddressSpaceTokens>();
  std::weak_ptr<MemoryClassMembersHandle> Weak = Handle;
  PP.setTokenWatcher([Tokens, Weak, &PP](const Token &Tok) {
    if (std::optional<unsigned> N = Tokens->next(Tok, PP))
      if (auto H = Weak.lock())
        H->Members.memoryNamed(*N);
  });
  return Handle;
}

void memoryClassDefined(MemoryClassMembersHandle *H, TagDecl *D) {
  if (H)
    H->Members.classDefined(dyn_cast<CXXRecordDecl>(D));
}

} // namespace mmcc
