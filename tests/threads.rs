//! A real multi-threaded program: four threads, each its own instance of
//! tests/threads/worker.c, share an imported shared memory 2. They count
//! with atomic increments and pass messages through a mailbox with
//! memory.atomic.wait/notify on memory 2; the totals must be exact.

mod common;

use common::{mmcc, ok, root, tmp};
use wasmtime::{Linker, Module, SharedMemory, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::WasiCtxBuilder;

const COUNT_PER_THREAD: i32 = 100_000;
const MESSAGES: i32 = 2_000;

#[test]
fn threads_count_and_pass_messages_through_shared_memory_2() {
    let wasm = tmp("worker.wasm");
    ok(mmcc(&[
        "-O2",
        "-matomics",
        "-mexec-model=reactor",
        "--memory=2:import=env.shared,shared,max=1,min=1",
        "--memory=3:import=env.heap,shared,max=8,min=8",
        root().join("tests/threads/worker.c").to_str().unwrap(),
        "-o",
        wasm.to_str().unwrap(),
    ]));
    let engine = mmcc::run::engine().unwrap();
    let module = Module::from_file(&engine, &wasm).unwrap();
    // The memories the host creates: env.shared (memory 2), env.heap (memory 3).
    let imported = |field: &str| {
        let ty = module
            .imports()
            .find_map(|i| match (i.module(), i.name(), i.ty()) {
                ("env", name, wasmtime::ExternType::Memory(m)) if name == field => Some(m),
                _ => None,
            })
            .unwrap_or_else(|| panic!("the module imports env.{field}"));
        assert!(ty.is_shared(), "env.{field} is imported as a shared memory");
        SharedMemory::new(&engine, ty).unwrap()
    };
    let shared = imported("shared");
    let heap = imported("heap");

    // Each thread: its own store and instance, the same shared memory.
    let run = |function: &'static str, arg: i32| {
        let (engine, module, shared, heap) = (engine.clone(), module.clone(), shared.clone(), heap.clone());
        std::thread::spawn(move || {
            let mut store = Store::new(&engine, WasiCtxBuilder::new().build_p1());
            let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
            wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx).unwrap();
            linker.define(&store, "env", "shared", shared).unwrap();
            linker.define(&store, "env", "heap", heap).unwrap();
            let instance = linker.instantiate(&mut store, &module).unwrap();
            instance.get_typed_func::<(), ()>(&mut store, "_initialize").unwrap().call(&mut store, ()).unwrap();
            instance.get_typed_func::<i32, i32>(&mut store, function).unwrap().call(&mut store, arg).unwrap()
        })
    };
    let threads = vec![
        run("count", COUNT_PER_THREAD),
        run("count", COUNT_PER_THREAD),
        run("send", MESSAGES),
        run("receive", MESSAGES),
    ];
    for t in threads {
        t.join().expect("thread finished");
    }
    let bytes: Vec<u8> = shared.data()[..256].iter().map(|b| unsafe { *b.get() }).collect();
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    assert_eq!(u32_at(64), 2 * COUNT_PER_THREAD as u32, "every increment counted");
    let expected: u64 = (1..=MESSAGES as u64).map(|i| i * 3).sum();
    assert_eq!(u64_at(136), expected, "every message received once");
    assert_eq!(u32_at(128), 0, "the mailbox ends empty");

    // Four threads allocate and free in memory 3's heap at the same time.
    let threads: Vec<_> = (1..=4).map(|t| run("heap_work", t)).collect();
    for t in threads {
        t.join().expect("thread finished");
    }
    let bytes: Vec<u8> = shared.data()[..256].iter().map(|b| unsafe { *b.get() }).collect();
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(u32_at(196), 4 * 4000, "every heap operation ran");
    assert_eq!(u32_at(192), 0, "no block was handed out twice or overwritten");
    assert_eq!(run("heap_all_free", 0).join().unwrap(), 1, "all blocks coalesced back after the threads freed them");
}
