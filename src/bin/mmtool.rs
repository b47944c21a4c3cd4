//! `mmtool`: run and inspect multi-memory modules and objects.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "mmtool", version, about = "Run and inspect WebAssembly multi-memory modules and mmcc objects")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a WASI (preview 1) command module on wasmtime (or wasmi), in process.
    #[command(after_help = "Example: mmtool run app.wasm -- input.txt --verbose")]
    Run {
        module: PathBuf,
        /// The engine: wasmtime (compiled) or wasmi (interpreted, no threads).
        #[arg(long, value_enum, default_value = "wasmtime")]
        engine: mmcc::run::EngineKind,
        /// Make a host directory visible to the program (HOST or HOST::GUEST).
        #[arg(long = "dir", value_name = "HOST[::GUEST]")]
        dirs: Vec<String>,
        /// Fill the memory the module imports as MODULE.FIELD with FILE's
        /// bytes (from address 0; the memory grows to fit).
        #[arg(long = "import-memory", value_name = "MODULE.FIELD=FILE")]
        import_memories: Vec<String>,
        /// Set an environment variable of the program (the environment is
        /// empty otherwise).
        #[arg(long = "env", value_name = "NAME=VALUE")]
        env: Vec<String>,
        /// Arguments for the program.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// List the memories of a module or object: limits, import/export, static
    /// data bytes, and how many instructions use each.
    #[command(after_help = "Example: mmtool inspect app.wasm")]
    Inspect { files: Vec<PathBuf> },
    /// Lower a multi-memory module to one memory, for engines without
    /// multi-memory: every memory keeps its own bounds, out-of-bounds trap,
    /// maximum and memory.size/grow (docs/lowering.md).
    #[command(after_help = "Example: mmtool lower app.wasm -o app.single.wasm --js app.single.mjs")]
    Lower {
        input: PathBuf,
        #[arg(short = 'o', value_name = "OUT")]
        output: PathBuf,
        /// Also write an ES module that instantiates OUT and gives each
        /// original memory as its own view, for JavaScript hosts.
        #[arg(long = "js", value_name = "FILE.mjs")]
        js: Option<PathBuf>,
        /// The slot (pages reserved, so its maximum) of a memory that
        /// declares no maximum, by its index in the input module.
        #[arg(long = "slot", value_name = "INDEX:PAGES")]
        slots: Vec<String>,
        /// The slot of every other memory without a maximum (default 1024
        /// pages, 64 MiB).
        #[arg(long = "default-slot", value_name = "PAGES")]
        default_slot: Option<u64>,
        /// The memory that takes the last slot, whose bounds the engine
        /// checks at no cost (default: the one with the most accesses a loop pre-check does not prove, weighted by loop depth).
        #[arg(long = "top", value_name = "INDEX")]
        top: Option<u32>,
        /// The guard region the engine keeps after a 32-bit memory, in bytes
        /// (suffixes K, M, G: 32M is wasmtime's default): slot bases beyond
        /// it are added to proven accesses' addresses, not to their static
        /// offsets (default 4G, as V8 and `mmtool run` keep).
        #[arg(long = "engine-guard", value_name = "BYTES", value_parser = parse_bytes)]
        engine_guard: Option<u64>,
    },
    /// Move an object or archive from any wasm32 compiler into memory K: its
    /// code, data, stack, heap and C library calls then use memory K (what
    /// `mmcc --in-memory=K` does to its inputs).
    #[command(after_help = "Example: mmtool retarget --in-memory=3 libz.a -o libz-m3.a")]
    Retarget {
        /// The memory to move the code into (1 to 255).
        #[arg(long = "in-memory", value_name = "K")]
        memory: u32,
        /// Code that memory K links for itself (its C library): its symbols
        /// are visible only under memory-K names, not as the library's API.
        #[arg(long)]
        internal: bool,
        input: PathBuf,
        #[arg(short = 'o', value_name = "OUT")]
        output: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("mmtool: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run { module, engine, dirs, import_memories, env, args } => {
            let bytes = std::fs::read(&module).with_context(|| format!("cannot read {}", module.display()))?;
            let dirs = dirs
                .iter()
                .map(|d| match d.split_once("::") {
                    Some((host, guest)) => (host.to_string(), guest.to_string()),
                    None => (d.clone(), d.clone()),
                })
                .collect();
            let import_data = import_memories
                .iter()
                .map(|spec| {
                    let (key, file) = spec
                        .split_once('=')
                        .filter(|(key, _)| key.contains('.'))
                        .with_context(|| format!("--import-memory {spec}: expected MODULE.FIELD=FILE"))?;
                    let bytes = std::fs::read(file).with_context(|| format!("cannot read {file}"))?;
                    Ok((key.to_string(), bytes))
                })
                .collect::<Result<Vec<_>>>()?;
            let env = env
                .iter()
                .map(|spec| match spec.split_once('=') {
                    Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
                    _ => anyhow::bail!("--env {spec}: expected NAME=VALUE"),
                })
                .collect::<Result<Vec<_>>>()?;
            let options = mmcc::run::RunOptions { engine, args, dirs, capture: false, import_data, env };
            let result = mmcc::run::run_module(&module.to_string_lossy(), &bytes, &options)?;
            Ok(ExitCode::from(result.exit_code.clamp(0, 255) as u8))
        }
        Command::Inspect { files } => {
            for file in files {
                let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
                let report = mmcc::inspect::inspect(&bytes).with_context(|| format!("cannot inspect {}", file.display()))?;
                print!("{}", report.render(&file.to_string_lossy()));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Lower { input, output, js, slots, default_slot, top, engine_guard } => {
            let bytes = std::fs::read(&input).with_context(|| format!("cannot read {}", input.display()))?;
            let mut options = mmcc::lowering::Options { default_slot_pages: default_slot, top, engine_guard, ..Default::default() };
            for spec in &slots {
                let (index, pages) = spec
                    .split_once(':')
                    .and_then(|(i, p)| Some((i.parse::<u32>().ok()?, p.parse::<u64>().ok()?)))
                    .with_context(|| format!("--slot {spec}: expected INDEX:PAGES (a memory index and a page count)"))?;
                options.slots.insert(index, pages);
            }
            let lowered = mmcc::lowering::lower(&bytes, &options).with_context(|| format!("cannot lower {}", input.display()))?;
            for warning in &lowered.warnings {
                eprintln!("mmtool: warning: {}: {warning}", input.display());
            }
            std::fs::write(&output, &lowered.wasm).with_context(|| format!("cannot write {}", output.display()))?;
            if let Some(js) = js {
                let json = mmcc::lowering::layout_of(&lowered.wasm)?;
                std::fs::write(&js, mmcc::lowering::glue::es_module(&json)).with_context(|| format!("cannot write {}", js.display()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Retarget { memory, internal, input, output } => {
            use mmcc::object::retarget::{retarget_file, Role};
            let bytes = std::fs::read(&input).with_context(|| format!("cannot read {}", input.display()))?;
            let role = if internal { Role::Internal } else { Role::Api };
            let (out, _) = retarget_file(&bytes, memory, role, &input.to_string_lossy())?;
            std::fs::write(&output, out).with_context(|| format!("cannot write {}", output.display()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `--engine-guard`'s value: a size in bytes, `32M`, `4G`.
fn parse_bytes(text: &str) -> Result<u64, String> {
    mmcc::link::parse_size(text).map_err(|e| format!("{text}: expected a byte count, optionally followed by K, M or G ({e})"))
}
