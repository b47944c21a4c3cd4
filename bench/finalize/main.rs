//! Times mmcc's finalize step (src/finalize.rs, `finish`) alone, two ways:
//! as it runs on every link (the memories get their names: a byte copy of
//! the module with a new name subsection), and with a defined memory moved
//! into the import section (the whole module re-encoded, every memory
//! reference renumbered).
//!
//!     mmcc-bench-finalize MODULE.wasm MEMORY REPETITIONS
//!
//! Prints `result: bytes=... import_median_ns=... import_min_ns=...
//! import_max_ns=... names_median_ns=... names_min_ns=... names_max_ns=...`
//! for bench/run.py, which builds this harness as a throwaway cargo project
//! under .build/bench/finalize that depends on the mmcc crate (so that no
//! timer lives in mmcc itself).

use mmcc::finalize::{finish, MemoryImport};
use mmcc::link::split_memory_specs;
use std::process::ExitCode;
use std::time::Instant;

/// Median, min and max of `repetitions` runs of finish(module, imports), as
/// a link without -g runs it (memory indices compacted).
fn time_finish(module: &[u8], imports: &[MemoryImport], repetitions: usize) -> Result<(u128, u128, u128), String> {
    let mut times = Vec::with_capacity(repetitions);
    for _ in 0..repetitions {
        let start = Instant::now();
        let output = finish(module, imports, false, true, |memory| format!("memory{memory}")).map_err(|e| format!("{e:#}"))?;
        times.push(start.elapsed().as_nanos());
        std::hint::black_box(output);
    }
    times.sort_unstable();
    Ok((times[times.len() / 2], times[0], times[times.len() - 1]))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(Ok(memory)), Some(Ok(repetitions))) =
        (args.get(1), args.get(2).map(|m| m.parse::<u32>()), args.get(3).map(|r| r.parse::<usize>()))
    else {
        eprintln!("usage: mmcc-bench-finalize MODULE.wasm MEMORY REPETITIONS");
        return ExitCode::FAILURE;
    };
    let module = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("mmcc-bench-finalize: cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // What `--memory=N:import=env.bench,import-data` asks finalize to do.
    let import = match split_memory_specs(&[format!("{memory}:import=env.bench,import-data")]) {
        Ok(specs) => specs.imports,
        Err(e) => {
            eprintln!("mmcc-bench-finalize: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let repetitions = repetitions.max(1);
    match (time_finish(&module, &import, repetitions), time_finish(&module, &[], repetitions)) {
        (Ok(imported), Ok(named)) => {
            println!(
                "result: bytes={} import_median_ns={} import_min_ns={} import_max_ns={} names_median_ns={} names_min_ns={} names_max_ns={}",
                module.len(),
                imported.0,
                imported.1,
                imported.2,
                named.0,
                named.1,
                named.2
            );
            ExitCode::SUCCESS
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("mmcc-bench-finalize: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
