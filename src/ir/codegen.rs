//! From clang's bitcode to a wasm object: load the module, give its memory
//! accesses their alias facts and run LLVM's optimizer (as clang would have),
//! run the memory-indexing pass, generate code with LLVM's WebAssembly
//! backend.

use super::{lower_module, Diagnostic, Features, Summary};
use anyhow::{anyhow, Context as _, Result};
use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetTriple};
use inkwell::values::AsValueRef;
use inkwell::OptimizationLevel;
use llvm_sys::core::LLVMGetStringAttributeAtIndex;
use std::sync::Once;

/// How to generate code.
#[derive(Clone, Debug)]
pub struct CodegenOptions {
    pub opt_level: OptimizationLevel,
    /// Keep debug info (`-g`); otherwise the line tables the driver asked
    /// clang for (to locate diagnostics) are stripped after the pass.
    pub debug_info: bool,
    pub features: Features,
    /// Write the IR after the memory-indexing pass here (`-save-temps`).
    pub save_ir: Option<std::path::PathBuf>,
    /// Run LLVM's optimizer on the bitcode first: clang was asked for
    /// unoptimized IR (`-disable-llvm-optzns`), so that the alias facts of
    /// [`super::alias`] are there before the optimizer looks. `None` at -O0
    /// (clang's -O0 output is final).
    pub pipeline: Option<Pipeline>,
}

/// LLVM's optimizer as clang-19 runs it (clang's BackendUtil): the default
/// per-module pipeline of the level, with clang's tuning options. On a
/// module with one memory the result is exactly clang's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// `O1`, `O2`, `O3`, `Os` or `Oz`.
    pub level: &'static str,
    /// clang's `-vectorize-loops` (on at -O2, -O3, -Os; `-f[no-]vectorize`).
    pub loop_vectorize: bool,
    /// clang's `-vectorize-slp` (on at -O2, -O3, -Os, -Oz; `-f[no-]slp-vectorize`).
    pub slp_vectorize: bool,
    /// clang's `UnrollLoops` (on from -O2, including -Os/-Oz;
    /// `-f[no-]unroll-loops`), which also sets loop interleaving.
    pub unroll_loops: bool,
}

impl Pipeline {
    /// The pipeline of clang's `-O<level>` with the user's `-f` flags (last
    /// one wins, as in clang), or `None` for -O0.
    pub fn for_flags(level: &str, flags: &[String]) -> Option<Pipeline> {
        let (level, mut loop_vectorize, mut slp_vectorize, mut unroll_loops) = match level {
            "0" => return None,
            "1" | "g" => ("O1", false, false, false),
            "3" | "fast" => ("O3", true, true, true),
            "s" => ("Os", true, true, true),
            "z" => ("Oz", false, true, true),
            _ => ("O2", true, true, true),
        };
        for flag in flags {
            match flag.as_str() {
                "-fvectorize" | "-ftree-vectorize" => loop_vectorize = true,
                "-fno-vectorize" | "-fno-tree-vectorize" => loop_vectorize = false,
                "-fslp-vectorize" | "-ftree-slp-vectorize" => slp_vectorize = true,
                "-fno-slp-vectorize" | "-fno-tree-slp-vectorize" => slp_vectorize = false,
                "-funroll-loops" => unroll_loops = true,
                "-fno-unroll-loops" => unroll_loops = false,
                _ => {}
            }
        }
        Some(Pipeline { level, loop_vectorize, slp_vectorize, unroll_loops })
    }
}

/// The outcome of compiling one module.
pub enum Compiled {
    Object { bytes: Vec<u8>, summary: Summary },
    /// Errors in the user's program.
    Diagnostics(Vec<Diagnostic>),
}

