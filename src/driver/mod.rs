//! The `mmcc` driver: runs the pipeline for a clang-style command line.
//!
//! For each C/C++ source: clang-19 (with the mmcc plugin) to optimized
//! bitcode, the memory-indexing pass and LLVM codegen in process, then the
//! object writer. Then, unless `-c`, the patched wasm-ld through clang's own
//! link driver (so `-l`, `-L`, `-nostdlib`, crt files and libc work as with
//! clang).

pub mod args;

use crate::ir::codegen::{compile_bitcode, CodegenOptions, Compiled, Pipeline};
use crate::ir::Features;
use crate::link;
use crate::marker::MemoryKey;
use crate::object;
use crate::toolchain::{Toolchain, TRIPLE};
use anyhow::{bail, Context, Result};
use args::{Input, Invocation, Language, LinkItem, Mode};
use inkwell::OptimizationLevel;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The driver's result: success, or a failure already reported to the user
/// (diagnostics printed), with the exit code to use.
pub enum Outcome {
    Success,
    Failed(i32),
}

pub const HELP: &str = "\
USAGE: mmcc [options] <inputs>   (mmcc++ for C++)

mmcc compiles C and C++ for WebAssembly (wasm32-wasip1) with multiple memories:
a pointer declared __attribute__((address_space(N))) -- or __memory(N) from
<mmcc.h> -- points into memory N, and every access through it uses memory N.

