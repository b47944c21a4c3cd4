//! Per-memory data placement, checked from the host: each memory's initial
//! contents are where the program says its variables are, memory 0 pays
//! nothing for memory-N data, a 1 GiB zero-initialized array costs no bytes,
//! and separate compilation with an archive gives the same program.

mod common;

use common::{root, run, tmp};
use std::process::{Command, Output};
use std::time::Instant;

fn mmcc(args: &[&str]) -> Output {
    common::ok(common::mmcc(args))
}

fn memory<'a>(r: &'a mmcc::run::RunResult, name: &str) -> &'a [u8] {
    common::memory(&r.memories, name)
}

#[test]
fn initial_contents_are_where_the_symbols_say() {
    let wasm = tmp("where.wasm");
    for opt in ["-O0", "-O2"] {
        mmcc(&[opt, root().join("tests/placement/where.c").to_str().unwrap(), "-o", wasm.to_str().unwrap()]);
        let r = run(&wasm);
        let out = String::from_utf8_lossy(&r.stdout).into_owned();
        let addr = |name: &str| -> usize {
            out.lines().find_map(|l| l.strip_prefix(&format!("{name} "))).unwrap_or_else(|| panic!("{name} in {out}")).parse().unwrap()
        };
        let (m0, m2, m3) = (memory(&r, "memory"), memory(&r, "memory2"), memory(&r, "memory3"));
        let banner = addr("banner");
        assert!(banner > 0, "address 0 holds no object");
        assert_eq!(&m2[banner..banner + 19], b"memory two says hi\0");
        let numbers = addr("numbers");
        let expected: Vec<u8> = [0x11111111u32, 0x22222222, 0x33333333, 0x44444444].iter().flat_map(|n| n.to_le_bytes()).collect();
        assert_eq!(&m3[numbers..numbers + 16], &expected[..]);
        let aligned = addr("aligned_block");
        assert_eq!(aligned % 256, 0, "alignment respected");
        assert_eq!(&m2[aligned..aligned + 4], &[1, 2, 3, 4]);
        let pointer = addr("pointer_into_three");
        assert_eq!(u32::from_le_bytes(m2[pointer..pointer + 4].try_into().unwrap()) as usize, numbers + 8, "relocated pointer");
        let plain = addr("plain");
        assert_eq!(&m0[plain..plain + 12], b"memory zero\0");
        // Memory-N data is nowhere in memory 0.
        assert!(!m0.windows(18).any(|w| w == b"memory two says hi"), "memory 0 holds memory-2 data");
    }
}

#[test]
fn a_gibibyte_of_zeros_in_memory_4_costs_nothing() {
    let (with, without) = (tmp("big.c"), tmp("small.c"));
    // The same program but for the array, so memory 0 must come out the same.
    let body = "#include <stdio.h>\nint main(void) {\n#ifdef BIG\n  big[(1u << 30) - 1] = 7;\n  int v = big[(1u << 30) - 1];\n#else\n  int v = 7;\n#endif\n  printf(\"%d\\n\", v);\n  return 0;\n}\n";
    std::fs::write(&with, format!("#define BIG\n__attribute__((address_space(4))) unsigned char big[1u << 30];\n{body}")).unwrap();
    std::fs::write(&without, body).unwrap();
    let (big_wasm, small_wasm) = (tmp("big.wasm"), tmp("small.wasm"));
    let start = Instant::now();
    mmcc(&["-O2", with.to_str().unwrap(), "-o", big_wasm.to_str().unwrap()]);
    let seconds = start.elapsed().as_secs_f64();
    mmcc(&["-O2", without.to_str().unwrap(), "-o", small_wasm.to_str().unwrap()]);
    assert!(seconds < 20.0, "compiling and linking took {seconds:.1} s");
    let size = std::fs::metadata(&big_wasm).unwrap().len();
    assert!(size < 4 << 20, "module is {size} bytes");
    let big = mmcc::inspect::inspect(&std::fs::read(&big_wasm).unwrap()).unwrap();
    let small = mmcc::inspect::inspect(&std::fs::read(&small_wasm).unwrap()).unwrap();
    assert!(big.memories[4].min_pages >= 16384, "memory 4 has {} pages", big.memories[4].min_pages);
    assert_eq!(big.memories[0].min_pages, small.memories[0].min_pages, "memory 0 pays nothing");
    assert_eq!(big.memories[0].data_bytes, small.memories[0].data_bytes);
    assert_eq!(big.memories[4].data_bytes, 0, "zeros are not stored");
    eprintln!("1 GiB in memory 4: compile+link {seconds:.2} s, module {size} bytes, memory 4 min {} pages", big.memories[4].min_pages);
}

