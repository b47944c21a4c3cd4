//! Malformed input never crashes mmcc, and what mmcc accepts it writes
//! validly. Real objects and modules (LLVM's objects with markers, mmcc's
//! multi-memory objects, plain clang objects, an archive, linked modules)
//! and generated objects are mutated (tests/robustness/mutate.rs: byte
//! level and by structure) and fed to the object writer, retargeting,
//! finalize, `inspect` and, on a share of them, the whole link with the
//! patched wasm-ld. Each must return an error or a valid output
//! (tests/robustness/oracle.rs), never panic or hang.
//!
//! `cargo test --release --test robustness` runs a fixed slice; the long
//! run (docs/robustness.md):
//!
//!     MMCC_ROBUSTNESS_INPUTS=1000000 cargo test --release --test robustness -- --nocapture
//!
//! Input `i` is a function of the seed and `i` alone, so any failure
//! reruns with `MMCC_ROBUSTNESS_ONE=i` (and the same seed), and failing
//! inputs are saved under target/tmp/robustness-failures/.

mod common;
#[path = "robustness/generate.rs"]
mod generate;
#[path = "robustness/mutate.rs"]
mod mutate;
#[path = "robustness/oracle.rs"]
mod oracle;
#[path = "robustness/wasm.rs"]
mod wasm;

use common::{root, tmp};
use mmcc::object::retarget::Role;
use mutate::{Kind, Rng, KINDS};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

const DEFAULT_SEED: u64 = 0x6d6d_6363_0017_0004;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Source {
    LlvmObject,
    MmccObject,
    PlainObject,
    Archive,
    Module,
    Generated,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Entry {
    Rewrite,
    Retarget,
    Finalize,
    Inspect,
    Link,
}

const ENTRIES: &[Entry] = &[Entry::Rewrite, Entry::Retarget, Entry::Finalize, Entry::Inspect, Entry::Link];

struct Corpus {
    files: Vec<(Source, String, Vec<u8>)>,
}

impl Corpus {
    /// A digest of every file, printed so that a rerun can tell it mutates
    /// the same bytes (the corpus comes from the installed compilers).
    fn digest(&self) -> u64 {
        let mut h = 0xcbf29ce484222325u64;
        for (_, _, bytes) in &self.files {
            for b in bytes {
                h = (h ^ *b as u64).wrapping_mul(0x100000001b3);
            }
        }
        h
    }
}

/// Compiles the corpus once per test process: each program with the
/// flags that reach a part of the writer (data in memory N, zero fills,
/// SIMD, atomics, memory.copy, named memories, DWARF, C++ COMDATs).
fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let objects: &[(&str, &[&str])] = &[
            ("globals.c", &["-O2"]),
            ("copies.c", &["-O2"]),
            ("simd.c", &["-O2", "-msimd128"]),
            ("atomics_threads.c", &["-O1", "-matomics"]),
            ("wasm_memory.c", &["-O2"]),
            ("big_zeroed.c", &["-O2", "-g"]),
            ("memory_size.c", &["-O0", "-g"]),
            ("classes_cxx.cpp", &["-O2", "-std=c++23"]),
        ];
        let modules: &[(&str, &[&str])] = &[
            ("copies.c", &["-O2"]),
            ("memory_size.c", &["-O0", "-g"]),
            ("simd.c", &["-O2", "-msimd128"]),
            ("wasm_memory.c", &["-O2"]),
            ("shared_memory.c", &["-O2", "-matomics", "--memory=2:shared,max=16"]),
        ];
        // Built once per mmcc binary and kept: the objects hold the paths
        // they were built at (DWARF), and a rerun of one input in another
        // process must mutate the same bytes.
        let exe = std::fs::metadata(env!("CARGO_BIN_EXE_mmcc")).unwrap();
        let mtime = exe.modified().unwrap().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("robustness-corpus/{}-{mtime}", exe.len()));
        if !dir.join("complete").is_file() {
            let build = PathBuf::from(format!("{}.{}", dir.display(), std::process::id()));
            std::fs::create_dir_all(&build).unwrap();
            compile_corpus(&build, objects, modules);
            std::fs::write(build.join("complete"), "").unwrap();
            // Another process may have finished first: then its files stay.
            if std::fs::rename(&build, &dir).is_err() {
                let _ = std::fs::remove_dir_all(&build);
            }
        }
        let mut files = Vec::new();
        for (i, (file, flags)) in objects.iter().enumerate() {
            let out = dir.join(format!("o{i}"));
            let llvm = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).find(|p| p.to_string_lossy().ends_with(".llvm.o")).unwrap();
            let what = format!("{file} {}", flags.join(" "));
            files.push((Source::LlvmObject, format!("LLVM object of {what}"), std::fs::read(llvm).unwrap()));
            files.push((Source::MmccObject, format!("mmcc object of {what}"), std::fs::read(out.join("out.o")).unwrap()));
        }
        for (i, (file, flags)) in modules.iter().enumerate() {
            files.push((Source::Module, format!("module of {file} {}", flags.join(" ")), std::fs::read(dir.join(format!("m{i}.wasm"))).unwrap()));
        }
        let mut members = Vec::new();
        for i in 0..2 {
            let bytes = std::fs::read(dir.join(format!("plain{i}.o"))).unwrap();
            members.push(mmcc::object::archive::Member { name: format!("plain{i}.o"), data: bytes.clone() });
            files.push((Source::PlainObject, format!("clang object {i}"), bytes));
        }
        members.push(mmcc::object::archive::Member { name: "copies.o".into(), data: files[3].2.clone() });
        files.push((Source::Archive, "archive".into(), mmcc::object::archive::write(&members).unwrap()));
        Corpus { files }
    })
}

