// WasmMemoryAttr.cpp - __attribute__((wasm_memory)) and its companions.
//
// See WasmMemory.h for the model. This file
//   - registers the attributes (GNU spelling, and [[mmcc::...]] in C23 and
//     C++11 and later);
//   - gives each wasm_memory array its private address space when the
//     attribute is applied (clang then checks every use against that type);
//   - settles each array's declaration once its redeclarations are known
//     (finishWasmMemoryArrays, called by the plugin's AST consumer before
//     clang's code generator sees the declaration) and writes it into the
//     global's section name for the IR pass.
//
// What cannot be a memory is an error with a sentence saying why: a
// function, a type, a member, a parameter, a local variable with automatic
// storage, a thread-local variable, a non-array, an array that is already
// in a numbered memory, and an imported array with a definition.
#include "Memory.h"
#include "MemoryClassMembers.h"
#include "WasmMemory.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <map>

using namespace clang;

namespace mmcc {

namespace {

/// What one declaration says about its memory (the companion attributes
/// written on it), with where each was written, for error messages.
struct Settings {
  std::optional<std::pair<std::string, std::string>> Import;
  std::optional<std::string> Export;
  bool Private = false;
  std::optional<uint64_t> MinPages, MaxPages;
  bool Shared = false;
  /// Where each setting was written, by setting name.
  std::map<std::string, SourceLocation> Where;
};

/// Plugin state for the translation unit (clang -cc1 compiles one).
struct Registry {
  /// Private address space (target number) by the array's qualified name;
  /// redeclarations of an array get the same one.
  std::map<std::string, unsigned> SpaceByName;
  /// The first declaration to get each space, by space - FirstWasmMemorySpace.
  std::vector<const VarDecl *> ArrayBySpace;
  /// Declarations the wasm_memory attribute was applied to.
  llvm::DenseSet<const VarDecl *> Marked;
  /// Companion attributes per declaration.
  llvm::DenseMap<const Decl *, Settings> SettingsOf;
  /// The C type as written, before the private address space was added.
  llvm::DenseMap<const VarDecl *, QualType> DeclaredType;
  /// Arrays (first declarations) already settled.
  llvm::DenseSet<const VarDecl *> Finished;
  /// Placeholders of numbered memories' declarations, with the memory.
  llvm::DenseMap<const VarDecl *, unsigned> DeclaredMemory;
  /// Memory declarations already reported as wrong: their companions get
  /// no second error.
  llvm::SmallPtrSet<const VarDecl *, 4> RejectedDeclarations;
};

Registry &registry() {
  static Registry R;
  return R;
}

void reportError(DiagnosticsEngine &Diags, SourceLocation Loc,
                 const std::string &Message, SourceRange Range = {}) {
  unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0");
  Diags.Report(Loc, ID) << Message << Range;
}

void reportNote(DiagnosticsEngine &Diags, SourceLocation Loc,
                const std::string &Message) {
  unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Note, "%0");
  Diags.Report(Loc, ID) << Message;
}

/// What D is, for "... not to <what>" in the error message; empty if D may
/// carry the attribute.
std::string whatCannotBeAMemory(const Decl *D) {
  if (const auto *VD = dyn_cast<VarDecl>(D)) {
    if (isa<ParmVarDecl>(VD))
      return "a function parameter";
    if (!VD->hasGlobalStorage())
      return "a local variable with automatic storage (declare it at file "
             "scope, or 'static')";
    if (VD->getTLSKind() != VarDecl::TLS_None)
      return "a thread-local variable";
    return std::string();
  }
  if (isa<FunctionDecl>(D) || isa<FunctionTemplateDecl>(D))
    return "a function";
  if (isa<FieldDecl>(D) || isa<IndirectFieldDecl>(D))
    return "a struct or union member";
  if (isa<TypedefNameDecl>(D))
    return "a typedef";
  if (isa<TagDecl>(D))
    return "a type";
  if (isa<EnumConstantDecl>(D))
    return "an enumerator";
  if (isa<LabelDecl>(D))
    return "a label";
  if (isa<NamespaceDecl>(D))
    return "a namespace";
  return "this declaration";
}

/// T with the innermost element type of the (possibly multi-dimensional)
/// array T put in address space AS. Clang keeps qualifiers of an array on
/// its element type, so the array type is rebuilt around it.
QualType qualifyElements(ASTContext &Ctx, QualType T, LangAS AS) {
  if (const auto *CAT = Ctx.getAsConstantArrayType(T))
    return Ctx.getConstantArrayType(
        qualifyElements(Ctx, CAT->getElementType(), AS), CAT->getSize(),
        CAT->getSizeExpr(), CAT->getSizeModifier(),
        CAT->getIndexTypeCVRQualifiers());
  if (const auto *IAT = Ctx.getAsIncompleteArrayType(T))
    return Ctx.getIncompleteArrayType(
        qualifyElements(Ctx, IAT->getElementType(), AS),
        IAT->getSizeModifier(), IAT->getIndexTypeCVRQualifiers());
  return Ctx.getAddrSpaceQualType(T, AS);
}

/// The innermost element type of array type T.
QualType innermostElement(ASTContext &Ctx, QualType T) {
  while (const ArrayType *AT = Ctx.getAsArrayType(T))
    T = AT->getElementType();
  return T;
}

/// Whether the declarator of VD, whose attributes are being applied, is
/// followed by an initializer ('=' or '{'). Clang applies attributes before
/// it parses the initializer, so this reads the source after the
/// declarator: attributes and macros written after it (depth > 0 or plain
/// identifiers) are skipped; ';' or ',' means no initializer. When the
/// source cannot be read (the end of a macro expansion, end of file), it
/// answers "initialized", which leaves clang's own checks in charge.
bool declaratorHasInitializer(const Sema &S, const VarDecl *VD) {
  const SourceManager &SM = S.getSourceManager();
  SourceLocation Loc = VD->getEndLoc();
  if (Loc.isMacroID())
    Loc = SM.getExpansionRange(Loc).getEnd();
  int Depth = 0;
  for (int Steps = 0; Steps < 4096; Steps++) {
    std::optional<Token> Next = Lexer::findNextToken(Loc, SM, S.getLangOpts());
    if (!Next || Next->is(tok::eof))
      return true;
    tok::TokenKind K = Next->getKind();
    if (K == tok::l_paren || K == tok::l_square)
      Depth++;
    else if (K == tok::r_paren || K == tok::r_square)
      Depth--;
    else if (Depth == 0 && (K == tok::equal || K == tok::l_brace))
      return true;
    else if (Depth == 0 && (K == tok::semi || K == tok::comma))
      return false;
    Loc = Next->getLocation();
  }
  return true;
}

/// In C++, an array of class type with no initializer is default-
/// initialized by calling the class's default constructor, and clang
/// refuses to call a constructor on an object outside the default address
/// space. For a class whose default constructor and destructor are
/// trivial, nothing needs to run: the memory starts zeroed, which is what
/// C++ gives any object of static storage duration. Clang's
/// loader_uninitialized attribute says exactly "do not initialize" (the
/// IR pass then keeps the memory zeroed). A class that needs a constructor
/// or destructor cannot be an element at all: it would run with 'this'
/// pointing into memory 0. Returns false after reporting that.
bool prepareClassElements(Sema &S, VarDecl *VD, QualType Element,
                          const ParsedAttr &Attr) {
  const CXXRecordDecl *RD = Element->getAsCXXRecordDecl();
  if (!S.getLangOpts().CPlusPlus || !RD || !RD->hasDefinition())
    return true;
  RD = RD->getDefinition();
  bool TrivialConstructor = RD->hasTrivialDefaultConstructor();
  if (!RD->hasTrivialDestructor() ||
      (!TrivialConstructor && !RD->isAggregate())) {
    reportError(S.getDiagnostics(), Attr.getLoc(),
                "the elements of a wasm_memory array cannot have a "
                "constructor or destructor ('" + RD->getNameAsString() +
                    "' has one): it would run with 'this' pointing into "
                    "memory 0, not into the array's memory",
                Attr.getRange());
    return false;
  }
  if (VD->getStorageClass() == SC_Extern || declaratorHasInitializer(S, VD) ||
      VD->hasAttr<LoaderUninitializedAttr>())
    return true;
  if (!TrivialConstructor) {
    // An aggregate with default member initializers: its values come from
    // aggregate initialization, which needs no constructor call.
    reportError(S.getDiagnostics(), Attr.getLoc(),
                "'" + RD->getNameAsString() + "' has default member "
                "initializers; give the wasm_memory array an initializer "
                "('= {}') so they are the memory's data (clang cannot run "
                "a default constructor outside memory 0)",
                Attr.getRange());
    return false;
  }
  VD->addAttr(LoaderUninitializedAttr::CreateImplicit(S.Context));
  return true;
}

struct WasmMemoryAttrInfo : public ParsedAttrInfo {
  WasmMemoryAttrInfo() {
    static constexpr Spelling S[] = {
        {ParsedAttr::AS_GNU, "wasm_memory"},
        {ParsedAttr::AS_C23, "mmcc::wasm_memory"},
        {ParsedAttr::AS_CXX11, "mmcc::wasm_memory"},
    };
    Spellings = S;
    // No arguments: NumArgs and OptArgs stay 0, so clang rejects any.
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    std::string What = whatCannotBeAMemory(D);
    if (What.empty())
      return true;
    reportError(S.getDiagnostics(), Attr.getLoc(),
                "the 'wasm_memory' attribute declares a WebAssembly memory "
                "and can only be applied to a global variable, not to " +
                    What,
                Attr.getRange());
    return false;
  }

