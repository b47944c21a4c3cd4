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

/// A program that declares its memories in the source: the host's memory
/// 2 (imported) and a private memory 3 with limits.
const DECLARED: &str = r#"
#include <mmcc.h>
#include <stdio.h>
__memory_declare(2, __wasm_memory_import("env", "user"));
__memory_declare(3, __wasm_memory_private __wasm_memory_pages(2, 4));
__memory(3) unsigned calls;
int main(void) {
    __memory(2) unsigned char *user = 0;
    unsigned sum = 0;
    for (int i = 0; i < 16; i++) {
        sum += user[i];
        user[16 + i] = (unsigned char)(user[i] * 2);
    }
    calls++;
    printf("sum %u calls %u\n", sum, calls);
    return 0;
}
"#;

#[test]
fn memories_declared_in_the_source_are_imported_private_and_limited() {
    let src = tmp("declared.c");
    std::fs::write(&src, DECLARED).unwrap();
    let input: Vec<u8> = (1..=16).collect();
    let input_file = tmp("declared-input.bin");
    std::fs::write(&input_file, &input).unwrap();
    for opt in ["-O0", "-O2"] {
        let wasm = tmp(&format!("declared{opt}.wasm"));
        // Compiled to an object first: the declarations travel in it.
        let object = tmp(&format!("declared{opt}.o"));
        ok(mmcc(&[opt, "-c", src.to_str().unwrap(), "-o", object.to_str().unwrap()]));
        ok(mmcc(&[object.to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
        let bytes = std::fs::read(&wasm).unwrap();
        wasmparser::Validator::new().validate_all(&bytes).expect("valid module");
        let report = mmcc::inspect::inspect(&bytes).unwrap();
        assert_eq!(report.memories[0].import, Some(("env".into(), "user".into())), "{opt}: memory 2 is the host's, first");
        assert_eq!(report.memories[1].exports, vec!["memory".to_string()], "{opt}: memory 0 moved to index 1");
        let private = &report.memories[3];
        assert!(private.exports.is_empty() && private.import.is_none(), "{opt}: memory 3 is private");
        assert_eq!((private.min_pages, private.max_pages), (2, Some(4)), "{opt}: memory 3's limits");

        let options = mmcc::run::RunOptions { capture: true, import_data: vec![("env.user".into(), input.clone())], ..Default::default() };
        let r = mmcc::run::run_module("declared", &bytes, &options).unwrap();
        assert_eq!(String::from_utf8_lossy(&r.stdout), "sum 136 calls 1\n", "wasmtime {opt}");
        let doubled: Vec<u8> = input.iter().map(|b| b * 2).collect();
        assert_eq!(&memory(&r.memories, "import:env.user")[16..32], &doubled[..], "wasmtime {opt}: written in the host's memory");
        let o = ok(node(&["--import-memory", &format!("env.user={}", input_file.display())], &wasm, &[]));
        assert_eq!(String::from_utf8_lossy(&o.stdout), "sum 136 calls 1\n", "V8 {opt}");
    }
}

#[test]
fn the_command_line_overrides_the_sources_declarations() {
    let src = tmp("declared-override.c");
    std::fs::write(&src, DECLARED).unwrap();
    let wasm = tmp("declared-override.wasm");
    ok(mmcc(&["-O2", src.to_str().unwrap(), "--memory=2:import=host.buffer", "--memory=3:export=state,max=8", "-o", wasm.to_str().unwrap()]));
    let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
    assert_eq!(report.memories[0].import, Some(("host".into(), "buffer".into())));
    assert_eq!(report.memories[3].exports, vec!["state".to_string()]);
    assert_eq!((report.memories[3].min_pages, report.memories[3].max_pages), (2, Some(8)));
}

#[test]
fn objects_that_import_one_memory_differently_do_not_link() {
    let a = tmp("import-a.c");
    let b = tmp("import-b.c");
    std::fs::write(&a, "#include <mmcc.h>\n__memory_declare(2, __wasm_memory_import(\"env\", \"user\"));\nint get(__memory(2) int *p) { return *p; }\n").unwrap();
    std::fs::write(&b, "#include <mmcc.h>\n__memory_declare(2, __wasm_memory_import(\"env\", \"other\"));\nint main(void) { return *(__memory(2) int *)0; }\n").unwrap();
    let (ao, bo) = (tmp("import-a.o"), tmp("import-b.o"));
    ok(mmcc(&["-c", a.to_str().unwrap(), "-o", ao.to_str().unwrap()]));
    ok(mmcc(&["-c", b.to_str().unwrap(), "-o", bo.to_str().unwrap()]));
    let o = mmcc(&[ao.to_str().unwrap(), bo.to_str().unwrap(), "-o", tmp("import-ab.wasm").to_str().unwrap()]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("memory 2 is imported as env.user by") && e.contains("import-a.o") && e.contains("as env.other by") && e.contains("import-b.o"), "{e}");

    // The patched linker alone (without mmcc's --mm-driver-imports) must
    // not silently define a memory that is declared imported.
    let o = Command::new(root().join(".build/lld/bin/wasm-ld"))
        .args(["--no-entry", "--export=get", ao.to_str().unwrap(), "-o", tmp("import-a.wasm").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("is imported by its declaration (from env.user): link with mmcc"), "{e}");
}
