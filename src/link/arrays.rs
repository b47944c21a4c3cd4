//! Named memories at link time: the memories of `wasm_memory` arrays.
//!
//! Every object that uses an array records it in its `mmcc.memories`
//! section (key = the array's symbol name, with the array's C type,
//! location and settings; docs/object-format.md). Before linking, this step
//! - checks that all objects mean the same array: one definition (or one
//!   import from the host), the same element type and size, no conflicting
//!   settings; each error names both places, `file:line:col (object)`;
//! - numbers the named memories after every numbered memory of the link
//!   (in order of their names), which the linker takes as
//!   `--mm-named-memory=<key>=<N>`;
//! - turns each array's settings into the linker's `--mm-memory` (limits,
//!   export name) and into imports that finalize carries out.
//!
//! Numbered memories that objects declare imported
//! (`__memory_declare(N, __wasm_memory_import(...))`) are gathered in the
//! same scan: all objects must name the same import (an error names both
//! objects). The linker, told `--mm-driver-imports`, defines them; finalize
//! moves them to the imports, as for `--memory=N:import=...`.
//!
//! An array is exported under its own name unless it is `static` or
//! declared `wasm_memory_private` (like every other memory of an mmcc
//! program, which hosts can see by default); finalize drops the export of
//! an imported one unless an export name is asked for.

use super::inputs::InputObject;
use crate::finalize::MemoryImport;
use crate::marker::MemoryKey;
use crate::object::memories::{self, ArrayInfo, Declaration, MemoriesSection};
use anyhow::{bail, Result};
use std::collections::BTreeMap;

/// One object's view of one array.
struct Sighting<'a> {
    origin: &'a str,
    declaration: Declaration,
    array: ArrayInfo,
}

impl Sighting<'_> {
    fn place(&self) -> String {
        format!("{} ({})", self.array.location, self.origin)
    }
}

/// What the link does with the named memories.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Key -> memory number.
    pub numbers: BTreeMap<String, u32>,
    /// Flags for the linker.
    pub linker_flags: Vec<String>,
    /// Memories the host provides: arrays and numbered memories that their
    /// declarations import.
    pub imports: Vec<MemoryImport>,
    /// The arrays' names as written in C (`counters`, `ns::table`), with
    /// their keys (`static` arrays of several files may share a name).
    pub names: BTreeMap<String, Vec<String>>,
}

