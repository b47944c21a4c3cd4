//! Libraries in memories of their own (`--in-memory=K`), from the host's
//! side: the same programs as plain clang builds, on wasmtime and V8, with
//! each memory's bytes checked after the run; retargeted objects and
//! archives from stock clang; and every bad input with its error.

mod common;

use common::{memory, mmcc, node, ok, root, tmp};
use std::path::Path;
use std::process::Command;

fn src(path: &str) -> String {
    root().join("tests/library").join(path).to_string_lossy().into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The same sources built by plain clang-19 with everything in memory 0
/// (<mmcc.h> defines the qualifiers away): the oracle's answer.
fn plain(sources: &[String], out: &Path) {
    let o = Command::new("clang-19")
        .args(["--target=wasm32-wasi", "-fuse-ld=lld", "-O2", "-mbulk-memory", "-isystem"])
        .arg(root().join("runtime/include"))
        .args(sources)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "plain build failed: {}", String::from_utf8_lossy(&o.stderr));
}

fn wasmtime(wasm: &Path, args: &[&str], dirs: &[(&str, &str)], env: &[(&str, &str)]) -> mmcc::run::RunResult {
    let options = mmcc::run::RunOptions {
        args: args.iter().map(|a| a.to_string()).collect(),
        dirs: dirs.iter().map(|(h, g)| (h.to_string(), g.to_string())).collect(),
        env: env.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
        capture: true,
        ..Default::default()
    };
    mmcc::run::run_module("app", &std::fs::read(wasm).unwrap(), &options).unwrap()
}

fn v8(wasm: &Path, host: &[&str], args: &[&str]) -> (i32, String) {
    let o = node(host, wasm, args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("Error"), "V8: {stderr}");
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned())
}

/// The longest run of `byte` in `bytes`.
fn longest_run(bytes: &[u8], byte: u8) -> usize {
    bytes.split(|b| *b != byte).map(|r| r.len()).max().unwrap_or(0)
}

fn basic_app(opt: &str, out: &Path) {
    ok(mmcc(&[opt, &src("basic/app.c"), "--in-memory=3", &src("basic/lib.c"), "-o", s(out)]));
}

#[test]
fn a_library_in_memory_3_behaves_like_plain_clang_on_both_engines() {
    let reference = tmp("basic-plain.wasm");
    plain(&[src("basic/app.c"), src("basic/lib.c")], &reference);
    let expected = String::from_utf8(wasmtime(&reference, &[], &[], &[]).stdout).unwrap();
    assert!(expected.contains("fold: 385") && expected.contains("goodbye after 3 calls"), "{expected}");
    for opt in ["-O0", "-O2", "-Os"] {
        let wasm = tmp(&format!("basic{opt}.wasm"));
        basic_app(opt, &wasm);
        let run = wasmtime(&wasm, &[], &[], &[]);
        assert_eq!(run.exit_code, 0);
        // The library's stdio buffer is its own: its goodbye may come
        // before or after the application's lines, never lost.
        let mut got: Vec<&str> = std::str::from_utf8(&run.stdout).unwrap().lines().collect();
        let mut want: Vec<&str> = expected.lines().collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{opt} on wasmtime");
        let (code, out) = v8(&wasm, &[], &[]);
        let mut got: Vec<&str> = out.lines().collect();
        got.sort();
        assert_eq!((code, got), (0, want.clone()), "{opt} on V8");

        // The library's data is memory 3's, and its code uses memory 3.
        let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
        assert!(report.memories[3].data_bytes >= 256, "{opt}: the library's table is not in memory 3");
        assert!(report.memories[3].instructions > 100);
        wasmparser::Validator::new().validate_all(&std::fs::read(&wasm).unwrap()).unwrap();
        let v = Command::new("wasm-validate").arg("--enable-multi-memory").arg(&wasm).output().unwrap();
        assert!(v.status.success(), "wasm-validate: {}", String::from_utf8_lossy(&v.stderr));
    }
}

