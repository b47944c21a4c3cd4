#!/usr/bin/env bash
# Checks the mmcc clang plugin's diagnostics against the expectations written
# in the test files of this directory (format: README.md here).
#
#   tests/diagnostics/check.sh [FILE...]
#
# Environment: PLUGIN (default <repo>/.build/plugin/libmmcc-plugin.so, built
# with clang-plugin/build.sh if missing), CLANG (clang-19), CLANGXX
# (clang++-19). With MMCC=<path to mmcc>, every file goes through the whole
# mmcc pipeline instead (`mmcc -c`), so the memory-indexing pass's
# diagnostics are checked too; files named ir_* need that mode and are
# skipped without it, files named plugin_* are for the plugin alone.
#
# Each file is compiled with
#   clang-19 --target=wasm32-wasip1 -fsyntax-only -fplugin=$PLUGIN FILE
# (clang++-19 for .cpp). A file passes when clang reports exactly the
# expected errors and warnings (notes are ignored) and exits non-zero
# exactly when an error is expected. Files without expectations must compile
# without any diagnostic, also at -O0/-O2 with -Werror and -emit-llvm.
# A few more checks (warning flags, the attribute in the IR) follow the
# files. Prints "N passed, M failed"; exits 1 if anything failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
PLUGIN="${PLUGIN:-$repo/.build/plugin/libmmcc-plugin.so}"
CLANG="${CLANG:-clang-19}"
CLANGXX="${CLANGXX:-clang++-19}"

if [ ! -f "$PLUGIN" ]; then
  "$repo/clang-plugin/build.sh" "$(dirname "$PLUGIN")" >/dev/null || {
    echo "check.sh: could not build the plugin" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
fi

if [ "$#" -gt 0 ]; then
  files=("$@")
else
  files=()
  for f in "$here"/*.c "$here"/*.cpp; do
    [ -e "$f" ] && files+=("$f")
  done
fi

HERE="$here" PLUGIN="$PLUGIN" CLANG="$CLANG" CLANGXX="$CLANGXX" MMCC="${MMCC:-}" \
  exec python3 - "${files[@]}" <<'PYTHON'
import os, re, subprocess, sys, tempfile

plugin = os.environ["PLUGIN"]
clang, clangxx = os.environ["CLANG"], os.environ["CLANGXX"]
mmcc = os.environ.get("MMCC") or None
base_flags = ["--target=wasm32-wasip1", "-fno-color-diagnostics",
              "-fno-caret-diagnostics", "-ferror-limit=0"]
if not mmcc:
    base_flags.append("-fplugin=" + plugin)
tool = "mmcc" if mmcc else "clang"

# One expectation: "expect-error: text", "expect-warning@col=12: text".
# Several may share a line; each one's text runs to the next "expect-" (an
# optional "//" before it is dropped) or to the end of the line.
EXPECT = re.compile(
    r"expect-(error|warning)(?:@col=(\d+))?:\s*(.*?)\s*(?=(?://\s*)?expect-(?:error|warning)\b|\*/|$)")
DIAG = re.compile(r"^(.*?):(\d+):(\d+): (error|warning|fatal error): (.*)$")

passed = failed = 0
def result(name, problems):
    global passed, failed
    if problems:
        failed += 1
        print("FAIL " + name)
        for p in problems:
            print("     " + p)
    else:
        passed += 1
        print("ok   " + name)

def compiler(path):
    if mmcc:
        return mmcc
    return clangxx if path.endswith(".cpp") else clang

def compile_flags(tmp):
    """Flags that compile a file as far as this mode goes."""
    if mmcc:
        return ["-c", "-o", os.path.join(tmp, "out.o")]
    return ["-fsyntax-only"]

