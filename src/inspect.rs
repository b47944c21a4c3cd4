//! `mmtool inspect`: what a module or multi-memory object holds, per memory:
//! limits, import/export, static data bytes, and how many instructions use
//! it; for linked modules also where each memory comes from in the source
//! (the memory names finalize writes into the name section).

use crate::object::memories::{MemoriesSection, SECTION_NAME};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use crate::memory_operands::MemoryOperands;
use wasmparser::{Parser, Payload, TypeRef};

/// One memory of the inspected file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryInfo {
    pub index: u32,
    pub import: Option<(String, String)>,
    pub exports: Vec<String>,
    pub min_pages: u64,
    pub max_pages: Option<u64>,
    pub shared: bool,
    pub memory64: bool,
    /// Bytes of active data segments placed in this memory.
    pub data_bytes: u64,
    /// Instructions naming this memory (loads, stores, bulk, atomics, ...).
    pub instructions: u64,
    /// What is placed in this memory: (name, bytes). Objects list their
    /// data symbols; linked modules their named data segments.
    pub placed: Vec<(String, u64)>,
    /// The name section's name for this memory (mmcc: its source name).
    pub name: Option<String>,
}

impl MemoryInfo {
    /// Where the memory comes from in the source, from the name mmcc gave
    /// it (finalize.rs): `memory`, `memoryN` or a wasm_memory array's name.
    pub fn source(&self) -> Option<String> {
        let name = self.name.as_deref()?;
        Some(match name.strip_prefix("memory") {
            Some("") => "the default memory".to_string(),
            Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => format!("__memory({n})"),
            _ => format!("wasm_memory array `{name}`"),
        })
    }
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub memories: Vec<MemoryInfo>,
    /// For object files: the `mmcc.memories` section.
    pub object_memories: Option<MemoriesSection>,
    pub is_object: bool,
}

