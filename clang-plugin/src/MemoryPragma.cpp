// MemoryPragma.cpp - '#pragma mmcc memory(push, K)' and '(pop)': the regions
// whose declarations are a memory-K library's (see LibraryMemory.h).
//
// The preprocessor runs ahead of the parser, so the pragma handler cannot
// simply switch a mode that the parser's actions read: a declaration that
// ends just before a pop may still be in the parser's hands when the pop is
// read, and a push may be read before the declaration written above it is
// complete. The handler therefore records where the memory changes
// ("transitions", in the order they are read, which is the translation
// unit's order), and a declaration is classified by its own location.
//
// While a region is open, the plugin's entry on clang's '#pragma clang
// attribute' stack makes Sema call LibraryTypes.cpp for every declaration
// as it is made. The entry carries an attribute that no source can spell
// (its name has spaces) and a namespace no '#pragma clang attribute pop'
// can name, so the user's own pragma attribute regions are unaffected. It
// stays until the outermost region closes: a declaration made after that
// lies after the pop, and the entry is not needed for it.
//
// Regions close in the file that opens them. One still open at the end of
// a header is reported when the preprocessor leaves the header; at the end
// of the main file, Sema reports the plugin's entry as an unterminated
// '#pragma clang attribute push' (there is no earlier moment a plugin can
// see), and the plugin's diagnostic consumer prints mmcc's message instead
// (memoryPragmaMessage).
//
// Two mistakes would leave a library's declarations silently in memory 0,
// and get a warning (-Wmmcc-memory-pragma):
//   - the header was included before, outside the region: its include
//     guard (or #pragma once) skips it inside, and the first inclusion's
//     types stay;
//   - the region includes a system header (found with -isystem, or in the
//     sysroot) whose declarations the region would change: system headers
//     are the application's C library, and keep memory 0.
#include "LibraryMemory.h"
#include "Memory.h"
#include "Reporter.h"

#include "clang/Basic/DiagnosticSema.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Pragma.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Sema/ParsedAttr.h"
#include "clang/Sema/Sema.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Path.h"

#include <memory>
#include <vector>

using namespace clang;

