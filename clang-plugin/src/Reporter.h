// Reporter.h - how the plugin emits its diagnostics.
//
// All diagnostics go through clang's DiagnosticsEngine, so they print as
// file:line:col with a caret and source ranges, count towards clang's error
// count (clang exits non-zero), and respect -ferror-limit and
// -fno-diagnostics-* options.
//
// Clang 19's plugin API has one limitation: "custom" diagnostic IDs (the only
// kind a plugin can create) have a fixed level and belong to no warning
// group, so clang itself applies neither -Werror nor -w nor -Wno-<group> to
// them. The Reporter therefore maps plugin warnings itself, exactly as clang
// would map a warning in a group:
//
//   -w                               suppresses them
//   warnings in system headers       suppressed (unless -Wsystem-headers)
//   -Werror                          turns them into errors
//   -Wno-error / -Wno-error=<group>  keeps them warnings under -Werror
//   -W<group>, -Wno-<group>, -Werror=<group>
//                                    enable / disable / make an error
//
// where <group> is mmcc-variadic-memory or mmcc-memory-pragma. Clang itself
// does not know the group names, so it also prints "unknown warning option"
// for them; to avoid that, the same settings can be passed to the plugin
// instead:
//   -fplugin-arg-mmcc-Wno-mmcc-variadic-memory   (driver spelling)
//   -Xclang -plugin-arg-mmcc -Xclang -Wno-mmcc-variadic-memory
// Plugin arguments are applied after the command line's -W options.
// '#pragma clang diagnostic' cannot control plugin warnings in clang 19.
#ifndef MMCC_PLUGIN_REPORTER_H
#define MMCC_PLUGIN_REPORTER_H

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace clang {
class CompilerInstance;
class SourceManager;
} // namespace clang

namespace mmcc {

/// The warning groups of the plugin, with their -W names.
enum class WarningGroup {
  VariadicMemory, // -Wmmcc-variadic-memory
  MemoryPragma,   // -Wmmcc-memory-pragma
};
constexpr unsigned NumWarningGroups = 2;

const char *warningGroupName(WarningGroup G);

class Reporter {
public:
  Reporter(clang::CompilerInstance &CI,
           const std::vector<std::string> &PluginArgs);

  /// Reports an error at Loc, highlighting Ranges.
  void error(clang::SourceLocation Loc, const std::string &Message,
             llvm::ArrayRef<clang::SourceRange> Ranges = {});

  /// Reports a warning of group G at Loc, mapped as described above.
  void warning(WarningGroup G, clang::SourceLocation Loc,
               const std::string &Message,
               llvm::ArrayRef<clang::SourceRange> Ranges = {});

  /// Reports a note attached to the preceding error or warning.
  void note(clang::SourceLocation Loc, const std::string &Message);

  clang::SourceManager &sourceManager() const;

private:
  enum class Mapping { Ignored, Warning, Error };
  Mapping mappingFor(WarningGroup G, clang::SourceLocation Loc) const;
  void applyWarningOption(llvm::StringRef Option);
  /// True if this exact diagnostic was already reported (templates are
  /// checked once per instantiation and once as written; one report is
  /// enough).
  bool alreadyReported(clang::SourceLocation Loc, const std::string &Message);
  void emit(unsigned DiagID, clang::SourceLocation Loc,
            const std::string &Message,
            llvm::ArrayRef<clang::SourceRange> Ranges);

  clang::CompilerInstance &CI;
  clang::DiagnosticsEngine &Diags;
  unsigned ErrorID, WarningID, NoteID;
  /// Per-group settings from -W options and plugin arguments.
  struct GroupState {
    bool Enabled = true;  // all plugin warnings are on by default
    bool AsError = false; // -Werror=<group>
    bool NoError = false; // -Wno-error=<group>
  };
  GroupState Groups[NumWarningGroups];
  /// Whether the last error/warning was emitted, so notes follow it.
  bool LastEmitted = false;
  std::set<std::pair<unsigned, std::string>> Reported;
};

} // namespace mmcc

#endif