  bool diagAppertainsToStmt(Sema &S, const ParsedAttr &Attr,
                            const Stmt *St) const override {
    reportError(S.getDiagnostics(), Attr.getLoc(),
                "the 'wasm_memory' attribute declares a WebAssembly memory "
                "and can only be applied to a global variable, not to a "
                "statement",
                Attr.getRange());
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    // diagAppertainsToDecl has accepted D: a VarDecl with global storage.
    auto *VD = cast<VarDecl>(D);
    Registry &R = registry();
    if (R.Marked.contains(VD))
      return AttributeApplied; // written twice on one declaration
    ASTContext &Ctx = S.Context;
    QualType T = VD->getType();
    if (T->isDependentType()) {
      reportError(S.getDiagnostics(), Attr.getLoc(),
                  "a wasm_memory array cannot have a type that depends on a "
                  "template parameter",
                  Attr.getRange());
      return AttributeNotApplied;
    }
    if (!T->isArrayType()) {
      reportError(S.getDiagnostics(), Attr.getLoc(),
                  "the 'wasm_memory' attribute makes an array a memory of "
                  "its own, indexed like an array; '" +
                      VD->getNameAsString() + "' has type '" +
                      T.getAsString() + "', which is not an array (declare "
                      "e.g. '" + T.getAsString() + " " +
                      VD->getNameAsString() + "[1]')",
                  Attr.getRange());
      return AttributeNotApplied;
    }
    QualType Element = innermostElement(Ctx, T);
    if (Element.hasAddressSpace()) {
      reportError(S.getDiagnostics(), Attr.getLoc(),
                  "a wasm_memory array is a memory of its own; its elements "
                  "cannot also be in an address space ('" +
                      Element.getAsString() + "')",
                  Attr.getRange());
      return AttributeNotApplied;
    }

    if (!prepareClassElements(S, VD, Element, Attr))
      return AttributeNotApplied;

    // Redeclarations of an array share its address space; a static local
    // is its only declaration.
    unsigned Space;
    std::string Key = VD->isLocalVarDecl() ? std::string()
                                           : VD->getQualifiedNameAsString();
    auto Found = Key.empty() ? R.SpaceByName.end() : R.SpaceByName.find(Key);
    if (Found != R.SpaceByName.end()) {
      Space = Found->second;
    } else {
      if (R.ArrayBySpace.size() == MaxWasmMemoryArrays) {
        reportError(S.getDiagnostics(), Attr.getLoc(),
                    "too many wasm_memory arrays in one translation unit");
        return AttributeNotApplied;
      }
      Space = FirstWasmMemorySpace + R.ArrayBySpace.size();
      R.ArrayBySpace.push_back(VD);
      if (!Key.empty())
        R.SpaceByName[Key] = Space;
    }
    R.DeclaredType[VD] = T;
    VD->setType(qualifyElements(Ctx, T, getLangASFromTargetAS(Space)));
    R.Marked.insert(VD);
    // In C++, whole elements of a trivially copyable class are copied in
    // and out (MemoryClassMembers.cpp).
    wasmMemorySpaceNamed(Space);
    return AttributeApplied;
  }
};

/// The companion attributes: each records a setting on the declaration;
/// finishWasmMemoryArrays checks them.
enum class Companion { Import, Export, Private, Pages, Shared };

struct CompanionAttrInfo : public ParsedAttrInfo {
  Companion Kind;
  std::string Name;
  CompanionAttrInfo(Companion K, const char *GnuName,
                    const Spelling *Spellings_, unsigned Args,
                    unsigned Optional)
      : Kind(K), Name(GnuName) {
    Spellings = llvm::ArrayRef<Spelling>(Spellings_, 3);
    NumArgs = Args;
    OptArgs = Optional;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    if (isa<VarDecl>(D) && whatCannotBeAMemory(D).empty())
      return true;
    reportError(S.getDiagnostics(), Attr.getLoc(),
                "the '" + Name + "' attribute only applies to wasm_memory "
                "arrays",
                Attr.getRange());
    return false;
  }

