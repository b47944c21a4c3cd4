// CallChecks.cpp - calls that would access the wrong memory.
//
// 1. C library functions called with a pointer into memory N != 0.
//    The C library (wasi-libc) is compiled for memory 0: strlen(p) with p
//    into memory 2 reads memory 0 at p's address. In C, clang accepts such
//    calls for library *builtins*: it quietly re-declares the builtin with a
//    parameter in the argument's address space (Sema's
//    rewriteBuiltinFunctionDecl), so the AST shows no conversion at all.
//    "Library function" therefore means: the callee is a builtin that clang
//    knows as a C library function (strlen, printf, atoi, free, ...) or its
//    __builtin_ spelling (__builtin_strlen). Ordinary functions declared
//    with a plain 'T *' parameter need nothing here: clang itself rejects a
//    memory-N argument for them ("changes address space of pointer"; in
//    C++ "no matching function"), as it does for library functions in C++.
//
//    Not C library functions: std::move, std::forward, std::addressof and
//    the other C++ builtins that are casts (they read nothing).
//
//    Exception: memcpy, memmove, memset and their __builtin_ forms
//    (including __builtin_memcpy_inline and __builtin_memset_inline) are
//    allowed with pointers into any memories. The compiler turns them into
//    LLVM's memory intrinsics, which mmcc lowers to memory.copy /
//    memory.fill on the right memories.
//
// 2. Pointers into memory N != 0 passed as variadic arguments (printf's
//    "...", any user variadic function, or a function without a prototype).
//    Passing the value is legitimate (printf("%p", p) prints the address),
//    but the callee gets a plain address and any access through it (%s,
//    va_arg(ap, char *)) reads memory 0: a warning, -Wmmcc-variadic-memory.
#include "Checker.h"
#include "LibraryMemory.h"
#include "Memory.h"

#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/Builtins.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringSwitch.h"

using namespace clang;