namespace mmcc {

namespace {

/// The name of the attribute on Sema's stack. GNU attribute names are
/// identifiers, so no source can write this one.
constexpr const char *RegionAttrName = "mmcc memory region";

/// An open region: where its 'push' is, its memory, the file it must close
/// in.
struct Region {
  SourceLocation Push;
  unsigned Memory;
  FileID File;
};

/// From Loc on (in translation-unit order), declarations are in Memory.
struct Transition {
  SourceLocation Loc;
  unsigned Memory;
};

/// The state of one translation unit (clang -cc1 compiles one).
struct PragmaState {
  CompilerInstance *CI = nullptr;
  std::vector<Region> Open;
  std::vector<Transition> Transitions;
  /// The attribute on Sema's stack, made once.
  AttributeFactory Factory;
  std::unique_ptr<AttributePool> Pool;
  ParsedAttr *Attr = nullptr;
  const IdentifierInfo *Namespace = nullptr;
  /// Whether the plugin's group is on Sema's stack, and its location (the
  /// innermost open push, where clang reports it unterminated).
  bool OnSemaStack = false;
  SourceLocation GroupLoc;
  /// For the warnings.
  std::unique_ptr<Reporter> Warnings;
  /// Each header's first inclusion: its file and the memory it was read in.
  llvm::DenseMap<const FileEntry *, std::pair<FileID, unsigned>> FirstRead;
  /// System headers already warned about.
  llvm::DenseSet<FileID> WarnedSystemHeaders;
};

PragmaState &state() {
  static PragmaState S;
  return S;
}

void reportError(SourceLocation Loc, const std::string &Message) {
  DiagnosticsEngine &Diags = state().CI->getDiagnostics();
  unsigned ID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0");
  Diags.Report(Loc, ID) << Message;
}

std::string pushSpelling(unsigned Memory) {
  return "'#pragma mmcc memory(push, " + std::to_string(Memory) + ")'";
}

/// The memory of the declarations being read now.
unsigned currentMemory() {
  PragmaState &St = state();
  return St.Open.empty() ? 0 : St.Open.back().Memory;
}

std::string describeRead(unsigned Memory) {
  return Memory ? "inside " + pushSpelling(Memory)
                : std::string("outside '#pragma mmcc memory' regions, so in "
                              "memory 0");
}

/// The plugin's group on Sema's stack, if it is there.
Sema::PragmaAttributeGroup *semaGroup() {
  PragmaState &St = state();
  if (!St.OnSemaStack || !St.CI->hasSema())
    return nullptr;
  for (Sema::PragmaAttributeGroup &G : St.CI->getSema().PragmaAttributeStack)
    if (G.Namespace == St.Namespace)
      return &G;
  return nullptr;
}

void pushSemaGroup(Preprocessor &PP, SourceLocation Loc) {
  PragmaState &St = state();
  if (St.OnSemaStack || !St.CI->hasSema())
    return;
  if (!St.Attr) {
    St.Pool = std::make_unique<AttributePool>(St.Factory);
    St.Attr = St.Pool->create(PP.getIdentifierInfo(RegionAttrName),
                              SourceRange(Loc), nullptr, SourceLocation(),
                              nullptr, 0, ParsedAttr::Form::GNU());
    St.Attr->setIsPragmaClangAttribute();
    St.Namespace = PP.getIdentifierInfo("#pragma mmcc memory");
  }
  Sema::PragmaAttributeEntry Entry;
  Entry.Loc = Loc;
  Entry.Attribute = St.Attr;
  // Every declaration whose type a region changes. Parameters are done
  // with their function (LibraryTypes.cpp), so that a definition's are
  // left alone.
  Entry.MatchRules = {attr::SubjectMatchRule_function,
                      attr::SubjectMatchRule_variable_not_is_parameter,
                      attr::SubjectMatchRule_field,
                      attr::SubjectMatchRule_type_alias};
  // Nothing to warn about when a region declares nothing (a header already
  // included, or only macros).
  Entry.IsUsed = true;
  Sema::PragmaAttributeGroup Group;
  Group.Loc = Loc;
  Group.Namespace = St.Namespace;
  Group.Entries.push_back(std::move(Entry));
  St.CI->getSema().PragmaAttributeStack.push_back(std::move(Group));
  St.OnSemaStack = true;
}

void popSemaGroup() {
  PragmaState &St = state();
  if (!St.OnSemaStack)
    return;
  St.OnSemaStack = false;
  if (!St.CI->hasSema())
    return;
  auto &Stack = St.CI->getSema().PragmaAttributeStack;
  for (size_t I = Stack.size(); I--;)
    if (Stack[I].Namespace == St.Namespace) {
      Stack.erase(Stack.begin() + I);
      return;
    }
}

/// Keeps the group's location at the innermost open push.
void updateGroupLoc() {
  PragmaState &St = state();
  if (St.Open.empty())
    return;
  St.GroupLoc = St.Open.back().Push;
  if (Sema::PragmaAttributeGroup *G = semaGroup())
    G->Loc = St.GroupLoc;
}

void openRegion(Preprocessor &PP, SourceLocation Push, unsigned Memory) {
  PragmaState &St = state();
  SourceManager &SM = PP.getSourceManager();
  SourceLocation Where = SM.getExpansionLoc(Push);
  St.Open.push_back({Where, Memory, SM.getFileID(Where)});
  St.Transitions.push_back({Where, Memory});
  if (St.Open.size() == 1)
    pushSemaGroup(PP, Where);
  updateGroupLoc();
}

/// Closes the innermost region; declarations from At on are in the region
/// around it.
void closeRegion(SourceLocation At) {
  PragmaState &St = state();
  St.Open.pop_back();
  St.Transitions.push_back({At, St.Open.empty() ? 0 : St.Open.back().Memory});
  if (St.Open.empty())
    popSemaGroup();
  else
    updateGroupLoc();
}

const char *UsageHint = "the mmcc pragma is '#pragma mmcc memory(push, N)' "
                        "or '#pragma mmcc memory(pop)'";

class MemoryPragmaHandler : public PragmaHandler {
public:
  MemoryPragmaHandler() : PragmaHandler("mmcc") {}