It takes clang's options. Commonly used:
  -c                 compile to a multi-memory object file
  -o <file>          output file
  -O0 -O1 -O2 -O3 -Os -Oz   optimization level
  -g                 debug info
  -I <dir>  -D <macro>[=<value>]  -U <macro>  -std=<standard>  -W<warning>
  -m<feature>        WebAssembly features (-msimd128, -matomics; bulk memory is on)
  -l<lib>  -L<dir>  -Wl,<arg>  -Xlinker <arg>   link options
  -v                 print each stage and command
  -fsyntax-only      check the source (including mmcc's checks) only
  -E                 preprocess only
  -mexec-model=reactor   a library module: no main, exports instead of _start
  --memory=<N>:<opt>,...   declare memory N (or a wasm_memory array by name):
                     min=<pages>, max=<pages>, export=<name>, private, shared,
                     import=<module>.<field> (the host provides it), import-data
  --memory=0:private hide the default memory (a library without WASI calls)
  --in-memory=<K>    the inputs after it (sources, objects, archives, -l) go to
                     memory K with their own stack, heap, C library and WASI
                     (a library in its own memory); --in-memory=0 ends it.
                     For memory K: --memory=K:stack=<size> (default 64K),
                     --memory=K:wasi=deny (any WASI call is a link error)
  -save-temps        keep intermediate files (bitcode, LLVM's object)

Environment: MMCC_ROOT (mmcc's source folder), MMCC_CLANG, MMCC_WASM_LD.
Docs: docs/ in the mmcc source folder.
";

/// Runs mmcc with `args` (without the program name).
pub fn run(args: &[String], cxx_driver: bool) -> Result<Outcome> {
    let inv = args::parse(args, cxx_driver)?;
    if inv.print_help {
        print!("{HELP}");
        return Ok(Outcome::Success);
    }
    if inv.print_version {
        println!("mmcc {} (WebAssembly multi-memory; clang 19, wasm-ld 19 with mmcc patches)", env!("CARGO_PKG_VERSION"));
        println!("Target: {TRIPLE}");
        return Ok(Outcome::Success);
    }
    if inv.inputs.is_empty() {
        bail!("no input files");
    }
    let tc = Toolchain::locate()?;
    let driver = Driver { tc, inv };
    driver.run()
}

struct Driver {
    tc: Toolchain,
    inv: Invocation,
}

impl Driver {
    fn run(&self) -> Result<Outcome> {
        let sources: Vec<&Input> = self.inv.inputs.iter().filter(|i| i.language != Language::Linker).collect();
        match self.inv.mode {
            Mode::Preprocess | Mode::SyntaxOnly => {
                for input in &sources {
                    let status = self.clang_frontend(input, None)?;
                    if status != 0 {
                        return Ok(Outcome::Failed(status));
                    }
                }
                return Ok(Outcome::Success);
            }
            Mode::Compile => {
                if self.inv.output.is_some() && sources.len() > 1 {
                    bail!("cannot specify -o when generating multiple output files");
                }
            }
            Mode::Link => {}
        }

        let temp = TempDir::new(self.inv.save_temps)?;
        let mut failed = false;
        // The object of each source, by its index in the inputs (a file may
        // be given twice, e.g. into two library memories).
        let mut objects: std::collections::HashMap<usize, PathBuf> = std::collections::HashMap::new();
        for (index, input) in self.inv.inputs.iter().enumerate().filter(|(_, i)| i.language != Language::Linker) {
            let object = match self.inv.mode {
                Mode::Compile => self.inv.output.clone().unwrap_or_else(|| object_name(&input.path)),
                _ => temp.path(&input.path, "o"),
            };
            if !self.compile(input, &object, &temp)? {
                failed = true;
                continue;
            }
            objects.insert(index, object);
        }
        if failed {
            return Ok(Outcome::Failed(1));
        }
        if self.inv.mode == Mode::Compile {
            return Ok(Outcome::Success);
        }

        // Link: everything in command-line order, each source replaced by
        // its object.
        let link_items: Vec<(String, u32)> = self
            .inv
            .link_items
            .iter()
            .map(|item| match item {
                LinkItem::Arg(a, memory) => (a.clone(), *memory),
                LinkItem::Source(i) => {
                    let object = &objects[i];
                    // Already retargeted by compile().
                    (object.to_string_lossy().into_owned(), 0)
                }
            })
            .collect();
        let output = self.inv.output.clone().unwrap_or_else(|| PathBuf::from("a.out"));
        let status = link::link(&self.tc, &self.inv, &link_items, &output)?;
        Ok(if status == 0 { Outcome::Success } else { Outcome::Failed(status) })
    }

    /// Runs clang's front end for -E / -fsyntax-only.
    fn clang_frontend(&self, input: &Input, output: Option<&Path>) -> Result<i32> {
        let mut cmd = self.clang_command(input);
        match self.inv.mode {
            Mode::Preprocess => {
                cmd.arg("-E");
            }
            _ => {
                cmd.arg("-fsyntax-only");
            }
        }
        if let Some(o) = output.or(self.inv.output.as_deref()) {
            cmd.arg("-o").arg(o);
        }
        cmd.args(language_flag(input)).arg(&input.path);
        run_command(&mut cmd, self.inv.verbose)
    }

    /// clang-19 with the target, sysroot, plugin, runtime headers and the
    /// user's compile flags.
    fn clang_command(&self, input: &Input) -> Command {
        let clang = if input.language == Language::Cxx { &self.tc.clangxx } else { &self.tc.clang };
        let mut cmd = Command::new(clang);
        cmd.arg(format!("--target={TRIPLE}"))
            .arg(format!("--sysroot={}", self.tc.sysroot.display()))
            .arg(format!("-fplugin={}", self.tc.plugin.display()));
        if input.language == Language::Cxx {
            cmd.arg("-isystem").arg(&self.tc.runtime_libcxx);
        }
        cmd.arg("-isystem")
            .arg(&self.tc.runtime_include)
            .arg("-D__mmcc__=1")
            // Copies between memories need memory.copy; users can still say
            // -mno-bulk-memory (their flags come after ours).
            .arg("-mbulk-memory");
        if input.language == Language::Cxx {
            cmd.arg("-fno-exceptions");
        }
        if input.memory != 0 {
            // Code compiled into a library memory can tell (and <mmcc.h>'s
            // __default_memory then differs from an unqualified pointer).
            cmd.arg(format!("-D__MMCC_IN_MEMORY__={}", input.memory));
        }
        cmd.args(&self.inv.compile_flags);
        cmd
    }

    /// Compiles one source to a multi-memory object. Returns false if the
    /// program had errors (already reported).
    fn compile(&self, input: &Input, object: &Path, temp: &TempDir) -> Result<bool> {
        let bitcode = temp.path(&input.path, "bc");
        let mut cmd = self.clang_command(input);
        if !self.inv.debug_info {
            // Line tables let the pass report file:line:col; they are
            // stripped before code generation, so the code is unchanged.
            cmd.arg("-gline-tables-only");
        }
        // Dependency files name the object mmcc writes, not the bitcode in
        // between, and sit beside it, as with clang.
        let flag = |names: &[&str]| self.inv.compile_flags.iter().any(|f| names.iter().any(|n| f.starts_with(n)));
        if flag(&["-MD", "-MMD"]) {
            if !flag(&["-MT", "-MQ"]) {
                cmd.arg("-MT").arg(object);
            }
            if !flag(&["-MF"]) {
                cmd.arg("-MF").arg(object.with_extension("d"));
            }
        }
        // mmcc runs LLVM's optimizer itself, after giving every memory
        // access its memory's alias scope (src/ir/alias.rs); clang's
        // front end still compiles for the -O level (TBAA, lifetimes,
        // inlining hints).
        let pipeline = Pipeline::for_flags(&self.inv.opt_level, &self.inv.compile_flags);
        if pipeline.is_some() {
            cmd.arg("-Xclang").arg("-disable-llvm-optzns");
        }
        cmd.arg("-c").arg("-emit-llvm").arg("-o").arg(&bitcode).args(language_flag(input)).arg(&input.path);
        if run_command(&mut cmd, self.inv.verbose)? != 0 {
            return Ok(false);
        }

        let bytes = std::fs::read(&bitcode).with_context(|| format!("cannot read {}", bitcode.display()))?;
        let options = CodegenOptions {
            opt_level: match self.inv.opt_level.as_str() {
                "0" => OptimizationLevel::None,
                "1" | "g" => OptimizationLevel::Less,
                "3" | "fast" => OptimizationLevel::Aggressive,
                _ => OptimizationLevel::Default,
            },
            debug_info: self.inv.debug_info,
            save_ir: self.inv.save_temps.then(|| temp.path(&input.path, "mm.ll")),
            features: Features {
                bulk_memory: self.inv.feature("bulk-memory", true),
                simd128: self.inv.feature("simd128", false) || self.inv.feature("relaxed-simd", false),
                atomics: self.inv.feature("atomics", false) || self.inv.compile_flags.iter().any(|f| f == "-pthread"),
                library_memory: (input.memory != 0).then_some(input.memory),
            },
            pipeline,
        };
        if self.inv.verbose {
            eprintln!("mmcc: memory-indexing pass and code generation: {} -> object", bitcode.display());
        }
        let name = input.path.to_string_lossy();
        let (llvm_object, summary) = match compile_bitcode(&bytes, &name, &options)? {
            Compiled::Object { bytes, summary } => (bytes, summary),
            Compiled::Diagnostics(diags) => {
                for d in &diags {
                    eprintln!("{d}");
                }
                eprintln!("{} error{} generated.", diags.len(), if diags.len() == 1 { "" } else { "s" });
                return Ok(false);
            }
        };
        if self.inv.save_temps {
            std::fs::write(temp.path(&input.path, "llvm.o"), &llvm_object)?;
        }
        let declarations: object::Declarations = summary
            .arrays
            .iter()
            .map(|a| (MemoryKey::Named(a.key.clone()), (a.declaration.clone(), Some(a.array.clone()))))
            .chain(summary.declarations.iter().map(|(n, d)| (MemoryKey::Numbered(*n), (d.declaration.clone(), None))))
            .collect();
        let (multi, written) = object::rewrite(&llvm_object, &declarations)
            .with_context(|| format!("internal error: the object writer failed on {name}"))?;
        if self.inv.verbose {
            eprintln!(
                "mmcc: object writer: {} memory-indexed instruction(s) ({} marker(s) in IR), memories {:?} -> {}",
                written.instructions,
                summary.markers,
                written.memories.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
                object.display()
            );
        }
        // `--in-memory=K`: compiled as usual, then moved into memory K.
        let multi = if input.memory != 0 {
            match crate::object::retarget::retarget(&multi, input.memory, crate::object::retarget::Role::Api) {
                Ok((bytes, summary)) => {
                    if self.inv.verbose {
                        eprintln!(
                            "mmcc: retargeted into memory {}: {} instruction(s), WASI calls {:?}",
                            input.memory, summary.instructions, summary.wasi_functions
                        );
                    }
                    bytes
                }
                Err(e) => {
                    eprintln!("{name}: error: cannot compile this file into memory {}: {e:#}", input.memory);
                    return Ok(false);
                }
            }
        } else {
            multi
        };
        std::fs::write(object, multi).with_context(|| format!("cannot write {}", object.display()))?;
        Ok(true)
    }
}

/// `-x c` / `-x c++` before an input, so that clang compiles it as the
/// language mmcc decided (`-x` on mmcc's command line, `mmcc++` for `.c`
/// files, standard input), whatever its name says; preprocessed files
/// (`.i`, `.ii`) keep clang's own handling.
fn language_flag(input: &Input) -> Vec<&'static str> {
    let ext = input.path.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    if matches!(ext.as_str(), "i" | "ii") {
        return Vec::new();
    }
    match input.language {
        Language::C => vec!["-x", "c"],
        Language::Cxx => vec!["-x", "c++"],
        Language::Linker => Vec::new(),
    }
}

/// Runs a command like [`run_command`], passing each line it writes to
/// stderr through `explain`.
pub fn run_command_filtered(cmd: &mut Command, verbose: bool, explain: impl Fn(&str) -> String) -> Result<i32> {
    if verbose {
        eprintln!(" \"{}\" ...", cmd.get_program().to_string_lossy());
    }
    let output = cmd
        .stdout(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::piped())
        .output()
        .with_context(|| format!("cannot run {}", cmd.get_program().to_string_lossy()))?;
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        eprintln!("{}", explain(line));
    }
    Ok(output.status.code().unwrap_or(1))
}

/// Runs a command, echoing it with -v; returns its exit code.
pub fn run_command(cmd: &mut Command, verbose: bool) -> Result<i32> {
    if verbose {
        let mut line = cmd.get_program().to_string_lossy().into_owned();
        for a in cmd.get_args() {
            line.push(' ');
            line.push_str(&a.to_string_lossy());
        }
        eprintln!(" \"{line}\"");
    }
    let status = cmd.status().with_context(|| format!("cannot run {}", cmd.get_program().to_string_lossy()))?;
    Ok(status.code().unwrap_or(1))
}

/// `dir/name.c` -> `name.o` (in the current folder, as clang does).
fn object_name(source: &Path) -> PathBuf {
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    PathBuf::from(format!("{stem}.o"))
}

/// Intermediate files: a private folder, removed unless -save-temps (then
/// the files go to the current folder, like clang's).
pub struct TempDir {
    dir: PathBuf,
    keep: bool,
}

impl TempDir {
    pub fn new(keep: bool) -> Result<TempDir> {
        if keep {
            return Ok(TempDir { dir: PathBuf::from("."), keep });
        }
        let base = std::env::temp_dir();
        for n in 0..1000u32 {
            let dir = base.join(format!("mmcc-{}-{n}", std::process::id()));
            if std::fs::create_dir(&dir).is_ok() {
                return Ok(TempDir { dir, keep });
            }
        }
        bail!("cannot create a temporary folder in {}", base.display())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, source: &Path, ext: &str) -> PathBuf {
        let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let mut p = self.dir.join(format!("{stem}.{ext}"));
        let mut n = 1;
        while !self.keep && p.exists() {
            p = self.dir.join(format!("{stem}-{n}.{ext}"));
            n += 1;
        }
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