impl Plan {
    /// `--memory=<array>:<options>` as `--memory=<N>:<options>`, with the
    /// array named by its C name or its symbol.
    pub fn numbered_spec(&self, spec: &str) -> Result<String> {
        let Some((name, options)) = spec.split_once(':') else {
            bail!("--memory={spec}: expected --memory=<N or array>:<option>[,<option>...]");
        };
        let key = match self.names.get(name).map(Vec::as_slice) {
            Some([key]) => key.as_str(),
            Some(keys) if keys.len() > 1 => {
                bail!("--memory={spec}: several `static` arrays are named `{name}`; name one by its symbol ({})", keys.join(", "))
            }
            _ => name,
        };
        match self.numbers.get(key) {
            Some(_) if options.split(',').any(|o| o.starts_with("import")) => bail!(
                "--memory={spec}: a wasm_memory array is imported by its declaration: `extern __wasm_memory __wasm_memory_import(\"module\", \"field\") T {name}[];`"
            ),
            Some(number) => Ok(format!("{number}:{options}")),
            None if self.names.is_empty() => {
                bail!("--memory={spec}: `{name}` is neither a memory number nor a wasm_memory array (this link has none)")
            }
            None => bail!(
                "--memory={spec}: `{name}` is neither a memory number nor a wasm_memory array of this link (its arrays: {})",
                self.names.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// Reads the `mmcc.memories` section of a wasm object, if it has one.
fn memories_section(bytes: &[u8]) -> Result<Option<MemoriesSection>> {
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let Ok(payload) = payload else { return Ok(None) };
        if let wasmparser::Payload::CustomSection(reader) = payload {
            if reader.name() == memories::SECTION_NAME {
                return MemoriesSection::decode(reader.data()).map(Some);
            }
        }
    }
    Ok(None)
}

/// Plans the named memories of a link. `numbered` are the memory numbers
/// the command line mentions (`--memory=N:...`).
pub fn plan(objects: &[InputObject], numbered: &[u32]) -> Result<Plan> {
    let mut highest = numbered.iter().copied().max().unwrap_or(0);
    let mut sightings: BTreeMap<String, Vec<Sighting>> = BTreeMap::new();
    // Numbered memories declared imported (`__memory_declare`), with the
    // first object that says so.
    let mut numbered_imports: BTreeMap<u32, (&str, (String, String))> = BTreeMap::new();
    // Numbered memories some object exports by name.
    let mut exported_numbered = std::collections::BTreeSet::new();
    let mut errors = Vec::new();
    for object in objects {
        let Some(section) = memories_section(&object.bytes)? else { continue };
        for m in section.memories {
            match m.key {
                MemoryKey::Numbered(n) => {
                    highest = highest.max(n);
                    if m.declaration.export_name.is_some() {
                        exported_numbered.insert(n);
                    }
                    let Some(import) = m.declaration.import else { continue };
                    match numbered_imports.get(&n) {
                        Some((first, theirs)) if *theirs != import => errors.push(format!(
                            "memory {n} is imported as {}.{} by {} but as {}.{} by {}",
                            theirs.0, theirs.1, first, import.0, import.1, object.origin
                        )),
                        Some(_) => {}
                        None => {
                            numbered_imports.insert(n, (object.origin.as_str(), import));
                        }
                    }
                }
                MemoryKey::Application => {}
                MemoryKey::Named(key) => sightings.entry(key).or_default().push(Sighting {
                    origin: &object.origin,
                    declaration: m.declaration,
                    array: m.array.unwrap_or_default(),
                }),
            }
        }
    }
    let mut plan = Plan::default();
    for (memory, (_, (module, field))) in numbered_imports {
        let keep_export = exported_numbered.contains(&memory);
        plan.imports.push(MemoryImport { memory, module, field, allow_data: false, keep_export });
    }
    for (i, (key, seen)) in sightings.iter().enumerate() {
        let number = highest + 1 + i as u32;
        plan.numbers.insert(key.clone(), number);
        plan.names.entry(seen[0].array.name.clone()).or_default().push(key.clone());
        match settle(seen) {
            Ok((declaration, array)) => {
                plan.linker_flags.push(format!("--mm-named-memory={key}={number}"));
                let mut options = Vec::new();
                let min = declaration.min_pages.or_else(|| array.size.map(|s| s.div_ceil(65536)));
                if let Some(min) = min {
                    options.push(format!("min={min}"));
                }
                if let Some(max) = declaration.max_pages {
                    options.push(format!("max={max}"));
                }
                if declaration.shared {
                    options.push("shared".to_string());
                }
                if declaration.private {
                    options.push("private".to_string());
                } else {
                    options.push(format!("export={}", declaration.export_name.clone().unwrap_or(array.name.clone())));
                }
                plan.linker_flags.push(format!("--mm-memory={number}:{}", options.join(",")));
                if let Some((module, field)) = declaration.import {
                    let keep_export = declaration.export_name.is_some();
                    plan.imports.push(MemoryImport { memory: number, module, field, allow_data: false, keep_export });
                }
            }
            Err(message) => errors.push(message),
        }
    }
    if !errors.is_empty() {
        bail!("{}", errors.join("\nmmcc: error: "));
    }
    Ok(plan)
}

/// `T[]` and `T[N]` are the same array type, seen with and without its size.
fn same_type(a: &str, b: &str) -> bool {
    let unsized_prefix = |t: &str| t.strip_suffix("[]").map(str::to_string);
    let sized_prefix = |t: &str| t.rfind('[').map(|i| t[..i].to_string());
    a == b || unsized_prefix(a).is_some_and(|p| Some(p) == sized_prefix(b)) || unsized_prefix(b).is_some_and(|p| Some(p) == sized_prefix(a))
}

/// The one declaration and array that all sightings agree on, or an error
/// naming the two that disagree.
fn settle(seen: &[Sighting]) -> Result<(Declaration, ArrayInfo), String> {
    let first = &seen[0];
    let name = &first.array.name;
    let definitions: Vec<&Sighting> = seen.iter().filter(|s| s.array.defined).collect();
    let imports: Vec<&Sighting> = seen.iter().filter(|s| s.declaration.import.is_some()).collect();
    if definitions.len() > 1 {
        return Err(format!(
            "wasm_memory array `{name}` is defined twice: at {} and at {}; define it in one file and declare it `extern` in the others",
            definitions[0].place(),
            definitions[1].place()
        ));
    }
    if let (Some(d), Some(i)) = (definitions.first(), imports.first()) {
        return Err(format!(
            "wasm_memory array `{name}` is defined at {} but imported from the host at {}; it is one or the other",
            d.place(),
            i.place()
        ));
    }
    if definitions.is_empty() && imports.is_empty() {
        return Err(format!(
            "wasm_memory array `{name}` is declared at {} but defined nowhere: define it in one file, or import it from the host with wasm_memory_import",
            first.place()
        ));
    }
    // The definition (or an import) tells the real type and size.
    let reference = definitions.first().or(imports.first()).copied().unwrap_or(first);
    let mut declaration = Declaration::default();
    let mut set_by: BTreeMap<&str, &Sighting> = BTreeMap::new();
    for s in seen {
        if !same_type(&s.array.c_type, &reference.array.c_type) {
            return Err(format!(
                "wasm_memory array `{name}` is declared differently: `{}` at {} and `{}` at {}",
                reference.array.c_type,
                reference.place(),
                s.array.c_type,
                s.place()
            ));
        }
        let d = &s.declaration;
        let mut merge = |what: &'static str, theirs: bool, conflict: bool| -> Result<(), String> {
            if !theirs {
                return Ok(());
            }
            if let Some(other) = set_by.get(what) {
                if conflict {
                    return Err(format!(
                        "wasm_memory array `{name}` has conflicting {what} settings at {} and at {}",
                        other.place(),
                        s.place()
                    ));
                }
            } else {
                set_by.insert(what, s);
            }
            Ok(())
        };
        merge("import", d.import.is_some(), declaration.import.is_some() && declaration.import != d.import)?;
        merge("export", d.export_name.is_some(), declaration.export_name.is_some() && declaration.export_name != d.export_name)?;
        merge("minimum size", d.min_pages.is_some(), declaration.min_pages.is_some() && declaration.min_pages != d.min_pages)?;
        merge("maximum size", d.max_pages.is_some(), declaration.max_pages.is_some() && declaration.max_pages != d.max_pages)?;
        if d.import.is_some() { declaration.import = d.import.clone() }
        if d.export_name.is_some() { declaration.export_name = d.export_name.clone() }
        if d.min_pages.is_some() { declaration.min_pages = d.min_pages }
        if d.max_pages.is_some() { declaration.max_pages = d.max_pages }
        declaration.shared |= d.shared;
        declaration.private |= d.private;
    }
    if declaration.private && declaration.export_name.is_some() {
        return Err(format!(
            "wasm_memory array `{name}` is private at {} but exported at {}",
            set_by.get("export").map(|s| s.place()).unwrap_or_default(),
            seen.iter().find(|s| s.declaration.private).map(|s| s.place()).unwrap_or_default()
        ));
    }
    Ok((declaration, reference.array.clone()))
}

#[cfg(test)]
mod tests {
    use super::same_type;

    #[test]
    fn array_types() {
        assert!(same_type("int[64]", "int[64]"));
        assert!(same_type("unsigned char[]", "unsigned char[4096]"));
        assert!(same_type("int[][16]", "int[][16]"));
        assert!(!same_type("int[64]", "short[64]"));
        assert!(!same_type("int[64]", "int[32]"));
    }
}
