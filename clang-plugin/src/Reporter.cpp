// Reporter.cpp - emitting plugin diagnostics (see Reporter.h for why the
// warning mapping is done here rather than by clang).
#include "Reporter.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"

using namespace clang;

namespace mmcc {

const char *warningGroupName(WarningGroup G) {
  switch (G) {
  case WarningGroup::VariadicMemory:
    return "mmcc-variadic-memory";
  case WarningGroup::MemoryPragma:
    return "mmcc-memory-pragma";
  }
  return "mmcc";
}

Reporter::Reporter(CompilerInstance &CI,
                   const std::vector<std::string> &PluginArgs)
    : CI(CI), Diags(CI.getDiagnostics()) {
  // One custom ID per level; the message is the single argument. Custom IDs
  // are created once per compilation.
  ErrorID = Diags.getCustomDiagID(DiagnosticsEngine::Error, "%0");
  WarningID = Diags.getCustomDiagID(DiagnosticsEngine::Warning, "%0");
  NoteID = Diags.getCustomDiagID(DiagnosticsEngine::Note, "%0");

  // The command line's -W options, in order (clang stores them without the
  // leading "-W"), then the plugin's arguments (which keep it).
  for (const std::string &W : CI.getDiagnosticOpts().Warnings)
    applyWarningOption(W);
  for (const std::string &A : PluginArgs) {
    llvm::StringRef Arg(A);
    if (Arg.consume_front("-W") || Arg.consume_front("W"))
      applyWarningOption(Arg);
  }
}

void Reporter::applyWarningOption(llvm::StringRef Option) {
  for (unsigned I = 0; I != std::size(Groups); ++I) {
    llvm::StringRef Name = warningGroupName(static_cast<WarningGroup>(I));
    GroupState &S = Groups[I];
    if (Option == Name || Option == "everything") {
      S.Enabled = true;
    } else if (Option == ("no-" + Name).str()) {
      S.Enabled = false;
    } else if (Option == ("error=" + Name).str()) {
      S.Enabled = true;
      S.AsError = true;
      S.NoError = false;
    } else if (Option == ("no-error=" + Name).str()) {
      S.AsError = false;
      S.NoError = true;
    }
  }
}

Reporter::Mapping Reporter::mappingFor(WarningGroup G,
                                       SourceLocation Loc) const {
  const GroupState &S = Groups[static_cast<unsigned>(G)];
  if (!S.Enabled || Diags.getIgnoreAllWarnings())
    return Mapping::Ignored;
  // Like clang, stay quiet about code in system headers (and about macros
  // defined there) unless -Wsystem-headers.
  const SourceManager &SM = CI.getSourceManager();
  if (Loc.isValid() && Diags.getSuppressSystemWarnings() &&
      (SM.isInSystemHeader(SM.getExpansionLoc(Loc)) ||
       SM.isInSystemMacro(Loc)))
    return Mapping::Ignored;
  if (S.AsError || (Diags.getWarningsAsErrors() && !S.NoError))
    return Mapping::Error;
  return Mapping::Warning;
}

bool Reporter::alreadyReported(SourceLocation Loc, const std::string &Message) {
  return !Reported.insert({Loc.getRawEncoding(), Message}).second;
}

void Reporter::emit(unsigned DiagID, SourceLocation Loc,
                    const std::string &Message,
                    llvm::ArrayRef<SourceRange> Ranges) {
  DiagnosticBuilder B = Diags.Report(Loc, DiagID);
  B << Message;
  for (SourceRange R : Ranges)
    if (R.isValid())
      B << CharSourceRange::getTokenRange(R);
}

void Reporter::error(SourceLocation Loc, const std::string &Message,
                     llvm::ArrayRef<SourceRange> Ranges) {
  LastEmitted = false;
  if (alreadyReported(Loc, Message))
    return;
  emit(ErrorID, Loc, Message, Ranges);
  LastEmitted = true;
}

void Reporter::warning(WarningGroup G, SourceLocation Loc,
                       const std::string &Message,
                       llvm::ArrayRef<SourceRange> Ranges) {
  LastEmitted = false;
  if (alreadyReported(Loc, Message))
    return;
  std::string Group = warningGroupName(G);
  switch (mappingFor(G, Loc)) {
  case Mapping::Ignored:
    return;
  case Mapping::Warning:
    // Clang appends the flag that controls a warning; do the same.
    emit(WarningID, Loc, Message + " [-W" + Group + "]", Ranges);
    break;
  case Mapping::Error:
    emit(ErrorID, Loc, Message + " [-Werror,-W" + Group + "]", Ranges);
    break;
  }
  LastEmitted = true;
}

void Reporter::note(SourceLocation Loc, const std::string &Message) {
  if (LastEmitted)
    emit(NoteID, Loc, Message, {});
}

SourceManager &Reporter::sourceManager() const {
  return CI.getSourceManager();
}

} // namespace mmcc