  std::optional<std::string> stringArg(Sema &S, const ParsedAttr &Attr,
                                       unsigned I) const {
    const Expr *E = Attr.getArgAsExpr(I);
    if (const auto *SL = dyn_cast_or_null<StringLiteral>(
            E ? E->IgnoreParenCasts() : nullptr))
      if (SL->isOrdinary() && !SL->getString().empty())
        return SL->getString().str();
    reportError(S.getDiagnostics(), E ? E->getExprLoc() : Attr.getLoc(),
                "argument " + std::to_string(I + 1) + " of '" + Name +
                    "' must be a non-empty string literal");
    return std::nullopt;
  }

  std::optional<uint64_t> pagesArg(Sema &S, const ParsedAttr &Attr,
                                   unsigned I) const {
    const Expr *E = Attr.getArgAsExpr(I);
    std::optional<llvm::APSInt> V;
    if (E && !E->isValueDependent())
      V = E->getIntegerConstantExpr(S.Context);
    if (V && !V->isNegative() && V->getActiveBits() <= 17 &&
        V->getZExtValue() <= 65536)
      return V->getZExtValue();
    reportError(S.getDiagnostics(), E ? E->getExprLoc() : Attr.getLoc(),
                "argument " + std::to_string(I + 1) + " of '" + Name +
                    "' must be an integer constant from 0 to 65536 (a "
                    "number of 64 KiB pages; 65536 pages are 4 GiB)");
    return std::nullopt;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    Settings &St = registry().SettingsOf[D];
    switch (Kind) {
    case Companion::Import: {
      auto Module = stringArg(S, Attr, 0), Field = stringArg(S, Attr, 1);
      if (!Module || !Field)
        return AttributeNotApplied;
      St.Import = {*Module, *Field};
      St.Where["import"] = Attr.getLoc();
      break;
    }
    case Companion::Export: {
      auto Export = stringArg(S, Attr, 0);
      if (!Export)
        return AttributeNotApplied;
      St.Export = *Export;
      St.Where["export"] = Attr.getLoc();
      break;
    }
    case Companion::Private:
      St.Private = true;
      St.Where["private"] = Attr.getLoc();
      break;
    case Companion::Pages: {
      auto Min = pagesArg(S, Attr, 0);
      if (!Min)
        return AttributeNotApplied;
      St.MinPages = *Min;
      if (Attr.getNumArgs() > 1) {
        auto Max = pagesArg(S, Attr, 1);
        if (!Max)
          return AttributeNotApplied;
        St.MaxPages = *Max;
      }
      St.Where["pages"] = Attr.getLoc();
      break;
    }
    case Companion::Shared:
      St.Shared = true;
      St.Where["shared"] = Attr.getLoc();
      break;
    }
    return AttributeApplied;
  }
};

#define COMPANION(Class, Kind, Gnu, Args, Optional)                            \
  struct Class : CompanionAttrInfo {                                           \
    static constexpr Spelling S[] = {{ParsedAttr::AS_GNU, Gnu},                \
                                     {ParsedAttr::AS_C23, "mmcc::" Gnu},       \
                                     {ParsedAttr::AS_CXX11, "mmcc::" Gnu}};    \
    Class() : CompanionAttrInfo(Companion::Kind, Gnu, S, Args, Optional) {}    \
  };
COMPANION(ImportAttrInfo, Import, "wasm_memory_import", 2, 0)
COMPANION(ExportAttrInfo, Export, "wasm_memory_export", 1, 0)
COMPANION(PrivateAttrInfo, Private, "wasm_memory_private", 0, 0)
COMPANION(PagesAttrInfo, Pages, "wasm_memory_pages", 1, 1)
COMPANION(SharedAttrInfo, Shared, "wasm_memory_shared", 0, 0)
#undef COMPANION

/// Percent-encodes what could break the key=value&... syntax.
std::string encodeValue(llvm::StringRef S) {
  std::string Out;
  for (unsigned char C : S) {
    if (isalnum(C) || C == '_' || C == '.' || C == '/' || C == '-' ||
        C == ':' || C == ' ' || C == '[' || C == ']' || C == '*' ||
        C == '(' || C == ')' || C == ',') {
      Out += C;
    } else {
      static const char *Hex = "0123456789ABCDEF";
      Out += '%';
      Out += Hex[C >> 4];
      Out += Hex[C & 15];
    }
  }
  return Out;
}

std::string describeLocation(const SourceManager &SM, SourceLocation Loc) {
  PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(Loc));
  if (P.isInvalid())
    return "<unknown>";
  return std::string(P.getFilename()) + ":" + std::to_string(P.getLine()) +
         ":" + std::to_string(P.getColumn());
}

