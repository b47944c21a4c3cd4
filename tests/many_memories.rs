//! Programs with more than 100 memories: mmcc allows memories 1 to 255
//! (docs/memory-model.md), and wasmparser's validator, which finalize runs
//! on every linked module, stops at 100 (its `MAX_WASM_MEMORIES`). Finalize
//! validates such modules with stand-in sections (src/finalize.rs,
//! `validate`): these tests check that they link and run, on V8 (wasmtime
//! and JavaScriptCore refuse modules with more than 100 memories, so the
//! oracle in tests/programs cannot hold them), and that finalize still
//! refuses every kind of invalid module with that many memories.

mod common;

use common::{mmcc, node, ok, tmp};
use mmcc::finalize::{finish, MemoryImport};
use std::path::PathBuf;
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    Instruction, MemArg, MemArgTarget, MemorySection, MemoryType, Module, TypeSection,
};

fn build(name: &str, source: &str, flags: &[&str]) -> PathBuf {
    let c = tmp(&format!("{name}.c"));
    std::fs::write(&c, source).unwrap();
    let wasm = tmp(&format!("{name}.wasm"));
    let mut args = vec![c.to_str().unwrap(), "-o", wasm.to_str().unwrap()];
    args.extend_from_slice(flags);
    ok(mmcc(&args));
    wasm
}

fn report(wasm: &PathBuf) -> mmcc::inspect::Report {
    mmcc::inspect::inspect(&std::fs::read(wasm).unwrap()).unwrap()
}

#[test]
fn a_program_on_memory_120_links_and_runs_on_v8() {
    let source = r#"
#include <mmcc.h>
#include <stdio.h>
__memory(120) unsigned counter = 5;
__memory(120) unsigned table[300];
int main(void) {
    __memory(120) unsigned *block = mm_malloc(120, 64 * sizeof(unsigned));
    if (!block)
        return 9;
    for (unsigned i = 0; i < 64; i++)
        block[i] = i * counter;
    for (unsigned i = 0; i < 300; i++)
        table[i] = block[i % 64] + 1;
    unsigned sum = 0;
    for (unsigned i = 0; i < 300; i++)
        sum += table[i];
    mm_free(120, block);
    printf("%u %u %u\n", counter, table[299], sum);
    return 0;
}
"#;
    // table[i] = (i % 64) * 5 + 1; over 300 entries: 4 full rounds of
    // 0..63 and 0..43.
    let sum: u32 = (0..300u32).map(|i| (i % 64) * 5 + 1).sum();
    let expected = format!("5 {} {sum}\n", (299 % 64) * 5 + 1);
    for opt in ["-O0", "-O2"] {
        let wasm = build(&format!("memory120{opt}"), source, &[opt]);
        let r = report(&wasm);
        assert_eq!(r.memories.len(), 121, "{opt}: memories 0 to 120");
        let m = &r.memories[120];
        assert_eq!(m.exports, vec!["memory120".to_string()], "{opt}");
        assert_eq!(m.data_bytes, 4, "{opt}: the initialized counter has a segment in memory 120");
        assert!(m.instructions > 10, "{opt}: the program and its heap access memory 120 ({} instructions)", m.instructions);
        let o = ok(node(&[], &wasm, &[]));
        assert_eq!(String::from_utf8_lossy(&o.stdout), expected, "V8 {opt}");
    }
}

/// 150 memories a program can name: 1 to 152 but 10 and 20, the address
/// spaces LLVM's WebAssembly backend keeps for externref and funcref.
fn program_memories() -> Vec<u32> {
    (1..=152).filter(|m| *m != 10 && *m != 20).collect()
}

