//! The link step: clang's link driver with the patched wasm-ld, so crt1,
//! libc, compiler-rt, libc++ and -l/-L work exactly as with clang.

use crate::driver::args::Invocation;
use crate::driver::run_command;
use crate::toolchain::{Toolchain, TRIPLE};
use crate::finalize::{self, MemoryImport};
use crate::object::retarget::Role;
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

pub mod arrays;
pub mod inputs;
pub mod library;
pub mod runtime;
pub mod wasi;

/// Links `items` (objects, archives, -l/-L flags, in order, each with the
/// memory `--in-memory=` put it in) into `output`; returns the exit code.
pub fn link(tc: &Toolchain, inv: &Invocation, items: &[(String, u32)], output: &Path) -> Result<i32> {
    // Library code is retargeted into its memory as it is linked.
    let temp = crate::driver::TempDir::new(false)?;
    let plan = match library::plan(tc, items, temp.dir()) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("mmcc: error: {e:#}");
            return Ok(1);
        }
    };
    let items = &plan.items;
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
    // `--memory=<N>:...` names a numbered memory, `--memory=<array>:...` a
    // wasm_memory array's memory. Named memories are numbered after every
    // memory the command line numbers.
    let number_of = |spec: &String| spec.split_once(':')?.0.parse::<u32>().ok();
    let numbered: Vec<u32> = inv.memory_specs.iter().filter_map(number_of).collect();
    let objects = inputs::input_objects(items);
    if let Err(e) = inputs::check(&objects, temp.dir()) {
        eprintln!("mmcc: error: {e:#}");
        return Ok(1);
    }
    let declared = match arrays::plan(&objects, &numbered) {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("mmcc: error: {e:#}");
            return Ok(1);
        }
    };
    let mut specs = Vec::new();
    for spec in &inv.memory_specs {
        specs.push(if number_of(spec).is_some() { spec.clone() } else { declared.numbered_spec(spec)? });
    }
    let MemorySpecs { linker: linker_specs, imports: command_line_imports, default_private, wasi_denied } =
        split_memory_specs(&specs)?;
    for flag in &declared.linker_flags {
        cmd.arg("-Xlinker").arg(flag);
    }
    // Memories imported by their declarations in the source (arrays and
    // numbered memories), unless the command line imports them itself.
    cmd.arg("-Xlinker").arg("--mm-driver-imports");
    let mut imports: Vec<MemoryImport> =
        declared.imports.iter().cloned().filter(|i| !command_line_imports.iter().any(|c| c.memory == i.memory)).collect();
    imports.extend(command_line_imports);
    // An `export=` on the command line keeps an imported memory exported.
    for import in &mut imports {
        let prefix = format!("{}:", import.memory);
        import.keep_export |= linker_specs.iter().any(|s| s.strip_prefix(&prefix).is_some_and(|o| o.split(',').any(|o| o.starts_with("export="))));
    }
    // A library memory is the module's own.
    for import in &imports {
        if plan.memories.contains_key(&import.memory) {
            eprintln!(
                "mmcc: error: memory {} holds library code (--in-memory={}, from {}) and cannot also be imported from {}.{}",
                import.memory, import.memory, plan.memories[&import.memory].origins[0], import.module, import.field
            );
            return Ok(1);
        }
    }
    for spec in &linker_specs {
        // Not -Wl,: it would split the spec at its commas.
        cmd.arg("-Xlinker").arg(format!("--mm-memory={spec}"));
    }
    if plan.whole_program.is_some() {
        // The program's start files are memory K's.
        cmd.arg("-nostartfiles");
    }
    // The end of each imported memory's static data, so finalize can tell
    // whether the module would write into the host's memory (it removes
    // these exports again).
    for import in &imports {
        cmd.arg(format!("-Wl,--export-if-defined={}{}", finalize::HEAP_BASE_PREFIX, import.memory));
    }
    cmd.args(&inv.link_flags).args(items);
    // Each memory whose heap or string functions the program calls gets its
    // runtime, after the user's inputs (the C library comes later still).
    for memory in runtime::memories_needed(&objects) {
        let runtime = runtime::objects_for(tc, inv, memory, plan.memories.contains_key(&memory))?;
        match plan.whole_program {
            // A whole program in memory K keeps nothing in the default
            // memory: the runtimes' own state goes to memory K too.
            Some(k) => {
                for object in runtime {
                    cmd.arg(library::retargeted_copy(&runtime::cache_dir(tc)?, &object, k, Role::Internal, runtime::cache_stamp(tc)?)?);
                }
            }
            None => {
                cmd.args(runtime);
            }
        }
    }
    // Each library memory's start files, adapter, exit hook and C library.
    for &memory in plan.memories.keys() {
        let whole_program = plan.whole_program == Some(memory);
        cmd.args(library::memory_objects(tc, inv, memory, whole_program, !wasi_denied.contains(&memory))?);
    }
    cmd.arg("-o").arg(output);
    let status = if plan.memories.is_empty() {
        run_command(&mut cmd, inv.verbose)?
    } else {
        crate::driver::run_command_filtered(&mut cmd, inv.verbose, |line| library::explain_linker_message(line, &wasi_denied))?
    };
    if status != 0 {
        return Ok(status);
    }
    // Memories the host provides: the linker defined them; move them into
    // the import section, and name every memory after its source (see
    // finalize.rs).
    let bytes = std::fs::read(output).with_context(|| format!("cannot read {}", output.display()))?;
    let array_names: BTreeMap<u32, &str> = declared
        .names
        .iter()
        .flat_map(|(name, keys)| keys.iter().filter_map(|key| Some((*declared.numbers.get(key)?, name.as_str()))))
        .collect();
    let source_name = |memory: u32| match (memory, array_names.get(&memory)) {
        (0, _) => "memory".to_string(),
        (_, Some(name)) => name.to_string(),
        (n, None) => format!("memory{n}"),
    };
    match finalize::finish(&bytes, &imports, default_private, !inv.debug_info, source_name) {
        Ok(module) => {
            if inv.verbose {
                for i in &imports {
                    eprintln!("mmcc: finalize: memory {} imported from {}.{}", i.memory, i.module, i.field);
                }
            }
            let module = if inv.single_memory {
                match crate::lowering::lower(&module, &Default::default()) {
                    Ok(lowered) => {
                        for warning in &lowered.warnings {
                            eprintln!("mmcc: warning: -mno-multimemory: {warning}");
                        }
                        lowered.wasm
                    }
                    Err(e) => {
                        let _ = std::fs::remove_file(output);
                        eprintln!("mmcc: error: -mno-multimemory: cannot lower the program to one memory: {e:#}");
                        return Ok(1);
                    }
                }
            } else {
                module
            };
            std::fs::write(output, module).with_context(|| format!("cannot write {}", output.display()))?;
            Ok(0)
        }
        Err(e) => {
            let _ = std::fs::remove_file(output);
            eprintln!("mmcc: error: {e:#}");
            Ok(1)
        }
    }
}

