//! Running modules in process on wasmtime, with WASI preview 1
//! (`mmtool run`, and the test suite's engine).

use anyhow::{Context, Result};
use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

#[derive(Clone, Debug, Default)]
pub struct RunOptions {
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

/// An engine with the features mmcc's output may use.
pub fn engine() -> Result<Engine> {
    let mut config = Config::new();
    config.wasm_multi_memory(true).wasm_bulk_memory(true).wasm_simd(true).wasm_threads(true).shared_memory(true);
    Engine::new(&config).map_err(anyhow::Error::from).context("cannot create the wasmtime engine")
}

/// Instantiates a WASI command module and runs `_start`.
pub fn run_module(name: &str, bytes: &[u8], options: &RunOptions) -> Result<RunResult> {
    let engine = engine()?;
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
