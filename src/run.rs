//! Running modules in process on wasmtime or wasmi, with WASI preview 1
//! (`mmtool run [--engine=wasmi]`, and the test suite's in-process engines).

use anyhow::{Context, Result};
use std::sync::{Arc, RwLock};
use wasmi_wasi::wasi_common::pipe::WritePipe;
use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

/// The in-process engine a module runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineKind {
    /// wasmtime's compiler (Cranelift): every feature mmcc's output uses.
    #[default]
    Wasmtime,
    /// wasmi's interpreter: an independent implementation of multi-memory,
    /// without threads (no shared memories or atomic instructions).
    Wasmi,
    /// wasmtime with multi-memory turned off: an engine for modules lowered
    /// to one memory (`mmtool lower`, docs/lowering.md).
    WasmtimeSingleMemory,
}

/// A module the chosen engine cannot run for a reason read from the module
/// (so a caller can tell "not supported" from a wrong result or a trap).
#[derive(Debug)]
pub struct Unsupported(pub String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The engine (wasmtime unless asked).
    pub engine: EngineKind,
    /// argv[1..] for the program (argv[0] is the module's name).
    pub args: Vec<String>,
    /// Host directories to make visible: (host path, guest path).
    pub dirs: Vec<(String, String)>,
    /// Capture stdout/stderr instead of inheriting them.
    pub capture: bool,
    /// Initial bytes of memories the module imports, by `module.field`:
    /// the host grows the memory to fit them (within its maximum) and
    /// writes them at address 0 before the program starts.
    pub import_data: Vec<(String, Vec<u8>)>,
    /// Environment variables of the program (none by default).
    pub env: Vec<(String, String)>,
}

/// What a run produced.
#[derive(Clone, Debug, Default)]
pub struct RunResult {
    pub exit_code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Every exported memory's bytes after the run, by export name, and
    /// every memory the host provided, as `import:<module>.<field>`.
    pub memories: Vec<(String, Vec<u8>)>,
}

/// The guard region after (and before) each memory: every 32-bit static
/// offset fits in it, plus wasmtime's default 32 MiB, so that memories
/// stay 4 GiB + 64 MiB apart modulo 4 GiB, as with the default guards:
/// data of two memories at the same address would otherwise share cache
/// sets (docs/benchmarks.md, "Where V8 puts the memories").
pub const GUARD_BYTES: u64 = (1 << 32) + (32 << 20);

/// An engine with the features mmcc's output may use.
pub fn engine() -> Result<Engine> {
    engine_with_multi_memory(true)
}

/// The same engine, with multi-memory on or off.
pub fn engine_with_multi_memory(multi_memory: bool) -> Result<Engine> {
    let mut config = Config::new();
    config.wasm_multi_memory(multi_memory).wasm_bulk_memory(true).wasm_simd(true).wasm_threads(true).shared_memory(true);
    // With wasmtime's default guard (32 MiB) an access whose static offset
    // is beyond the guard gets an explicit bounds check; a lowered module's
    // accesses to its top memory carry that memory's slot base (usually
    // more than 32 MiB) in their offset (docs/lowering.md#speed). V8
    // reserves guards for every 32-bit offset; so does this engine. It is
    // address space reserved, not memory.
    config.memory_guard_size(GUARD_BYTES);
    Engine::new(&config).map_err(anyhow::Error::from).context("cannot create the wasmtime engine")
}

/// Instantiates a WASI command module and runs `_start` on the engine
/// `options` names.
pub fn run_module(name: &str, bytes: &[u8], options: &RunOptions) -> Result<RunResult> {
    match options.engine {
        EngineKind::Wasmtime | EngineKind::WasmtimeSingleMemory => run_wasmtime(name, bytes, options),
        EngineKind::Wasmi => run_wasmi(name, bytes, options),
    }
}