/// Appends Key[=Value] to the key=value&... text of a section name.
void appendField(std::string &Info, const char *Key, llvm::StringRef Value) {
  if (Info.back() != '?')
    Info += '&';
  Info += Key;
  if (!Value.empty())
    Info += "=" + encodeValue(Value);
}

/// Appends a memory's settings (the companion attributes) to Info, in the
/// spelling src/ir reads.
void appendSettings(std::string &Info, const Settings &St) {
  if (St.Import) {
    appendField(Info, "import_module", St.Import->first);
    appendField(Info, "import_field", St.Import->second);
  }
  if (St.Export)
    appendField(Info, "export", *St.Export);
  if (St.Private)
    appendField(Info, "private", "");
  if (St.MinPages)
    appendField(Info, "min", std::to_string(*St.MinPages));
  if (St.MaxPages)
    appendField(Info, "max", std::to_string(*St.MaxPages));
  if (St.Shared)
    appendField(Info, "shared", "");
}

/// Reports settings that cannot go together; What names the memory in
/// the messages ("'table'", "memory 2"). Returns false if any was reported.
bool checkSettings(const Settings &St, const std::string &What,
                   SourceLocation Fallback, DiagnosticsEngine &Diags) {
  auto Where = [&](const char *Setting) {
    auto It = St.Where.find(Setting);
    return It != St.Where.end() ? It->second : Fallback;
  };
  bool Ok = true;
  if (St.Export && St.Private) {
    Ok = false;
    reportError(Diags, Where("private"),
                What + " cannot be both exported (wasm_memory_export) and "
                "private (wasm_memory_private)");
  }
  if (St.MinPages && St.MaxPages && *St.MinPages > *St.MaxPages) {
    Ok = false;
    reportError(Diags, Where("pages"),
                "the minimum size of " + What + " (" +
                    std::to_string(*St.MinPages) +
                    " pages) is larger than its maximum (" +
                    std::to_string(*St.MaxPages) + " pages)");
  }
  if (St.Shared && !St.MaxPages) {
    Ok = false;
    reportError(Diags, Where("shared"),
                "a shared memory needs a maximum size: add "
                "wasm_memory_pages(min, max) to " + What);
  }
  return Ok;
}

