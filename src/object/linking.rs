//! Reading and writing the `linking` and `reloc.*` custom sections of a
//! relocatable object (tool-conventions Linking.md).
//!
//! wasmparser reads both sections; wasm-encoder's `LinkingSection` writes only
//! the symbol table and it has no relocation sections, so the encoders for
//! what the object writer must re-emit (symbol table, segment info, init
//! functions, COMDATs, relocations) live here.

use crate::marker::write_u32;
use crate::object::memories::write_string;
use anyhow::{bail, Result};
use wasmparser::{
    BinaryReader, ComdatSymbolKind, Linking, LinkingSectionReader, RelocAddendKind, RelocSectionReader,
    RelocationEntry, SymbolInfo,
};

/// A symbol, owned (wasmparser's `SymbolInfo` borrows the input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Symbol {
    /// Function, global, event (tag) or table: kind byte 0, 2, 4 or 5.
    Indexed { kind: u8, flags: u32, index: u32, name: Option<String> },
    Data { flags: u32, name: String, definition: Option<(u32, u32, u32)> },
    Section { flags: u32, section: u32 },
}

pub const SYMTAB_FUNCTION: u8 = 0;
pub const WASM_SYM_UNDEFINED: u32 = 0x10;

impl Symbol {
    pub fn name(&self) -> Option<&str> {
        match self {
            Symbol::Indexed { name, .. } => name.as_deref(),
            Symbol::Data { name, .. } => Some(name),
            Symbol::Section { .. } => None,
        }
    }

    /// The function index, if this is a function symbol.
    pub fn function_index(&self) -> Option<u32> {
        match self {
            Symbol::Indexed { kind: SYMTAB_FUNCTION, index, .. } => Some(*index),
            _ => None,
        }
    }