fn run_wasmtime(name: &str, bytes: &[u8], options: &RunOptions) -> Result<RunResult> {
    let engine = engine_with_multi_memory(options.engine != EngineKind::WasmtimeSingleMemory)?;
    let module = Module::new(&engine, bytes).map_err(anyhow::Error::from).with_context(|| format!("{name} is not a valid module for wasmtime"))?;
    let mut builder = WasiCtxBuilder::new();
    let mut argv = vec![name.to_string()];
    argv.extend(options.args.iter().cloned());
    builder.args(&argv);
    for (name, value) in &options.env {
        builder.env(name, value);
    }
    for (host, guest) in &options.dirs {
        builder
            .preopened_dir(host, guest, wasmtime_wasi::FsPerms::ReadWrite)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("cannot open directory {host}"))?;
    }
    let (stdout, stderr) = (MemoryOutputPipe::new(usize::MAX), MemoryOutputPipe::new(usize::MAX));
    if options.capture {
        builder.stdout(stdout.clone()).stderr(stderr.clone());
    } else {
        builder.inherit_stdio();
    }
    let wasi: WasiP1Ctx = builder.build_p1();
    let mut store = Store::new(&engine, wasi);
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx).map_err(anyhow::Error::from)?;
    // Memories the module imports (other than from WASI): the host makes
    // them, at the size the module asks for, and they are reported after
    // the run under `import:<module>.<field>`.
    let mut host_memories = Vec::new();
    for import in module.imports() {
        if let wasmtime::ExternType::Memory(mut ty) = import.ty() {
            let key = format!("{}.{}", import.module(), import.name());
            let data = options.import_data.iter().find(|(k, _)| *k == key).map(|(_, d)| d.as_slice());
            if let Some(data) = data {
                let pages = (data.len() as u64).div_ceil(65536).max(ty.minimum());
                if ty.maximum().is_some_and(|max| pages > max) {
                    anyhow::bail!("{} bytes for memory {key} need {pages} pages, more than its maximum {}", data.len(), ty.maximum().unwrap_or(0));
                }
                ty = wasmtime::MemoryTypeBuilder::new()
                    .min(pages)
                    .max(ty.maximum())
                    .shared(ty.is_shared())
                    .memory64(ty.is_64())
                    .build()
                    .map_err(anyhow::Error::from)?;
            }
            let name = format!("import:{key}");
            if ty.is_shared() {
                let memory = wasmtime::SharedMemory::new(&engine, ty).map_err(anyhow::Error::from)?;
                for (i, byte) in data.unwrap_or_default().iter().enumerate() {
                    unsafe { *memory.data()[i].get() = *byte };
                }
                linker.define(&store, import.module(), import.name(), memory.clone()).map_err(anyhow::Error::from)?;
                host_memories.push((name, None, Some(memory)));
            } else {
                let memory = wasmtime::Memory::new(&mut store, ty).map_err(anyhow::Error::from)?;
                memory.data_mut(&mut store)[..data.map_or(0, <[u8]>::len)].copy_from_slice(data.unwrap_or_default());
                linker.define(&store, import.module(), import.name(), memory).map_err(anyhow::Error::from)?;
                host_memories.push((name, Some(memory), None));
            }
        }
    }
    for (key, _) in &options.import_data {
        if !host_memories.iter().any(|(name, _, _)| name.strip_prefix("import:") == Some(key.as_str())) {
            anyhow::bail!("{name} imports no memory named {key}");
        }
    }
    let instance = linker.instantiate(&mut store, &module).map_err(anyhow::Error::from).with_context(|| format!("cannot instantiate {name}"))?;
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .map_err(anyhow::Error::from)
        .with_context(|| format!("{name} has no `_start` function (not a WASI command)"))?;
    let exit_code = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => exit.0,
            None => return Err(anyhow::Error::from(e).context(format!("{name} trapped"))),
        },
    };
    let mut memories = Vec::new();
    let exports: Vec<(String, wasmtime::Extern)> =
        instance.exports(&mut store).map(|e| (e.name().to_string(), e.into_extern())).collect();
    for (export, ext) in exports {
        if let Some(memory) = ext.into_memory() {
            memories.push((export, memory.data(&store).to_vec()));
        }
    }
    for (name, memory, shared) in host_memories {
        let bytes = match (memory, shared) {
            (Some(m), _) => m.data(&store).to_vec(),
            (_, Some(m)) => m.data().iter().map(|b| unsafe { *b.get() }).collect(),
            _ => continue,
        };
        memories.push((name, bytes));
    }
    Ok(RunResult { exit_code, stdout: stdout.contents().to_vec(), stderr: stderr.contents().to_vec(), memories })
}