/// Settles the array whose most recent declaration is Last.
void finishArray(VarDecl *Last, ASTContext &Ctx, DiagnosticsEngine &Diags) {
  Registry &R = registry();
  // The declarations in source order.
  llvm::SmallVector<VarDecl *, 4> Decls;
  for (VarDecl *D = Last->getMostRecentDecl(); D; D = D->getPreviousDecl())
    Decls.insert(Decls.begin(), D);
  VarDecl *First = Decls.front();
  if (!R.Marked.contains(First))
    return; // clang reports the type mismatch of the redeclaration

  // The first declaration fixes the memory's settings; later ones may
  // repeat them, not add or change any (the code generator may already
  // have used the first).
  Settings Merged = R.SettingsOf.lookup(First);
  bool Ok = true;
  for (VarDecl *D : llvm::ArrayRef(Decls).drop_front()) {
    auto It = R.SettingsOf.find(D);
    if (It == R.SettingsOf.end())
      continue;
    const Settings &Later = It->second;
    auto Differs = [&](const char *What, bool Same) {
      if (Same || !Later.Where.count(What))
        return;
      Ok = false;
      reportError(Diags, Later.Where.at(What),
                  std::string("this declaration of '") +
                      First->getNameAsString() + "' " +
                      (Merged.Where.count(What)
                           ? "changes the memory's "
                           : "adds a memory ") +
                      What +
                      " setting: a wasm_memory array's settings are fixed "
                      "by its first declaration; put it there");
      reportNote(Diags, First->getLocation(), "first declaration is here");
    };
    Differs("import", Later.Import == Merged.Import);
    Differs("export", Later.Export == Merged.Export);
    Differs("private", Later.Private == Merged.Private);
    Differs("pages", Later.MinPages == Merged.MinPages &&
                         Later.MaxPages == Merged.MaxPages);
    Differs("shared", Later.Shared == Merged.Shared);
  }

  // The settings must make sense together.
  auto Where = [&](const char *What) {
    auto It = Merged.Where.find(What);
    return It != Merged.Where.end() ? It->second : First->getLocation();
  };
  const VarDecl *Definition = nullptr;
  for (VarDecl *D : Decls)
    if (D->isThisDeclarationADefinition() != VarDecl::DeclarationOnly)
      Definition = D;
  std::string Name = First->getNameAsString();
  if (Merged.Import && Definition) {
    Ok = false;
    reportError(Diags, Definition->getLocation(),
                "'" + Name + "' is imported from the host (wasm_memory_"
                "import), so the host provides its memory; declare it "
                "'extern' without an initializer (e.g. 'extern ... " +
                    Name + "[];'), and do not define it");
  }
  if (!checkSettings(Merged, "'" + Name + "'", First->getLocation(), Diags))
    Ok = false;
  QualType Declared = R.DeclaredType.lookup(First);
  uint64_t Bytes = 0;
  if (const auto *CAT = Ctx.getAsConstantArrayType(Last->getType()))
    Bytes = Ctx.getTypeSizeInChars(CAT).getQuantity();
  if (Bytes > (uint64_t(1) << 32)) {
    Ok = false;
    reportError(Diags, First->getLocation(),
                "'" + Name + "' has " + std::to_string(Bytes) +
                    " bytes; a memory holds at most 4 GiB");
  }
  uint64_t NeededPages = (Bytes + 65535) / 65536;
  if (Merged.MaxPages && Bytes && *Merged.MaxPages < NeededPages) {
    Ok = false;
    reportError(Diags, Where("pages"),
                "'" + Name + "' needs " + std::to_string(NeededPages) +
                    " pages (" + std::to_string(Bytes) +
                    " bytes), more than its maximum of " +
                    std::to_string(*Merged.MaxPages) + " pages");
  }
  if (!Ok)
    return;

  // For the IR pass (src/ir/wasm_memory.rs reads it).
  const SourceManager &SM = Ctx.getSourceManager();
  std::string Info = WasmMemoryInfoPrefix;
  auto Field = [&](const char *Key, llvm::StringRef Value) {
    appendField(Info, Key, Value);
  };
  Field("name", Name);
  Field("loc", describeLocation(SM, First->getLocation()));
  QualType Canonical = Ctx.getCanonicalType(
      Declared.isNull() ? First->getType() : Declared);
  Field("type", Canonical.getAsString(Ctx.getPrintingPolicy()));
  appendSettings(Info, Merged);
  // Clang makes a global 'constant' if its section is not known to be
  // writable; the array is writable unless its elements are const. (The
  // flags are the ones Sema gives a definition in that section, so that
  // it finds no conflict.)
  int Flags = ASTContext::PSF_Read;
  if (!Ctx.getBaseElementType(Canonical).isConstQualified())
    Flags |= ASTContext::PSF_Write;
  Ctx.SectionInfos.try_emplace(Info, First, First->getLocation(), Flags);
  for (VarDecl *D : Decls) {
    D->dropAttr<SectionAttr>();
    D->addAttr(SectionAttr::CreateImplicit(Ctx, Info));
  }
}

