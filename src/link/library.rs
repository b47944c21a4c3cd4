//! Library memories at link time (`--in-memory=K`).
//!
//! Inputs after `--in-memory=K` (objects, archives, `-l` libraries, the
//! objects of sources) are retargeted into memory K as they are linked
//! ([`crate::object::retarget`]); objects retargeted before (`mmcc -c
//! --in-memory=K`, `mmtool retarget`) say so themselves. Each library
//! memory K then gets what its code needs, all of it cached per memory:
//!
//! - its own C library: wasi-libc, compiler-rt's builtins (and libc++ and
//!   libc++abi for C++), retargeted into K as memory-internal code, so that
//!   only the library's own symbols are visible to the application;
//! - its WASI adapter ([`super::wasi`]), unless `--memory=K:wasi=deny`;
//! - `mm_malloc(K, ...)` & co. as that C library's malloc
//!   (`runtime/memory/heap.c` with `MMCC_LIBRARY_MEMORY`);
//! - when the application has a C library of its own (it has code in the
//!   default memory), a hook that runs memory K's exit handlers and flushes
//!   its stdio when the application exits (`runtime/memory/library.c`).
//!
//! A *whole program* in memory K (every input in memory K, none in the
//! default memory) also takes its start files from memory K: `_start` is
//! retargeted code, and the default memory holds only the adapter's scratch
//! space and its stack.

use super::runtime::{cache_dir, cache_stamp};
use crate::driver::args::Invocation;
use crate::object::retarget::{retarget_file, retargeted_memory, Role};
use crate::runtime::library;
use crate::toolchain::{Toolchain, TRIPLE};
use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// One library memory of the link.
#[derive(Debug, Default)]
pub struct LibraryMemory {
    /// Where its code comes from, for messages.
    pub origins: Vec<String>,
    /// The symbols its code makes visible under their own names (its API),
    /// with the file that defines each.
    pub api: Vec<(String, String)>,
}

/// The link inputs with library code retargeted, and the library memories.
#[derive(Debug, Default)]
pub struct Plan {
    /// The link items, in order, retargeted where asked.
    pub items: Vec<String>,
    pub memories: BTreeMap<u32, LibraryMemory>,
    /// Every input is in this memory: a whole program there.
    pub whole_program: Option<u32>,
}

