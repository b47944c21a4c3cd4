//! Post-link step: memories the host provides (imported memories other than
//! the default one).
//!
//! WebAssembly numbers imported memories before defined ones. When memory
//! 0 is defined and memory 2 is imported, memory 2 must come first, so the
//! default memory leaves index 0 — and LLVM's memory-0 instructions carry no
//! memory index to relocate. So the linker lays the module out with every
//! memory defined (memory N at index N), and this step re-encodes the linked
//! module: the requested memories move into the import section (with the
//! limits the linker gave them) and every memory reference — instructions,
//! data segments, exports — is renumbered (wasm-encoder's `Reencode`).
//!
//! A data segment for an imported memory would overwrite the host's memory
//! when the module is instantiated, so it is an error unless the import says
//! `import-data`.

use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use wasm_encoder::reencode::{Error as ReencodeError, Reencode, RoundtripReencoder};
use wasmparser::{Parser, Payload, TypeRef};

/// A memory to import instead of define.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryImport {
    pub memory: u32,
    pub module: String,
    pub field: String,
    /// Write the module's static data into the host's memory anyway.
    pub allow_data: bool,
}

/// Moves the memories named in `imports` into the import section.
pub fn import_memories(bytes: &[u8], imports: &[MemoryImport]) -> Result<Vec<u8>> {
    let layout = Layout::read(bytes)?;
    let mut requested: BTreeMap<u32, &MemoryImport> = BTreeMap::new();
    for import in imports {
        let Some(defined) = import.memory.checked_sub(layout.imported) else {
            bail!("memory {} is already imported", import.memory);
        };
        if defined as usize >= layout.defined.len() {
            bail!("--memory={}:import=...: the program has no memory {}", import.memory, import.memory);
        }
        if layout.data_memories.contains(&import.memory) && !import.allow_data {
            bail!(
                "memory {} has static data, which would overwrite the host's memory when the module starts; \
                 move the data to another memory, or add `import-data` (--memory={}:import={}.{},import-data) to write it anyway",
                import.memory,
                import.memory,
                import.module,
                import.field
            );
        }
        if requested.insert(import.memory, import).is_some() {
            bail!("memory {} is imported twice", import.memory);
        }
    }
    // New index space: imports first (the existing ones, then the new ones
    // in memory order), then the memories that stay defined.
    let total = layout.imported + layout.defined.len() as u32;
    let mut order: Vec<u32> = (0..layout.imported).collect();
    order.extend(requested.keys().copied());
    order.extend((layout.imported..total).filter(|m| !requested.contains_key(m)));
    let mut new_index = vec![0u32; total as usize];
    for (new, &old) in order.iter().enumerate() {
        new_index[old as usize] = new as u32;
    }
    let mut reencoder = Renumber { new_index, layout: &layout, requested, imports_written: false };
    let mut module = wasm_encoder::Module::new();
    reencoder
        .parse_core_module(&mut module, Parser::new(0), bytes)
        .map_err(|e| anyhow::anyhow!("cannot re-encode the module to import its memories: {e:?}"))?;
    Ok(module.finish())
}

/// What the linked module has, before renumbering.
struct Layout {
    /// Memories imported already (e.g. memory 0 with --import-memory).
    imported: u32,
    /// Defined memories' types, in index order after the imported ones.
    defined: Vec<wasmparser::MemoryType>,
    /// Memories that active data segments write to.
    data_memories: Vec<u32>,
    has_import_section: bool,
}

impl Layout {
    fn read(bytes: &[u8]) -> Result<Layout> {
        let mut layout = Layout { imported: 0, defined: Vec::new(), data_memories: Vec::new(), has_import_section: false };
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.context("the linked module is not valid WebAssembly")? {
                Payload::ImportSection(r) => {
                    layout.has_import_section = true;
                    for i in r.into_imports() {
                        if let TypeRef::Memory(_) = i?.ty {
                            layout.imported += 1;
                        }
                    }
                }
                Payload::MemorySection(r) => {
                    for m in r {
                        layout.defined.push(m?);
                    }
                }
                Payload::DataSection(r) => {
                    for d in r {
                        if let wasmparser::DataKind::Active { memory_index, .. } = d?.kind {
                            layout.data_memories.push(memory_index);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(layout)
    }
}

struct Renumber<'a> {
    new_index: Vec<u32>,
    layout: &'a Layout,
    requested: BTreeMap<u32, &'a MemoryImport>,
    imports_written: bool,
}

impl Renumber<'_> {
    fn add_memory_imports(&mut self, imports: &mut wasm_encoder::ImportSection) -> Result<(), ReencodeError<std::convert::Infallible>> {
        for (&memory, import) in &self.requested {
            let ty = self.layout.defined[(memory - self.layout.imported) as usize];
            imports.import(&import.module, &import.field, RoundtripReencoder.memory_type(ty)?);
        }
        Ok(())
    }
}

impl Reencode for Renumber<'_> {
    type Error = std::convert::Infallible;

    fn memory_index(&mut self, memory: u32) -> Result<u32, ReencodeError<Self::Error>> {
        Ok(self.new_index.get(memory as usize).copied().unwrap_or(memory))
    }

    fn parse_import_section(
        &mut self,
        imports: &mut wasm_encoder::ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        wasm_encoder::reencode::utils::parse_import_section(self, imports, section)?;
        self.imports_written = true;
        self.add_memory_imports(imports)
    }

    /// A module without imports gets an import section where it belongs.
    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        after: Option<wasm_encoder::SectionId>,
        before: Option<wasm_encoder::SectionId>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        use wasm_encoder::SectionId;
        let import_goes_here = !self.layout.has_import_section
            && !self.imports_written
            && matches!(after, None | Some(SectionId::Type))
            && before.is_none_or(|b| b != SectionId::Type && b != SectionId::Import);
        if import_goes_here {
            let mut imports = wasm_encoder::ImportSection::new();
            self.add_memory_imports(&mut imports)?;
            module.section(&imports);
            self.imports_written = true;
        }
        wasm_encoder::reencode::utils::intersperse_section_hook(self, module, after, before)
    }

    fn parse_memory_section(
        &mut self,
        memories: &mut wasm_encoder::MemorySection,
        section: wasmparser::MemorySectionReader<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        for (i, memory) in section.into_iter().enumerate() {
            let index = self.layout.imported + i as u32;
            if !self.requested.contains_key(&index) {
                memories.memory(self.memory_type(memory?)?);
            }
        }
        Ok(())
    }
}