namespace mmcc {

namespace {

/// Functions the compiler lowers to memory.copy / memory.fill, which work
/// across memories.
bool isMemoryIntrinsic(StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
      .Cases("memcpy", "memmove", "memset", true)
      .Cases("__builtin_memcpy", "__builtin_memmove", "__builtin_memset",
             true)
      .Cases("__builtin_memcpy_inline", "__builtin_memset_inline", true)
      .Default(false);
}

/// C++ library functions that clang knows as builtins and that only name
/// their argument again (casts to an lvalue, xvalue or pointer): they read
/// and write no memory, so any memory's object may go through them.
bool isCastLikeBuiltin(unsigned ID) {
  switch (ID) {
  case Builtin::BImove:
  case Builtin::BImove_if_noexcept:
  case Builtin::BIforward:
  case Builtin::BIforward_like:
  case Builtin::BIas_const:
  case Builtin::BIaddressof:
    return true;
  default:
    return false;
  }
}

/// A builtin that clang knows as a C library function: 'strlen' (declared
/// by a header or implicitly) or '__builtin_strlen'.
bool isLibraryBuiltin(const ASTContext &Ctx, unsigned ID) {
  const Builtin::Context &BI = Ctx.BuiltinInfo;
  return BI.isLibFunction(ID) || BI.isPredefinedLibFunction(ID);
}

/// Library functions for which <mmcc.h> has an mm_<name>(N, ...) variant
/// (runtime/memory/: the heap and the string functions of each memory).
bool hasPerMemoryVariant(StringRef Base) {
  return llvm::StringSwitch<bool>(Base)
      .Cases("strlen", "strnlen", "strcmp", "strncmp", "strchr", "strrchr",
             true)
      .Cases("strstr", "strspn", "strcspn", "strcpy", "strncpy", "strcat",
             true)
      .Cases("strncat", "strdup", "strndup", "memchr", "memcmp", true)
      .Cases("atoi", "atol", "atoll", "free", "realloc", true)
      .Default(false);
}

/// The memory a call argument points into. In C, clang converts a memory-N
/// argument of a library builtin to a memory-N parameter, so look at the
/// argument and at every implicit conversion applied to it, and return the
/// first memory other than 0; 0 if it points into memory 0; nullopt if it
/// is not a pointer into a memory.
std::optional<unsigned> argumentMemory(const Expr *E) {
  std::optional<unsigned> Found;
  while (true) {
    std::optional<unsigned> M = pointeeMemory(E->getType());
    if (M && *M != 0)
      return M;
    if (M && !Found)
      Found = M;
    const auto *ICE = dyn_cast<ImplicitCastExpr>(E->IgnoreParens());
    if (!ICE)
      return Found;
    E = ICE->getSubExpr();
  }
}

/// The prototype (or non-prototype) function type a call goes through.
const FunctionType *calleeFunctionType(const CallExpr *CE,
                                       const FunctionDecl *FD) {
  if (FD)
    return FD->getType()->getAs<FunctionType>();
  QualType T = CE->getCallee()->getType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  else if (const auto *BT = T->getAs<BlockPointerType>())
    T = BT->getPointeeType();
  else if (const auto *MT = T->getAs<MemberPointerType>())
    T = MT->getPointeeType();
  return T->getAs<FunctionType>();
}

} // namespace

std::string Checker::shortSourceText(const Expr *E) const {
  const SourceManager &SM = R.sourceManager();
  SourceRange Written = E->getSourceRange();
  // An argument of a macro (mm_free(2, p)): its text where the user wrote it.
  if (Written.getBegin().isMacroID() || Written.getEnd().isMacroID())
    Written = SourceRange(SM.getSpellingLoc(Written.getBegin()),
                          SM.getSpellingLoc(Written.getEnd()));
  CharSourceRange Range = CharSourceRange::getTokenRange(Written);
  bool Invalid = false;
  StringRef Text =
      Lexer::getSourceText(Range, SM, Ctx.getLangOpts(), &Invalid);
  if (Invalid || Text.empty() || Text.size() > 40 ||
      Text.find_first_of("\r\n") != StringRef::npos)
    return std::string();
  return Text.str();
}

bool Checker::VisitCallExpr(CallExpr *CE) {
  if (CE->containsErrors() || CE->isTypeDependent() ||
      CE->isValueDependent())
    return true;
  const FunctionDecl *FD = CE->getDirectCallee();
  checkLibraryCall(CE, FD);
  checkVariadicArguments(CE, FD);
  checkRuntimeCall(CE, FD);
  checkLibraryMemoryCall(CE, FD);
  return true;
}

void Checker::checkLibraryCall(const CallExpr *CE, const FunctionDecl *FD) {
  if (!FD)
    return;
  unsigned ID = FD->getBuiltinID();
  if (!ID || !isLibraryBuiltin(Ctx, ID) || isCastLikeBuiltin(ID))
    return;
  StringRef Name = Ctx.BuiltinInfo.getName(ID);
  if (isMemoryIntrinsic(Name))
    return;

  // Arguments bound to declared parameters; the "..." part of printf and
  // friends is left to checkVariadicArguments.
  unsigned NumFixed = std::min<unsigned>(FD->getNumParams(), CE->getNumArgs());
  llvm::SmallVector<const Expr *, 4> Bad;
  std::optional<unsigned> BadMemory;
  bool Writes = false, MixedMemories = false;
  for (unsigned I = 0; I != NumFixed; ++I) {
    const Expr *Arg = CE->getArg(I);
    // A null pointer (strtol(p, NULL, 10)) is in no particular memory.
    if (Arg->IgnoreParenImpCasts()->isNullPointerConstant(
            Ctx, Expr::NPC_ValueDependentIsNotNull))
      continue;
    std::optional<unsigned> M = argumentMemory(Arg);
    if (!M)
      continue;
    if (*M == 0 || (BadMemory && *BadMemory != *M)) {
      MixedMemories = true;
      if (*M == 0)
        continue;
    }
    if (!BadMemory) {
      BadMemory = M;
      QualType PT = FD->getParamDecl(I)->getType();
      Writes = PT->isPointerType() && !PT->getPointeeType().isConstQualified();
    }
    Bad.push_back(Arg);
  }
  if (Bad.empty())
    return;

  StringRef Base = Name;
  Base.consume_front("__builtin_");
  std::string Verb = Base == "free" || Base == "realloc"
                         ? "manages the heap in"
                         : (Writes ? "writes" : "reads");
  std::string Message = Name.str() + " " + Verb + " " + describeMemory(0) +
                        ", but this pointer is into " +
                        describeMemory(*BadMemory) + "; ";

  if (!MixedMemories && hasPerMemoryVariant(Base)) {
    // Suggest the per-memory variant with the call's own arguments.
    std::string Args;
    bool AllShort = true;
    for (const Expr *Arg : CE->arguments()) {
      std::string Text = shortSourceText(Arg);
      AllShort &= !Text.empty();
      Args += ", " + Text;
    }
    Message += "use mm_" + Base.str() + "(" + std::to_string(*BadMemory) +
               (AllShort ? Args : std::string(", ...")) +
               ") from <mmcc.h>, or copy the data into memory 0 first "
               "(memcpy works across memories)";
  } else {
    Message += "copy the data into memory 0 first (memcpy works across "
               "memories)";
  }

  llvm::SmallVector<SourceRange, 4> Ranges;
  for (const Expr *Arg : Bad)
    Ranges.push_back(Arg->getSourceRange());
  error(Bad.front()->getExprLoc(), Message, Ranges);
}

void Checker::checkVariadicArguments(const CallExpr *CE,
                                     const FunctionDecl *FD) {
  // Compiler builtins that are not library functions (__builtin_prefetch,
  // __sync_fetch_and_add, ...) are declared variadic only to defer type
  // checking; they operate on any memory.
  if (FD && FD->getBuiltinID() && !isLibraryBuiltin(Ctx, FD->getBuiltinID()))
    return;
  // A library memory's variadic function cannot be called at all
  // (LibraryCallChecks.cpp).
  if (FD && libraryMemoryOf(FD))
    return;
  const FunctionType *FT = calleeFunctionType(CE, FD);
  if (!FT)
    return;
  unsigned First = 0;
  bool NoPrototype = false;
  if (const auto *FPT = dyn_cast<FunctionProtoType>(FT)) {
    if (!FPT->isVariadic())
      return;
    First = FPT->getNumParams();
  } else {
    NoPrototype = true; // every argument is unchecked
  }
  // A member operator call (obj(args...)) has the object as argument 0.
  if (isa<CXXOperatorCallExpr>(CE))
    if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(FD))
      if (MD->isImplicitObjectMemberFunction())
        ++First;

  std::string Callee =
      FD && !FD->getDeclName().isEmpty() ? "'" + FD->getNameAsString() + "'"
                                         : std::string("the function");
  for (unsigned I = First; I < CE->getNumArgs(); ++I) {
    const Expr *Arg = CE->getArg(I);
    std::optional<unsigned> M = argumentMemory(Arg);
    if (!M || *M == 0)
      continue;
    std::string Where =
        NoPrototype ? " passed to " + Callee +
                          ", which has no prototype, so its parameter type "
                          "is unknown"
                    : " passed as a variadic argument to " + Callee;
    warning(WarningGroup::VariadicMemory, Arg->getExprLoc(),
              "pointer into " + describeMemory(*M) + Where +
                  ": the callee receives only the address, and any access "
                  "through it (e.g. %s, va_arg) reads " +
                  describeMemory(0),
              {Arg->getSourceRange()});
  }
}

} // namespace mmcc