/// What `--memory=N:...` specs ask of the link.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MemorySpecs {
    /// `--mm-memory=` specs for the linker.
    pub linker: Vec<String>,
    /// Memories finalize moves to the imports (`import=module.field`).
    pub imports: Vec<MemoryImport>,
    /// `--memory=0:private`: finalize drops the default memory's export.
    pub default_private: bool,
    /// `--memory=K:wasi=deny`: library memories whose code may not call WASI.
    pub wasi_denied: std::collections::BTreeSet<u32>,
}

/// `65536`, `64K`, `1M`, `4G`: a size in bytes.
pub fn parse_size(s: &str) -> Result<u64> {
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let n: u64 = digits.parse()?;
    let scale = match unit {
        "" => 1,
        "K" | "k" | "KiB" => 1 << 10,
        "M" | "m" | "MiB" => 1 << 20,
        "G" | "g" | "GiB" => 1 << 30,
        _ => bail!("unknown unit `{unit}`"),
    };
    n.checked_mul(scale).context("too large")
}

/// Splits `--memory=N:...` specs into what the linker takes and what
/// finalize carries out (`import=module.field`, `import-data`, a private
/// default memory).
pub fn split_memory_specs(specs: &[String]) -> Result<MemorySpecs> {
    let mut out = MemorySpecs::default();
    for spec in specs {
        let Some((number, options)) = spec.split_once(':') else {
            bail!("--memory={spec}: expected --memory=<N>:<option>[,<option>...]");
        };
        let memory: u32 = number
            .parse()
            .with_context(|| format!("--memory={spec}: `{number}` is neither a memory number nor a wasm_memory array of this link"))?;
        if memory == 0 {
            // The linker sets the default memory up itself (-Wl,--initial-memory=,
            // --max-memory=, --import-memory, --shared-memory); only hiding it
            // is mmcc's.
            if options.split(',').any(|o| o != "private") {
                bail!(
                    "--memory={spec}: the default memory takes only `private` here; its size is set with \
                     -Wl,--initial-memory=BYTES and -Wl,--max-memory=BYTES, importing it with -Wl,--import-memory"
                );
            }
            out.default_private = true;
            continue;
        }
        let mut rest: Vec<String> = Vec::new();
        let mut import: Option<(String, String)> = None;
        let mut allow_data = false;
        for option in options.split(',') {
            if let Some(name) = option.strip_prefix("import=") {
                let Some((module, field)) = name.split_once('.') else {
                    bail!("--memory={spec}: import= takes <module>.<field>, e.g. import=env.user");
                };
                import = Some((module.to_string(), field.to_string()));
            } else if option == "import-data" {
                allow_data = true;
            } else if let Some(policy) = option.strip_prefix("wasi=") {
                match policy {
                    "deny" => {
                        out.wasi_denied.insert(memory);
                    }
                    "allow" => {
                        out.wasi_denied.remove(&memory);
                    }
                    _ => bail!("--memory={spec}: wasi= takes `deny` or `allow`"),
                }
            } else if let Some(size) = option.strip_prefix("stack=") {
                let bytes = parse_size(size).with_context(|| format!("--memory={spec}: stack= takes a size in bytes, e.g. stack=65536, stack=256K or stack=1M"))?;
                if bytes == 0 || bytes % 16 != 0 || bytes > u32::MAX as u64 {
                    bail!("--memory={spec}: the stack size must be a positive multiple of 16 bytes below 4 GiB");
                }
                rest.push(format!("stack={bytes}"));
            } else {
                rest.push(option.to_string());
            }
        }
        match import {
            // Whether an `export=` keeps it exported is the link's to say
            // (the source may ask too).
            Some((module, field)) => out.imports.push(MemoryImport { memory, module, field, allow_data, keep_export: false }),
            None if allow_data => bail!("--memory={spec}: `import-data` goes with `import=`"),
            None => {}
        }
        if !rest.is_empty() {
            out.linker.push(format!("{memory}:{}", rest.join(",")));
        }
    }
    Ok(out)
}