/// __attribute__((memory_declare(N))): the placeholder variable that
/// <mmcc.h>'s __memory_declare(N, ...) makes to carry the companion
/// attributes of numbered memory N into the object.
struct MemoryDeclareAttrInfo : public ParsedAttrInfo {
  MemoryDeclareAttrInfo() {
    static constexpr Spelling S[] = {
        {ParsedAttr::AS_GNU, "memory_declare"},
        {ParsedAttr::AS_C23, "mmcc::memory_declare"},
        {ParsedAttr::AS_CXX11, "mmcc::memory_declare"},
    };
    Spellings = S;
    NumArgs = 1;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (VD && VD->hasGlobalStorage() && !VD->isLocalVarDecl())
      return true;
    if (VD)
      registry().RejectedDeclarations.insert(VD);
    reportError(S.getDiagnostics(), Attr.getLoc(),
                "memory declarations belong at file scope: write "
                "'__memory_declare(N, ...);' outside functions",
                Attr.getRange());
    return false;
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    AttrHandling Result = declare(S, D, Attr);
    if (Result == AttributeNotApplied)
      if (const auto *VD = dyn_cast<VarDecl>(D))
        registry().RejectedDeclarations.insert(VD);
    return Result;
  }

private:
  AttrHandling declare(Sema &S, Decl *D, const ParsedAttr &Attr) const {
    const Expr *E = Attr.getArgAsExpr(0);
    std::optional<llvm::APSInt> V;
    if (E && !E->isValueDependent())
      V = E->getIntegerConstantExpr(S.Context);
    if (!V || V->isNegative() || V->getActiveBits() > 32) {
      reportError(S.getDiagnostics(), E ? E->getExprLoc() : Attr.getLoc(),
                  "the memory of a memory declaration must be an integer "
                  "constant (the N of address_space(N))");
      return AttributeNotApplied;
    }
    unsigned N = unsigned(V->getZExtValue());
    if (N == 0) {
      reportError(S.getDiagnostics(), E->getExprLoc(),
                  "memory 0 is the default memory; the linker's options set "
                  "it up (-Wl,--import-memory, -Wl,--initial-memory=, "
                  "-Wl,--max-memory=; mmcc's --memory=0:private hides it)");
      return AttributeNotApplied;
    }
    std::string Bad = badAddressSpaceReason(N);
    if (!Bad.empty()) {
      reportError(S.getDiagnostics(), E->getExprLoc(),
                  "memory " + std::to_string(N) + " cannot be declared: " +
                      Bad);
      return AttributeNotApplied;
    }
    registry().DeclaredMemory[cast<VarDecl>(D)] = N;
    return AttributeApplied;
  }
};

