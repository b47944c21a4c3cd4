//! Memories the host provides: `--memory=N:import=module.field`.
//!
//! Imports come first in WebAssembly's memory index space, so importing
//! memory 2 while memory 0 (the C stack, libc) is defined moves the default
//! memory off index 0; the post-link step renumbers every memory access.
//! The host (wasmtime and V8) creates the imported memory, the program
//! writes into it, and the host reads the result there.

mod common;

use common::{memory, mmcc, node, ok, root, tmp};
use std::process::Command;

fn node_dump(wasm: &std::path::Path, dir: &std::path::Path) -> String {
    let o = ok(node(&["--dump-memories", dir.to_str().unwrap()], wasm, &[]));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn private_state_beside_an_imported_user_memory() {
    let wasm = tmp("private_state.wasm");
    let src = root().join("tests/imports/private_state.c");
    for opt in ["-O0", "-O2"] {
        ok(mmcc(&[opt, src.to_str().unwrap(), "--memory=2:import=env.user", "--memory=3:private", "-o", wasm.to_str().unwrap()]));
        let bytes = std::fs::read(&wasm).unwrap();
        wasmparser::Validator::new().validate_all(&bytes).expect("valid module");

        let report = mmcc::inspect::inspect(&bytes).unwrap();
        assert_eq!(report.memories[0].import, Some(("env".into(), "user".into())), "the user memory is imported first");
        assert_eq!(report.memories[1].exports, vec!["memory".to_string()], "the default memory moved to index 1, still exported for WASI");
        assert!(report.memories.iter().all(|m| m.exports.iter().all(|e| e != "memory3")), "memory 3 is private");
        assert!(report.memories[3].instructions > 0 && report.memories[3].exports.is_empty());

        let expected: Vec<u8> = (0..32u32).map(|i| (i * i) as u8).collect();
        let options = mmcc::run::RunOptions { capture: true, ..Default::default() };
        let r = mmcc::run::run_module("private_state", &bytes, &options).unwrap();
        assert_eq!(String::from_utf8_lossy(&r.stdout), "processed 32 bytes, calls 1\n");
        let user = memory(&r.memories, "import:env.user");
        assert_eq!(&user[64..96], &expected[..], "wasmtime: the module wrote the host's memory");
        assert!(!r.memories.iter().any(|(n, m)| n == "memory" && m[64..96] == expected[..]), "not memory 0");

        let dump = tmp(&format!("private-state-dump{opt}"));
        assert_eq!(node_dump(&wasm, &dump), "processed 32 bytes, calls 1\n");
        let user = std::fs::read(dump.join("import:env.user.bin")).unwrap();
        assert_eq!(&user[64..96], &expected[..], "V8: the module wrote the host's memory");
    }
}

#[test]
fn data_for_an_imported_memory_needs_import_data() {
    let wasm = tmp("with_data.wasm");
    let src = root().join("tests/imports/with_data.c");
    let o = mmcc(&["-O2", src.to_str().unwrap(), "--memory=2:import=env.user", "-o", wasm.to_str().unwrap()]);
    assert!(!o.status.success(), "data for an imported memory is an error by default");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("memory 2 has static data") && err.contains("import-data"), "{err}");
    assert!(!wasm.exists(), "no output after an error");

    // Zero-initialized variables have no data segment, but count too.
    let zeros = tmp("zeros.c");
    std::fs::write(&zeros, "#include <mmcc.h>\n__memory(2) int counters[100];\nint main(void) { return counters[3]++; }\n").unwrap();
    let o = mmcc(&["-O2", zeros.to_str().unwrap(), "--memory=2:import=env.user", "-o", wasm.to_str().unwrap()]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("zero-initialized"), "{}", String::from_utf8_lossy(&o.stderr));

    ok(mmcc(&["-O2", src.to_str().unwrap(), "--memory=2:import=env.user,import-data", "-o", wasm.to_str().unwrap()]));
    let options = mmcc::run::RunOptions { capture: true, ..Default::default() };
    let r = mmcc::run::run_module("with_data", &std::fs::read(&wasm).unwrap(), &options).unwrap();
    let user = memory(&r.memories, "import:env.user");
    assert!(user.windows(30).any(|w| w == b"written into the host's memory"));
}

#[test]
fn bad_import_specs_are_errors() {
    let src = root().join("tests/imports/private_state.c");
    let out = tmp("bad.wasm");
    for (spec, message) in [
        ("--memory=2:import=user", "import= takes <module>.<field>"),
        ("--memory=0:import=env.memory", "-Wl,--import-memory"),
        ("--memory=2:import-data", "`import-data` goes with `import=`"),
        ("--memory=7:import=env.seven", "the program has no memory 7"),
    ] {
        let o = mmcc(&["-O2", src.to_str().unwrap(), spec, "-o", out.to_str().unwrap()]);
        assert!(!o.status.success(), "{spec} must fail");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(message) && !err.contains("panicked"), "{spec}: {err}");
    }
}