#[test]
fn a_program_with_150_memories_links_and_runs_on_v8() {
    // Memory m holds `unsigned v<m> = m * 3` and an array; the program
    // writes and reads every memory, and allocates in memories 101 and 152.
    // In four translation units: part k uses 50 of the memories, main.c
    // memories 101 and 152. One object that names more than 100 memories
    // is refused by the object writer's own check (src/object/check.rs,
    // the same wasmparser limit), which this test does not reach.
    let used = program_memories();
    assert_eq!(used.len(), 150);
    let mut sources = Vec::new();
    let mut main = String::from("#include <mmcc.h>\n#include <stdio.h>\n");
    for (k, part) in used.chunks(50).enumerate() {
        let mut source = String::from("#include <mmcc.h>\n");
        for m in part {
            source += &format!("__memory({m}) unsigned v{m} = {};\n__memory({m}) unsigned a{m}[4];\n", m * 3);
        }
        source += &format!("unsigned long long part{k}(void) {{\n    unsigned long long sum = 0;\n");
        for m in part {
            source += &format!("    a{m}[{}] = v{m} + 1;\n    sum += a{m}[{}] * {m}u;\n", m % 4, m % 4);
        }
        source += "    return sum;\n}\n";
        sources.push(source);
        main += &format!("unsigned long long part{k}(void);\n");
    }
    main += r#"
int main(void) {
    unsigned long long sum = part0() + part1() + part2();
    __memory(101) unsigned *p = mm_malloc(101, 1000 * sizeof(unsigned));
    __memory(152) unsigned *q = mm_malloc(152, 1000 * sizeof(unsigned));
    if (!p || !q)
        return 9;
    for (unsigned i = 0; i < 1000; i++) {
        p[i] = i;
        q[i] = p[i] * 2;
    }
    unsigned long long heap = 0;
    for (unsigned i = 0; i < 1000; i++)
        heap += q[i];
    mm_free(101, p);
    mm_free(152, q);
    printf("%llu %llu\n", sum, heap);
    return 0;
}
"#;
    sources.push(main);
    let mut paths = Vec::new();
    for (k, source) in sources.iter().enumerate() {
        let c = tmp(&format!("memories150_{k}.c"));
        std::fs::write(&c, source).unwrap();
        paths.push(c.to_string_lossy().into_owned());
    }
    let wasm = tmp("memories150.wasm");
    let mut args: Vec<&str> = paths.iter().map(|p| p.as_str()).collect();
    args.extend(["-O2", "-o", wasm.to_str().unwrap()]);
    ok(mmcc(&args));

    let sum: u64 = used.iter().map(|&m| (m as u64 * 3 + 1) * m as u64).sum();
    let heap: u64 = (0..1000u64).map(|i| i * 2).sum();
    let r = report(&wasm);
    // Every memory up to the highest is defined; 10 and 20 stay unused.
    assert_eq!(r.memories.len(), 153);
    for m in 1..=152u32 {
        let info = &r.memories[m as usize];
        assert_eq!(info.index, m);
        if used.contains(&m) {
            assert_eq!(info.data_bytes, 4, "memory {m}: v{m}'s segment");
            assert!(info.instructions > 0, "memory {m} is accessed");
        } else {
            assert_eq!((info.data_bytes, info.instructions), (0, 0), "memory {m} is not used");
        }
    }
    let o = ok(node(&[], &wasm, &[]));
    assert_eq!(String::from_utf8_lossy(&o.stdout), format!("{sum} {heap}\n"));
}

// ---- finalize on hand-made modules with 150 memories ------------------------

/// What to put in a module of 150 memories (memory 149 is the last).
#[derive(Default, Clone)]
struct Case {
    /// Memory types changed from the default (1 page, no maximum).
    memory: Vec<(u32, MemoryType)>,
    /// The memory the function loads from, and whether its address is an
    /// f32 (a type error).
    load_from: u32,
    float_address: bool,
    /// A data segment: its memory and whether its offset is an i64.
    data: Option<(u32, bool)>,
    /// A memory export (name, index).
    exports: Vec<(&'static str, u32)>,
    /// A memory import before the defined ones.
    import: bool,
}

const MEMORIES: u32 = 150;

fn page() -> MemoryType {
    MemoryType { minimum: 1, maximum: None, memory64: false, shared: false, page_size_log2: None }
}

fn module(case: &Case) -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []);
    module.section(&types);
    let imported = u32::from(case.import);
    if case.import {
        let mut imports = ImportSection::new();
        imports.import("env", "first", EntityType::Memory(page()));
        module.section(&imports);
    }
    let mut functions = FunctionSection::new();
    functions.function(0);
    module.section(&functions);
    let mut memories = MemorySection::new();
    for m in imported..MEMORIES {
        let ty = case.memory.iter().find(|(i, _)| *i == m).map_or(page(), |(_, t)| *t);
        memories.memory(ty);
    }
    module.section(&memories);
    let mut exports = ExportSection::new();
    exports.export("run", ExportKind::Func, 0);
    for (name, index) in &case.exports {
        exports.export(name, ExportKind::Memory, *index);
    }
    module.section(&exports);
    let mut code = CodeSection::new();
    let mut f = Function::new([]);
    if case.float_address {
        f.instruction(&Instruction::F32Const(0.0f32.into()));
    } else {
        f.instruction(&Instruction::I32Const(16));
    }
    f.instruction(&Instruction::I32Load(MemArg { offset: 0, align: 2, target: MemArgTarget::Memory(case.load_from), ordering: None }));
    f.instruction(&Instruction::Drop);
    // Every memory is named once, so all the memories matter to validation.
    for m in 0..MEMORIES {
        f.instruction(&Instruction::MemorySize(m));
        f.instruction(&Instruction::Drop);
    }
    f.instruction(&Instruction::End);
    code.function(&f);
    module.section(&code);
    if let Some((memory, wide)) = case.data {
        let mut data = DataSection::new();
        let offset = if wide { ConstExpr::i64_const(16) } else { ConstExpr::i32_const(16) };
        data.active(memory, &offset, b"abcd".iter().copied());
        module.section(&data);
    }
    module.finish()
}

fn finalize(bytes: &[u8], imports: &[MemoryImport]) -> anyhow::Result<Vec<u8>> {
    finish(bytes, imports, false, true, |m| format!("memory{m}"))
}

