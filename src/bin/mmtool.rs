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
    /// Run a WASI (preview 1) command module on wasmtime, in process.
    #[command(after_help = "Example: mmtool run app.wasm -- input.txt --verbose")]
    Run {
        module: PathBuf,
        /// Make a host directory visible to the program (HOST or HOST::GUEST).
        #[arg(long = "dir", value_name = "HOST[::GUEST]")]
        dirs: Vec<String>,
        /// Fill the memory the module imports as MODULE.FIELD with FILE's
        /// bytes (from address 0; the memory grows to fit).
        #[arg(long = "import-memory", value_name = "MODULE.FIELD=FILE")]
        import_memories: Vec<String>,
        /// Arguments for the program.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// List the memories of a module or object: limits, import/export, static
    /// data bytes, and how many instructions use each.
    #[command(after_help = "Example: mmtool inspect app.wasm")]
    Inspect { files: Vec<PathBuf> },
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
        Command::Run { module, dirs, import_memories, args } => {
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
            let options = mmcc::run::RunOptions { args, dirs, capture: false, import_data };
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
    }
}