/// Retargets the items after `--in-memory=K` (into `temp`) and finds the
/// library memories.
pub fn plan(tc: &Toolchain, items: &[(String, u32)], temp: &Path) -> Result<Plan> {
    let mut plan = Plan::default();
    let mut search_dirs: Vec<PathBuf> = Vec::new();
    let mut default_memory_inputs = false;
    let mut iter = items.iter();
    let mut n = 0;
    while let Some((item, memory)) = iter.next() {
        let memory = *memory;
        if let Some(dir) = item.strip_prefix("-L") {
            let dir = if dir.is_empty() { iter.next().map(|(d, _)| d.clone()).unwrap_or_default() } else { dir.to_string() };
            search_dirs.push(PathBuf::from(&dir));
            plan.items.push(format!("-L{dir}"));
            continue;
        }
        let (file, role) = if let Some(name) = item.strip_prefix("-l") {
            if memory == 0 {
                plan.items.push(item.clone());
                default_memory_inputs = true;
                continue;
            }
            // The user's folders first, then the sysroot (a system library
            // of memory K is memory-internal code).
            let file_name = format!("lib{name}.a");
            match search_dirs.iter().map(|d| d.join(&file_name)).find(|p| p.is_file()) {
                Some(p) => (p, Role::Api),
                None => {
                    let system = tc.sysroot.join("lib").join(TRIPLE).join(&file_name);
                    if !system.is_file() {
                        bail!("cannot find -l{name} (for memory {memory}) in the -L folders or the sysroot");
                    }
                    (system, Role::Internal)
                }
            }
        } else if item.starts_with('-') {
            plan.items.push(item.clone());
            continue;
        } else {
            (PathBuf::from(item), Role::Api)
        };
        let origin = file.display().to_string();
        let bytes = std::fs::read(&file).with_context(|| format!("cannot read {origin}"))?;
        if memory == 0 {
            // As it is; it may hold code retargeted before.
            let retargeted = retargeted_memories(&bytes);
            if retargeted.is_empty() {
                default_memory_inputs |= bytes.starts_with(b"\0asm") || bytes.starts_with(crate::object::archive::MAGIC);
            }
            for k in retargeted {
                let entry = plan.memories.entry(k).or_default();
                entry.origins.push(origin.clone());
                entry.api.extend(api_of_retargeted(&bytes).into_iter().map(|name| (name, origin.clone())));
            }
            plan.items.push(item.clone());
            continue;
        }
        let (out, summary) = retarget_file(&bytes, memory, role, &origin)?;
        let entry = plan.memories.entry(memory).or_default();
        entry.api.extend(summary.api.into_iter().map(|name| (name, origin.clone())));
        let stem = file.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "input".into());
        let path = temp.join(format!("m{memory}-{n}-{stem}"));
        n += 1;
        std::fs::write(&path, out).with_context(|| format!("cannot write {}", path.display()))?;
        plan.memories.entry(memory).or_default().origins.push(origin);
        plan.items.push(path.to_string_lossy().into_owned());
    }
    if default_memory_inputs {
        check_api_against_the_c_library(tc, &plan)?;
    } else {
        match plan.memories.keys().collect::<Vec<_>>()[..] {
            [] => {}
            [k] => plan.whole_program = Some(*k),
            ref several => bail!(
                "there is no input for the default memory and code in memories {}: a whole program lives in one memory \
                 (give the application's own code without --in-memory, or put every input in one memory)",
                several.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(" and ")
            ),
        }
    }
    Ok(plan)
}

/// The API of code retargeted before: the symbols it defines under their
/// own names.
fn api_of_retargeted(bytes: &[u8]) -> Vec<String> {
    let objects: Vec<Vec<u8>> = if bytes.starts_with(crate::object::archive::MAGIC) {
        crate::object::archive::read(bytes).unwrap_or_default().into_iter().map(|m| m.data).collect()
    } else {
        vec![bytes.to_vec()]
    };
    objects
        .iter()
        .filter(|o| o.starts_with(b"\0asm"))
        .flat_map(|o| crate::object::archive::defined_symbols(o).unwrap_or_default())
        .filter(|name| library::parse_symbol(name).is_none() && !name.starts_with("__mmcc_"))
        .collect()
}

/// A library memory's API must not define what the application's C
/// library defines: the application's own calls of, say, `malloc` would
/// reach the library's and get memory-K addresses as memory-0 pointers.
fn check_api_against_the_c_library(tc: &Toolchain, plan: &Plan) -> Result<()> {
    if plan.memories.values().all(|m| m.api.is_empty()) {
        return Ok(());
    }
    let mut libc = std::collections::HashSet::new();
    for name in ["libc.a", "libc++.a", "libc++abi.a"] {
        let path = tc.sysroot.join("lib").join(TRIPLE).join(name);
        if let Ok(bytes) = std::fs::read(&path) {
            libc.extend(crate::object::archive::index(&bytes).unwrap_or_default());
        }
    }
    for (memory, m) in &plan.memories {
        let clashes: Vec<&(String, String)> = m.api.iter().filter(|(name, _)| libc.contains(name)).collect();
        if let Some((name, origin)) = clashes.first() {
            let others = if clashes.len() > 1 { format!(" (and {} more)", clashes.len() - 1) } else { String::new() };
            bail!(
                "{origin}, linked into memory {memory}, defines `{name}`{others}, which the application's C library defines too: \
                 the application's own calls of `{name}` would reach memory {memory}'s; rename it in the library or make it static"
            );
        }
    }
    Ok(())
}

