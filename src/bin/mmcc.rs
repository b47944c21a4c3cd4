//! `mmcc` / `mmcc++`: the compiler driver (see mmcc::driver).

use mmcc::driver::{run, Outcome};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args();
    let program = args.next().unwrap_or_default();
    let cxx = std::path::Path::new(&program).file_name().is_some_and(|n| n.to_string_lossy().ends_with("++"));
    let args: Vec<String> = args.collect();
    match run(&args, cxx) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failed(code)) => ExitCode::from(code.clamp(1, 255) as u8),
        Err(e) => {
            eprintln!("mmcc: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
