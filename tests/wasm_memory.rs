//! `wasm_memory` arrays end to end, beyond the equivalence oracle
//! (tests/programs/wasm_memory*.c*): where the bytes really are, an
//! imported array the host fills, links of several files that disagree,
//! `--memory=<array>:...`, and code as good as for an ordinary array.

mod common;

use common::{memory, mmcc, node, ok, root, run, tmp};
use std::path::{Path, PathBuf};

fn write(name: &str, text: &str) -> PathBuf {
    let path = tmp(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The bytes of the active data segments of memory `index` as (offset,
/// bytes), read from the module with wasmparser.
fn data_segments(module: &[u8], index: u32) -> Vec<(u64, Vec<u8>)> {
    let mut found = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::DataSection(reader) = payload.unwrap() {
            for data in reader {
                let data = data.unwrap();
                if let wasmparser::DataKind::Active { memory_index, offset_expr } = data.kind {
                    if memory_index == index {
                        let offset = match offset_expr.get_operators_reader().read().unwrap() {
                            wasmparser::Operator::I32Const { value } => value as u32 as u64,
                            wasmparser::Operator::I64Const { value } => value as u64,
                            other => panic!("unexpected data offset {other:?}"),
                        };
                        found.push((offset, data.data.to_vec()));
                    }
                }
            }
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// --- The example: an imported memory the host fills -------------------------

/// What examples/text-scan prints for `text`, computed here: lines ('\n'),
/// words (runs of bytes that are not space, tab, CR, LF, VT, FF), bytes,
/// the memory's pages, and the last three lines.
fn text_scan_expected(text: &[u8]) -> String {
    let is_space = |c: &u8| b" \t\r\n\x0b\x0c".contains(c);
    let lines = text.iter().filter(|&&c| c == b'\n').count();
    let words = text.split(is_space).filter(|w| !w.is_empty()).count();
    let pages = text.len().div_ceil(65536).max(1);
    let mut out = format!("{lines} lines, {words} words, {} bytes in a memory of {pages} pages\n", text.len());
    let mut all: Vec<&[u8]> = text.split(|&c| c == b'\n').collect();
    if text.ends_with(b"\n") {
        all.pop();
    }
    for line in &all[all.len().saturating_sub(3)..] {
        out += "| ";
        out += &String::from_utf8_lossy(line);
        out += "\n";
    }
    out
}

#[test]
fn text_scan_reads_the_hosts_memory_by_index_on_both_engines() {
    // 3.3 pages of pseudo-random words, so the imported memory is bigger
    // than its declared minimum and the text crosses page boundaries.
    let mut text = Vec::new();
    let mut x: u32 = 12345;
    while text.len() < 215_000 {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        let word_len = 1 + (x >> 16) % 9;
        for i in 0..word_len {
            text.push(b'a' + ((x >> (i + 3)) % 26) as u8);
        }
        text.push(match (x >> 8) % 11 {
            0 => b'\n',
            1 => b'\t',
            2 => b'\r',
            _ => b' ',
        });
    }
    text.extend_from_slice(b"\n\n  the last line has no newline");
    let input = tmp("text-scan-input.txt");
    std::fs::write(&input, &text).unwrap();
    let expected = text_scan_expected(&text);

    let src = root().join("examples/text-scan/main.c");
    for opt in ["-O0", "-O2"] {
        let wasm = tmp(&format!("text-scan{opt}.wasm"));
        ok(mmcc(&[opt, "-Werror", s(&src), "-o", s(&wasm)]));
        let bytes = std::fs::read(&wasm).unwrap();
        wasmparser::Validator::new().validate_all(&bytes).expect("valid module");

        // The host's memory is imported (so it comes first), the table and
        // the ring buffer are memories of their own.
        let report = mmcc::inspect::inspect(&bytes).unwrap();
        assert_eq!(report.memories[0].import, Some(("env".into(), "user".into())), "{opt}");
        assert_eq!(report.memories.len(), 4, "{opt}: memory 0, user, char_class, recent");

        // wasmtime, in process.
        let options = mmcc::run::RunOptions {
            capture: true,
            import_data: vec![("env.user".into(), text.clone())],
            ..Default::default()
        };
        let r = mmcc::run::run_module("text-scan", &bytes, &options).unwrap();
        assert_eq!(r.exit_code, 0);
        assert_eq!(String::from_utf8_lossy(&r.stdout), expected, "wasmtime {opt}");
        assert_eq!(&memory(&r.memories, "import:env.user")[..text.len()], &text[..], "the text is untouched");

        // V8, through Node.
        let o = ok(node(&["--import-memory", &format!("env.user={}", s(&input))], &wasm, &[]));
        assert_eq!(String::from_utf8_lossy(&o.stdout), expected, "V8 {opt}");
    }
}

#[test]
fn hosts_reject_a_memory_the_module_does_not_import() {
    let wasm = tmp("text-scan-wrong.wasm");
    ok(mmcc(&["-O2", s(&root().join("examples/text-scan/main.c")), "-o", s(&wasm)]));
    let bytes = std::fs::read(&wasm).unwrap();
    let options = mmcc::run::RunOptions { capture: true, import_data: vec![("env.usr".into(), vec![1])], ..Default::default() };
    let err = mmcc::run::run_module("text-scan", &bytes, &options).unwrap_err();
    assert!(format!("{err:#}").contains("imports no memory named env.usr"), "{err:#}");
    let input = write("one-byte.txt", "x");
    let o = node(&["--import-memory", &format!("env.usr={}", s(&input))], &wasm, &[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("imports no memory named env.usr"));
}

// --- Where the bytes are --------------------------------------------------

const PLACEMENT: &str = r#"
#include <mmcc.h>
#include <stdint.h>
#include <stdio.h>
__wasm_memory uint32_t squares[3000];                     /* 12000 bytes: 1 page */
__wasm_memory const uint64_t primes[6] = {0x1111111111111102ull, 3, 5, 7, 11, 13};
__wasm_memory struct pair { uint16_t a, b; } pairs[70000]; /* 280000 bytes: 5 pages */
int main(void) {
    for (uint32_t i = 0; i < 3000; i++)
        squares[i] = i * i + 0x5A000000u;
    for (uint32_t i = 0; i < 70000; i++) {
        pairs[i].a = (uint16_t)(i * 3);
        pairs[i].b = (uint16_t)~i;
    }
    printf("%lu %lu %lu\n", mm_array_pages(squares), mm_array_pages(primes), mm_array_pages(pairs));
    return (int)(primes[0] & 1);
}
"#;

#[test]
fn each_array_starts_at_address_0_of_its_own_memory_and_is_nowhere_in_memory_0() {
    let src = write("placement.c", PLACEMENT);
    let squares: Vec<u8> = (0..3000u32).flat_map(|i| (i * i + 0x5A000000).to_le_bytes()).collect();
    let pairs: Vec<u8> = (0..70000u32).flat_map(|i| [((i * 3) as u16).to_le_bytes(), (!i as u16).to_le_bytes()].concat()).collect();
    let primes: Vec<u8> = [0x1111111111111102u64, 3, 5, 7, 11, 13].iter().flat_map(|p| p.to_le_bytes()).collect();
    for opt in ["-O0", "-O2"] {
        let wasm = tmp(&format!("placement{opt}.wasm"));
        ok(mmcc(&[opt, s(&src), "-o", s(&wasm)]));
        let bytes = std::fs::read(&wasm).unwrap();

        // The initializer is the data of the array's memory, at offset 0;
        // the zero-initialized arrays have no data at all.
        let report = mmcc::inspect::inspect(&bytes).unwrap();
        let index_of = |export: &str| report.memories.iter().position(|m| m.exports.iter().any(|e| e == export)).unwrap() as u32;
        assert_eq!(data_segments(&bytes, index_of("primes")), vec![(0, primes.clone())], "{opt}");
        assert!(data_segments(&bytes, index_of("squares")).is_empty(), "{opt}: zeroed arrays cost no bytes");
        assert!(data_segments(&bytes, index_of("pairs")).is_empty(), "{opt}");
        assert!(!data_segments(&bytes, 0).iter().any(|(_, d)| contains(d, &primes[..16])), "{opt}: not in memory 0's data");
        assert_eq!(report.memories[index_of("pairs") as usize].min_pages, 5, "{opt}: the size covers the array");

        // After the run, on both engines.
        let r = run(&wasm);
        assert_eq!(String::from_utf8_lossy(&r.stdout), "1 1 5\n");
        let dump = tmp(&format!("placement-dump{opt}"));
        assert_eq!(String::from_utf8_lossy(&ok(node(&["--dump-memories", s(&dump)], &wasm, &[])).stdout), "1 1 5\n");
        let v8: Vec<(String, Vec<u8>)> = ["memory", "squares", "pairs", "primes"]
            .iter()
            .map(|n| (n.to_string(), std::fs::read(dump.join(format!("{n}.bin"))).unwrap()))
            .collect();
        for (engine, memories) in [("wasmtime", &r.memories), ("V8", &v8)] {
            assert_eq!(&memory(memories, "squares")[..squares.len()], &squares[..], "{engine} {opt}");
            assert_eq!(&memory(memories, "pairs")[..pairs.len()], &pairs[..], "{engine} {opt}");
            assert_eq!(&memory(memories, "primes")[..primes.len()], &primes[..], "{engine} {opt}");
            let memory0 = memory(memories, "memory");
            assert!(!contains(memory0, &squares[4000..4064]), "{engine} {opt}: squares are not in memory 0");
            assert!(!contains(memory0, &pairs[40000..40064]), "{engine} {opt}: pairs are not in memory 0");
        }
    }
}

// --- Links of several files --------------------------------------------------

/// Compiles each (file name, source) to an object, links them, and returns
/// the link's stderr; the link must fail.
fn link_fails(name: &str, files: &[(&str, &str)]) -> String {
    let dir = tmp(name);
    std::fs::create_dir_all(&dir).unwrap();
    let mut objects = Vec::new();
    for (file, source) in files {
        let src = dir.join(file);
        std::fs::write(&src, source).unwrap();
        let object = src.with_extension("o");
        ok(mmcc(&["-c", s(&src), "-o", s(&object)]));
        objects.push(object);
    }
    let wasm = dir.join("out.wasm");
    let mut args: Vec<&str> = objects.iter().map(|o| s(o)).collect();
    args.extend(["-o", s(&wasm)]);
    let o = mmcc(&args);
    assert!(!o.status.success(), "{name}: the link succeeded");
    assert!(!wasm.exists(), "{name}: no output after an error");
    String::from_utf8_lossy(&o.stderr).into_owned()
}


#[test]
fn files_that_disagree_about_an_array_fail_to_link_naming_both_places() {
    let e = link_fails(
        "twice",
        &[
            ("a.c", "__attribute__((wasm_memory)) int table[64];\nint get(int i) { return table[i]; }\n"),
            ("b.c", "__attribute__((wasm_memory)) int table[64];\nint main(void) { return table[1]; }\n"),
        ],
    );
    assert!(e.contains("`table` is defined twice") && e.contains("a.c:1:") && e.contains("b.c:1:"), "{e}");

    let e = link_fails(
        "types",
        &[
            ("a.c", "__attribute__((wasm_memory)) int table[64];\nint get(int i) { return table[i]; }\n"),
            ("b.c", "extern __attribute__((wasm_memory)) short table[];\nint main(void) { return table[1]; }\n"),
        ],
    );
    assert!(e.contains("`table` is declared differently") && e.contains("`int[64]`") && e.contains("`short[]`"), "{e}");
    assert!(e.contains("a.c:1:") && e.contains("b.c:1:"), "{e}");

    let e = link_fails(
        "nowhere",
        &[("b.c", "extern __attribute__((wasm_memory)) int table[];\nint main(void) { return table[1]; }\n")],
    );
    assert!(e.contains("`table` is declared at") && e.contains("b.c:1:") && e.contains("defined nowhere"), "{e}");

    let e = link_fails(
        "settings",
        &[
            ("a.c", "__attribute__((wasm_memory, wasm_memory_pages(1, 4))) int table[64];\nint get(int i) { return table[i]; }\n"),
            ("b.c", "extern __attribute__((wasm_memory, wasm_memory_pages(1, 8))) int table[];\nint main(void) { return table[1]; }\n"),
        ],
    );
    assert!(e.contains("conflicting maximum size settings") && e.contains("a.c:1:") && e.contains("b.c:1:"), "{e}");

    let e = link_fails(
        "import-and-definition",
        &[
            ("a.c", "__attribute__((wasm_memory)) int table[64];\nint get(int i) { return table[i]; }\n"),
            ("b.c", "extern __attribute__((wasm_memory, wasm_memory_import(\"env\", \"t\"))) int table[];\nint main(void) { return table[1]; }\n"),
        ],
    );
    assert!(e.contains("defined at") && e.contains("imported from the host at"), "{e}");
}

#[test]
fn an_array_shared_by_files_is_one_memory() {
    let dir = tmp("shared-array");
    std::fs::create_dir_all(&dir).unwrap();
    let a = dir.join("a.c");
    let b = dir.join("b.c");
    std::fs::write(&a, "__attribute__((wasm_memory)) int table[64] = {5, 6, 7};\nvoid put(int i, int v) { table[i] = v; }\n").unwrap();
    std::fs::write(&b, "#include <stdio.h>\nextern __attribute__((wasm_memory)) int table[];\nvoid put(int, int);\nint main(void) { put(9, 40); printf(\"%d\\n\", table[9] + table[2]); return 0; }\n").unwrap();
    let wasm = dir.join("out.wasm");
    ok(mmcc(&["-O2", s(&a), s(&b), "-o", s(&wasm)]));
    let r = run(&wasm);
    assert_eq!(String::from_utf8_lossy(&r.stdout), "47\n");
    assert_eq!(&memory(&r.memories, "table")[..12], &[5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0]);
    let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
    assert_eq!(report.memories.len(), 2, "memory 0 and the one array");
}

// --- --memory=<array>:... -----------------------------------------------------

#[test]
fn memory_options_name_an_array_by_its_c_name() {
    let src = write("named-options.c", "__attribute__((wasm_memory)) int items[100];\nint main(void) { items[3] = 4; return items[3] - 4; }\n");
    let wasm = tmp("named-options.wasm");
    ok(mmcc(&[s(&src), "--memory=items:max=9,export=things", "--memory=3:min=2", "-o", s(&wasm)]));
    let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
    let items = report.memories.iter().find(|m| m.exports.iter().any(|e| e == "things")).expect("exported as `things`");
    assert_eq!((items.min_pages, items.max_pages), (1, Some(9)));
    assert!(report.memories.len() == 5, "numbered memories 0..3, then the array");
    assert!(report.memories[4].exports == vec!["things".to_string()], "named memories come after the numbered ones");

    let o = mmcc(&[s(&src), "--memory=itemz:max=9", "-o", s(&wasm)]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("`itemz` is neither a memory number nor a wasm_memory array of this link (its arrays: items)"), "{e}");

    let o = mmcc(&[s(&src), "--memory=items:import=env.items", "-o", s(&wasm)]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("imported by its declaration"));
}

// --- Code as good as for an ordinary array ------------------------------------

const KERNEL: &str = r#"
#include <mmcc.h>
#include <stdint.h>
struct cell { uint32_t key; uint16_t count; uint8_t flags; };
ARRAY uint32_t ring[64];
ARRAY struct cell cells[4096];
ARRAY const uint8_t lookup[256] = {1, 2, 3, 4, 5, 6, 7, 8};
__attribute__((noinline)) uint32_t kernel(const uint8_t *input, uint32_t n) {
    uint32_t h = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = input[i];
        h = h * 31 + lookup[c];
        ring[i & 63] ^= h;
        cells[h & 4095].key = h;
        cells[h & 4095].count += 1;
        cells[(h >> 12) & 4095].flags |= c;
    }
    return h + ring[7] + cells[3].count;
}
int main(void) { static const uint8_t text[] = "abcdefgh"; return (int)kernel(text, 8) & 1; }
"#;

/// The operators of the function named `name` (from the name section).
fn function_operators(module: &[u8], name: &str) -> Vec<String> {
    let mut imported_functions = 0;
    let mut index = None;
    let mut bodies = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        match payload.unwrap() {
            wasmparser::Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import.unwrap().ty, wasmparser::TypeRef::Func(_)) {
                        imported_functions += 1;
                    }
                }
            }
            wasmparser::Payload::CodeSectionEntry(body) => bodies.push(body),
            wasmparser::Payload::CustomSection(reader) => {
                if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                    for subsection in names {
                        if let wasmparser::Name::Function(map) = subsection.unwrap() {
                            for naming in map {
                                let naming = naming.unwrap();
                                if naming.name == name {
                                    index = Some(naming.index);
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let index = index.unwrap_or_else(|| panic!("no function `{name}` in the name section"));
    let body = &bodies[(index - imported_functions) as usize];
    let mut reader = body.get_operators_reader().unwrap();
    let mut operators = Vec::new();
    while !reader.eof() {
        // Memory indices and constant addresses differ by design; the kind
        // of each instruction must not.
        let op = format!("{:?}", reader.read().unwrap());
        operators.push(op.split([' ', '{']).next().unwrap().to_string());
    }
    operators
}

#[test]
fn indexing_an_array_costs_no_more_instructions_than_an_ordinary_global_array() {
    let src = write("kernel.c", KERNEL);
    for opt in ["-O2", "-Os"] {
        let with = tmp(&format!("kernel-wasm-memory{opt}.wasm"));
        let without = tmp(&format!("kernel-global{opt}.wasm"));
        ok(mmcc(&[opt, "-DARRAY=__wasm_memory", s(&src), "-o", s(&with)]));
        ok(mmcc(&[opt, "-DARRAY=", s(&src), "-o", s(&without)]));
        let a = function_operators(&std::fs::read(&with).unwrap(), "kernel");
        let b = function_operators(&std::fs::read(&without).unwrap(), "kernel");
        // The same loads and stores, in the same order, and no more
        // instructions in all: an array at address 0 of its memory needs no
        // `i32.const base; i32.add` where an ordinary array's base does not
        // fold into the offset, so it may take fewer.
        let accesses = |ops: &[String]| -> Vec<String> {
            ops.iter().filter(|op| op.contains("Load") || op.contains("Store")).cloned().collect()
        };
        assert!(accesses(&a).len() >= 8, "{opt}: the kernel loads and stores");
        assert_eq!(accesses(&a), accesses(&b), "{opt}: the same memory accesses");
        assert!(a.len() <= b.len(), "{opt}: {} instructions, ordinary arrays {}\n{a:?}\n{b:?}", a.len(), b.len());
        eprintln!("{opt}: kernel has {} instructions with wasm_memory arrays, {} with ordinary arrays", a.len(), b.len());
    }
}

#[test]
fn a_shared_array_of_atomics_is_a_shared_memory() {
    let src = write(
        "shared-array.c",
        "#include <mmcc.h>\n#include <stdio.h>\n\
         __wasm_memory __wasm_memory_shared __wasm_memory_pages(1, 2) _Atomic int flags[16];\n\
         int main(void) { flags[1] += 5; flags[1]++; int v = flags[1]; printf(\"%d %lu\\n\", v, mm_array_pages(flags)); return 0; }\n",
    );
    let wasm = tmp("shared-array.wasm");
    ok(mmcc(&["-O2", "-matomics", s(&src), "-o", s(&wasm)]));
    let bytes = std::fs::read(&wasm).unwrap();
    let report = mmcc::inspect::inspect(&bytes).unwrap();
    let flags = &report.memories[1];
    assert_eq!((flags.shared, flags.min_pages, flags.max_pages), (true, 1, Some(2)));
    // i32.atomic.rmw.add (twice) and i32.atomic.load on memory 1, and
    // memory.size: the accesses to `flags` are atomic instructions on it.
    let mut atomics_on_flags = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            let mut reader = body.get_operators_reader().unwrap();
            while !reader.eof() {
                match reader.read().unwrap() {
                    wasmparser::Operator::I32AtomicRmwAdd { memarg } | wasmparser::Operator::I32AtomicLoad { memarg } => {
                        assert_eq!(memarg.target, wasmparser::MemArgTarget::Memory(1));
                        atomics_on_flags += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    assert_eq!(atomics_on_flags, 3);
    assert_eq!(String::from_utf8_lossy(&run(&wasm).stdout), "6 1\n");
    assert_eq!(String::from_utf8_lossy(&ok(node(&[], &wasm, &[])).stdout), "6 1\n");
}