/// Why wasmi cannot run a module, read from the module: wasmi implements
/// no threads proposal, so shared memories and atomic instructions are
/// outside what it validates.
fn wasmi_unsupported(bytes: &[u8]) -> Option<String> {
    let report = crate::inspect::inspect(bytes).ok()?;
    if report.memories.iter().any(|m| m.shared) {
        return Some("wasmi: shared memories are not supported".into());
    }
    let mut features = wasmparser::WasmFeatures::default();
    features.remove(wasmparser::WasmFeatures::THREADS);
    let mut validator = wasmparser::Validator::new_with_features(features);
    match validator.validate_all(bytes) {
        Err(e) if e.message().contains("threads") => Some("wasmi: atomic instructions are not supported".into()),
        _ => None,
    }
}

/// Whether the module stores a local at the address in the same local in a
/// memory other than 0 (`local.get x; local.get x; i32.store 1`, a node
/// pointing at itself): wasmi 2.0.0's translator reaches an `unreachable!()`
/// on some of these (its register-register store has no form for memories
/// other than 0), which memory-0 stores do not.
fn stores_local_at_itself(bytes: &[u8]) -> bool {
    use wasmparser::{Operator as Op, Payload};
    let mut found = false;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else { continue };
        let Ok(mut reader) = body.get_operators_reader() else { continue };
        let (mut before, mut last) = (None, None);
        while let Ok(op) = reader.read() {
            let memarg = match &op {
                Op::I32Store { memarg } | Op::I64Store { memarg } | Op::F32Store { memarg } | Op::F64Store { memarg } => Some(*memarg),
                Op::I32Store8 { memarg } | Op::I32Store16 { memarg } | Op::I64Store8 { memarg } => Some(*memarg),
                Op::I64Store16 { memarg } | Op::I64Store32 { memarg } | Op::V128Store { memarg } => Some(*memarg),
                _ => None,
            };
            let other_memory = memarg.is_some_and(|m| !matches!(m.target, wasmparser::MemArgTarget::Memory(0)));
            found |= other_memory && before.is_some() && before == last;
            let local = if let Op::LocalGet { local_index } = op { Some(local_index) } else { None };
            (before, last) = (last, local);
        }
    }
    found
}