/// The library memories whose code an object or archive holds.
fn retargeted_memories(bytes: &[u8]) -> BTreeSet<u32> {
    let mut memories = BTreeSet::new();
    if bytes.starts_with(crate::object::archive::MAGIC) {
        for member in crate::object::archive::read(bytes).unwrap_or_default() {
            if let Ok(Some((k, _))) = retargeted_memory(&member.data) {
                memories.insert(k);
            }
        }
    } else if let Ok(Some((k, _))) = retargeted_memory(bytes) {
        memories.insert(k);
    }
    memories
}

/// What memory K's code needs besides itself, in link order: start files
/// (for a whole program), the adapter and the exit hook, its C library.
pub fn memory_objects(tc: &Toolchain, inv: &Invocation, memory: u32, whole_program: bool, wasi: bool) -> Result<Vec<PathBuf>> {
    let dir = cache_dir(tc)?;
    let stamp = cache_stamp(tc)?;
    let mut objects = Vec::new();
    let wasi_libc = tc.sysroot.join("lib").join(TRIPLE);
    if whole_program && !nostartfiles(inv) {
        let reactor = inv.link_flags.iter().any(|f| f == "-mexec-model=reactor");
        let crt = wasi_libc.join(if reactor { "crt1-reactor.o" } else { "crt1-command.o" });
        // The start files are the program's own: `_start` stays visible.
        objects.push(retargeted_copy(&dir, &crt, memory, Role::Api, stamp)?);
    }
    if wasi {
        objects.push(adapter(inv, &dir, memory, stamp)?);
    }
    if !nostdlib(inv) {
        let defines: &[&str] = if whole_program { &["-DMMCC_WHOLE_PROGRAM=1"] } else { &[] };
        objects.push(compile_cached(inv, &tc.root.join("runtime/memory/library.c"), &dir, memory, defines, stamp)?);
    }
    if !nostdlib(inv) {
        let mut libraries = Vec::new();
        if inv.cxx_driver {
            libraries.push(wasi_libc.join("libc++.a"));
            libraries.push(wasi_libc.join("libc++abi.a"));
        }
        libraries.push(wasi_libc.join("libc.a"));
        libraries.push(PathBuf::from(crate::toolchain::DEBIAN_BUILTINS));
        for library in libraries {
            objects.push(retargeted_copy(&dir, &library, memory, Role::Internal, stamp)?);
        }
    }
    Ok(objects)
}

fn nostartfiles(inv: &Invocation) -> bool {
    inv.link_flags.iter().any(|f| matches!(f.as_str(), "-nostartfiles" | "-nostdlib"))
}

fn nostdlib(inv: &Invocation) -> bool {
    inv.link_flags.iter().any(|f| matches!(f.as_str(), "-nostdlib" | "-nodefaultlibs"))
}

/// A retargeted copy of a system object or archive, made once per memory.
pub fn retargeted_copy(dir: &Path, source: &Path, memory: u32, role: Role, stamp: u64) -> Result<PathBuf> {
    let bytes = std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (bytes.len(), stamp, memory, role == Role::Api).hash(&mut h);
    bytes.hash(&mut h);
    let name = source.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let out = dir.join(format!("m{memory}-{:016x}-{name}", h.finish()));
    if !out.is_file() {
        let (retargeted, _) = retarget_file(&bytes, memory, role, &source.display().to_string())
            .with_context(|| format!("internal error: cannot build memory {memory}'s copy of {}", source.display()))?;
        write_atomically(&out, &retargeted)?;
        prune_stale(dir, &format!("m{memory}-"), &format!("-{name}"), &out);
    }
    Ok(out)
}

/// Removes the copies that an earlier mmcc build made of the same file
/// (`<prefix><hash><suffix>` other than `keep`), once they are an hour old,
/// so that the cache does not grow by a C library at every rebuild of mmcc.
fn prune_stale(dir: &Path, prefix: &str, suffix: &str, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let hour = std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let old = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age > hour);
        let middle = name.strip_prefix(prefix).and_then(|rest| rest.strip_suffix(suffix));
        if path != keep && old && middle.is_some_and(|hash| hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit())) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Memory K's WASI adapter, generated and compiled once per memory.