/// Settles the declaration of a numbered memory made by placeholder VD:
/// checks its settings and writes them into its section name.
void finishMemoryDeclaration(VarDecl *VD, unsigned N, ASTContext &Ctx,
                             DiagnosticsEngine &Diags) {
  Settings St = registry().SettingsOf.lookup(VD);
  if (!checkSettings(St, "memory " + std::to_string(N), VD->getLocation(),
                     Diags))
    return;
  std::string Info = MemoryDeclarationPrefix;
  appendField(Info, "memory", std::to_string(N));
  appendField(Info, "loc", describeLocation(Ctx.getSourceManager(),
                                            VD->getLocation()));
  appendSettings(Info, St);
  Ctx.SectionInfos.try_emplace(Info, VD, VD->getLocation(),
                               int(ASTContext::PSF_Read));
  VD->dropAttr<SectionAttr>();
  VD->addAttr(SectionAttr::CreateImplicit(Ctx, Info));
}

class ArrayFinder : public RecursiveASTVisitor<ArrayFinder> {
public:
  ArrayFinder(ASTContext &Ctx, DiagnosticsEngine &Diags)
      : Ctx(Ctx), Diags(Diags) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool VisitVarDecl(VarDecl *VD) {
    Registry &R = registry();
    if (auto It = R.DeclaredMemory.find(VD); It != R.DeclaredMemory.end()) {
      if (R.Finished.insert(VD).second)
        finishMemoryDeclaration(VD, It->second, Ctx, Diags);
      return true;
    }
    if (!R.Marked.contains(VD) && !R.Marked.contains(VD->getFirstDecl()))
      return true;
    // Settled again when a later redeclaration arrives (it may conflict).
    finishArray(VD, Ctx, Diags);
    R.Finished.insert(VD->getFirstDecl());
    return true;
  }

private:
  ASTContext &Ctx;
  DiagnosticsEngine &Diags;
};

} // namespace

const VarDecl *wasmMemoryArrayOf(LangAS AS) {
  if (!isTargetAddressSpace(AS))
    return nullptr;
  unsigned N = toTargetAddressSpace(AS);
  if (!isWasmMemorySpace(N))
    return nullptr;
  const auto &Arrays = registry().ArrayBySpace;
  unsigned K = N - FirstWasmMemorySpace;
  return K < Arrays.size() ? Arrays[K] : nullptr;
}