#[test]
fn an_overflow_in_the_library_cannot_reach_the_default_memory() {
    let wasm = tmp("overflow.wasm");
    basic_app("-O2", &wasm);
    let run = wasmtime(&wasm, &["overflow"], &[], &[]);
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.contains("canary intact"), "{out}");
    // 20000 bytes of 0xEE landed in memory 3 and nowhere in memory 0.
    assert!(longest_run(memory(&run.memories, "memory3"), 0xEE) >= 20000);
    assert!(longest_run(memory(&run.memories, "memory"), 0xEE) < 16);
    let dump = tmp("overflow-dump");
    let (code, out) = v8(&wasm, &["--dump-memories", s(&dump)], &["overflow"]);
    assert_eq!(code, 0);
    assert!(out.contains("canary intact"), "{out}");
    let memory0 = std::fs::read(dump.join("memory.bin")).unwrap();
    let memory3 = std::fs::read(dump.join("memory3.bin")).unwrap();
    assert!(longest_run(&memory3, 0xEE) >= 20000 && longest_run(&memory0, 0xEE) < 16);
    // The same overflow in a plain build lands in memory 0, the problem a
    // library memory solves.
    let reference = tmp("overflow-plain.wasm");
    plain(&[src("basic/app.c"), src("basic/lib.c")], &reference);
    let run = wasmtime(&reference, &["overflow"], &[], &[]);
    assert!(longest_run(memory(&run.memories, "memory"), 0xEE) >= 20000);
}

#[test]
fn the_library_heap_grows_its_own_memory_only() {
    let wasm = tmp("grow.wasm");
    basic_app("-O2", &wasm);
    let initial0 = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap().memories[0].min_pages;
    let run = wasmtime(&wasm, &["grow"], &[], &[]);
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(out.contains("library got 8 MiB, default memory unchanged"), "{out}");
    assert_eq!(memory(&run.memories, "memory").len() as u64, initial0 * 65536, "the default memory grew");
    assert!(memory(&run.memories, "memory3").len() >= 8 << 20);
    let (_, out) = v8(&wasm, &[], &["grow"]);
    assert!(out.contains("library got 8 MiB, default memory unchanged"), "{out}");
}

#[test]
fn wasi_from_a_library_memory_through_the_adapter() {
    let wasm = tmp("wasi.wasm");
    ok(mmcc(&["-O2", &src("wasi/app.c"), "--in-memory=4", &src("wasi/lib.c"), "-o", s(&wasm)]));
    let reference = tmp("wasi-plain.wasm");
    plain(&[src("wasi/app.c"), src("wasi/lib.c")], &reference);
    let big: Vec<u8> = (0..150_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let mut outputs = Vec::new();
    for (name, module) in [("plain", &reference), ("mmcc", &wasm)] {
        for engine in ["wasmtime", "V8"] {
            let folder = tmp(&format!("wasi-{name}-{engine}"));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("big.bin"), &big).unwrap();
            std::fs::write(folder.join("zeta.txt"), "z").unwrap();
            let out = if engine == "wasmtime" {
                let run = wasmtime(module, &["data"], &[(s(&folder), "data")], &[("MMCC_TEST_VALUE", "from-host")]);
                assert_eq!(run.exit_code, 0, "{name} on {engine}: {}", String::from_utf8_lossy(&run.stderr));
                String::from_utf8(run.stdout).unwrap()
            } else {
                let dir = format!("{}::data", s(&folder));
                let (code, out) = v8(module, &["--dir", &dir, "--env", "MMCC_TEST_VALUE=from-host"], &["data"]);
                assert_eq!(code, 0, "{name} on {engine}");
                out
            };
            // The library wrote the file through the adapter.
            let written = std::fs::read_to_string(folder.join("out.txt")).unwrap();
            assert_eq!(written.lines().count(), 300, "{name} on {engine}");
            assert!(written.starts_with("0 line through memory 4\n"));
            outputs.push((format!("{name} on {engine}"), out));
        }
    }
    let expected = &outputs[0].1;
    assert!(expected.contains("lines: 300") && expected.contains("listing: 3: big.bin out.txt zeta.txt"), "{expected}");
    assert!(expected.contains("env: from-host") && expected.contains("clock: ok") && expected.contains("random: spread"));
    let sum = big.iter().fold(0i64, |s, b| (s * 31 + *b as i64) % 1_000_000_007) + big.len() as i64;
    assert!(expected.contains(&format!("checksum: {sum}")), "{expected}");
    for (what, out) in &outputs {
        assert_eq!(out, expected, "{what}");
    }
}