pub fn inspect(bytes: &[u8]) -> Result<Report> {
    let mut report = Report::default();
    let mut counts: BTreeMap<u32, u64> = BTreeMap::new();
    // Data segments: (memory index, size), and names from wherever found.
    let mut segments: Vec<(u32, u64)> = Vec::new();
    let mut segment_names: BTreeMap<u32, String> = BTreeMap::new();
    let mut memory_names: BTreeMap<u32, String> = BTreeMap::new();
    let mut data_symbols: Vec<(String, u32, u64)> = Vec::new(); // (name, segment, size)
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.context("not a valid WebAssembly file")? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    if let TypeRef::Memory(ty) = import.ty {
                        let from = (import.module.to_string(), import.name.to_string());
                        report.add_memory(ty, Some(from));
                    }
                }
            }
            Payload::MemorySection(reader) => {
                for ty in reader {
                    report.add_memory(ty?, None);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e?;
                    if e.kind == wasmparser::ExternalKind::Memory {
                        if let Some(m) = report.memories.get_mut(e.index as usize) {
                            m.exports.push(e.name.to_string());
                        }
                    }
                }
            }
            Payload::DataSection(reader) => {
                for d in reader {
                    let d = d?;
                    let memory_index = match d.kind {
                        wasmparser::DataKind::Active { memory_index, .. } => memory_index,
                        wasmparser::DataKind::Passive => 0,
                    };
                    if let Some(m) = report.memories.get_mut(memory_index as usize) {
                        m.data_bytes += d.data.len() as u64;
                    }
                    segments.push((memory_index, d.data.len() as u64));
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut reader = body.get_operators_reader()?;
                let mut operands = MemoryOperands::default();
                while !reader.eof() {
                    reader.visit_operator(&mut operands)?;
                    for memory in operands.memories.drain(..) {
                        *counts.entry(memory).or_default() += 1;
                    }
                }
            }
            Payload::CustomSection(reader) => match reader.name() {
                SECTION_NAME => report.object_memories = Some(MemoriesSection::decode(reader.data())?),
                "linking" => {
                    report.is_object = true;
                    let linking = crate::object::linking::LinkingSection::parse(reader.data(), reader.data_offset() as usize)?;
                    for symbol in linking.symbols.iter().flatten() {
                        if let crate::object::linking::Symbol::Data { name, definition: Some((segment, _, size)), .. } = symbol {
                            data_symbols.push((name.clone(), *segment, *size as u64));
                        }
                    }
                }
                "name" => {
                    let names = wasmparser::NameSectionReader::new(wasmparser::BinaryReader::new(reader.data(), reader.data_offset()));
                    for name in names {
                        match name {
                            Ok(wasmparser::Name::Data(map)) => {
                                for naming in map.into_iter().flatten() {
                                    segment_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                            Ok(wasmparser::Name::Memory(map)) => {
                                for naming in map.into_iter().flatten() {
                                    memory_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    for (index, name) in memory_names {
        if let Some(m) = report.memories.get_mut(index as usize) {
            m.name = Some(name);
        }
    }
    for (index, n) in counts {
        if let Some(m) = report.memories.get_mut(index as usize) {
            m.instructions += n;
        }
    }
    // Objects: data symbols by the memory of their segment; zero fills (in
    // mmcc.memories) have their real size in the symbol.
    for (name, segment, size) in data_symbols {
        if let Some(&(memory, _)) = segments.get(segment as usize) {
            if let Some(m) = report.memories.get_mut(memory as usize) {
                m.placed.push((name, size));
            }
        }
    }
    // Modules: named data segments (wasm-ld names them .data, .rodata, ...).
    if !report.is_object {
        for (index, name) in segment_names {
            if let Some(&(memory, size)) = segments.get(index as usize) {
                if let Some(m) = report.memories.get_mut(memory as usize) {
                    m.placed.push((name, size));
                }
            }
        }
    }
    Ok(report)
}

impl Report {
    /// Adds the next memory of the index space (imports come first).
    fn add_memory(&mut self, ty: wasmparser::MemoryType, import: Option<(String, String)>) {
        self.memories.push(MemoryInfo {
            index: self.memories.len() as u32,
            import,
            min_pages: ty.initial,
            max_pages: ty.maximum,
            shared: ty.shared,
            memory64: ty.memory64,
            ..Default::default()
        });
    }

    /// Human-readable text, one line per memory.
    pub fn render(&self, name: &str) -> String {
        let mut s = String::new();
        let kind = if self.is_object { "relocatable object" } else { "module" };
        let _ = writeln!(s, "{name}: {kind}, {} memor{}", self.memories.len(), if self.memories.len() == 1 { "y" } else { "ies" });
        let keys: BTreeMap<u32, String> = self
            .object_memories
            .iter()
            .flat_map(|o| o.memories.iter().map(|m| (m.index, m.key.to_string())))
            .collect();
        for m in &self.memories {
            let limits = match m.max_pages {
                Some(max) => format!("pages {}..{}", m.min_pages, max),
                None => format!("pages {}..", m.min_pages),
            };
            let origin = match &m.import {
                Some((module, field)) => format!("imported from {module}.{field}"),
                None => "defined".to_string(),
            };
            let exports = if m.exports.is_empty() {
                "not exported".to_string()
            } else {
                format!("exported as {}", m.exports.iter().map(|e| format!("\"{e}\"")).collect::<Vec<_>>().join(", "))
            };
            let source = if self.is_object { None } else { m.source() };
            let _ = write!(
                s,
                "  memory {}{}: {origin}, {limits}{}{}, {exports}, {} data bytes, {} instructions",
                m.index,
                source.map(|source| format!(" ({source})")).unwrap_or_default(),
                if m.shared { ", shared" } else { "" },
                if m.memory64 { ", 64-bit" } else { "" },
                m.data_bytes,
                m.instructions
            );
            if self.is_object {
                let key = if m.index == 0 { Some("0".to_string()) } else { keys.get(&m.index).cloned() };
                if let Some(key) = key {
                    let _ = write!(s, ", key {key}");
                }
            }
            s.push('\n');
            for (name, size) in &m.placed {
                let _ = writeln!(s, "      {name}: {size} bytes");
            }
        }
        if let Some(o) = &self.object_memories {
            let _ = writeln!(s, "  {SECTION_NAME}: {} memor{}, {} memory-index relocations", o.memories.len(), if o.memories.len() == 1 { "y" } else { "ies" }, o.relocs.len());
        }
        s
    }
}
