//! Debug info (`-g`) stays exact although the object writer grows the code
//! (each memory-N access becomes a longer instruction than the marker call
//! LLVM emitted): every row of the module's line table, read by
//! llvm-dwarfdump-19, is at the start of an instruction (or of a function
//! body, where a function's first row is), and each memory-N access keeps
//! the source line it had.

mod common;

use common::{ok, tmp};
use std::collections::BTreeSet;
use std::process::Command;

/// One memory-N access per line, on the lines named in `LINES`.
const SOURCE: &str = r#"#include <mmcc.h>
__memory(2) int table[64];
int walk(__memory(1) int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        int x = a[i];
        table[i & 63] = x + s;
        s += table[(i + 7) & 63];
    }
    __memory(1) char *bytes = (__memory(1) char *)a;
    bytes[3] = (char)s;
    return s;
}
"#;

/// The lines of `SOURCE` with a memory-N access, in order.
const LINES: &[u32] = &[6, 7, 8, 11];

struct Module {
    /// Code-section offsets of every instruction, and of every function
    /// body's start.
    starts: BTreeSet<u64>,
    /// Code-section offsets of the instructions that name memory 1 or 2.
    memory_n: Vec<u64>,
    /// Each function body's (start, end).
    bodies: Vec<(u64, u64)>,
}

fn read_module(wasm: &std::path::Path) -> Module {
    let bytes = std::fs::read(wasm).unwrap();
    let mut module = Module { starts: BTreeSet::new(), memory_n: Vec::new(), bodies: Vec::new() };
    let mut code_start = 0;
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.unwrap() {
            wasmparser::Payload::CodeSectionStart { unchecked_range, .. } => code_start = unchecked_range.start as u64,
            wasmparser::Payload::CodeSectionEntry(body) => {
                module.starts.insert(body.range().start as u64 - code_start);
                module.bodies.push((body.range().start as u64 - code_start, body.range().end as u64 - code_start));
                let mut reader = body.get_operators_reader().unwrap();
                while !reader.eof() {
                    let (op, at) = reader.read_with_offset().unwrap();
                    let at = at as u64 - code_start;
                    module.starts.insert(at);
                    let text = format!("{op:?}");
                    if text.contains("Memory(1)") || text.contains("Memory(2)") {
                        module.memory_n.push(at);
                    }
                }
            }
            _ => {}
        }
    }
    module
}

/// (address, line) of every row, end_sequence rows left out.
fn line_rows(wasm: &std::path::Path) -> Vec<(u64, u32)> {
    let o = ok(Command::new("llvm-dwarfdump-19").arg("--debug-line").arg(wasm).output().expect("llvm-dwarfdump-19"));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("0x") && !l.contains("end_sequence"))
        .map(|l| {
            let mut fields = l.split_whitespace();
            let address = u64::from_str_radix(fields.next().unwrap().trim_start_matches("0x"), 16).unwrap();
            (address, fields.next().unwrap().parse().unwrap())
        })
        .collect()
}

fn build(opt: &str, test: &str) -> std::path::PathBuf {
    let source = tmp(&format!("walk{opt}-{test}.c"));
    std::fs::write(&source, SOURCE).unwrap();
    let wasm = tmp(&format!("walk{opt}-{test}.wasm"));
    let o = Command::new(env!("CARGO_BIN_EXE_mmcc"))
        .args([opt, "-g", "-nostdlib", "-Wl,--no-entry", "-Wl,--export=walk"])
        .arg(&source)
        .arg("-o")
        .arg(&wasm)
        .output()
        .unwrap();
    ok(o);
    wasm
}