#[test]
fn prebuilt_objects_and_archives_of_stock_clang_are_retargeted() {
    // lib.c compiled by stock clang-19, archived by llvm-ar: no mmcc at all.
    let object = tmp("stock-lib.o");
    let o = Command::new("clang-19")
        .args(["--target=wasm32-wasi", "-O2", "-c", &src("basic/lib.c"), "-o", s(&object)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let archive = tmp("libstock.a");
    let _ = std::fs::remove_file(&archive);
    ok(Command::new("llvm-ar-19").arg("rcs").arg(&archive).arg(&object).output().unwrap());
    let mmtool = env!("CARGO_BIN_EXE_mmtool");
    let retargeted = tmp("libstock-m3.a");
    ok(Command::new(mmtool).args(["retarget", "--in-memory=3", s(&archive), "-o", s(&retargeted)]).output().unwrap());
    let compiled = tmp("lib-m3.o");
    ok(mmcc(&["-c", "-O2", "--in-memory=3", &src("basic/lib.c"), "-o", s(&compiled)]));

    let expected = {
        let reference = tmp("basic-plain2.wasm");
        plain(&[src("basic/app.c"), src("basic/lib.c")], &reference);
        let mut lines: Vec<String> = String::from_utf8(wasmtime(&reference, &[], &[], &[]).stdout).unwrap().lines().map(String::from).collect();
        lines.sort();
        lines
    };
    let app = src("basic/app.c");
    let folder = tmp("");
    let builds: Vec<(&str, Vec<&str>)> = vec![
        ("archive retargeted at link time", vec![&app, "--in-memory=3", s(&archive)]),
        ("object retargeted at link time", vec![&app, "--in-memory=3", s(&object)]),
        ("archive retargeted by mmtool", vec![&app, s(&retargeted)]),
        ("object compiled with -c --in-memory=3", vec![&app, s(&compiled)]),
        ("-l library", vec![&app, "-L", s(&folder), "--in-memory=3", "-lstock"]),
    ];
    for (what, args) in builds {
        let wasm = tmp("prebuilt.wasm");
        let mut args = args.clone();
        args.extend(["-O2", "-o", s(&wasm)]);
        ok(mmcc(&args));
        let mut got: Vec<String> = String::from_utf8(wasmtime(&wasm, &[], &[], &[]).stdout).unwrap().lines().map(String::from).collect();
        got.sort();
        assert_eq!(got, expected, "{what}");
        let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
        assert!(report.memories[3].data_bytes >= 256, "{what}: the library's data is not in memory 3");
    }
    // Retargeting an already retargeted file into the same memory changes
    // nothing.
    let again = tmp("libstock-m3-again.a");
    ok(Command::new(mmtool).args(["retarget", "--in-memory=3", s(&retargeted), "-o", s(&again)]).output().unwrap());
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&retargeted).unwrap());
}

#[test]
fn a_cxx_library_with_libcxx_and_static_objects() {
    let wasm = tmp("cxx.wasm");
    let o = Command::new(env!("CARGO_BIN_EXE_mmcc"))
        .args(["--driver-mode=g++", "-O2", &src("cxx/app.cpp"), "--in-memory=6", &src("cxx/lib.cpp"), "-o", s(&wasm)])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let reference = tmp("cxx-plain.wasm");
    let o = Command::new("clang++-19")
        .args(["--target=wasm32-wasi", "-fuse-ld=lld", "-O2", "-fno-exceptions", "-isystem"])
        .arg(root().join("runtime/include"))
        .args([src("cxx/app.cpp"), src("cxx/lib.cpp")])
        .arg("-o")
        .arg(&reference)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let expected = String::from_utf8(wasmtime(&reference, &[], &[], &[]).stdout).unwrap();
    assert!(expected.contains("registry constructed") && expected.contains("destroyed with 8 words"), "{expected}");
    let sorted = |s: &str| {
        let mut v: Vec<String> = s.lines().map(String::from).collect();
        v.sort();
        v
    };
    assert_eq!(sorted(&String::from_utf8(wasmtime(&wasm, &[], &[], &[]).stdout).unwrap()), sorted(&expected));
    assert_eq!(sorted(&v8(&wasm, &[], &[]).1), sorted(&expected));
    let report = mmcc::inspect::inspect(&std::fs::read(&wasm).unwrap()).unwrap();
    assert!(report.memories[6].instructions > 1000, "libc++'s code is not in memory 6");
}