fn adapter(inv: &Invocation, dir: &Path, memory: u32, stamp: u64) -> Result<PathBuf> {
    let source = super::wasi::adapter_source();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    source.hash(&mut h);
    let path = dir.join(format!("wasi-adapter-{:016x}.c", h.finish()));
    if !path.is_file() {
        write_atomically(&path, source.as_bytes())?;
    }
    compile_cached(inv, &path, dir, memory, &[], stamp)
}

/// Compiles a default-memory C source for memory K (`-DMMCC_MEMORY=K`),
/// once.
fn compile_cached(inv: &Invocation, source: &Path, dir: &Path, memory: u32, defines: &[&str], stamp: u64) -> Result<PathBuf> {
    let text = std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&text, stamp, memory, defines).hash(&mut h);
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let object = dir.join(format!("{stem}-m{memory}-{:016x}.o", h.finish()));
    if object.is_file() {
        return Ok(object);
    }
    let partial = object.with_extension(format!("{}.partial", std::process::id()));
    let mut args = vec!["-c".to_string(), "-O2".into(), format!("-DMMCC_MEMORY={memory}")];
    args.extend(defines.iter().map(|d| d.to_string()));
    args.extend([source.to_string_lossy().into_owned(), "-o".into(), partial.to_string_lossy().into_owned()]);
    if inv.verbose {
        args.push("-v".into());
        eprintln!("mmcc: compiling memory {memory}'s {}", source.display());
    }
    match crate::driver::run(&args, false)? {
        crate::driver::Outcome::Success => {}
        crate::driver::Outcome::Failed(_) => bail!("internal error: cannot compile memory {memory}'s {}", source.display()),
    }
    std::fs::rename(&partial, &object).with_context(|| format!("cannot write {}", object.display()))?;
    Ok(object)
}

/// Writes a file under a private name first: parallel links may build the
/// same file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let partial = path.with_extension(format!("{}.partial", std::process::id()));
    std::fs::write(&partial, bytes).with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Rewrites the linker's messages about library memories into what a C
/// programmer can act on: a WASI call from a memory that may not make any,
/// and a symbol that memory K's code needs but nothing in memory K defines.
pub fn explain_linker_message(line: &str, denied: &BTreeSet<u32>) -> String {
    let Some((before, symbol)) = line.rsplit_once("undefined symbol: ") else { return line.to_string() };
    let symbol = symbol.trim();
    let user = before.trim_start_matches("wasm-ld: error: ").trim_end_matches(": ");
    if let Some((k, function)) = library::parse_wasi_function(symbol) {
        if denied.contains(&k) {
            return format!(
                "mmcc: error: memory {k} may not call WASI (--memory={k}:wasi=deny), but `{function}` is called by {user}"
            );
        }
    }
    if let Some((k, name)) = library::parse_symbol(symbol) {
        return format!(
            "mmcc: error: undefined symbol `{name}` in memory {k} (needed by {user}): code in a library memory links \
             against its own memory's inputs and C library; define `{name}` in an input after --in-memory={k}"
        );
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linker_messages_name_the_memory() {
        let denied: BTreeSet<u32> = [3].into();
        let line = "wasm-ld: error: /tmp/m3-libc.a(write.o): undefined symbol: __mmcc_wasi3.fd_write";
        let m = explain_linker_message(line, &denied);
        assert!(m.contains("memory 3 may not call WASI") && m.contains("`fd_write`") && m.contains("write.o"), "{m}");
        let m = explain_linker_message("wasm-ld: error: z.o: undefined symbol: __mmcc_in4.helper", &denied);
        assert!(m.contains("undefined symbol `helper` in memory 4"), "{m}");
        assert_eq!(explain_linker_message("wasm-ld: error: x.o: undefined symbol: foo", &denied), "wasm-ld: error: x.o: undefined symbol: foo");
    }
}
