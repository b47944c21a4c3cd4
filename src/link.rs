//! The link step: clang's link driver with the patched wasm-ld, so crt1,
//! libc, compiler-rt, libc++ and -l/-L work exactly as with clang.

use crate::driver::args::Invocation;
use crate::driver::run_command;
use crate::toolchain::{Toolchain, TRIPLE};
use anyhow::Result;
use std::path::Path;
use std::process::Command;

/// Links `items` (objects, archives, -l/-L flags, in order) into `output`;
/// returns the exit code.
pub fn link(tc: &Toolchain, inv: &Invocation, items: &[String], output: &Path) -> Result<i32> {
    let clang = if inv.cxx_driver { &tc.clangxx } else { &tc.clang };
    let mut cmd = Command::new(clang);
    cmd.arg(format!("--target={TRIPLE}"))
        .arg(format!("--sysroot={}", tc.sysroot.display()))
        .arg(format!("-resource-dir={}", tc.link_resource_dir.display()))
        // clang's wasm driver takes an absolute -fuse-ld= as the linker path.
        .arg(format!("-fuse-ld={}", tc.linker()?.display()));
    if inv.verbose {
        cmd.arg("-v");
    }
    for spec in &inv.memory_specs {
        // Not -Wl,: it would split the spec at its commas.
        cmd.arg("-Xlinker").arg(format!("--mm-memory={spec}"));
    }
    cmd.args(&inv.link_flags).args(items).arg("-o").arg(output);
    run_command(&mut cmd, inv.verbose)
}