def run(path, extra):
    p = subprocess.run([compiler(path)] + base_flags + extra + [path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    return p.returncode, p.stdout

def diagnostics(output):
    out = []
    for line in output.splitlines():
        m = DIAG.match(line)
        if m:
            kind = "error" if m.group(4) == "fatal error" else m.group(4)
            out.append((m.group(1), int(m.group(2)), int(m.group(3)), kind,
                        m.group(5)))
    return out

def check_file(path):
    expected = []
    with open(path) as f:
        for lineno, text in enumerate(f, 1):
            for m in EXPECT.finditer(text):
                col = int(m.group(2)) if m.group(2) else None
                expected.append([lineno, col, m.group(1), m.group(3), False])
    if os.path.basename(path).startswith("ir_") and not mmcc:
        return  # memory-indexing pass diagnostics: only through mmcc
    if os.path.basename(path).startswith("plugin_") and mmcc:
        return  # the plugin alone (the whole pipeline rejects it later)
    with tempfile.TemporaryDirectory() as tmp:
        rc, output = run(path, compile_flags(tmp))
    problems = []
    for (file, line, col, kind, msg) in diagnostics(output):
        same_file = os.path.realpath(file) == os.path.realpath(path)
        match = None
        for e in expected:
            if (not e[4] and same_file and e[0] == line and e[2] == kind
                    and (e[1] is None or e[1] == col) and e[3] in msg):
                match = e
                break
        if match:
            match[4] = True
        else:
            problems.append("unexpected %s at %s:%d:%d: %s"
                            % (kind, os.path.basename(file), line, col, msg))
    for e in expected:
        if not e[4]:
            where = "%d" % e[0] + (":%d" % e[1] if e[1] else "")
            problems.append("missing %s at line %s: %s" % (e[2], where, e[3]))
    wants_error = any(e[2] == "error" for e in expected)
    if wants_error and rc == 0:
        problems.append(tool + " exited 0 although errors are expected")
    if not wants_error and rc != 0:
        problems.append(tool + " exited %d without an expected error" % rc)
    if problems and output.strip():
        problems.append(tool + " said:\n       " +
                        output.strip().replace("\n", "\n       "))
    result(os.path.basename(path), problems)

    # A clean file must also go through code generation untouched, at -O0
    # and -O2, with -Werror: the plugin must add nothing.
    if not expected:
        for opt in ("-O0", "-O2"):
            with tempfile.TemporaryDirectory() as tmp:
                out = ["-c", "-o", os.path.join(tmp, "out.o")]
                if not mmcc:
                    out = ["-emit-llvm"] + out
                rc, output = run(path, [opt, "-Werror"] + out)
            result("%s (%s -Werror %s)" % (os.path.basename(path), opt, " ".join(out[:-2])),
                   [] if rc == 0 and not output.strip()
                   else ["exit %d:\n       %s" % (rc, output.strip())])

for path in sys.argv[1:]:
    check_file(path)

# --- Checks that need particular flags -------------------------------------
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "variadic.c")
    with open(src, "w") as f:
        f.write('int printf(const char *, ...);\n'
                'void f(__attribute__((address_space(2))) char *p) {\n'
                '  printf("%s", p);\n'
                '}\n')

    def flags_case(name, extra, want_rc, want_kind):
        rc, output = run(src, ["-fsyntax-only"] + extra)
        kinds = [d[3] for d in diagnostics(output)]
        problems = []
        if (rc != 0) != (want_rc != 0):
            problems.append("exit code %d" % rc)
        if kinds != ([want_kind] if want_kind else []):
            problems.append("diagnostics %s, expected %s" % (kinds, want_kind))
        if problems:
            problems.append("clang said: " + output.strip())
        result("variadic warning " + name, problems)

    flags_case("(default)", [], 0, "warning")
    flags_case("-Werror", ["-Werror"], 1, "error")
    flags_case("-w", ["-w"], 0, None)
    flags_case("-Werror -w", ["-Werror", "-w"], 0, None)
    flags_case("plugin arg -Wno-mmcc-variadic-memory",
               ["-fplugin-arg-mmcc-Wno-mmcc-variadic-memory"], 0, None)
    flags_case("plugin arg -Werror=mmcc-variadic-memory",
               ["-fplugin-arg-mmcc-Werror=mmcc-variadic-memory"], 1, "error")
    flags_case("-Werror + plugin arg -Wno-error=mmcc-variadic-memory",
               ["-Werror", "-fplugin-arg-mmcc-Wno-error=mmcc-variadic-memory"],
               0, "warning")
    flags_case("-Wno-mmcc-variadic-memory -Wno-unknown-warning-option",
               ["-Wno-mmcc-variadic-memory", "-Wno-unknown-warning-option"],
               0, None)

    # Clang's own errors about a wasm_memory array name the array, not its
    # private address space number, and explain the C++ rule once.
    src = os.path.join(tmp, "classes.cpp")
    with open(src, "w") as f:
        f.write('struct P { int x, y; void flip() { x = -x; } };\n'
                '__attribute__((wasm_memory)) P items[8];\n'
                'void f() { items[1] = items[0]; items[1].flip(); }\n')
    rc, output = run(src, ["-fsyntax-only"])
    problems = [] if rc != 0 else ["compiled"]
    if "7340032" in output or "address_space(" in output:
        problems.append("the private address space number shows")
    if "of type '__wasm_memory(items) P'" not in output:
        problems.append("the error does not name the array")
    if output.count("copy the element out and back") != 1:
        problems.append("the C++ explanation is not given exactly once")
    if problems:
        problems.append("clang said: " + output.strip())
    result("clang's errors name the wasm_memory array", problems)

    # A '#pragma mmcc memory' region closes in the file that opens it: one
    # left open at the end of a header is an error at its push, and a pop in
    # another file than the push is not its pop. (The expectations of the
    # files above are for diagnostics in the files themselves.)
    with open(os.path.join(tmp, "open.h"), "w") as f:
        f.write('#pragma mmcc memory(push, 3)\n'
                'int in_header(char *p);\n')
    with open(os.path.join(tmp, "pop.h"), "w") as f:
        f.write('#pragma mmcc memory(pop)\n')
    src = os.path.join(tmp, "regions.c")
    with open(src, "w") as f:
        f.write('#include "open.h"\n'
                'int after_header(char *p);\n'
                '#pragma mmcc memory(push, 3)\n'
                '#include "pop.h"\n'
                '#pragma mmcc memory(pop)\n'
                '_Static_assert(__builtin_types_compatible_p(__typeof__(in_header),'
                ' int (__attribute__((address_space(3))) char *)), "");\n'
                '_Static_assert(__builtin_types_compatible_p(__typeof__(after_header),'
                ' int (char *)), "");\n')
    rc, output = run(src, ["-fsyntax-only"])
    got = [(os.path.basename(d[0]), d[1], d[2], d[4]) for d in diagnostics(output)]
    want = [("open.h", 1, 21, "'#pragma mmcc memory(push, 3)' is not closed at the end of its file"),
            ("pop.h", 1, 21, "'#pragma mmcc memory(pop)' without a matching '#pragma mmcc memory(push, N)' in this file")]
    problems = [] if rc != 0 else ["compiled"]
    if len(got) != len(want) or any(g[:3] != w[:3] or w[3] not in g[3]
                                    for g, w in zip(got, want)):
        problems.append("diagnostics %s, expected %s" % (got, want))
    if problems:
        problems.append(tool + " said: " + output.strip())
    result("'#pragma mmcc memory' regions close in their own file", problems)

    # Code compiled into memory 3 itself (glue beside the library: mmcc
    # --in-memory=3 defines __MMCC_IN_MEMORY__=3) already has memory-3 plain
    # pointers, so a region of memory 3 changes nothing there and may hold
    # definitions; a region of another memory still applies, and its calls
    # pass data on memory 3's stack.
    src = os.path.join(tmp, "glue.c")
    with open(src, "w") as f:
        f.write('#pragma mmcc memory(push, 3)\n'
                'struct point { int x, y; };\n'
                'struct point point_make(int x, int y);\n'
                'int first(const char *s) { return *s; }\n'
                '#pragma mmcc memory(pop)\n'
                '#pragma mmcc memory(push, 4)\n'
                'struct point other_make(int x, int y);\n'
                '#pragma mmcc memory(pop)\n'
                '_Static_assert(__builtin_types_compatible_p(__typeof__(first),'
                ' int (const char *)), "");\n'
                'int use(const char *s) { return point_make(1, 2).x + first(s) + other_make(1, 2).y; }\n')
    own = ["--in-memory=3"] if mmcc else ["-D__MMCC_IN_MEMORY__=3"]
    with tempfile.TemporaryDirectory() as out:
        rc, output = run(src, compile_flags(out) + own)
    got = [(d[1], d[3], d[4]) for d in diagnostics(output)]
    problems = [] if rc != 0 else ["compiled"]
    if len(got) != 1 or got[0][:2] != (10, "error") or \
            "returns its 'struct point' result through a slot on the caller's stack, in memory 3," not in got[0][2]:
        problems.append("diagnostics %s, expected one error at line 10 about memory 3's stack" % got)
    if problems:
        problems.append(tool + " said: " + output.strip())
    result("'#pragma mmcc memory' in code compiled into the region's memory", problems)

    # C++ mangles address spaces into names; the functions of a region keep
    # the names the library gives them, compiled without the pragma.
    if not mmcc:
        ll = os.path.join(tmp, "pragma.ll")
        rc, output = run(os.path.join(os.environ["HERE"], "clean_pragma_memory.cpp"),
                         ["-S", "-emit-llvm", "-o", ll])
        problems = [] if rc == 0 else ["exit %d: %s" % (rc, output)]
        if rc == 0:
            declared = [l.split("@")[1].split("(")[0] for l in open(ll).read().splitlines()
                        if l.startswith("declare ")]
            for name in ("_ZN5codec5countERKcRPcPS2_", "_ZN5codec4spanEPKcS1_",
                         "_ZN5codec5Table4openEPKc", "lib_fill"):
                if name not in declared:
                    problems.append("no declaration of %s (declared: %s)" % (name, declared))
        result("'#pragma mmcc memory' keeps the library's C++ names", problems)

    # Each wasm_memory array reaches the IR in a private address space, with
    # its declaration in the section name, in C and in C++.
    for lang, ext in (() if mmcc else (("C", "c"), ("C++", "cpp"))):
        src = os.path.join(tmp, "attr." + ext)
        with open(src, "w") as f:
            f.write('__attribute__((wasm_memory)) char mem_a[65536];\n'
                    '[[mmcc::wasm_memory]] char mem_b[16];\n'
                    'char f(int i) { return mem_a[i] + mem_b[i]; }\n')
        ll = os.path.join(tmp, "attr.ll")
        rc, output = run(src, ["-S", "-emit-llvm", "-o", ll])
        problems = [] if rc == 0 else ["exit %d: %s" % (rc, output)]
        if rc == 0:
            ir = open(ll).read()
            for name, size, space in (("mem_a", 65536, 7340032), ("mem_b", 16, 7340033)):
                line = [l for l in ir.splitlines() if l.startswith("@" + name + " ")]
                if not line:
                    problems.append("no global @" + name)
                    continue
                if "addrspace(%d)" % space not in line[0]:
                    problems.append("@%s is not in address space %d: %s" % (name, space, line[0]))
                if 'section "mmcc.wasm_memory?name=%s&' % name not in line[0] or "type=char[%d]" % size not in line[0]:
                    problems.append("@%s has no wasm_memory declaration: %s" % (name, line[0]))
        result("wasm_memory arrays in IR (%s)" % lang, problems)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PYTHON
