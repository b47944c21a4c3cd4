//! mmcc runs LLVM's optimizer itself, after giving every memory access its
//! memory's alias scope (src/ir/alias.rs). These tests pin down both halves
//! of what that promises:
//! - code touching one memory is exactly clang's, byte for byte, at every
//!   optimization level (the pipeline is clang's);
//! - code touching several memories is optimized as if every pointer into a
//!   different memory were `restrict`: loops over two memories vectorize with
//!   no runtime alias check, loads from one memory are hoisted across stores
//!   into another. The oracle (tests/programs.rs) checks that no program's
//!   output changes.

mod common;

use common::{ok, root, tmp};
use std::path::Path;
use std::process::Command;

/// Kernels that read one memory and write another, through plain pointers.
/// Built by mmcc with the memories, and by clang in memory 0 with every
/// pointer `restrict` (the code single-memory clang emits when it is told
/// what mmcc knows).
const KERNELS: &str = r#"
#include <stdint.h>
#ifdef __mmcc__
#include <mmcc.h>
#define R
#define M(n) __memory(n)
#else
#define R restrict
#define M(n)
#endif

/* A vector loop over memories 1 and 2. */
void axpy(M(2) float *R y, M(1) float *R x, float a, int n) {
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

/* A sum kept in memory 2 while reading memories 1 and 0: a register and a
   vectorized reduction once the stores to out[i] cannot change in[] or w[]. */
void conv(M(2) int32_t *R out, M(1) int16_t *R in, int16_t *R w, int n, int k) {
    for (int i = 0; i < n; i++) {
        out[i] = 0;
        for (int j = 0; j < k; j++) out[i] += in[i + j] * w[j];
    }
}

/* Parameters in memory 0, loaded once instead of after every store into
   memory 2. */
struct params { float gain, bias; uint32_t mask; };
void gather(M(2) float *R dst, M(1) uint32_t *R idx, M(1) float *R t, struct params *R p, int n) {
    for (int i = 0; i < n; i++) dst[i] = t[idx[i] & p->mask] * p->gain + p->bias;
}

/* SIMD loads and stores LLVM fuses: extending, splat, zero, lane. */
typedef int v4i __attribute__((vector_size(16)));
typedef short v4s __attribute__((vector_size(8)));
typedef float v4f __attribute__((vector_size(16)));
typedef long long v2l __attribute__((vector_size(16)));
typedef signed char v16c __attribute__((vector_size(16)));
v4i simd_extend(M(1) v4s *p) { return __builtin_convertvector(*p, v4i); }
v4f simd_splat(M(1) float *p) { float x = *p; return (v4f){x, x, x, x}; }
v4i simd_zero(M(1) int *p) { return (v4i){*p, 0, 0, 0}; }
v2l simd_zero64(M(2) long long *p) { return (v2l){*p, 0}; }
v4i simd_lane(M(1) int *p, v4i v) { v[2] = *p; return v; }
v16c simd_lane8(M(2) signed char *p, v16c v) { v[9] = *p; return v; }
void simd_store_lane(M(2) int *p, v4i v) { *p = v[3]; }
void simd_store_lane64(M(1) long long *p, v2l v) { *p = v[0]; }
v4f simd_float_lane(M(2) float *p, v4f v) { v[1] = *p; return v; }
void simd_float_store_lane(M(1) float *p, v4f v) { p[1] = v[2]; }
"#;

/// The kernels' names, exported from both builds.
const EXPORTS: &[&str] = &[
    "axpy", "conv", "gather", "simd_extend", "simd_splat", "simd_zero", "simd_zero64", "simd_lane", "simd_lane8",
    "simd_store_lane", "simd_store_lane64", "simd_float_lane", "simd_float_store_lane",
];

/// The operators of each exported function, with memory indices blanked
/// (mmcc's code names memories 1 and 2 where clang's names memory 0).
fn exported_code(wasm: &Path) -> Vec<(String, Vec<String>)> {
    let bytes = std::fs::read(wasm).unwrap();
    let mut exports = Vec::new();
    let mut imported_functions = 0;
    let mut bodies = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(&bytes) {
        match payload.unwrap() {
            wasmparser::Payload::ImportSection(s) => {
                for import in s.into_imports() {
                    if matches!(import.unwrap().ty, wasmparser::TypeRef::Func(_)) {
                        imported_functions += 1;
                    }
                }
            }
            wasmparser::Payload::ExportSection(s) => {
                for e in s {
                    let e = e.unwrap();
                    if e.kind == wasmparser::ExternalKind::Func {
                        exports.push((e.name.to_string(), e.index));
                    }
                }
            }
            wasmparser::Payload::CodeSectionEntry(body) => {
                let mut ops = Vec::new();
                let mut reader = body.get_operators_reader().unwrap();
                while !reader.eof() {
                    let text = format!("{:?}", reader.read().unwrap());
                    ops.push(blank_memory_indices(&text));
                }
                bodies.push(ops);
            }
            _ => {}
        }
    }
    exports.sort();
    exports.into_iter().map(|(name, index)| (name, bodies[(index - imported_functions) as usize].clone())).collect()
}

fn blank_memory_indices(operator: &str) -> String {
    let mut text = operator.to_string();
    for prefix in ["Memory(", "mem: "] {
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(prefix) {
            out.push_str(&rest[..at + prefix.len()]);
            rest = rest[at + prefix.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
            out.push('_');
        }
        out.push_str(rest);
        text = out;
    }
    text
}

fn build_kernels(flags: &[&str]) -> (Vec<(String, Vec<String>)>, Vec<(String, Vec<String>)>) {
    let tag = flags.join("").replace('-', "");
    let source = tmp(&format!("kernels{tag}.c"));
    std::fs::write(&source, KERNELS).unwrap();
    let exports = EXPORTS.iter().map(|e| format!("-Wl,--export={e}"));
    let link: Vec<String> = ["-nostdlib".to_string(), "-Wl,--no-entry".to_string()].into_iter().chain(exports).collect();
    let multi = tmp(&format!("kernels{tag}.mm.wasm"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mmcc"));
    cmd.args(flags).args(&link).arg(&source).arg("-o").arg(&multi);
    ok(cmd.output().unwrap());
    let plain = tmp(&format!("kernels{tag}.plain.wasm"));
    let mut cmd = Command::new("clang-19");
    cmd.args(["--target=wasm32-wasi", "-fuse-ld=lld", "-mbulk-memory"]).args(flags).args(&link).arg(&source).arg("-o").arg(&plain);
    ok(cmd.output().unwrap());
    (exported_code(&multi), exported_code(&plain))
}

/// How many times each instruction occurs, `local.get/set/tee` left out.
fn histogram(ops: &[String]) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for op in ops.iter().filter(|op| !op.starts_with("Local")) {
        *counts.entry(op.clone()).or_insert(0) += 1;
    }
    counts
}

fn difference(ours: &std::collections::BTreeMap<String, usize>, theirs: &std::collections::BTreeMap<String, usize>) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    keys.into_iter()
        .filter(|k| ours.get(*k) != theirs.get(*k))
        .map(|k| format!("{k}: {}, {}", ours.get(k).unwrap_or(&0), theirs.get(k).unwrap_or(&0)))
        .collect()
}

fn is_simd(op: &str) -> bool {
    op.starts_with("V128") || op.starts_with("F32x4") || op.starts_with("I32x4") || op.starts_with("I16x8")
}

#[test]
fn loops_over_two_memories_compile_as_if_the_pointers_were_restrict() {
    for flags in [&["-O2", "-msimd128"][..], &["-O2"], &["-O3", "-msimd128"], &["-Os", "-msimd128"]] {
        let (multi, plain) = build_kernels(flags);
        assert_eq!(multi.len(), EXPORTS.len());
        for ((name, mm), (_, restrict)) in multi.iter().zip(&plain) {
            // The same instructions, as many of each kind; the backend may
            // number locals and order independent accesses differently, and
            // it keeps a few more values in locals around memory-N accesses
            // (they are calls while it schedules; bench/run.py counts that).
            let (ours, theirs) = (histogram(mm), histogram(restrict));
            assert!(
                ours == theirs,
                "{flags:?}: `{name}` in memories 1 and 2 is not the code clang makes for restrict pointers in memory 0 \
                 (instruction: mmcc's count, clang's count):\n  {}\nmmcc:\n  {}\nclang, restrict:\n  {}",
                difference(&ours, &theirs).join("\n  "),
                mm.join("\n  "),
                restrict.join("\n  ")
            );
        }
        // Finalize writes `local.set x; local.get x` as `local.tee x`.
        for (name, ops) in &multi {
            for pair in ops.windows(2) {
                let set = pair[0].strip_prefix("LocalSet ");
                assert!(
                    set.is_none() || set != pair[1].strip_prefix("LocalGet "),
                    "{flags:?}: `{name}` has `{}` then `{}` (a local.tee)",
                    pair[0],
                    pair[1]
                );
            }
        }
        // -Os vectorizes only what costs no size; clang's restrict build
        // agrees there (above).
        if flags.contains(&"-msimd128") && !flags.contains(&"-Os") {
            for (name, ops) in &multi {
                if name == "axpy" || name == "conv" {
                    assert!(ops.iter().any(|o| is_simd(o)), "{flags:?}: `{name}` over two memories is not vectorized");
                }
            }
        }
    }
}

#[test]
fn code_in_one_memory_is_clangs_byte_for_byte_at_every_level() {
    let programs = ["kernels.c", "structs.c", "scalars.c", "simd.c", "strings.c", "templates.cpp"];
    for name in programs {
        let source = root().join("tests/programs").join(name);
        let cxx = name.ends_with(".cpp");
        for opt in ["-O1", "-O2", "-O3", "-Os", "-Oz"] {
            let stem = format!("{name}{opt}");
            let (ours, clangs) = (tmp(&format!("{stem}.mmcc.o")), tmp(&format!("{stem}.clang.o")));
            // Without __mmcc__, <mmcc.h> defines the qualifiers away: the
            // program is all memory 0.
            let o = Command::new(env!("CARGO_BIN_EXE_mmcc"))
                .args([opt, "-msimd128", "-U__mmcc__", "-c"])
                .arg(&source)
                .arg("-o")
                .arg(&ours)
                .output()
                .unwrap();
            ok(o);
            let mut clang = Command::new(if cxx { "clang++-19" } else { "clang-19" });
            clang
                .arg("--target=wasm32-wasip1")
                .arg(format!("--sysroot={}", root().join(".build/sysroot").display()))
                .arg("-isystem")
                .arg(root().join("runtime/include"))
                .args(["-mbulk-memory", opt, "-msimd128", "-c"]);
            if cxx {
                clang.arg("-fno-exceptions");
            }
            ok(clang.arg(&source).arg("-o").arg(&clangs).output().unwrap());
            assert!(
                std::fs::read(&ours).unwrap() == std::fs::read(&clangs).unwrap(),
                "{name} {opt}: mmcc's object for memory-0 code differs from clang-19's"
            );
        }
    }
}