    fn from_info(info: SymbolInfo<'_>) -> Symbol {
        let indexed = |kind, flags: wasmparser::SymbolFlags, index, name: Option<&str>| Symbol::Indexed {
            kind,
            flags: flags.bits(),
            index,
            name: name.map(str::to_string),
        };
        match info {
            SymbolInfo::Func { flags, index, name } => indexed(0, flags, index, name),
            SymbolInfo::Global { flags, index, name } => indexed(2, flags, index, name),
            SymbolInfo::Event { flags, index, name } => indexed(4, flags, index, name),
            SymbolInfo::Table { flags, index, name } => indexed(5, flags, index, name),
            SymbolInfo::Data { flags, name, symbol } => Symbol::Data {
                flags: flags.bits(),
                name: name.to_string(),
                definition: symbol.map(|d| (d.index, d.offset, d.size)),
            },
            SymbolInfo::Section { flags, section } => Symbol::Section { flags: flags.bits(), section },
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Symbol::Indexed { kind, flags, index, name } => {
                out.push(*kind);
                write_u32(out, *flags);
                write_u32(out, *index);
                if let Some(name) = name {
                    write_string(out, name);
                }
            }
            Symbol::Data { flags, name, definition } => {
                out.push(1);
                write_u32(out, *flags);
                write_string(out, name);
                if let Some((index, offset, size)) = definition {
                    write_u32(out, *index);
                    write_u32(out, *offset);
                    write_u32(out, *size);
                }
            }
            Symbol::Section { flags, section } => {
                out.push(3);
                write_u32(out, *flags);
                write_u32(out, *section);
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentInfo {
    pub name: String,
    pub alignment: u32,
    pub flags: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comdat {
    pub name: String,
    pub flags: u32,
    /// (kind, index): kind 0 data segment, 1 function, 2 global, 3 event,
    /// 4 table, 5 section.
    pub members: Vec<(u8, u32)>,
}

pub const COMDAT_FUNCTION: u8 = 1;

/// The whole `linking` section, owned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkingSection {
    pub segments: Option<Vec<SegmentInfo>>,
    /// (priority, symbol index)
    pub init_funcs: Option<Vec<(u32, u32)>>,
    pub comdats: Option<Vec<Comdat>>,
    pub symbols: Option<Vec<Symbol>>,
    /// Subsections this reader does not know, kept as they are.
    pub unknown: Vec<(u8, Vec<u8>)>,
}

impl LinkingSection {
    pub fn parse(data: &[u8], offset: usize) -> Result<LinkingSection> {
        let reader = LinkingSectionReader::new(BinaryReader::new(data, offset as u64))?;
        let mut section = LinkingSection::default();
        for sub in reader.subsections() {
            match sub? {
                Linking::SegmentInfo(map) => {
                    let mut v = Vec::new();
                    for s in map {
                        let s = s?;
                        v.push(SegmentInfo { name: s.name.to_string(), alignment: s.alignment, flags: s.flags.bits() });
                    }
                    section.segments = Some(v);
                }
                Linking::InitFuncs(map) => {
                    let mut v = Vec::new();
                    for f in map {
                        let f = f?;
                        v.push((f.priority, f.symbol_index));
                    }
                    section.init_funcs = Some(v);
                }
                Linking::ComdatInfo(map) => {
                    let mut v = Vec::new();
                    for c in map {
                        let c = c?;
                        let mut members = Vec::new();
                        for m in c.symbols {
                            let m = m?;
                            let kind = match m.kind {
                                ComdatSymbolKind::Data => 0,
                                ComdatSymbolKind::Func => 1,
                                ComdatSymbolKind::Global => 2,
                                ComdatSymbolKind::Event => 3,
                                ComdatSymbolKind::Table => 4,
                                ComdatSymbolKind::Section => 5,
                            };
                            members.push((kind, m.index));
                        }
                        v.push(Comdat { name: c.name.to_string(), flags: c.flags, members });
                    }
                    section.comdats = Some(v);
                }
                Linking::SymbolTable(map) => {
                    let mut v = Vec::new();
                    for s in map {
                        v.push(Symbol::from_info(s?));
                    }
                    section.symbols = Some(v);
                }
                Linking::TargetArch(_) => bail!("linking: target-arch subsection is not supported"),
                Linking::Unknown { ty, data, .. } => section.unknown.push((ty, data.to_vec())),
            }
        }
        Ok(section)
    }

    /// Encodes the section contents, subsections in the order LLVM writes them.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_u32(&mut out, 2);
        let mut sub = |id: u8, payload: Vec<u8>| {
            out.push(id);
            write_u32(&mut out, payload.len() as u32);
            out.extend_from_slice(&payload);
        };
        if let Some(symbols) = &self.symbols {
            let mut p = Vec::new();
            write_u32(&mut p, symbols.len() as u32);
            symbols.iter().for_each(|s| s.encode(&mut p));
            sub(8, p);
        }
        if let Some(segments) = &self.segments {
            let mut p = Vec::new();
            write_u32(&mut p, segments.len() as u32);
            for s in segments {
                write_string(&mut p, &s.name);
                write_u32(&mut p, s.alignment);
                write_u32(&mut p, s.flags);
            }
            sub(5, p);
        }
        if let Some(init) = &self.init_funcs {
            let mut p = Vec::new();
            write_u32(&mut p, init.len() as u32);
            for (priority, symbol) in init {
                write_u32(&mut p, *priority);
                write_u32(&mut p, *symbol);
            }
            sub(6, p);
        }
        if let Some(comdats) = &self.comdats {
            let mut p = Vec::new();
            write_u32(&mut p, comdats.len() as u32);
            for c in comdats {
                write_string(&mut p, &c.name);
                write_u32(&mut p, c.flags);
                write_u32(&mut p, c.members.len() as u32);
                for (kind, index) in &c.members {
                    p.push(*kind);
                    write_u32(&mut p, *index);
                }
            }
            sub(7, p);
        }
        for (id, data) in &self.unknown {
            sub(*id, data.clone());
        }
        out
    }
}

/// A `reloc.*` section, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelocSection {
    pub target_section: u32,
    pub entries: Vec<RelocationEntry>,
}

impl RelocSection {
    pub fn parse(data: &[u8], offset: usize) -> Result<RelocSection> {
        let reader = RelocSectionReader::new(BinaryReader::new(data, offset as u64))?;
        let entries = reader.entries().into_iter().collect::<Result<Vec<_>, _>>()?;
        Ok(RelocSection { target_section: reader.section_index(), entries })
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_u32(&mut out, self.target_section);
        write_u32(&mut out, self.entries.len() as u32);
        for e in &self.entries {
            out.push(e.ty as u8);
            write_u32(&mut out, e.offset);
            write_u32(&mut out, e.index);
            match e.ty.addend_kind() {
                RelocAddendKind::None => {}
                RelocAddendKind::Addend32 | RelocAddendKind::Addend64 => write_i64(&mut out, e.addend),
            }
        }
        out
    }
}

/// Appends a signed LEB128.
pub fn write_i64(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return;
        }
    }
}
