//! Numbered memories that objects declare imported
//! (`__memory_declare(N, __wasm_memory_import("module", "field"))`).
//!
//! The linker defines every memory (imports precede definitions in the
//! index space, which it does not model) and is told so with
//! `--mm-driver-imports`; finalize then moves these memories to the
//! imports, as for `--memory=N:import=...`. Here the objects' import
//! declarations are gathered: all objects that declare an import for
//! memory N must name the same one (an error names both objects).

use super::arrays::memories_section;
use super::inputs::InputObject;
use crate::finalize::MemoryImport;
use crate::marker::MemoryKey;
use anyhow::{bail, Result};
use std::collections::BTreeMap;

/// The imports the objects declare for numbered memories.
pub fn declared_imports(objects: &[InputObject]) -> Result<Vec<MemoryImport>> {
    let mut by_memory: BTreeMap<u32, (&str, (String, String))> = BTreeMap::new();
    let mut errors = Vec::new();
    for object in objects {
        let Some(section) = memories_section(&object.bytes)? else { continue };
        for m in section.memories {
            let (MemoryKey::Numbered(n), Some(import)) = (&m.key, m.declaration.import) else { continue };
            match by_memory.get(n) {
                Some((first, theirs)) if *theirs != import => errors.push(format!(
                    "memory {n} is imported as {}.{} by {} but as {}.{} by {}",
                    theirs.0, theirs.1, first, import.0, import.1, object.origin
                )),
                Some(_) => {}
                None => {
                    by_memory.insert(*n, (object.origin.as_str(), import));
                }
            }
        }
    }
    if !errors.is_empty() {
        bail!("{}", errors.join("\nmmcc: error: "));
    }
    Ok(by_memory
        .into_iter()
        .map(|(memory, (_, (module, field)))| MemoryImport { memory, module, field, allow_data: false })
        .collect())
}