#[test]
fn library_code_reads_the_application_memory_through_default_memory() {
    let wasm = tmp("default-memory.wasm");
    ok(mmcc(&["-O2", &src("default_memory/app.c"), "--in-memory=3", &src("default_memory/lib.c"), "-o", s(&wasm)]));
    let reference = tmp("default-memory-plain.wasm");
    plain(&[src("default_memory/app.c"), src("default_memory/lib.c")], &reference);
    let expected = wasmtime(&reference, &[], &[], &[]).stdout;
    assert_eq!(String::from_utf8_lossy(&expected), "sum 15239\ntook 13: read in place\n");
    assert_eq!(wasmtime(&wasm, &[], &[], &[]).stdout, expected);
    assert_eq!(v8(&wasm, &[], &[]).1.as_bytes(), &expected[..]);
    // The library's loads of the caller's buffer name memory 0, its own
    // memory 3.
    let text = wasmprinter::print_bytes(std::fs::read(&wasm).unwrap()).unwrap();
    let body = text.split("(func $__mmcc_in3.lib_sum_caller").nth(1).unwrap().split("(func ").next().unwrap();
    assert!(body.contains("i32.load (memory 0)") || body.contains("i32.load $memory"), "{body}");
    // In library code, a cast between the two memories is an error.
    let e = fails(&["-c", "--in-memory=3", &src("default_memory/bad_cast.c"), "-o", s(&tmp("bad-cast.o"))]);
    assert!(e.contains("bad_cast.c:5") && e.contains("the application's default memory (__default_memory)"), "{e}");
}

/// Runs mmcc expecting failure; returns its stderr.
fn fails(args: &[&str]) -> String {
    let o = mmcc(args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!o.status.success(), "mmcc {args:?} should fail");
    assert!(!stderr.contains("panicked"), "mmcc panicked: {stderr}");
    stderr
}