fn valid_case() -> Case {
    Case {
        load_from: 149,
        data: Some((120, false)),
        exports: vec![("memory", 0), ("memory120", 120), ("memory149", 149)],
        memory: vec![
            (130, MemoryType { minimum: 2, maximum: Some(16), memory64: false, shared: true, page_size_log2: None }),
            (99, MemoryType { minimum: 1, maximum: Some(1), memory64: false, shared: false, page_size_log2: None }),
        ],
        ..Case::default()
    }
}

#[test]
fn finalize_accepts_a_valid_module_with_150_memories_and_keeps_every_memory() {
    let bytes = module(&valid_case());
    for (imports, what) in [
        (vec![], "naming only"),
        (
            vec![MemoryImport {
                memory: 140,
                module: "env".into(),
                field: "host".into(),
                allow_data: false,
                keep_export: false,
            }],
            "memory 140 imported",
        ),
    ] {
        let out = finalize(&bytes, &imports).unwrap_or_else(|e| panic!("{what}: {e:#}"));
        let r = mmcc::inspect::inspect(&out).unwrap();
        assert_eq!(r.memories.len(), 150, "{what}");
        let shared: Vec<u32> = r.memories.iter().filter(|m| m.shared).map(|m| m.index).collect();
        if imports.is_empty() {
            assert_eq!(shared, vec![130], "{what}");
            assert_eq!(r.memories[149].instructions, 2, "{what}: the load and memory.size name memory 149");
        } else {
            // The imported memory comes first, the others move up by one
            // below it.
            assert_eq!(r.memories[0].import, Some(("env".to_string(), "host".to_string())), "{what}");
            assert_eq!(shared, vec![131], "{what}");
            assert_eq!(r.memories[149].instructions, 2, "{what}: memory 149 keeps its index");
            assert_eq!(r.memories[1].exports, vec!["memory".to_string()], "{what}: memory 0 is now index 1");
        }
    }
    // With an imported memory 0 too.
    let mut case = valid_case();
    case.import = true;
    finalize(&module(&case), &[]).unwrap();
}

#[test]
fn finalize_refuses_invalid_modules_with_150_memories() {
    let shared_without_maximum = MemoryType { minimum: 1, maximum: None, memory64: false, shared: true, page_size_log2: None };
    let too_large = MemoryType { minimum: 70000, maximum: None, memory64: false, shared: false, page_size_log2: None };
    let minimum_above_maximum = MemoryType { minimum: 3, maximum: Some(2), memory64: false, shared: false, page_size_log2: None };
    let memory64 = MemoryType { minimum: 1, maximum: None, memory64: true, shared: false, page_size_log2: None };
    let cases: Vec<(&str, Case, &str)> = vec![
        ("a load from memory 150", Case { load_from: 150, ..valid_case() }, "unknown memory 150"),
        ("an f32 address on memory 149", Case { float_address: true, ..valid_case() }, "type mismatch"),
        ("data in memory 150", Case { data: Some((150, false)), ..valid_case() }, "unknown memory 150"),
        ("an i64 offset in memory 120", Case { data: Some((120, true)), ..valid_case() }, "type mismatch"),
        ("an export of memory 200", Case { exports: vec![("m", 200)], ..valid_case() }, "unknown memory 200"),
        ("two exports named alike", Case { exports: vec![("m", 120), ("m", 140)], ..valid_case() }, "duplicate export"),
        (
            "a shared memory 140 without a maximum",
            Case { memory: vec![(140, shared_without_maximum)], ..valid_case() },
            "shared memory must have maximum",
        ),
        ("memory 110 above 4 GiB", Case { memory: vec![(110, too_large)], ..valid_case() }, "memory size must be at most"),
        (
            "memory 125's minimum above its maximum",
            Case { memory: vec![(125, minimum_above_maximum)], ..valid_case() },
            "size minimum must not be greater than maximum",
        ),
        ("a 64-bit memory 145 (not an enabled feature)", Case { memory: vec![(145, memory64)], ..valid_case() }, "memory64"),
        ("the same below 96", Case { memory: vec![(50, minimum_above_maximum)], ..valid_case() }, "minimum must not be greater"),
    ];
    for (what, case, message) in cases {
        let bytes = module(&case);
        match finalize(&bytes, &[]) {
            Ok(_) => panic!("{what}: finalize accepted an invalid module"),
            Err(e) => {
                let e = format!("{e:#}");
                assert!(e.contains("not valid WebAssembly"), "{what}: {e}");
                assert!(e.contains(message), "{what}: expected `{message}` in: {e}");
            }
        }
    }
    // A function body without its `end` (the module's last byte, with no
    // data section after the code): the body runs off its end.
    let mut bytes = module(&Case { data: None, ..valid_case() });
    let last = bytes.len() - 1;
    assert_eq!(bytes[last], 0x0b);
    bytes[last] = 0x01; // nop
    assert!(finalize(&bytes, &[]).is_err(), "a body without its end");
}