#[test]
fn separate_compilation_and_an_archive_give_the_same_program() {
    let main = root().join("tests/programs/globals.c");
    let lib = root().join("tests/programs/parts/globals_lib.c");
    let one = tmp("one.wasm");
    mmcc(&["-O2", main.to_str().unwrap(), lib.to_str().unwrap(), "-o", one.to_str().unwrap()]);
    let (main_o, lib_o, archive, two) = (tmp("main.o"), tmp("lib.o"), tmp("libglobals.a"), tmp("two.wasm"));
    mmcc(&["-O2", "-c", main.to_str().unwrap(), "-o", main_o.to_str().unwrap()]);
    mmcc(&["-O2", "-c", lib.to_str().unwrap(), "-o", lib_o.to_str().unwrap()]);
    let _ = std::fs::remove_file(&archive);
    let ar = Command::new("llvm-ar-19").arg("rcs").arg(&archive).arg(&lib_o).output().unwrap();
    assert!(ar.status.success());
    mmcc(&[main_o.to_str().unwrap(), "-L", archive.parent().unwrap().to_str().unwrap(), "-lglobals", "-o", two.to_str().unwrap()]);
    let (a, b) = (run(&one), run(&two));
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(String::from_utf8_lossy(&a.stdout), std::fs::read_to_string(root().join("tests/programs/globals.expected")).unwrap());
    for (name, bytes) in &a.memories {
        assert_eq!(bytes, memory(&b, name), "memory {name} differs");
    }
}

/// A file of memory-N data alone (no functions) is an object like any
/// other, and a `used` memory-N variable stays listed as used.
#[test]
fn data_only_files_and_used_variables() {
    let dir = std::env::temp_dir().join(format!("mmcc-placement-data-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    std::fs::write(dir.join("table.c"), "#include <mmcc.h>\n__memory(2) int table[4] = {1, 2, 3, 40};\n__memory(2) int zeros[8];\n").unwrap();
    std::fs::write(
        dir.join("main.c"),
        "#include <mmcc.h>\n#include <stdio.h>\nextern __memory(2) int table[4];\nextern __memory(2) int zeros[8];\n\
         __attribute__((used)) __memory(3) char kept[16] = \"kept\";\n\
         int main(void) { printf(\"%d %d\\n\", table[0] + table[3], zeros[7]); return 0; }\n",
    )
    .unwrap();
    mmcc(&["-O2", "-c", &path("table.c"), "-o", &path("table.o")]);
    mmcc(&["-O2", &path("main.c"), &path("table.o"), "-o", &path("data.wasm")]);
    let bytes = std::fs::read(path("data.wasm")).unwrap();
    let options = mmcc::run::RunOptions { capture: true, ..Default::default() };
    let r = mmcc::run::run_module("data", &bytes, &options).unwrap();
    assert_eq!(String::from_utf8_lossy(&r.stdout), "41 0\n");
    // No code refers to `kept`; `used` keeps it, in memory 3.
    assert!(memory(&r, "memory3").windows(4).any(|w| w == b"kept"), "the used variable is in memory 3");
}