type Builds<'a> = &'a [(&'a str, &'a [&'a str])];

/// Compiles the corpus into `dir`.
fn compile_corpus(dir: &Path, objects: Builds, modules: Builds) {
    let programs = root().join("tests/programs");
    // mmcc compiles C++ sources as C++ with -c whatever its name.
    let driver = |_: &str| PathBuf::from(env!("CARGO_BIN_EXE_mmcc"));
    let mut jobs = Vec::new();
    for (i, (file, flags)) in objects.iter().enumerate() {
        let out = dir.join(format!("o{i}"));
        std::fs::create_dir_all(&out).unwrap();
        let child = Command::new(driver(file))
            .current_dir(&out)
            .args(*flags)
            .args(["-c", "-save-temps"])
            .arg(programs.join(file))
            .args(["-o", "out.o"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        jobs.push((child, format!("{file} {}", flags.join(" "))));
    }
    for (i, (file, flags)) in modules.iter().enumerate() {
        let child = Command::new(driver(file))
            .args(*flags)
            .arg(programs.join(file))
            .arg("-o")
            .arg(dir.join(format!("m{i}.wasm")))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        jobs.push((child, format!("{file} {}", flags.join(" "))));
    }
    // A plain clang object (what --in-memory=K retargets): data,
    // zero-initialized data, strings, a function table, memcpy.
    let plain = dir.join("plain.c");
    std::fs::write(&plain, PLAIN_C).unwrap();
    for (i, flags) in [["-O2", "-DX=1"], ["-O0", "-g"]].iter().enumerate() {
        let child = Command::new("clang-19")
            .args(["--target=wasm32-wasi", "-c", "-nostdlib", "-mbulk-memory"])
            .args(flags)
            .arg(&plain)
            .arg("-o")
            .arg(dir.join(format!("plain{i}.o")))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        jobs.push((child, format!("clang-19 plain.c {}", flags.join(" "))));
    }
    for (child, what) in jobs {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

const PLAIN_C: &str = r#"
#ifndef X
#define X 0
#endif
typedef unsigned long size_t;
void *memcpy(void *, const void *, size_t);
int counter;
static int table[64] = {1, 2, 3};
const char *greeting = "hello";
static int twice(int x) { return 2 * x; }
static int thrice(int x) { return 3 * x; }
int (*ops[2])(int) = {twice, thrice};
char buffer[256];
__attribute__((constructor)) static void init(void) { counter = 1; }
int apply(int i, int x) { return ops[i & 1](x) + table[i & 63] + counter; }
void copy(char *to, int n) { memcpy(to, buffer, n); __builtin_memset(buffer, X + 0, n); }
int main(void) { return apply(1, 2) + greeting[0]; }
"#;

/// One input: where it came from and the mutations it went through.
struct Input {
    source: Source,
    origin: String,
    kinds: Vec<Kind>,
    bytes: Vec<u8>,
    /// Drives the entry points' parameters, after the mutations.
    rng: Rng,
}

/// Input `index` of the run with `seed`.
fn make_input(corpus: &Corpus, seed: u64, index: u64) -> Input {
    let mut rng = Rng::new(seed ^ index.wrapping_mul(0x9E3779B97F4A7C15));
    let (source, origin, original) = if rng.chance(12) {
        let bytes = generate::object(&mut rng);
        (Source::Generated, "generated object".to_string(), bytes)
    } else {
        let (s, o, b) = rng.pick(&corpus.files);
        (*s, o.clone(), b.clone())
    };
    let mut kinds = Vec::new();
    let mut bytes = original;
    // Pristine inputs now and then: the oracle must pass on them too.
    let rounds = if rng.chance(if source == Source::Generated { 3 } else { 50 }) { 0 } else { 1 + (rng.chance(4) as usize) + (rng.chance(8) as usize) };
    for _ in 0..rounds {
        let donor = &rng.pick(&corpus.files).2.clone();
        let mut applied = None;
        for _ in 0..4 {
            let kind = *rng.pick(KINDS);
            if let Some(out) = mutate::apply(kind, &mut rng, &bytes, donor) {
                applied = Some((kind, out));
                break;
            }
        }
        let (kind, out) = match applied {
            Some(a) => a,
            None => (Kind::BitFlip, mutate::apply(Kind::BitFlip, &mut rng, &bytes, donor).unwrap_or_default()),
        };
        kinds.push(kind);
        bytes = out;
    }
    if kinds.is_empty() {
        kinds.push(Kind::None);
    }
    Input { source, origin, kinds, bytes, rng }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Ok,
    Err,
    Panic,
    Hang,
    /// Ok, with an invalid output from a well-formed input: a bug.
    Invalid,
    /// Ok, with an invalid output from an input that was not well-formed
    /// itself: the entry point passed garbage through. A bug too (mmcc's
    /// outputs must be valid, whatever its inputs), counted apart.
    GarbageThrough,
}

impl Outcome {
    fn is_failure(self) -> bool {
        matches!(self, Outcome::Panic | Outcome::Hang | Outcome::Invalid | Outcome::GarbageThrough)
    }
}

#[derive(Clone, Copy, Default)]
struct Counts {
    inputs: u64,
    ok: u64,
    err: u64,
    panic: u64,
    hang: u64,
    invalid: u64,
    garbage: u64,
    max_micros: u64,
}

impl Counts {
    fn add(&mut self, o: Outcome, micros: u64) {
        self.inputs += 1;
        match o {
            Outcome::Ok => self.ok += 1,
            Outcome::Err => self.err += 1,
            Outcome::Panic => self.panic += 1,
            Outcome::Hang => self.hang += 1,
            Outcome::Invalid => self.invalid += 1,
            Outcome::GarbageThrough => self.garbage += 1,
        }
        self.max_micros = self.max_micros.max(micros);
    }
    fn merge(&mut self, o: &Counts) {
        self.inputs += o.inputs;
        self.ok += o.ok;
        self.err += o.err;
        self.panic += o.panic;
        self.hang += o.hang;
        self.invalid += o.invalid;
        self.garbage += o.garbage;
        self.max_micros = self.max_micros.max(o.max_micros);
    }
    fn failures(&self) -> u64 {
        self.panic + self.hang + self.invalid + self.garbage
    }
}

#[derive(Default)]
struct Stats {
    by_entry_kind: BTreeMap<(Entry, Kind), Counts>,
    by_entry_source: BTreeMap<(Entry, Source), Counts>,
    inputs: u64,
}

impl Stats {
    fn add(&mut self, entry: Entry, input: &Input, o: Outcome, micros: u64) {
        self.by_entry_kind.entry((entry, input.kinds[0])).or_default().add(o, micros);
        self.by_entry_source.entry((entry, input.source)).or_default().add(o, micros);
    }
    fn merge(&mut self, o: &Stats) {
        for (k, c) in &o.by_entry_kind {
            self.by_entry_kind.entry(*k).or_default().merge(c);
        }
        for (k, c) in &o.by_entry_source {
            self.by_entry_source.entry(*k).or_default().merge(c);
        }
        self.inputs += o.inputs;
    }
    fn entry_total(&self, e: Entry) -> Counts {
        let mut total = Counts::default();
        self.by_entry_kind.iter().filter(|((x, _), _)| *x == e).for_each(|(_, c)| total.merge(c));
        total
    }
    fn failures(&self) -> u64 {
        self.by_entry_kind.values().map(Counts::failures).sum()
    }
    fn render(&self) -> String {
        let mut s = String::new();
        let header = |s: &mut String, first: &str| {
            s.push_str(&format!("{first:<18} {:>9} {:>9} {:>9} {:>6} {:>6} {:>8} {:>8} {:>9}\n", "inputs", "ok", "errors", "panics", "hangs", "invalid", "garbage", "max ms"));
        };
        let row = |s: &mut String, name: String, c: &Counts| {
            s.push_str(&format!(
                "{name:<18} {:>9} {:>9} {:>9} {:>6} {:>6} {:>8} {:>8} {:>9.1}\n",
                c.inputs, c.ok, c.err, c.panic, c.hang, c.invalid, c.garbage, c.max_micros as f64 / 1000.0
            ));
        };
        s.push_str(&format!("{} inputs\n\nper entry point\n", self.inputs));
        header(&mut s, "entry");
        for e in ENTRIES {
            row(&mut s, format!("{e:?}"), &self.entry_total(*e));
        }
        s.push_str("\nper mutation kind (first mutation of each input; all entry points)\n");
        header(&mut s, "kind");
        let mut kinds: BTreeMap<Kind, Counts> = BTreeMap::new();
        for ((_, k), c) in &self.by_entry_kind {
            kinds.entry(*k).or_default().merge(c);
        }
        for (k, c) in &kinds {
            row(&mut s, format!("{k:?}"), c);
        }
        s.push_str("\nper entry point and source\n");
        header(&mut s, "entry/source");
        for ((e, src), c) in &self.by_entry_source {
            row(&mut s, format!("{e:?}/{src:?}"), c);
        }
        s
    }
}

#[derive(Clone)]
struct Config {
    seed: u64,
    inputs: u64,
    threads: usize,
    /// Every n-th input also goes through a whole link (0: none).
    link_every: u64,
    time_limit: Duration,
    link_time_limit: Duration,
}

impl Config {
    fn from_env(default_inputs: u64, default_link_every: u64) -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let number = |name: &str, default: u64| {
            var(name).map(|v| {
                let v = v.trim_start_matches("0x");
                u64::from_str_radix(v, if name.ends_with("SEED") { 16 } else { 10 }).unwrap_or_else(|_| panic!("{name}: not a number"))
            }).unwrap_or(default)
        };
        Config {
            seed: number("MMCC_ROBUSTNESS_SEED", DEFAULT_SEED),
            inputs: number("MMCC_ROBUSTNESS_INPUTS", default_inputs),
            threads: number("MMCC_ROBUSTNESS_THREADS", std::thread::available_parallelism().map_or(2, |n| n.get()) as u64) as usize,
            link_every: number("MMCC_ROBUSTNESS_LINK_EVERY", default_link_every),
            time_limit: Duration::from_secs(number("MMCC_ROBUSTNESS_TIME_LIMIT", 10)),
            link_time_limit: Duration::from_secs(120),
        }
    }
}

/// A failure, for the report.
struct Failure {
    index: u64,
    entry: Entry,
    outcome: Outcome,
    message: String,
    saved: PathBuf,
}

thread_local! {
    /// The message of the last panic on this thread inside [`guarded`]
    /// (the hook keeps it instead of printing it: the run counts them).
    static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(|q| q.get()) {
                let message = format!("{info}");
                LAST_PANIC.with(|p| *p.borrow_mut() = message);
            } else {
                default(info);
            }
        }));
    });
}

fn failure_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("robustness-failures");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `f` with panics caught; the result and the time it took.
fn guarded<T>(f: impl FnOnce() -> T) -> (Result<T, String>, u64) {
    let start = Instant::now();
    QUIET.with(|q| q.set(true));
    let r = catch_unwind(AssertUnwindSafe(f)).map_err(|_| LAST_PANIC.with(|p| p.borrow().clone()));
    QUIET.with(|q| q.set(false));
    (r, start.elapsed().as_micros() as u64)
}

/// The outcome of an entry point that writes an object or module:
/// `valid` is the oracle for its kind of output.
fn judge(
    result: Result<anyhow::Result<Vec<u8>>, String>,
    input: &[u8],
    valid: fn(&[u8]) -> Result<(), String>,
) -> (Outcome, String, Option<Vec<u8>>) {
    match result {
        Err(panic) => (Outcome::Panic, panic, None),
        Ok(Err(e)) => (Outcome::Err, format!("{e:#}"), None),
        Ok(Ok(out)) => match valid(&out) {
            Ok(()) => (Outcome::Ok, String::new(), Some(out)),
            Err(why) => match valid(input) {
                Ok(()) => (Outcome::Invalid, why, None),
                Err(input_why) => (Outcome::GarbageThrough, format!("{why} (the input: {input_why})"), None),
            },
        },
    }
}

fn valid_archive(bytes: &[u8]) -> Result<(), String> {
    let members = mmcc::object::archive::read(bytes).map_err(|e| format!("malformed archive: {e:#}"))?;
    for m in members.iter().filter(|m| m.data.starts_with(b"\0asm")) {
        oracle::valid_object(&m.data).map_err(|e| format!("member {}: {e}", m.name))?;
    }
    mmcc::object::archive::index(bytes).map_err(|e| format!("archive index: {e:#}"))?;
    Ok(())
}

/// What one worker is doing, for the watchdog: the input (index + 1, 0
/// when idle), the entry point and since when.
#[derive(Default)]
struct Activity {
    input: AtomicU64,
    entry: AtomicUsize,
    since_micros: AtomicU64,
    hung: AtomicBool,
    done: AtomicBool,
}

struct Run {
    config: Config,
    corpus: &'static Corpus,
    started: Instant,
    failures: Mutex<Vec<Failure>>,
    /// Print every entry point's result (rerunning one input).
    verbose: bool,
}

impl Run {
    fn now(&self) -> u64 {
        self.started.elapsed().as_micros() as u64
    }

    fn fail(&self, index: u64, entry: Entry, outcome: Outcome, message: String, bytes: &[u8]) {
        let saved = failure_dir().join(format!("{:x}-{index}-{entry:?}.bin", self.config.seed));
        let _ = std::fs::write(&saved, bytes);
        let mut failures = self.failures.lock().unwrap();
        if failures.len() < 100_000 {
            failures.push(Failure { index, entry, outcome, message, saved });
        }
    }

    /// Runs input `index` through the entry points for its kind of file.
    fn one(&self, index: u64, activity: &Activity, stats: &Mutex<Stats>, link_dir: &Path) {
        let mut input = make_input(self.corpus, self.config.seed, index);
        activity.input.store(index + 1, Ordering::SeqCst);
        let record = |entry: Entry, input: &Input, outcome: Outcome, message: String, micros: u64, bytes: &[u8]| {
            stats.lock().unwrap().add(entry, input, outcome, micros);
            if self.verbose {
                println!("{entry:?}: {outcome:?} in {micros} µs {message}");
            }
            if outcome.is_failure() {
                self.fail(index, entry, outcome, message, bytes);
            }
        };
        let begin = |entry: Entry| {
            activity.entry.store(entry as usize, Ordering::SeqCst);
            activity.since_micros.store(self.now(), Ordering::SeqCst);
        };
        let bytes = std::mem::take(&mut input.bytes);
        let memory = *input.rng.pick(&[1, 2, 3, 3, 255, 0, 10]);
        let role = if input.rng.chance(2) { Role::Api } else { Role::Internal };
        // An object that reaches the linker: the writer's output for LLVM
        // objects, the input itself for finished ones.
        let mut linkable: Option<Vec<u8>> = None;
        match input.source {
            Source::LlvmObject | Source::Generated | Source::MmccObject | Source::PlainObject => {
                begin(Entry::Rewrite);
                let declarations = declarations(&mut input.rng);
                let (r, t) = guarded(|| mmcc::object::rewrite(&bytes, &declarations).map(|(out, _)| out));
                let (outcome, message, out) = judge(r, &bytes, oracle::valid_object);
                record(Entry::Rewrite, &input, outcome, message, t, &bytes);
                // Retarget what the writer wrote, and finished objects.
                let retarget_input = match (input.source, &out) {
                    (Source::LlvmObject | Source::Generated, Some(out)) => Some(out.clone()),
                    (Source::LlvmObject | Source::Generated, None) => None,
                    _ => Some(bytes.clone()),
                };
                linkable = retarget_input.clone();
                if let Some(object) = retarget_input {
                    begin(Entry::Retarget);
                    let (r, t) = guarded(|| mmcc::object::retarget::retarget(&object, memory, role).map(|(out, _)| out));
                    let (outcome, message, _) = judge(r, &object, oracle::valid_object);
                    record(Entry::Retarget, &input, outcome, message, t, &object);
                }
            }
            Source::Archive => {
                begin(Entry::Retarget);
                let (r, t) = guarded(|| mmcc::object::retarget::retarget_file(&bytes, memory, role, "fuzz.a").map(|(out, _)| out));
                let (outcome, message, _) = judge(r, &bytes, valid_archive);
                record(Entry::Retarget, &input, outcome, message, t, &bytes);
            }
            Source::Module => {
                begin(Entry::Finalize);
                let imports: Vec<mmcc::finalize::MemoryImport> = (0..input.rng.below(3))
                    .map(|_| mmcc::finalize::MemoryImport {
                        memory: input.rng.below(5) as u32,
                        module: "env".into(),
                        field: format!("m{}", input.rng.below(3)),
                        allow_data: input.rng.chance(2),
                        keep_export: input.rng.chance(4),
                    })
                    .collect();
                let private = input.rng.chance(8);
                let compact = input.rng.chance(2);
                let (r, t) = guarded(|| mmcc::finalize::finish(&bytes, &imports, private, compact, |m| format!("memory{m}")));
                let (outcome, message, _) = judge(r, &bytes, oracle::valid_module);
                record(Entry::Finalize, &input, outcome, message, t, &bytes);
            }
        }
        if input.source != Source::Archive {
            begin(Entry::Inspect);
            let (r, t) = guarded(|| mmcc::inspect::inspect(&bytes).map(|report| report.render("fuzz")));
            let (outcome, message) = match r {
                Err(panic) => (Outcome::Panic, panic),
                Ok(Err(e)) => (Outcome::Err, format!("{e:#}")),
                Ok(Ok(_)) => (Outcome::Ok, String::new()),
            };
            record(Entry::Inspect, &input, outcome, message, t, &bytes);
        }
        // Links come in bursts of four every `link_every` inputs.
        if let Some(object) = linkable.filter(|_| self.config.link_every > 0 && index % self.config.link_every < 4) {
            begin(Entry::Link);
            let start = Instant::now();
            let (outcome, message) = link(&object, link_dir, input.rng.chance(2), self.config.link_time_limit);
            record(Entry::Link, &input, outcome, message, start.elapsed().as_micros() as u64, &object);
        }
        activity.input.store(0, Ordering::SeqCst);
    }
}

/// Declarations from the source for the writer to record, sometimes.
fn declarations(rng: &mut Rng) -> mmcc::object::Declarations {
    let mut d = mmcc::object::Declarations::new();
    if rng.chance(4) {
        let declaration = mmcc::object::memories::Declaration {
            min_pages: rng.chance(2).then(|| rng.interesting(1)),
            max_pages: rng.chance(2).then(|| rng.interesting(4)),
            shared: rng.chance(3),
            export_name: rng.chance(3).then(|| "exported".to_string()),
            private: rng.chance(4),
            import: rng.chance(4).then(|| ("env".to_string(), "user".to_string())),
        };
        d.insert(mmcc::marker::MemoryKey::Numbered(1 + rng.below(3) as u32), (declaration, None));
    }
    d
}

/// Links `object` into a program with mmcc and the patched wasm-ld (as a
/// command with a `main`, or a library of exports). The linker must exit
/// with an error or write a valid module; a signal, a crash report from
/// LLVM or a panic of mmcc is a crash.
fn link(object: &[u8], dir: &Path, as_library: bool, limit: Duration) -> (Outcome, String) {
    let input = dir.join("input.o");
    let output = dir.join("output.wasm");
    let _ = std::fs::remove_file(&output);
    std::fs::write(&input, object).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mmcc"));
    if as_library {
        cmd.args(["-nostartfiles", "-Wl,--no-entry", "-Wl,--export-all"]);
    }
    cmd.arg(&input).arg("-o").arg(&output).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return (Outcome::Hang, format!("the link took over {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        use std::io::Read;
        let _ = pipe.read_to_string(&mut stderr);
    }
    use std::os::unix::process::ExitStatusExt;
    let crashed = status.signal().is_some()
        || status.code() == Some(101)
        || ["PLEASE submit a bug report", "Stack dump", "due to signal", "Segmentation fault", "panicked at", "Aborted"]
            .iter()
            .any(|m| stderr.contains(m));
    if crashed {
        return (Outcome::Panic, format!("the link crashed ({status}): {}", stderr.lines().take(12).collect::<Vec<_>>().join(" | ")));
    }
    if !status.success() {
        return (Outcome::Err, stderr.lines().next().unwrap_or_default().to_string());
    }
    let module = std::fs::read(&output).unwrap_or_default();
    match oracle::valid_module(&module) {
        Ok(()) => (Outcome::Ok, String::new()),
        Err(why) => match oracle::valid_object(object) {
            Ok(()) => (Outcome::Invalid, format!("linked module: {why}")),
            Err(input_why) => (Outcome::GarbageThrough, format!("linked module: {why} (the object: {input_why})")),
        },
    }
}

/// Runs inputs 0..config.inputs on config.threads threads with a watchdog;
/// returns the statistics, the failures and the time it took.
fn run(config: &Config) -> (Stats, Vec<Failure>, Duration) {
    quiet_panics();
    let run = Arc::new(Run { config: config.clone(), corpus: corpus(), started: Instant::now(), failures: Mutex::new(Vec::new()), verbose: false });
    let next = Arc::new(AtomicU64::new(0));
    let activities: Arc<Vec<Activity>> = Arc::new((0..config.threads).map(|_| Activity::default()).collect());
    let stats: Arc<Vec<Mutex<Stats>>> = Arc::new((0..config.threads).map(|_| Mutex::new(Stats::default())).collect());
    // Not scoped threads: a worker stuck in a hang never returns, and is
    // left behind while the others finish.
    for w in 0..config.threads {
        let (run, next, activities, stats) = (run.clone(), next.clone(), activities.clone(), stats.clone());
        std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn(move || {
                let link_dir = tmp(&format!("link-{w}"));
                std::fs::create_dir_all(&link_dir).unwrap();
                loop {
                    let first = next.fetch_add(64, Ordering::SeqCst);
                    if first >= run.config.inputs {
                        break;
                    }
                    for index in first..(first + 64).min(run.config.inputs) {
                        // A panic outside the entry points is the harness's
                        // own (a mutator's, say): a failure too, and the
                        // worker goes on.
                        if catch_unwind(AssertUnwindSafe(|| run.one(index, &activities[w], &stats[w], &link_dir))).is_err() {
                            let entry = ENTRIES[activities[w].entry.load(Ordering::SeqCst)];
                            run.fail(index, entry, Outcome::Panic, "the test harness panicked (its message is above)".into(), &[]);
                            activities[w].input.store(0, Ordering::SeqCst);
                        }
                        stats[w].lock().unwrap().inputs += 1;
                    }
                }
                activities[w].done.store(true, Ordering::SeqCst);
            })
            .unwrap();
    }
    // The watchdog: an entry point that runs past the limit is a hang; its
    // input is saved and its worker given up.
    let mut last_report = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let mut finished = true;
        for a in activities.iter() {
            if a.done.load(Ordering::SeqCst) || a.hung.load(Ordering::SeqCst) {
                continue;
            }
            finished = false;
            let input = a.input.load(Ordering::SeqCst);
            let since = a.since_micros.load(Ordering::SeqCst);
            let entry = ENTRIES[a.entry.load(Ordering::SeqCst)];
            let limit = if entry == Entry::Link { config.link_time_limit + Duration::from_secs(10) } else { config.time_limit };
            if input != 0 && run.now().saturating_sub(since) > limit.as_micros() as u64 {
                a.hung.store(true, Ordering::SeqCst);
                let index = input - 1;
                let bytes = make_input(run.corpus, config.seed, index).bytes;
                run.fail(index, entry, Outcome::Hang, format!("still running after {limit:?}"), &bytes);
                stats[activities.iter().position(|x| std::ptr::eq(x, a)).unwrap()]
                    .try_lock()
                    .map(|mut s| s.by_entry_kind.entry((entry, Kind::None)).or_default().hang += 1)
                    .ok();
                eprintln!("robustness: input {index} hangs in {entry:?}; its worker is given up");
            }
        }
        if finished {
            break;
        }
        if config.inputs >= 100_000 && last_report.elapsed() > Duration::from_secs(60) {
            last_report = Instant::now();
            eprintln!("robustness: {} of {} inputs after {:.0?}", next.load(Ordering::SeqCst).min(config.inputs), config.inputs, run.started.elapsed());
        }
    }
    let mut total = Stats::default();
    // A hung worker may hold its lock for good.
    stats.iter().for_each(|s| if let Ok(s) = s.try_lock() { total.merge(&s) });
    let failures = std::mem::take(&mut *run.failures.lock().unwrap());
    (total, failures, run.started.elapsed())
}

fn describe(config: &Config, failures: &[Failure]) -> String {
    // Failures grouped by what they say, numbers left out: one line per
    // distinct bug, with its first input.
    let mut groups: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for f in failures {
        let message = f.message.split(" (at offset").next().unwrap_or_default();
        let shape: String = message.chars().filter(|c| !c.is_ascii_digit()).take(120).collect();
        let g = groups.entry(format!("{:?} in {:?}: {shape}", f.outcome, f.entry)).or_insert((0, f.index));
        g.0 += 1;
    }
    let mut s = String::from("distinct failures (count, first input):\n");
    for (shape, (count, first)) in &groups {
        s.push_str(&format!("  {count:>5} #{first:<8} {shape}\n"));
    }
    s.push('\n');
    for f in failures.iter().take(40) {
        s.push_str(&format!(
            "input {} {:?} in {:?}: {}\n    saved to {}\n    rerun: MMCC_ROBUSTNESS_SEED={:x} MMCC_ROBUSTNESS_ONE={} cargo test --release --test robustness one_input -- --nocapture\n",
            f.index,
            f.outcome,
            f.entry,
            f.message.chars().take(400).collect::<String>(),
            f.saved.display(),
            config.seed,
            f.index
        ));
    }
    s
}

fn report_and_fail(config: &Config, stats: &Stats, failures: &[Failure], took: Duration) -> ! {
    println!("{}", stats.render());
    panic!("{} failures in {took:.0?} (seed {:x}):\n{}", failures.len(), config.seed, describe(config, failures));
}

/// The fixed slice, or the long run when MMCC_ROBUSTNESS_INPUTS says so.
#[test]
fn mutated_and_generated_inputs_give_errors_or_valid_outputs() {
    let config = Config::from_env(6000, 1500);
    if std::env::var("MMCC_ROBUSTNESS_ONE").is_ok() {
        return; // one_input runs it
    }
    let corpus = corpus();
    println!("robustness: seed {:x}, {} inputs on {} threads, corpus {} files (digest {:016x})", config.seed, config.inputs, config.threads, corpus.files.len(), corpus.digest());
    let (stats, failures, took) = run(&config);
    println!("{}\ntook {took:.1?}", stats.render());
    if !failures.is_empty() {
        report_and_fail(&config, &stats, &failures, took);
    }
    assert_eq!(stats.inputs, config.inputs);
    // Every entry point saw inputs and accepted some: a run that only
    // ever errors tests nothing.
    for e in ENTRIES {
        let c = stats.entry_total(*e);
        match e {
            // Few inputs are linked, and most mutations break the link;
            // pristine objects link in pristine_inputs_work_...
            Entry::Link => assert!(config.link_every == 0 || c.inputs > 0, "no links"),
            _ => assert!(c.inputs > 0 && c.ok > 0 && c.err > 0, "{e:?}: {} inputs, {} ok, {} errors", c.inputs, c.ok, c.err),
        }
    }
    assert_eq!(stats.failures(), 0);
}

/// `MMCC_ROBUSTNESS_ONE=i`: input i alone, each entry point's result
/// printed and the input saved.
#[test]
fn one_input() {
    let Ok(index) = std::env::var("MMCC_ROBUSTNESS_ONE") else { return };
    let index: u64 = index.parse().expect("MMCC_ROBUSTNESS_ONE: an input number");
    let mut config = Config::from_env(index + 1, 1);
    config.threads = 1;
    quiet_panics();
    let corpus = corpus();
    let input = make_input(corpus, config.seed, index);
    let saved = failure_dir().join(format!("{:x}-{index}.bin", config.seed));
    std::fs::write(&saved, &input.bytes).unwrap();
    println!("input {index} (seed {:x}, corpus digest {:016x}): {:?} {} mutated by {:?}, {} bytes, saved to {}", config.seed, corpus.digest(), input.source, input.origin, input.kinds, input.bytes.len(), saved.display());
    // The link too, whether or not the run linked this input.
    config.link_every = 1;
    let run = Run { config: config.clone(), corpus, started: Instant::now(), failures: Mutex::new(Vec::new()), verbose: true };
    let stats = Mutex::new(Stats::default());
    let link_dir = tmp("link-one");
    std::fs::create_dir_all(&link_dir).unwrap();
    run.one(index, &Activity::default(), &stats, &link_dir);
    let failures = run.failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", describe(&config, &failures));
}

/// The pristine corpus goes through every entry point, with valid
/// outputs; every truncation of each file gives an error, not a panic.
#[test]
fn pristine_inputs_work_and_truncations_give_errors() {
    quiet_panics();
    for (source, what, bytes) in &corpus().files {
        match source {
            Source::LlvmObject => {
                oracle::valid_object(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
                let (out, summary) = mmcc::object::rewrite(bytes, &Default::default()).unwrap();
                assert!(summary.instructions > 0 || !summary.memories.is_empty(), "{what}: no markers");
                oracle::valid_object(&out).unwrap_or_else(|e| panic!("{what} rewritten: {e}"));
                let (retargeted, _) = mmcc::object::retarget::retarget(&out, 3, Role::Api).unwrap();
                oracle::valid_object(&retargeted).unwrap_or_else(|e| panic!("{what} retargeted: {e}"));
            }
            Source::MmccObject | Source::PlainObject => {
                oracle::valid_object(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
                let (out, summary) = mmcc::object::retarget::retarget(bytes, 2, Role::Internal).unwrap();
                assert!(summary.instructions > 0, "{what}: nothing retargeted");
                oracle::valid_object(&out).unwrap_or_else(|e| panic!("{what} retargeted: {e}"));
            }
            Source::Archive => {
                let (out, _) = mmcc::object::retarget::retarget_file(bytes, 3, Role::Api, "corpus.a").unwrap();
                valid_archive(&out).unwrap();
            }
            Source::Module => {
                oracle::valid_module(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
                for compact in [false, true] {
                    let out = mmcc::finalize::finish(bytes, &[], false, compact, |m| format!("memory{m}")).unwrap();
                    oracle::valid_module(&out).unwrap_or_else(|e| panic!("{what} finalized: {e}"));
                }
            }
            Source::Generated => unreachable!(),
        }
        assert!(mmcc::inspect::inspect(bytes).is_ok() || *source == Source::Archive, "{what}");
        // Every short prefix, then a few hundred lengths spread over the file.
        for len in (0..64.min(bytes.len())).chain((64..bytes.len()).step_by((bytes.len() / 300).max(7))) {
            let cut = &bytes[..len];
            let (r, _) = guarded(|| {
                let _ = mmcc::object::rewrite(cut, &Default::default());
                let _ = mmcc::object::retarget::retarget_file(cut, 3, Role::Api, "cut");
                let _ = mmcc::finalize::finish(cut, &[], false, true, |m| format!("memory{m}"));
                let _ = mmcc::inspect::inspect(cut);
            });
            assert!(r.is_ok(), "{what} truncated to {len} bytes: {}", r.unwrap_err());
        }
    }
    // The link oracle on a pristine object: it links and validates.
    let dir = tmp("link-pristine");
    std::fs::create_dir_all(&dir).unwrap();
    // (globals.c is linked with a second file, tests/programs/parts/.)
    let (_, what, object) = corpus().files.iter().find(|(s, o, _)| *s == Source::MmccObject && o.contains("copies.c")).unwrap();
    let (outcome, message) = link(object, &dir, false, Duration::from_secs(120));
    assert_eq!(outcome, Outcome::Ok, "{what}: {message}");
}

/// Inputs that once crashed an entry point or made it write an invalid
/// output (tests/robustness/regressions/, named after that entry point;
/// docs/robustness.md): each now gives that entry point an error, and
/// every entry point (the link too) an error or a valid output.
#[test]
fn regressions() {
    quiet_panics();
    let dir = root().join("tests/robustness/regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let mut outcomes: Vec<(Entry, Outcome)> = Vec::new();
        let mut check = |entry: Entry, r: Result<anyhow::Result<Vec<u8>>, String>, valid: fn(&[u8]) -> Result<(), String>| {
            let (outcome, message, _) = judge(r, &bytes, valid);
            assert!(matches!(outcome, Outcome::Ok | Outcome::Err), "{name}, {entry:?}: {outcome:?}: {message}");
            outcomes.push((entry, outcome));
        };
        let r = guarded(|| mmcc::object::rewrite(&bytes, &Default::default()).map(|(o, _)| o)).0;
        check(Entry::Rewrite, r, oracle::valid_object);
        for memory in [1, 2, 3, 255] {
            for role in [Role::Api, Role::Internal] {
                let r = guarded(|| mmcc::object::retarget::retarget(&bytes, memory, role).map(|(o, _)| o)).0;
                check(Entry::Retarget, r, oracle::valid_object);
            }
        }
        for compact in [false, true] {
            let imports = [mmcc::finalize::MemoryImport { memory: 1, module: "env".into(), field: "m".into(), allow_data: true, keep_export: false }];
            let r = guarded(|| mmcc::finalize::finish(&bytes, &imports, false, compact, |m| format!("memory{m}"))).0;
            check(Entry::Finalize, r, oracle::valid_module);
            let r = guarded(|| mmcc::finalize::finish(&bytes, &[], false, compact, |m| format!("memory{m}"))).0;
            check(Entry::Finalize, r, oracle::valid_module);
        }
        // `<entry>-<what>.error.<ext>`: that entry point refuses it (for
        // retargeting, into at least one of the memories).
        for entry in [Entry::Rewrite, Entry::Retarget, Entry::Finalize] {
            if name.starts_with(&format!("{entry:?}-").to_lowercase()) && name.contains(".error.") {
                assert!(outcomes.contains(&(entry, Outcome::Err)), "{name}: {entry:?} must refuse it");
            }
        }
        let r = guarded(|| mmcc::inspect::inspect(&bytes).map(|_| ())).0;
        assert!(r.is_ok(), "{name}, inspect: panic {}", r.unwrap_err());
        // The link, as a command and as a library: an error or a valid
        // module. `link-*` inputs once crashed wasm-ld; mmcc must refuse
        // them itself, before wasm-ld reads them, naming the file.
        let dir = tmp("link-regressions");
        std::fs::create_dir_all(&dir).unwrap();
        for as_library in [false, true] {
            let (outcome, message) = link(&bytes, &dir, as_library, Duration::from_secs(120));
            assert!(matches!(outcome, Outcome::Ok | Outcome::Err), "{name}, link: {outcome:?}: {message}");
            if name.starts_with("link-") {
                assert_eq!(outcome, Outcome::Err, "{name}: the link must refuse it");
                assert!(
                    message.starts_with("mmcc: error: ") && message.contains("input.o: malformed object, not linked: "),
                    "{name}: the link must refuse it before wasm-ld runs, not with `{message}`"
                );
            }
        }
    }
}

/// The oracle judges a module of more than 100 memories (which mmcc links
/// and wasmparser refuses) with wabt's validator: valid when it is, and
/// invalid when one of its instructions names a memory it does not have.
#[test]
fn the_oracle_judges_modules_of_more_than_100_memories() {
    let memories = "(memory 1)".repeat(150);
    let module = |memory: u32| wat::parse_str(format!("(module {memories} (func (result i32) (i32.load {memory} (i32.const 0))))")).unwrap();
    oracle::valid_module(&module(149)).unwrap();
    let error = oracle::valid_module(&module(150)).unwrap_err();
    assert!(error.contains("wasm-validate"), "{error}");
}
