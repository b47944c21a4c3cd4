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
        if bytes.starts_with(b"!<arch>\n") {
            for (name, member) in archive_members(&bytes) {
                if member.starts_with(b"\0asm") {
                    objects.push(InputObject { origin: format!("{origin}({name})"), bytes: member.to_vec() });
                }
            }
        } else if bytes.starts_with(b"\0asm") {
            objects.push(InputObject { origin, bytes });
        }
    }
    objects
}

/// The members of a Unix archive, with their names as far as the header
/// tells (GNU long names show as their table offset; only contents matter).
fn archive_members(bytes: &[u8]) -> Vec<(String, &[u8])> {
    let mut members = Vec::new();
    let mut at = 8;
    while at + 60 <= bytes.len() {
        let header = &bytes[at..at + 60];
        let Some(size) = std::str::from_utf8(&header[48..58]).ok().and_then(|s| s.trim().parse::<usize>().ok()) else {
            break;
        };
        let name = String::from_utf8_lossy(&header[..16]).trim_end().trim_end_matches('/').to_string();
        let start = at + 60;
        let Some(end) = start.checked_add(size).filter(|e| *e <= bytes.len()) else { break };
        members.push((name, &bytes[start..end]));
        at = end + (size & 1);
    }
    members
}
