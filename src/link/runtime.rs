//! The per-memory runtime at link time: finds the memories whose runtime
//! (heap, string functions) the program calls, and compiles
//! `runtime/memory/*.c` for each of them, so that only those memories pay
//! for an allocator.
//!
//! The link inputs ([`super::inputs`]) are scanned for function imports
//! named `__mmcc_m<N>_<fn>` (see [`crate::runtime`]). Compiled runtimes are cached under
//! `.build/runtime-cache` in the toolchain folder, keyed by the runtime's
//! sources, the mmcc executable, the memory and the thread setting.

use super::inputs::InputObject;
use crate::driver::args::Invocation;
use crate::runtime;
use crate::toolchain::Toolchain;
use anyhow::{bail, Context, Result};
use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The memories whose runtime functions the link inputs call.
pub fn memories_needed(objects: &[InputObject]) -> BTreeSet<u32> {
    let mut memories = BTreeSet::new();
    for object in objects {
        collect_runtime_imports(&object.bytes, &mut memories);
    }
    memories
}

/// Adds the memories of `__mmcc_m<N>_*` function imports of a wasm object.
fn collect_runtime_imports(bytes: &[u8], memories: &mut BTreeSet<u32>) {
    if !bytes.starts_with(b"\0asm") {
        return;
    }
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let Ok(wasmparser::Payload::ImportSection(reader)) = payload else { continue };
        for import in reader.into_imports().flatten() {
            if matches!(import.ty, wasmparser::TypeRef::Func(_)) {
                if let Some(m) = runtime::memory_of_symbol(import.name) {
                    memories.insert(m);
                }
            }
        }
        break;
    }
}

/// Compiles (or takes from the cache) memory `memory`'s runtime objects.
/// `library`: memory N holds retargeted code with its own C library, whose
/// malloc is then memory N's heap.
pub fn objects_for(tc: &Toolchain, inv: &Invocation, memory: u32, library: bool) -> Result<Vec<PathBuf>> {
    let threads = inv.feature("atomics", false) || inv.compile_flags.iter().any(|f| f == "-pthread");
    let key = cache_key(tc, memory, threads, library)?;
    let dir = cache_dir(tc)?;
    let mut objects = Vec::new();
    for source in runtime::SOURCES {
        let source_path = tc.root.join(source);
        let stem = Path::new(source).file_stem().expect("a file").to_string_lossy();
        let object = dir.join(format!("{stem}-m{memory}{}{}-{key:016x}.o", if threads { "-threads" } else { "" }, if library { "-library" } else { "" }));
        if !object.is_file() {
            compile(&source_path, &object, memory, threads, library, inv.verbose)?;
        }
        objects.push(object);
    }
    Ok(objects)
}

fn compile(source: &Path, object: &Path, memory: u32, threads: bool, library: bool, verbose: bool) -> Result<()> {
    // Into a private name first: parallel links may build the same runtime.
    let partial = object.with_extension(format!("{}.partial", std::process::id()));
    let mut args = vec![
        "-c".to_string(),
        "-O2".into(),
        format!("-DMMCC_MEMORY={memory}"),
        source.to_string_lossy().into_owned(),
        "-o".into(),
        partial.to_string_lossy().into_owned(),
    ];
    if threads {
        args.extend(["-matomics".to_string(), "-DMMCC_THREADS=1".to_string()]);
    }
    if library {
        args.push("-DMMCC_LIBRARY_MEMORY=1".to_string());
    }
    if verbose {
        args.push("-v".into());
        eprintln!("mmcc: compiling memory {memory}'s runtime: {}", source.display());
    }
    match crate::driver::run(&args, false)? {
        crate::driver::Outcome::Success => {}
        crate::driver::Outcome::Failed(_) => bail!("internal error: cannot compile memory {memory}'s runtime ({})", source.display()),
    }
    std::fs::rename(&partial, object).with_context(|| format!("cannot write {}", object.display()))?;
    Ok(())
}

/// Where compiled per-memory code is cached (also library memories' C
/// libraries and adapters, see [`super::library`]).
pub(crate) fn cache_dir(tc: &Toolchain) -> Result<PathBuf> {
    let preferred = tc.root.join(".build/runtime-cache");
    if std::fs::create_dir_all(&preferred).is_ok() && !is_read_only(&preferred) {
        return Ok(preferred);
    }
    let fallback = std::env::temp_dir().join("mmcc-runtime-cache");
    std::fs::create_dir_all(&fallback).with_context(|| format!("cannot create {}", fallback.display()))?;
    Ok(fallback)
}

fn is_read_only(dir: &Path) -> bool {
    std::fs::metadata(dir).map(|m| m.permissions().readonly()).unwrap_or(true)
}

/// Changes whenever the runtime's code would: its sources and headers, the
/// mmcc build that compiles them, the memory and the thread setting.
fn cache_key(tc: &Toolchain, memory: u32, threads: bool, library: bool) -> Result<u64> {
    let mut h = DefaultHasher::new();
    for file in runtime::SOURCES.iter().copied().chain(["runtime/memory/runtime.h", "runtime/include/mmcc.h"]) {
        let path = tc.root.join(file);
        std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?.hash(&mut h);
    }
    cache_stamp(tc)?.hash(&mut h);
    (memory, threads, library).hash(&mut h);
    Ok(h.finish())
}

/// Changes whenever mmcc itself does (the compiler that built what is
/// cached): its executable and the shared header.
pub(crate) fn cache_stamp(tc: &Toolchain) -> Result<u64> {
    let mut h = DefaultHasher::new();
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    let header = tc.root.join("runtime/include/mmcc.h");
    std::fs::read(&header).with_context(|| format!("cannot read {}", header.display()))?.hash(&mut h);
    Ok(h.finish())
}