#[test]
fn every_line_table_row_starts_an_instruction() {
    for opt in ["-O0", "-O1", "-O2", "-Os"] {
        let wasm = build(opt, "rows");
        let module = read_module(&wasm);
        let rows = line_rows(&wasm);
        assert!(rows.len() > 5, "{opt}: hardly any line table rows");
        let off: Vec<String> = rows.iter().filter(|(a, _)| !module.starts.contains(a)).map(|(a, l)| format!("{a:#x} (line {l})")).collect();
        assert!(off.is_empty(), "{opt}: line table rows inside instructions: {}", off.join(", "));
        assert!(!module.memory_n.is_empty(), "{opt}: no memory-N instructions");
    }
}

#[test]
fn memory_n_accesses_keep_their_source_lines() {
    let wasm = build("-O0", "lines");
    let module = read_module(&wasm);
    let rows = line_rows(&wasm);
    // The line of an instruction: the last row at or before it.
    let line_of = |at: u64| rows.iter().filter(|(a, l)| *a <= at && *l != 0).max_by_key(|(a, _)| *a).map(|(_, l)| *l);
    let lines: Vec<Option<u32>> = module.memory_n.iter().map(|&at| line_of(at)).collect();
    let mut distinct: Vec<u32> = lines.iter().flatten().copied().collect();
    distinct.dedup();
    assert_eq!(distinct, LINES, "the source lines of the memory-N accesses, in order (each instruction's: {lines:?})");
}

/// Every `0x...` number of llvm-dwarfdump's text after `key`, on its line
/// or on the next (location lists print their ranges on the line after).
fn addresses_after(text: &str, key: &str) -> Vec<u64> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.contains(key) {
            continue;
        }
        let mut rest = line.split_once(key).unwrap().1.to_string();
        let mut j = i + 1;
        while j < lines.len() && lines[j].trim_start().starts_with('[') {
            rest.push_str(lines[j]);
            j += 1;
        }
        let mut s = rest.as_str();
        while let Some(at) = s.find("0x") {
            let digits: String = s[at + 2..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
            out.push(u64::from_str_radix(&digits, 16).unwrap());
            s = &s[at + 2 + digits.len()..];
        }
    }
    out
}

#[test]
fn function_ranges_and_location_lists_fit_the_code() {
    for opt in ["-O1", "-O2"] {
        let wasm = build(opt, "ranges");
        let module = read_module(&wasm);
        let o = ok(Command::new("llvm-dwarfdump-19").arg("--debug-info").arg(&wasm).output().expect("llvm-dwarfdump-19"));
        let text = String::from_utf8_lossy(&o.stdout);
        // Functions, lexical blocks, inlined calls: [low_pc, high_pc) runs
        // from an instruction to an instruction or a body's end; the
        // functions' are their bodies exactly.
        let lows = addresses_after(&text, "DW_AT_low_pc");
        let highs = addresses_after(&text, "DW_AT_high_pc");
        let ranges: Vec<(u64, u64)> = lows.iter().copied().zip(highs.iter().copied()).filter(|(l, _)| *l != 0).collect();
        let ends: BTreeSet<u64> = module.bodies.iter().map(|(_, e)| *e).collect();
        for (low, high) in &ranges {
            assert!(module.starts.contains(low) && (module.starts.contains(high) || ends.contains(high)), "{opt}: range [{low:#x}, {high:#x}) cuts an instruction");
        }
        for body in &module.bodies {
            assert!(ranges.contains(body), "{opt}: no DW_AT_low_pc/high_pc covers the function body {body:x?} exactly ({ranges:x?})");
        }
        // Location lists: each bound is an instruction or a body's end.
        let bounds: Vec<u64> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("[0x"))
            .flat_map(|l| {
                let range = l.trim_start().split(')').next().unwrap().to_string();
                addresses_after(&format!("@{range}"), "@")
            })
            .collect();
        let off: Vec<String> = bounds.iter().filter(|b| !module.starts.contains(b) && !ends.contains(b)).map(|b| format!("{b:#x}")).collect();
        assert!(!bounds.is_empty() || opt == "-O0", "{opt}: no location lists");
        assert!(off.is_empty(), "{opt}: location list bounds inside instructions: {}", off.join(", "));
    }
}
