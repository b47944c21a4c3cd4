//! Malformed input never panics: the object writer and `mmtool inspect` are
//! fed every truncation and thousands of byte mutations of real objects and
//! modules; each must return a result or an error, never crash.

mod common;

use common::{mmcc, ok, root, tmp};

/// Deterministic pseudo-random numbers (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn inputs() -> Vec<(String, Vec<u8>)> {
    let src = root().join("tests/programs/globals.c");
    let dir = tmp("robust");
    std::fs::create_dir_all(&dir).unwrap();
    // -save-temps writes LLVM's object (with markers) next to the output.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_mmcc"))
        .current_dir(&dir)
        .args(["-O2", "-c", "-save-temps", src.to_str().unwrap(), "-o", "globals.o"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let wasm = tmp("robust.wasm");
    ok(mmcc(&["-O2", root().join("tests/programs/copies.c").to_str().unwrap(), "-o", wasm.to_str().unwrap()]));
    vec![
        ("LLVM object with markers".into(), std::fs::read(dir.join("globals.llvm.o")).unwrap()),
        ("multi-memory object".into(), std::fs::read(dir.join("globals.o")).unwrap()),
        ("linked module".into(), std::fs::read(&wasm).unwrap()),
    ]
}

fn exercise(bytes: &[u8]) {
    let _ = mmcc::object::rewrite(bytes, &Default::default());
    let _ = mmcc::inspect::inspect(bytes);
}

#[test]
fn truncated_and_mutated_inputs_give_errors_not_panics() {
    let mut rng = Rng(0x2545F4914F6CDD1D);
    for (what, original) in inputs() {
        // The untouched input works.
        assert!(mmcc::inspect::inspect(&original).is_ok(), "{what}");
        for len in (0..original.len()).step_by(7) {
            let r = std::panic::catch_unwind(|| exercise(&original[..len]));
            assert!(r.is_ok(), "{what} truncated to {len} bytes: panic");
        }
        for round in 0..3000 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() % bytes.len() as u64) as usize;
                bytes[at] = rng.next() as u8;
            }
            let r = std::panic::catch_unwind(|| exercise(&bytes));
            assert!(r.is_ok(), "{what}, mutation round {round}: panic");
        }
    }
}
