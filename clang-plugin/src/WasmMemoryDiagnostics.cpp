// WasmMemoryDiagnostics.cpp - clang's own diagnostics, in mmcc's words,
// when they are about a wasm_memory array.
//
// A wasm_memory array's elements live in a private address space
// (FirstWasmMemorySpace + k, see WasmMemory.h), a number no user wrote.
// When clang itself rejects a use of the array, its message names that
// number: "'this' object is in address space '7340032'". The plugin puts a
// consumer in front of clang's diagnostic printer that rewrites such
// messages to name the array instead, and explains the one C++ rule behind
// most of them: member functions take 'this' in memory 0, so the ones
// MemoryClassMembers.cpp does not give a twin cannot run on an element in
// place.
//
// For objects in memory N (address_space(N)), clang's own messages stand,
// and the first one of each error that is about C++'s rule (constructors,
// member functions and references take objects in memory 0) gets mmcc's
// explanation of what works instead.
//
// It also prints mmcc's message for a '#pragma mmcc memory(push, K)' left
// open at the end of the main file, which clang reports as the plugin's
// unterminated '#pragma clang attribute' entry (MemoryPragma.cpp).
//
// Every other diagnostic passes through unchanged.
#include "LibraryMemory.h"
#include "WasmMemory.h"

#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Regex.h"

#include <memory>

using namespace clang;

namespace mmcc {

namespace {

/// The array's name for private address space number N, or "" when N is
/// not one of them.
std::string arrayNameOfSpace(unsigned long long N) {
  if (N > 0xffffffffull)
    return {};
  const VarDecl *VD = wasmMemoryArrayOf(getLangASFromTargetAS(unsigned(N)));
  return VD ? VD->getQualifiedNameAsString() : std::string();
}

/// Message with every mention of a wasm_memory array's address space
/// replaced by the array's name. Sets Changed when something was replaced.
std::string rewriteMessage(llvm::StringRef Message, bool &Changed) {
  // Longest forms first: "address space '__attribute__((address_space(N)))'"
  // (constructor notes), "address space 'N'" (method notes), then the type
  // qualifier "__attribute__((address_space(N)))".
  static const llvm::Regex Patterns[] = {
      llvm::Regex("address space '__attribute__\\(\\(address_space\\(([0-9]+)\\)\\)\\)'"),
      llvm::Regex("address space '([0-9]+)'"),
      llvm::Regex("__attribute__\\(\\(address_space\\(([0-9]+)\\)\\)\\) ?"),
  };
  // What each pattern becomes: Before + the array's name + After.
  static const std::pair<const char *, const char *> Replacements[] = {
      {"the memory of wasm_memory array '", "'"},
      {"the memory of wasm_memory array '", "'"},
      {"__wasm_memory(", ") "},
  };
  std::string Text = Message.str();
  for (unsigned P = 0; P < 3; P++) {
    std::string Out;
    llvm::StringRef Rest = Text;
    llvm::SmallVector<llvm::StringRef, 2> Match;
    while (Patterns[P].match(Rest, &Match)) {
      size_t At = Match[0].data() - Rest.data();
      Out += Rest.substr(0, At).str();
      unsigned long long N = 0;
      std::string Name;
      if (!Match[1].getAsInteger(10, N))
        Name = arrayNameOfSpace(N);
      if (Name.empty()) {
        Out += Match[0].str();
      } else {
        Out += std::string(Replacements[P].first) + Name + Replacements[P].second;
        Changed = true;
      }
      Rest = Rest.substr(At + Match[0].size());
    }
    Out += Rest.str();
    Text = std::move(Out);
  }
  return Text;
}

/// Whether a message is clang refusing to construct an object in another
/// address space, to call a member function on it or to bind a memory-0
/// reference to it (the C++ rules of address spaces; MemoryClassMembers.cpp
/// lifts them for trivially copyable classes, and only where it can).
bool isAboutObjectsInMemory(llvm::StringRef Message) {
  return Message.contains("construct an object") ||
         Message.contains("'this' object") ||
         Message.contains("bind reference") ||
         Message.contains("cannot initialize object parameter");
}

/// The same, about an element of a wasm_memory array (after rewriting).
bool isAboutWasmMemoryElements(llvm::StringRef Message) {
  return (Message.contains("in the memory of wasm_memory array") ||
          Message.contains("__wasm_memory(")) &&
         isAboutObjectsInMemory(Message);
}

const char *const MemoryObjectsExplanation =
    " (mmcc: an object in memory N can be constructed, copied, assigned and "
    "given to const member functions that return a value when its class is "
    "trivially copyable (they run on a copy in memory 0); other member "
    "functions and `T &` parameters take the object itself, in memory 0: "
    "copy it out (`T t = obj;`) and back, or write the function with an "
    "explicit object parameter (`this auto &self`, C++23) or an `auto &` or "
    "by-value parameter)";

const char *const PlacementNewExplanation =
    " (mmcc: if the address is in memory N, placement new cannot construct "
    "there: it takes and returns memory-0 addresses; for a trivially "
    "copyable class use std::construct_at(p, args...) (C++20), which "
    "constructs in memory 0 and copies in, or assign a value, `*p = "
    "T(args)`)";

class WasmMemoryDiagnostics : public DiagnosticConsumer {
public:
  WasmMemoryDiagnostics(DiagnosticConsumer *Next,
                        std::unique_ptr<DiagnosticConsumer> Owned)
      : Next(Next), Owned(std::move(Owned)) {}

