//! The wasm objects a link reads: objects on the command line, the members
//! of archives, and `-l` libraries found in the `-L` folders (system
//! libraries, which are not mmcc's, are skipped). The link step scans them
//! before calling the linker: for the per-memory runtimes the program calls
//! and for the named memories of `wasm_memory` arrays. And it checks them
//! first ([`check`]): the linker must only ever see sound objects.

use anyhow::{Context, Result};
use std::path::PathBuf;
use wasmparser::{Parser, Payload};

/// One wasm object: where it comes from (for messages), the file that
/// holds it (itself or its archive) and its bytes.
pub struct InputObject {
    pub origin: String,
    pub file: PathBuf,
    pub bytes: Vec<u8>,
}

/// The objects of `items` (objects, archives, -l/-L flags, in order).
pub fn input_objects(items: &[String]) -> Vec<InputObject> {
    let mut search_dirs: Vec<PathBuf> = Vec::new();
    let mut objects = Vec::new();
    let mut iter = items.iter().peekable();
    while let Some(item) = iter.next() {
        let file = if let Some(dir) = item.strip_prefix("-L") {
            let dir = if dir.is_empty() { iter.next().map(|s| s.as_str()).unwrap_or("") } else { dir };
            search_dirs.push(PathBuf::from(dir));
            continue;
        } else if let Some(lib) = item.strip_prefix("-l") {
            match search_dirs.iter().map(|d| d.join(format!("lib{lib}.a"))).find(|p| p.is_file()) {
                Some(p) => p,
                None => continue, // a system library
            }
        } else if item.starts_with('-') {
            continue;
        } else {
            PathBuf::from(item)
        };
        let Ok(bytes) = std::fs::read(&file) else { continue };
        let origin = file.display().to_string();
        if bytes.starts_with(crate::object::archive::MAGIC) {
            // A malformed archive is the linker's to report.
            for member in crate::object::archive::read(&bytes).unwrap_or_default() {
                if member.data.starts_with(b"\0asm") {
                    objects.push(InputObject { origin: format!("{origin}({})", member.name), file: file.clone(), bytes: member.data });
                }
            }
        } else if bytes.starts_with(b"\0asm") {
            objects.push(InputObject { origin, file, bytes });
        }
    }
    objects
}

/// Checks every object as the object writer checks its input
/// ([`crate::object::check::object`]: valid code, relocations and symbols
/// that point at what exists, a sound `mmcc.memories`). wasm-ld reads its
/// inputs with libLLVM's `WasmObjectFile`, which trusts much of a file: on
/// a malformed one it stops with LLVM's crash report (`EOF while reading`,
/// `malformed uleb128`, `out of memory` for a huge count) or crashes (a
/// relocation section read before the section it is for). So a malformed
/// input is mmcc's error, naming the file (and member) and what is wrong,
/// before the linker runs. Objects under `checked` (the copies that
/// retargeting wrote, which it checked as it wrote them) are not checked
/// again: on sqlite that would take as long again as the check of the rest.
pub fn check(objects: &[InputObject], checked: &std::path::Path) -> Result<()> {
    for object in objects {
        if object.file.starts_with(checked) {
            continue;
        }
        // A shared library (`dylink.0` first) is no relocatable object, and
        // has no symbols or relocations to check: the linker reads its
        // exports.
        let r = if is_shared_library(&object.bytes) {
            crate::object::check::validate(&object.bytes)
        } else {
            crate::object::check::object(&object.bytes)
        };
        r.with_context(|| format!("{}: malformed object, not linked", object.origin))?;
    }
    Ok(())
}

/// Whether `bytes` begin with a `dylink.0` (or the older `dylink`) section.
fn is_shared_library(bytes: &[u8]) -> bool {
    for payload in Parser::new(0).parse_all(bytes) {
        match payload {
            Ok(Payload::Version { .. }) => continue,
            Ok(Payload::CustomSection(c)) => return matches!(c.name(), "dylink.0" | "dylink"),
            _ => return false,
        }
    }
    false
}