  void HandlePragma(Preprocessor &PP, PragmaIntroducer Introducer,
                    Token &FirstToken) override {
    Token Tok;
    Tok.startToken();
    Prev = FirstToken.getLocation();
    lex(PP, Tok);
    if (Tok.is(tok::eod)) {
      reportError(at(PP, Tok),
                  std::string("expected a directive after '#pragma mmcc'; ") +
                      UsageHint);
      return;
    }
    if (!Tok.is(tok::identifier) ||
        Tok.getIdentifierInfo()->getName() != "memory") {
      reportError(at(PP, Tok), "unknown '#pragma mmcc' directive '" +
                                   PP.getSpelling(Tok) + "'; " + UsageHint);
      return;
    }
    lex(PP, Tok);
    if (!Tok.is(tok::l_paren)) {
      reportError(at(PP, Tok),
                  std::string("expected '(' after '#pragma mmcc memory'; ") +
                      UsageHint);
      return;
    }
    lex(PP, Tok);
    llvm::StringRef Op = Tok.is(tok::identifier)
                             ? Tok.getIdentifierInfo()->getName()
                             : llvm::StringRef();
    if (Op != "push" && Op != "pop") {
      reportError(at(PP, Tok),
                  std::string("expected 'push' or 'pop' in '#pragma mmcc "
                              "memory(...)'; ") +
                      UsageHint);
      return;
    }
    SourceLocation OpLoc = Tok.getLocation();
    lex(PP, Tok);
    if (Op == "pop")
      handlePop(PP, Tok, OpLoc);
    else
      handlePush(PP, Tok, OpLoc);
  }

private:
  /// The pragma's previous token: a missing token is reported right after
  /// it, not at the end of the line (where a comment may be).
  SourceLocation Prev;

  void lex(Preprocessor &PP, Token &Tok) {
    if (Tok.getLocation().isValid())
      Prev = Tok.getLocation();
    PP.Lex(Tok);
  }

  SourceLocation at(Preprocessor &PP, const Token &Tok) const {
    if (Tok.is(tok::eod))
      return PP.getLocForEndOfToken(Prev);
    return Tok.getLocation();
  }

  /// The rest of the pragma after its last argument: ')' and nothing else.
  bool expectEnd(Preprocessor &PP, Token &Tok) {
    if (!Tok.is(tok::r_paren)) {
      reportError(at(PP, Tok),
                  "expected ')' to end '#pragma mmcc memory(...)'");
      return false;
    }
    lex(PP, Tok);
    if (!Tok.is(tok::eod)) {
      reportError(at(PP, Tok), "extra tokens after '#pragma mmcc memory(...)'");
      return false;
    }
    return true;
  }

  void handlePop(Preprocessor &PP, Token &Tok, SourceLocation OpLoc) {
    if (!expectEnd(PP, Tok))
      return;
    PragmaState &St = state();
    SourceManager &SM = PP.getSourceManager();
    SourceLocation Where = SM.getExpansionLoc(OpLoc);
    if (St.Open.empty() || St.Open.back().File != SM.getFileID(Where)) {
      reportError(OpLoc, "'#pragma mmcc memory(pop)' without a matching "
                         "'#pragma mmcc memory(push, N)'" +
                             std::string(St.Open.empty()
                                             ? ""
                                             : " in this file (a region "
                                               "closes in the file that "
                                               "opens it)"));
      return;
    }
    closeRegion(Where);
  }