/// Compiles bitcode (from `clang -emit-llvm -c`) to a wasm object whose
/// memory-N operations are marker calls.
pub fn compile_bitcode(bitcode: &[u8], name: &str, options: &CodegenOptions) -> Result<Compiled> {
    static INIT: Once = Once::new();
    INIT.call_once(|| Target::initialize_webassembly(&InitializationConfig::default()));

    let context = Context::create();
    // As clang does: the optimizer's names for values (`vector.body`,
    // `%indvars.iv`) are never seen, and keeping them costs time.
    unsafe { llvm_sys::core::LLVMContextSetDiscardValueNames(context.raw(), 1) };
    let buffer = MemoryBuffer::create_from_memory_range_copy(bitcode, name);
    let module = Module::parse_bitcode_from_buffer(&buffer, &context)
        .map_err(|e| anyhow!("cannot read the bitcode clang produced for {name}: {e}"))?;
    let triple = module.get_triple();
    let triple_str = triple.as_str().to_string_lossy().into_owned();
    if !triple_str.starts_with("wasm32") {
        return Err(anyhow!("{name}: expected a wasm32 module, got target `{triple_str}`"));
    }
    let target = Target::from_triple(&triple).map_err(|e| anyhow!("LLVM has no WebAssembly target: {e}"))?;
    let features = target_features(&module);
    let machine = target
        .create_target_machine(
            &TargetTriple::create(&triple_str),
            "generic",
            &features,
            options.opt_level,
            RelocMode::Static,
            CodeModel::Default,
        )
        .context("cannot create the WebAssembly target machine")?;
    let td = machine.get_target_data();

    if let Some(pipeline) = &options.pipeline {
        unsafe {
            super::alias::add_memory_scopes(module.as_mut_ptr(), options.features.library_memory);
            super::wasm_memory::keep_arrays_whole(module.as_mut_ptr());
        }
        let tuning = PassBuilderOptions::create();
        tuning.set_loop_vectorization(pipeline.loop_vectorize);
        tuning.set_loop_slp_vectorization(pipeline.slp_vectorize);
        tuning.set_loop_unrolling(pipeline.unroll_loops);
        tuning.set_loop_interleaving(pipeline.unroll_loops);
        module
            .run_passes(&format!("default<{}>", pipeline.level), &machine, tuning)
            .map_err(|e| anyhow!("LLVM's optimizer failed on {name}: {}", e.to_string()))?;
    }

    let summary = match unsafe { lower_module(module.as_mut_ptr(), td.as_mut_ptr(), options.features) } {
        Ok(summary) => summary,
        Err(diagnostics) => return Ok(Compiled::Diagnostics(diagnostics)),
    };
    if let Err(e) = module.verify() {
        return Err(anyhow!("internal error: the memory-indexing pass produced invalid IR for {name}: {}", e.to_string()));
    }
    if !options.debug_info {
        unsafe { llvm_sys::debuginfo::LLVMStripModuleDebugInfo(module.as_mut_ptr()) };
    }
    if let Some(path) = &options.save_ir {
        module.print_to_file(path).map_err(|e| anyhow!("cannot write {}: {e}", path.display()))?;
    }
    let object = machine
        .write_to_memory_buffer(&module, FileType::Object)
        .map_err(|e| anyhow!("LLVM code generation failed for {name}: {e}"))?;
    Ok(Compiled::Object { bytes: object.as_slice().to_vec(), summary })
}

/// The `target-features` clang put on the module's functions (they reflect
/// `-m...` flags); the target machine gets the same, so the object's
/// `target_features` section is what clang would write.
fn target_features(module: &Module) -> String {
    let mut f = module.get_first_function();
    while let Some(function) = f {
        let key = "target-features";
        let attr = unsafe {
            LLVMGetStringAttributeAtIndex(function.as_value_ref(), u32::MAX, key.as_ptr() as *const _, key.len() as u32)
        };
        if !attr.is_null() {
            let mut len = 0;
            let p = unsafe { llvm_sys::core::LLVMGetStringAttributeValue(attr, &mut len) };
            let bytes = unsafe { std::slice::from_raw_parts(p as *const u8, len as usize) };
            return String::from_utf8_lossy(bytes).into_owned();
        }
        f = function.get_next_function();
    }
    String::new()
}