fn run_wasmi(name: &str, bytes: &[u8], options: &RunOptions) -> Result<RunResult> {
    let mut config = wasmi::Config::default();
    config.wasm_multi_memory(true).wasm_bulk_memory(true).wasm_simd(true);
    // Eager translation: a panic in wasmi's translator then happens here,
    // where it can be caught, instead of inside its interpreter loop, where
    // it aborts the process.
    config.compilation_mode(wasmi::CompilationMode::Eager);
    let engine = wasmi::Engine::new(&config);
    let module = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| wasmi::Module::new(&engine, bytes))) {
        Ok(Ok(module)) => module,
        // Only a rejection whose reason the module shows is "unsupported";
        // anything else is an error like any other.
        Ok(Err(e)) => match wasmi_unsupported(bytes) {
            Some(reason) => return Err(Unsupported(format!("{reason} (it says: {e})")).into()),
            None => return Err(anyhow::anyhow!("{e}")).with_context(|| format!("{name} is not a valid module for wasmi")),
        },
        Err(_) if stores_local_at_itself(bytes) => {
            return Err(Unsupported("wasmi: 2.0.0 panics translating a store of a local at its own address to a memory other than 0 (a wasmi bug)".into()).into())
        }
        Err(_) => anyhow::bail!("wasmi panicked translating {name}"),
    };
    let mut builder = wasmi_wasi::WasiCtxBuilder::new();
    let mut argv = vec![name.to_string()];
    argv.extend(options.args.iter().cloned());
    builder.args(&argv)?.envs(&options.env)?;
    for (host, guest) in &options.dirs {
        let dir = wasmi_wasi::Dir::open_ambient_dir(host, wasmi_wasi::ambient_authority()).with_context(|| format!("cannot open directory {host}"))?;
        builder.preopened_dir(dir, guest)?;
    }
    let (stdout, stderr) = (Arc::new(RwLock::new(Vec::new())), Arc::new(RwLock::new(Vec::new())));
    if options.capture {
        builder.stdout(Box::new(WritePipe::from_shared(stdout.clone()))).stderr(Box::new(WritePipe::from_shared(stderr.clone())));
    } else {
        builder.inherit_stdio();
    }
    let mut store = wasmi::Store::new(&engine, builder.build());
    let mut linker = wasmi::Linker::<wasmi_wasi::WasiCtx>::new(&engine);
    wasmi_wasi::add_to_linker(&mut linker, |cx| cx)?;
    let mut host_memories = Vec::new();
    for import in module.imports() {
        if let wasmi::ExternType::Memory(ty) = import.ty() {
            let key = format!("{}.{}", import.module(), import.name());
            let data = options.import_data.iter().find(|(k, _)| *k == key).map_or(&[][..], |(_, d)| d.as_slice());
            let pages = (data.len() as u64).div_ceil(65536).max(ty.minimum());
            if ty.maximum().is_some_and(|max| pages > max) {
                anyhow::bail!("{} bytes for memory {key} need {pages} pages, more than its maximum {}", data.len(), ty.maximum().unwrap_or(0));
            }
            let mut sized = wasmi::MemoryType::builder();
            sized.min(pages).max(ty.maximum()).memory64(ty.is_64());
            let memory = wasmi::Memory::new(&mut store, sized.build().map_err(|e| anyhow::anyhow!("{e}"))?)?;
            memory.data_mut(&mut store)[..data.len()].copy_from_slice(data);
            linker.define(import.module(), import.name(), memory)?;
            host_memories.push((format!("import:{key}"), memory));
        }
    }
    for (key, _) in &options.import_data {
        if !host_memories.iter().any(|(name, _)| name.strip_prefix("import:") == Some(key.as_str())) {
            anyhow::bail!("{name} imports no memory named {key}");
        }
    }
    let instance = linker.instantiate_and_start(&mut store, &module).with_context(|| format!("cannot instantiate {name}"))?;
    let start = instance.get_typed_func::<(), ()>(&store, "_start").with_context(|| format!("{name} has no `_start` function (not a WASI command)"))?;
    let exit_code = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(e) => match e.i32_exit_status() {
            Some(code) => code,
            None => return Err(anyhow::anyhow!("{e}")).with_context(|| format!("{name} trapped")),
        },
    };
    let mut memories: Vec<(String, Vec<u8>)> = instance
        .exports(&store)
        .filter_map(|e| Some((e.name().to_string(), e.into_memory()?)))
        .map(|(n, m)| (n, m.data(&store).to_vec()))
        .collect();
    memories.extend(host_memories.into_iter().map(|(n, m)| (n, m.data(&store).to_vec())));
    let taken = |pipe: Arc<RwLock<Vec<u8>>>| std::mem::take(&mut *pipe.write().unwrap());
    Ok(RunResult { exit_code, stdout: taken(stdout), stderr: taken(stderr), memories })
}