  void handlePush(Preprocessor &PP, Token &Tok, SourceLocation OpLoc) {
    // A push that is not understood still opens a region (of memory 0,
    // which changes nothing), so that its pop gets no second error.
    if (!Tok.is(tok::comma)) {
      reportError(at(PP, Tok), "expected ',' and a memory number after "
                               "'push': '#pragma mmcc memory(push, N)'");
      openRegion(PP, OpLoc, 0);
      return;
    }
    lex(PP, Tok);
    SourceLocation NumberLoc = at(PP, Tok);
    std::string Spelling = PP.getSpelling(Tok);
    uint64_t N = 0;
    bool IsNumber = Tok.is(tok::numeric_constant);
    if (IsNumber) {
      Prev = Tok.getLocation();
      if (!PP.parseSimpleIntegerLiteral(Tok, N)) {
        // Not an integer, or one beyond 64 bits.
        IsNumber = Spelling.find_first_not_of("0123456789") ==
                   std::string::npos;
        N = UINT64_MAX;
        PP.Lex(Tok);
      }
    }
    if (!IsNumber) {
      reportError(NumberLoc, "expected a memory number (an integer constant "
                             "from 0 to 255) in '#pragma mmcc memory(push, "
                             "N)'");
      openRegion(PP, OpLoc, 0);
      return;
    }
    if (!expectEnd(PP, Tok)) {
      openRegion(PP, OpLoc, 0);
      return;
    }
    std::string Bad;
    if (N > MaxMemory)
      Bad = "memory " + Spelling + " is out of range: mmcc supports memories "
            "0 to 255 (0 is the application's default memory; 10 and 20 are "
            "reserved)";
    else if (std::string Reason = badAddressSpaceReason(unsigned(N));
             !Reason.empty())
      Bad = "memory " + Spelling + " cannot hold a library's declarations: " +
            Reason;
    if (!Bad.empty()) {
      reportError(NumberLoc, Bad);
      openRegion(PP, OpLoc, 0);
      return;
    }
    // Without multiple memories (<mmcc.h>'s portability mode) every memory
    // is memory 0, and so are the library's declarations. In code compiled
    // into memory N itself (glue beside the library), plain pointers are
    // memory N's already.
    if (PP.isMacroDefined("MMCC_SINGLE_MEMORY") || N == ownMemory())
      N = 0;
    openRegion(PP, OpLoc, unsigned(N));
  }
};

/// Closes the regions a header leaves open, with an error at each push, and
/// warns about headers an include guard skips in a region of another
/// memory than their first inclusion.
class RegionCallbacks : public PPCallbacks {
public:
  void FileChanged(SourceLocation Loc, FileChangeReason Reason,
                   SrcMgr::CharacteristicKind FileType,
                   FileID PrevFID) override {
    PragmaState &St = state();
    SourceManager &SM = St.CI->getSourceManager();
    if (Reason == EnterFile) {
      FileID FID = SM.getFileID(Loc);
      if (OptionalFileEntryRef File = SM.getFileEntryRefForID(FID))
        St.FirstRead.try_emplace(&File->getFileEntry(), FID, currentMemory());
      return;
    }
    if (Reason != ExitFile)
      return;
    while (!St.Open.empty() && St.Open.back().File == PrevFID) {
      reportError(St.Open.back().Push,
                  pushSpelling(St.Open.back().Memory) +
                      " is not closed at the end of its file: add '#pragma "
                      "mmcc memory(pop)' after the library's declarations, "
                      "in the same file");
      closeRegion(Loc);
    }
  }

  void FileSkipped(const FileEntryRef &File, const Token &FilenameTok,
                   SrcMgr::CharacteristicKind FileType) override {
    PragmaState &St = state();
    SourceManager &SM = St.CI->getSourceManager();
    unsigned Now = currentMemory();
    auto It = St.FirstRead.find(&File.getFileEntry());
    if (Now == 0 || It == St.FirstRead.end() || It->second.second == Now ||
        SrcMgr::isSystem(FileType) ||
        SM.isInSystemHeader(SM.getLocForEndOfFile(It->second.first)))
      return;
    unsigned First = It->second.second;
    std::string Name = llvm::sys::path::filename(File.getName()).str();
    St.Warnings->warning(
        WarningGroup::MemoryPragma, FilenameTok.getLocation(),
        "'" + Name + "' was read before, " + describeRead(First) +
            ", and is skipped here (its include guard), so inside " +
            pushSpelling(Now) + " its declarations keep memory " +
            std::to_string(First) + "'s pointer types; include it for the "
            "first time inside the region");
    St.Warnings->note(SM.getIncludeLoc(It->second.first),
                      "'" + Name + "' was first included here");
  }
};

/// A declaration of a system header, read in a region of memory Memory:
/// if the region's own file includes that header (not a library header
/// that includes the C library's), and the region would have changed the
/// declaration, the header is probably the library's, found as a system
/// header. Warned once per header.
void checkSystemHeader(Sema &S, const Decl *D, unsigned Memory) {
  PragmaState &St = state();
  const SourceManager &SM = S.getSourceManager();
  // The system header that user code included, on D's include chain.
  FileID Header = SM.getFileID(SM.getExpansionLoc(D->getLocation()));
  SourceLocation Include;
  while (true) {
    Include = SM.getIncludeLoc(Header);
    if (Include.isInvalid())
      return;
    if (!SM.isInSystemHeader(Include))
      break;
    Header = SM.getFileID(Include);
  }
  if (St.Open.empty() ||
      SM.getFileID(SM.getExpansionLoc(Include)) != St.Open.back().File ||
      St.WarnedSystemHeaders.count(Header) ||
      !libraryMemoryWouldChange(S.Context, D, Memory))
    return;
  St.WarnedSystemHeaders.insert(Header);
  std::string Name;
  if (OptionalFileEntryRef File = SM.getFileEntryRefForID(Header))
    Name = llvm::sys::path::filename(File->getName()).str();
  St.Warnings->warning(
      WarningGroup::MemoryPragma, Include,
      "'" + Name + "' is a system header, so inside " + pushSpelling(Memory) +
          " its declarations keep memory 0's types (system headers are the "
          "application's C library): if it is the library's header, put its "
          "directory on the include path with -I rather than -isystem; if it "
          "is the C library's, include it before the region");
}

/// Sema's own attribute for the plugin's entry on its stack: classifies
/// each declaration by its location.
struct RegionAttrInfo : public ParsedAttrInfo {
  RegionAttrInfo() {
    static constexpr Spelling S[] = {{ParsedAttr::AS_GNU, RegionAttrName}};
    Spellings = S;
  }