const VarDecl *pointsIntoWasmMemoryArray(QualType T) {
  for (unsigned Depth = 0; !T.isNull() && Depth < 64; ++Depth) {
    QualType Pointee;
    if (const auto *PT = T->getAs<PointerType>())
      Pointee = PT->getPointeeType();
    else if (const auto *RT = T->getAs<ReferenceType>())
      Pointee = RT->getPointeeType();
    else if (const auto *BT = T->getAs<BlockPointerType>())
      Pointee = BT->getPointeeType();
    else if (const ArrayType *AT = T->getAsArrayTypeUnsafe())
      Pointee = AT->getElementType(); // arrays of pointers
    else
      return nullptr;
    if (!T->isArrayType())
      if (const VarDecl *VD = wasmMemoryArrayOf(Pointee.getAddressSpace()))
        return VD;
    T = Pointee;
  }
  return nullptr;
}


void finishWasmMemoryArrays(Decl *D, ASTContext &Ctx,
                            DiagnosticsEngine &Diags) {
  if (registry().Marked.empty() && registry().DeclaredMemory.empty())
    return;
  ArrayFinder(Ctx, Diags).TraverseDecl(D);
}

void finishRemainingWasmMemoryArrays(ASTContext &Ctx,
                                     DiagnosticsEngine &Diags) {
  Registry &R = registry();
  // Companion attributes on a variable that is not a wasm_memory array.
  for (const auto &[D, St] : R.SettingsOf) {
    const auto *VD = cast<VarDecl>(D);
    if (R.Marked.contains(VD->getFirstDecl()) || R.DeclaredMemory.count(VD) ||
        R.RejectedDeclarations.contains(VD))
      continue;
    for (const auto &[What, Loc] : St.Where)
      reportError(Diags, Loc,
                  "'" + VD->getNameAsString() +
                      "' is not a wasm_memory array, so it has no memory "
                      "of its own to " +
                      (What == "import"    ? "import"
                       : What == "export"  ? "export"
                       : What == "private" ? "keep private"
                       : What == "pages"   ? "give limits"
                                           : "share") +
                      "; add __attribute__((wasm_memory))");
  }
  for (const auto &[VD, N] : R.DeclaredMemory)
    if (R.Finished.insert(VD).second)
      finishMemoryDeclaration(const_cast<VarDecl *>(VD), N, Ctx, Diags);
  llvm::SmallVector<const VarDecl *, 8> Todo;
  for (const VarDecl *VD : R.Marked)
    if (!R.Finished.contains(VD->getFirstDecl()))
      Todo.push_back(VD);
  for (const VarDecl *VD : Todo) {
    if (R.Finished.contains(VD->getFirstDecl()))
      continue;
    finishArray(const_cast<VarDecl *>(VD)->getMostRecentDecl(), Ctx, Diags);
    R.Finished.insert(VD->getFirstDecl());
  }
}

} // namespace mmcc

static clang::ParsedAttrInfoRegistry::Add<mmcc::WasmMemoryAttrInfo>
    RegisterWasmMemory("wasm_memory",
                       "__attribute__((wasm_memory)): a global array that "
                       "is a WebAssembly memory of its own");
static clang::ParsedAttrInfoRegistry::Add<mmcc::MemoryDeclareAttrInfo>
    RegisterMemoryDeclare("memory_declare",
                          "memory_declare(N): declares numbered memory N "
                          "(with the wasm_memory_* companions)");
static clang::ParsedAttrInfoRegistry::Add<mmcc::ImportAttrInfo>
    RegisterImport("wasm_memory_import",
                   "wasm_memory_import(module, field): imported memory");
static clang::ParsedAttrInfoRegistry::Add<mmcc::ExportAttrInfo>
    RegisterExport("wasm_memory_export",
                   "wasm_memory_export(name): exported memory");
static clang::ParsedAttrInfoRegistry::Add<mmcc::PrivateAttrInfo>
    RegisterPrivate("wasm_memory_private", "wasm_memory_private: not exported");
static clang::ParsedAttrInfoRegistry::Add<mmcc::PagesAttrInfo>
    RegisterPages("wasm_memory_pages",
                  "wasm_memory_pages(min[, max]): limits in pages");
static clang::ParsedAttrInfoRegistry::Add<mmcc::SharedAttrInfo>
    RegisterShared("wasm_memory_shared", "wasm_memory_shared: shared memory");
