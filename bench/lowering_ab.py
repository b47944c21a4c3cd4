#!/usr/bin/env python3
"""Two lowerings of the same modules, side by side: L/B before and after a
change to `mmtool lower`.

bench/run.py measures L against A and B across whole reports, and on these
2-core machines two reports can differ by 20 % or more for code that did
not change. A change to the lowering is measured here instead: B is built
once per kernel (as bench/run.py builds it), lowered by both mmtools, and
B, old and new run interleaved, round after round, on wasmtime (`mmtool
run`) and V8 (the Node of .build), so the machine's drift falls on all
three alike. Prints each kernel's L/B (fastest run over fastest run, the
estimate bench/run.py's `fastest` explains) for both lowerings.

    python3 bench/lowering_ab.py --old /tmp/old/mmtool [--new target/release/mmtool]
        [--old-flags=...] [--new-flags=...] [--rounds 7] [--quick] [KERNEL ...]

The flags are passed to each `mmtool lower` (split at spaces), so one
mmtool can be measured against itself with another option:
`--old target/release/mmtool --new-flags=--top=1`.

The old mmtool is any earlier build, e.g. `git worktree add /tmp/old REV &&
cargo build --release --manifest-path /tmp/old/Cargo.toml`.
"""

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def measure(cmd, what):
    """(time_ns, checksum) of one run."""
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{what} failed (exit {p.returncode}):\n{p.stderr[-2000:]}")
    result = bench.parse_result(p.stdout, what)
    return result["time_ns"], result.get("checksum")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", required=True, type=Path, help="the mmtool before the change")
    ap.add_argument("--new", type=Path, default=bench.MMTOOL, help="the mmtool after it (default: target/release)")
    ap.add_argument("--old-flags", default="", help="options for the old `mmtool lower`")
    ap.add_argument("--new-flags", default="", help="options for the new `mmtool lower`")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="the test-sized inputs (-DSCALE=1)")
    ap.add_argument("kernels", nargs="*", help="kernel names (default: every kernel bench/run.py lowers)")
    args = ap.parse_args()
    mode = "quick" if args.quick else "full"
    chosen = [b for b in bench.BENCHMARKS if "L" in b["variants"] and (not args.kernels or b["name"] in args.kernels)]
    unknown = set(args.kernels) - {b["name"] for b in chosen}
    if unknown:
        sys.exit(f"no such lowered benchmark: {', '.join(sorted(unknown))}")
    out = bench.BUILD / "lowering-ab"
    out.mkdir(parents=True, exist_ok=True)
    wasms = {}
    for b in chosen:
        name = b["name"]
        base = out / f"{name}-B.wasm"
        private = [f"--memory={m}:private" for m in b["memories"]]
        defines = [*b["defines"][mode], *b.get("mm_defines", [])]
        bench.run([bench.MMCC, "-O2", *defines, *private, *map(str, b["sources"]), "-o", base], f"building {name} B")
        wasms[name] = {"B": base}
        for label, tool, flags in (("old", args.old, args.old_flags), ("new", args.new, args.new_flags)):
            lowered = out / f"{name}-L{label}.wasm"
            bench.run([tool, "lower", *flags.split(), base, "-o", lowered], f"lowering {name} ({label})")
            wasms[name][label] = lowered
    times = {(n, e, v): [] for n in wasms for e in bench.ENGINES for v in ("B", "old", "new")}
    for r in range(args.rounds):
        bench.say(f"round {r + 1} of {args.rounds}")
        for name, variants in wasms.items():
            for engine, command in bench.ENGINES.items():
                checksums = {}
                for label, wasm in variants.items():
                    t, checksums[label] = measure(command(wasm), f"{name} {label} on {engine}")
                    times[(name, engine, label)].append(t)
                if len(set(checksums.values())) != 1:
                    sys.exit(f"{name} on {engine}: the lowered modules disagree with B: {checksums}")
    engines = list(bench.ENGINES)
    print(f"\nL/B, old / new (fastest of {args.rounds} interleaved rounds)\n")
    print("| kernel | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for name in wasms:
        cells = []
        for engine in engines:
            b = bench.fastest(times[(name, engine, "B")])
            old = bench.fastest(times[(name, engine, "old")]) / b
            new = bench.fastest(times[(name, engine, "new")]) / b
            cells.append(f"{old:.2f} / {new:.2f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
