//! The wasm objects a link reads: objects on the command line, the members
//! of archives, and `-l` libraries found in the `-L` folders (system
//! libraries, which are not mmcc's, are skipped). The link step scans them
//! before calling the linker: for the per-memory runtimes the program calls
//! and for the named memories of `wasm_memory` arrays.

use std::path::PathBuf;

/// One wasm object: where it comes from (for messages) and its bytes.
pub struct InputObject {
    pub origin: String,
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
                    objects.push(InputObject { origin: format!("{origin}({})", member.name), bytes: member.data });
                }
            }
        } else if bytes.starts_with(b"\0asm") {
            objects.push(InputObject { origin, bytes });
        }
    }
    objects
}