  bool diagAppertainsToDecl(Sema &S, const ParsedAttr &Attr,
                            const Decl *D) const override {
    return true; // the match rules chose D
  }

  AttrHandling handleDeclAttribute(Sema &S, Decl *D,
                                   const ParsedAttr &Attr) const override {
    if (!Attr.isPragmaClangAttribute())
      return AttributeNotApplied;
    SourceLocation Loc = D->getLocation();
    unsigned Memory = regionMemoryAt(Loc);
    const SourceManager &SM = S.getSourceManager();
    // The C library's headers (and <mmcc.h>) are the application's, even
    // when first included inside a region.
    if (Memory == 0 || D->isImplicit())
      return AttributeApplied;
    if (SM.isInSystemHeader(SM.getExpansionLoc(Loc)))
      checkSystemHeader(S, D, Memory);
    else
      applyLibraryMemory(S, D, Memory);
    return AttributeApplied;
  }
};

} // namespace

void installMemoryPragma(CompilerInstance &CI,
                         const std::vector<std::string> &PluginArgs) {
  PragmaState &St = state();
  St.CI = &CI;
  St.Warnings = std::make_unique<Reporter>(CI, PluginArgs);
  Preprocessor &PP = CI.getPreprocessor();
  PP.AddPragmaHandler(new MemoryPragmaHandler());
  PP.addPPCallbacks(std::make_unique<RegionCallbacks>());
}

unsigned ownMemory() {
  PragmaState &St = state();
  if (!St.CI || !St.CI->hasPreprocessor())
    return 0;
  Preprocessor &PP = St.CI->getPreprocessor();
  const MacroInfo *MI =
      PP.getMacroInfo(PP.getIdentifierInfo("__MMCC_IN_MEMORY__"));
  unsigned Memory = 0;
  if (!MI || MI->getNumTokens() != 1 ||
      llvm::StringRef(PP.getSpelling(MI->getReplacementToken(0)))
          .getAsInteger(10, Memory))
    return 0;
  return Memory;
}

unsigned regionMemoryAt(SourceLocation Loc) {
  PragmaState &St = state();
  if (St.Transitions.empty() || Loc.isInvalid() || !St.CI)
    return 0;
  SourceManager &SM = St.CI->getSourceManager();
  Loc = SM.getExpansionLoc(Loc);
  // Declarations arrive in order, mostly after the last transition.
  for (auto It = St.Transitions.rbegin(); It != St.Transitions.rend(); ++It)
    if (SM.isBeforeInTranslationUnit(It->Loc, Loc))
      return It->Memory;
  return 0;
}

std::optional<std::string> memoryPragmaMessage(const Diagnostic &Info) {
  // (Clang names only the innermost open group; if that is the user's own
  // '#pragma clang attribute push', that error is the one printed.)
  PragmaState &St = state();
  if (Info.getID() != diag::err_pragma_attribute_no_pop_eof ||
      !St.OnSemaStack || St.Open.empty() ||
      Info.getLocation() != St.GroupLoc)
    return std::nullopt;
  return pushSpelling(St.Open.back().Memory) +
         " is not closed at the end of the file: add '#pragma mmcc "
         "memory(pop)' after the library's declarations";
}

} // namespace mmcc

static clang::ParsedAttrInfoRegistry::Add<mmcc::RegionAttrInfo>
    RegisterRegion("mmcc memory region",
                   "the declarations of a '#pragma mmcc memory' region");