  void BeginSourceFile(const LangOptions &LO, const Preprocessor *PP) override {
    Next->BeginSourceFile(LO, PP);
  }
  void EndSourceFile() override { Next->EndSourceFile(); }
  void finish() override { Next->finish(); }
  void clear() override {
    DiagnosticConsumer::clear();
    Next->clear();
  }
  bool IncludeInDiagnosticCounts() const override {
    return Next->IncludeInDiagnosticCounts();
  }

  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    // Counts errors and warnings: clang prints "N errors generated" from
    // the engine's client, which is now this consumer.
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level != DiagnosticsEngine::Note)
      Explained = false;
    if (std::optional<std::string> Own = memoryPragmaMessage(Info)) {
      Next->HandleDiagnostic(Level, Diagnostic(Info.getDiags(), *Own));
      return;
    }
    llvm::SmallString<256> Message;
    Info.FormatDiagnostic(Message);
    bool Changed = false;
    std::string Text = rewriteMessage(Message, Changed);
    if (!Changed) {
      // clang's "include <new>" hint is wrong when the address is in
      // memory N (placement new has memory-0 addresses only).
      if (Text.find("non-allocating placement new expression") !=
          std::string::npos) {
        Next->HandleDiagnostic(
            Level, Diagnostic(Info.getDiags(), Text + PlacementNewExplanation));
        return;
      }
      if (!Explained && isAboutObjectsInMemory(Text)) {
        Explained = true;
        Next->HandleDiagnostic(
            Level, Diagnostic(Info.getDiags(), Text + MemoryObjectsExplanation));
        return;
      }
      Next->HandleDiagnostic(Level, Info);
      return;
    }
    if (!Explained && isAboutWasmMemoryElements(Text)) {
      Explained = true;
      Text += " (mmcc: elements of a trivially copyable class in a "
              "wasm_memory array are copied and assigned as a whole, and "
              "const member functions that return a value run on a copy; "
              "other member functions take 'this' in memory 0 and cannot "
              "run on an element in place: copy the element out and back)";
    }
    Next->HandleDiagnostic(Level, Diagnostic(Info.getDiags(), Text));
  }

private:
  DiagnosticConsumer *Next;
  std::unique_ptr<DiagnosticConsumer> Owned;
  /// The C++ explanation was given for the current error (once per error,
  /// not on each of its notes).
  bool Explained = false;
};

} // namespace

void installWasmMemoryDiagnostics(CompilerInstance &CI) {
  DiagnosticsEngine &Diags = CI.getDiagnostics();
  DiagnosticConsumer *Current = Diags.getClient();
  if (!Current)
    return;
  std::unique_ptr<DiagnosticConsumer> Owned =
      Diags.ownsClient() ? Diags.takeClient() : nullptr;
  Diags.setClient(new WasmMemoryDiagnostics(Current, std::move(Owned)),
                  /*ShouldOwnClient=*/true);
}

} // namespace mmcc