#[test]
fn bad_inputs_get_clear_errors() {
    let out = tmp("bad.wasm");
    let app = src("basic/app.c");
    let lib = src("basic/lib.c");
    // Numbers that cannot be a library memory.
    assert!(fails(&["--in-memory=256", &lib, "-o", s(&out)]).contains("--in-memory=256: memory numbers go up to 255"));
    assert!(fails(&["--in-memory=20", &lib, "-o", s(&out)]).contains("reserved"));
    assert!(fails(&["--in-memory=three", &lib, "-o", s(&out)]).contains("expected a memory number"));
    // A library memory is the module's own, not the host's.
    let e = fails(&[&app, "--in-memory=3", &lib, "--memory=3:import=env.lib", "-o", s(&out)]);
    assert!(e.contains("memory 3 holds library code") && e.contains("cannot also be imported"), "{e}");
    // Into memory 3, then into memory 4: an error naming both.
    let object = tmp("twice.o");
    ok(mmcc(&["-c", "--in-memory=3", &lib, "-o", s(&object)]));
    let e = fails(&[&app, "--in-memory=4", s(&object), "-o", s(&out)]);
    assert!(e.contains("already retargeted into memory 3") && e.contains("memory 4"), "{e}");
    // Two memories defining the same API.
    let e = fails(&[&app, "--in-memory=3", &lib, "--in-memory=4", &lib, "-o", s(&out)]);
    assert!(e.contains("duplicate symbol") && e.contains("lib_init"), "{e}");
    // Threads: thread-local storage cannot move.
    let e = fails(&["-c", "-pthread", "--in-memory=3", &src("bad/thread_local.c"), "-o", s(&object)]);
    assert!(e.contains("thread_local.c") && e.contains("thread-local"), "{e}");
    // Exceptions and setjmp/longjmp (wasm exception handling), from stock
    // clang: the object and the construct.
    let mmtool = env!("CARGO_BIN_EXE_mmtool");
    for (source, compiler, flags, construct) in [
        ("bad/exceptions.cpp", "clang++-19", "-fwasm-exceptions", "C++ exceptions"),
        ("bad/setjmp.c", "clang-19", "-mllvm -wasm-enable-sjlj", "setjmp/longjmp"),
    ] {
        let stock = tmp("stock-eh.o");
        let o = Command::new(compiler)
            .args(["--target=wasm32-wasi", "-O2", "-c", &src(source), "-o", s(&stock)])
            .args(flags.split(' '))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let o = Command::new(mmtool).args(["retarget", "--in-memory=3", s(&stock), "-o", s(&object)]).output().unwrap();
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && e.contains("stock-eh.o") && e.contains(construct), "{e}");
    }
    // WASI denied: the function and the object that needs it.
    let e = fails(&[&app, "--in-memory=3", &lib, "--memory=3:wasi=deny", "-o", s(&out)]);
    assert!(e.contains("memory 3 may not call WASI (--memory=3:wasi=deny)") && e.contains("`fd_write`"), "{e}");
    // A symbol memory 3's code needs that nothing in memory 3 defines.
    let e = fails(&[&src("bad/notify_app.c"), "--in-memory=3", &src("bad/needs_app.c"), "-o", s(&out)]);
    assert!(e.contains("undefined symbol `app_callback` in memory 3"), "{e}");
    // A library API that the application's C library has too.
    let e = fails(&[&app, "--in-memory=3", &lib, &src("bad/clash.c"), "-o", s(&out)]);
    assert!(e.contains("clash.o, linked into memory 3, defines `strlcpy`") && e.contains("the application's C library defines too"), "{e}");
    // No code in the default memory, code in two library memories.
    let e = fails(&["--in-memory=3", &lib, "--in-memory=4", &src("bad/needs_app.c"), "-o", s(&out)]);
    assert!(e.contains("a whole program lives in one memory"), "{e}");
    // Not an object.
    let garbage = tmp("garbage.o");
    std::fs::write(&garbage, b"\0asm\x01\0\0\0\x01\xff").unwrap();
    let e = fails(&[&app, "--in-memory=3", s(&garbage), "-o", s(&out)]);
    assert!(e.contains("cannot retarget") && e.contains("garbage.o"), "{e}");
    let text = tmp("text.o");
    std::fs::write(&text, b"hello").unwrap();
    let e = fails(&[&app, "--in-memory=3", s(&text), "-o", s(&out)]);
    assert!(e.contains("neither a WebAssembly object nor an archive"), "{e}");
}

#[test]
fn wasi_deny_links_a_library_that_makes_no_wasi_calls() {
    let wasm = tmp("pure.wasm");
    ok(mmcc(&["-O2", &src("bad/pure_app.c"), "--in-memory=5", &src("bad/pure_lib.c"), "--memory=5:wasi=deny", "-o", s(&wasm)]));
    let reference = tmp("pure-plain.wasm");
    plain(&[src("bad/pure_app.c"), src("bad/pure_lib.c")], &reference);
    let expected = wasmtime(&reference, &[], &[], &[]).stdout;
    assert!(String::from_utf8_lossy(&expected).starts_with("checksum "));
    assert_eq!(wasmtime(&wasm, &[], &[], &[]).stdout, expected);
    // No adapter function in the module: nothing of memory 5 reaches WASI.
    let text = wasmprinter::print_bytes(std::fs::read(&wasm).unwrap()).unwrap();
    assert!(!text.contains("__mmcc_wasi5."), "memory 5 has an adapter");
}
