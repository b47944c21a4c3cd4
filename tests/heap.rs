//! The heap of memory N (mm_malloc & co.) at its limits and under misuse,
//! on wasmtime and V8. The randomized equivalence test is
//! tests/programs/heap_stress.c; the multi-threaded one is in threads.rs.

mod common;

use common::{memory, mmcc, node, ok, root, run, tmp};
use std::path::PathBuf;

fn build(source: &str, name: &str, flags: &[&str]) -> PathBuf {
    let wasm = tmp(name);
    let mut args = vec![root().join("tests/heap").join(source).to_string_lossy().into_owned()];
    args.extend(flags.iter().map(|s| s.to_string()));
    args.extend(["-o".to_string(), wasm.to_string_lossy().into_owned()]);
    ok(mmcc(&args.iter().map(|s| s.as_str()).collect::<Vec<_>>()));
    wasm
}

const LIMITS_EXPECTED: &str = "\
stopped at NULL: yes
memory 2 pages: 16
blocks: at least 1000: yes
contents intact: yes
too big fails: yes
900 KiB after freeing everything: yes
realloc doubling to 512 KiB: ok
";

#[test]
fn allocating_until_null_at_the_maximum_then_everything_fits_again() {
    for opt in ["-O0", "-O2"] {
        let wasm = build("limits.c", &format!("limits{opt}.wasm"), &[opt, "--memory=2:max=16"]);
        let result = run(&wasm);
        assert_eq!(String::from_utf8_lossy(&result.stdout), LIMITS_EXPECTED, "wasmtime {opt}");
        assert_eq!(result.exit_code, 0);
        // The heap lives in memory 2: its state (the magic word "HEAP") is
        // there, and memory 0 never held a block.
        assert_eq!(memory(&result.memories, "memory2").len(), 16 * 65536);
        assert!(memory(&result.memories, "memory2").windows(4).any(|w| w == b"HEAP"), "heap state in memory 2");
        assert!(!memory(&result.memories, "memory").windows(4).any(|w| w == b"HEAP"), "nothing of the heap in memory 0");
        let o = ok(node(&[], &wasm, &[]));
        assert_eq!(String::from_utf8_lossy(&o.stdout), LIMITS_EXPECTED, "V8 {opt}");
    }
}

#[test]
fn double_and_foreign_frees_trap_with_a_message() {
    let wasm = build("bad_free.c", "bad_free.wasm", &["-O2"]);
    let good = ok(node(&[], &wasm, &["fine"]));
    assert_eq!(String::from_utf8_lossy(&good.stdout), "allocated\ndone\n");
    for (case, message) in [
        ("double", "the block is already free (double free?)"),
        ("interior", "not a heap block, or the heap is corrupted"),
        ("unaligned", "not a pointer returned by this memory's heap"),
    ] {
        let bytes = std::fs::read(&wasm).unwrap();
        let options = mmcc::run::RunOptions { capture: true, args: vec![case.to_string()], ..Default::default() };
        let error = match mmcc::run::run_module("bad_free", &bytes, &options) {
            Ok(r) => panic!("{case}: expected a trap, exited with {}", r.exit_code),
            Err(e) => format!("{e:#}"),
        };
        assert!(error.contains("unreachable"), "{case}: a trap on wasmtime: {error}");
        let o = node(&[], &wasm, &[case]);
        assert!(!o.status.success(), "{case}: V8 run must fail");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains(&format!("mmcc: mm_free(2, 0x")) && stderr.contains(message), "{case}: {stderr}");
        assert_eq!(String::from_utf8_lossy(&o.stdout), "allocated\n", "{case}: output up to the error");
    }
}
