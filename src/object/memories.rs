//! The `mmcc.memories` custom section: the memories an object uses, their
//! declarations, and the positions of memory indices in its code.
//! Format: docs/object-format.md (this module and the lld patches follow it).

use crate::marker::{write_u32, write_u64, MemoryKey};
use anyhow::{bail, Context, Result};

/// Name of the custom section.
pub const SECTION_NAME: &str = "mmcc.memories";
/// Version written by this writer. Version 1 had no `array` part for named
/// memories (it had no named memories at all); readers accept both.
pub const VERSION: u32 = 2;

pub const HAS_MIN: u32 = 0x01;
pub const HAS_MAX: u32 = 0x02;
pub const SHARED: u32 = 0x04;
pub const EXPORT_NAME: u32 = 0x08;
pub const PRIVATE: u32 = 0x10;
pub const IMPORT: u32 = 0x20;

/// What an object says about one memory it uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Declaration {
    pub min_pages: Option<u64>,
    pub max_pages: Option<u64>,
    pub shared: bool,
    pub export_name: Option<String>,
    pub private: bool,
    pub import: Option<(String, String)>,
}

/// What an object says about the `wasm_memory` array behind a named memory,
/// so that the link step can check that every object means the same array.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArrayInfo {
    /// The name in the source (the key is the symbol name).
    pub name: String,
    /// `file:line:col` of the array's first declaration in this object.
    pub location: String,
    /// The array's C type, canonical (e.g. `unsigned char[]`, `int[64]`).
    pub c_type: String,
    /// Size in bytes; None for an array of unknown size (`extern T a[];`).
    pub size: Option<u64>,
    /// This object defines the array (holds its data).
    pub defined: bool,
    /// A `static` array: its memory belongs to this object alone.
    pub internal: bool,
}

pub const ARRAY_DEFINED: u8 = 0x01;
pub const ARRAY_INTERNAL: u8 = 0x02;

/// One memory of an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMemory {
    /// Index in the object's memory index space (its memory imports); >= 1.
    pub index: u32,
    pub key: MemoryKey,
    pub declaration: Declaration,
    /// For a named memory: the array it is.
    pub array: Option<ArrayInfo>,
}

/// A memory index in the code section that the linker must rewrite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryReloc {
    /// Offset of the 5-byte index, relative to the code section's contents.
    pub offset: u32,
    /// The object memory index written there.
    pub index: u32,
}

/// A zero-initialized data segment: empty in the object, `size` zero bytes
/// in its memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZeroFill {
    pub segment: u32,
    pub size: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoriesSection {
    pub memories: Vec<ObjectMemory>,
    pub relocs: Vec<MemoryReloc>,
    pub zero_fills: Vec<ZeroFill>,
}

impl MemoriesSection {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_u32(&mut out, VERSION);
        write_u32(&mut out, self.memories.len() as u32);
        for m in &self.memories {
            write_u32(&mut out, m.index);
            match &m.key {
                MemoryKey::Numbered(n) => {
                    out.push(0);
                    write_u32(&mut out, *n);
                }
                MemoryKey::Named(name) => {
                    out.push(1);
                    write_string(&mut out, name);
                }
                // The default memory is object memory 0, never listed here
                // (the object writer leaves it out); as a key it is 0.
                MemoryKey::Application => {
                    out.push(0);
                    write_u32(&mut out, 0);
                }
            }
            let d = &m.declaration;
            let mut flags = 0;
            if d.min_pages.is_some() { flags |= HAS_MIN }
            if d.max_pages.is_some() { flags |= HAS_MAX }
            if d.shared { flags |= SHARED }
            if d.export_name.is_some() { flags |= EXPORT_NAME }
            if d.private { flags |= PRIVATE }
            if d.import.is_some() { flags |= IMPORT }
            write_u32(&mut out, flags);
            if let Some(min) = d.min_pages { write_u64(&mut out, min) }
            if let Some(max) = d.max_pages { write_u64(&mut out, max) }
            if let Some(name) = &d.export_name { write_string(&mut out, name) }
            if let Some((module, field)) = &d.import {
                write_string(&mut out, module);
                write_string(&mut out, field);
            }
            if let MemoryKey::Named(_) = &m.key {
                let a = m.array.clone().unwrap_or_default();
                write_string(&mut out, &a.name);
                write_string(&mut out, &a.location);
                write_string(&mut out, &a.c_type);
                write_u64(&mut out, a.size.unwrap_or(0));
                out.push(if a.defined { ARRAY_DEFINED } else { 0 } | if a.internal { ARRAY_INTERNAL } else { 0 });
            }
        }
        write_u32(&mut out, self.relocs.len() as u32);
        for r in &self.relocs {
            write_u32(&mut out, r.offset);
            write_u32(&mut out, r.index);
        }
        write_u32(&mut out, self.zero_fills.len() as u32);
        for z in &self.zero_fills {
            write_u32(&mut out, z.segment);
            write_u64(&mut out, z.size);
        }
        out
    }

    pub fn decode(data: &[u8]) -> Result<MemoriesSection> {
        let mut r = wasmparser::BinaryReader::new(data, 0);
        let version = r.read_var_u32()?;
        if version != 1 && version != VERSION {
            bail!("{SECTION_NAME}: unsupported version {version} (this mmcc reads versions 1 and {VERSION})");
        }
        let mut section = MemoriesSection::default();
        for _ in 0..r.read_var_u32()? {
            let index = r.read_var_u32()?;
            let key = match r.read_u8()? {
                0 => MemoryKey::Numbered(r.read_var_u32()?),
                1 => MemoryKey::Named(r.read_string()?.to_string()),
                k => bail!("{SECTION_NAME}: unknown memory key kind {k}"),
            };
            let flags = r.read_var_u32()?;
            if flags & !(HAS_MIN | HAS_MAX | SHARED | EXPORT_NAME | PRIVATE | IMPORT) != 0 {
                bail!("{SECTION_NAME}: unknown memory flags {flags:#x}");
            }
            let mut d = Declaration::default();
            if flags & HAS_MIN != 0 { d.min_pages = Some(r.read_var_u64()?) }
            if flags & HAS_MAX != 0 { d.max_pages = Some(r.read_var_u64()?) }
            d.shared = flags & SHARED != 0;
            if flags & EXPORT_NAME != 0 { d.export_name = Some(r.read_string()?.to_string()) }
            d.private = flags & PRIVATE != 0;
            if flags & IMPORT != 0 {
                d.import = Some((r.read_string()?.to_string(), r.read_string()?.to_string()));
            }
            let array = match &key {
                MemoryKey::Named(_) if version >= 2 => {
                    let name = r.read_string()?.to_string();
                    let location = r.read_string()?.to_string();
                    let c_type = r.read_string()?.to_string();
                    let size = Some(r.read_var_u64()?).filter(|s| *s != 0);
                    let flags = r.read_u8()?;
                    Some(ArrayInfo {
                        name,
                        location,
                        c_type,
                        size,
                        defined: flags & ARRAY_DEFINED != 0,
                        internal: flags & ARRAY_INTERNAL != 0,
                    })
                }
                _ => None,
            };
            section.memories.push(ObjectMemory { index, key, declaration: d, array });
        }
        for _ in 0..r.read_var_u32()? {
            section.relocs.push(MemoryReloc { offset: r.read_var_u32()?, index: r.read_var_u32()? });
        }
        for _ in 0..r.read_var_u32()? {
            section.zero_fills.push(ZeroFill { segment: r.read_var_u32()?, size: r.read_var_u64()? });
        }
        if !r.eof() {
            bail!("{SECTION_NAME}: {} trailing bytes", r.bytes_remaining());
        }
        Ok(section)
    }

    /// The key of an object memory index (0 is the default memory).
    pub fn key_of(&self, index: u32) -> Result<MemoryKey> {
        if index == 0 {
            return Ok(MemoryKey::Numbered(0));
        }
        self.memories
            .iter()
            .find(|m| m.index == index)
            .map(|m| m.key.clone())
            .with_context(|| format!("{SECTION_NAME}: memory index {index} is not declared"))
    }
}

pub fn write_string(out: &mut Vec<u8>, s: &str) {
    write_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let section = MemoriesSection {
            memories: vec![
                ObjectMemory { index: 1, key: MemoryKey::Numbered(3), declaration: Declaration::default(), array: None },
                ObjectMemory {
                    index: 2,
                    key: MemoryKey::Named("ring".into()),
                    declaration: Declaration {
                        min_pages: Some(2),
                        max_pages: Some(16),
                        shared: true,
                        export_name: Some("ring".into()),
                        private: false,
                        import: Some(("env".into(), "user".into())),
                    },
                    array: Some(ArrayInfo {
                        name: "ring".into(),
                        location: "a.c:3:5".into(),
                        c_type: "int[64]".into(),
                        size: Some(256),
                        defined: true,
                        internal: false,
                    }),
                },
            ],
            relocs: vec![MemoryReloc { offset: 7, index: 1 }, MemoryReloc { offset: 30, index: 2 }],
            zero_fills: vec![ZeroFill { segment: 3, size: 1 << 30 }],
        };
        assert_eq!(MemoriesSection::decode(&section.encode()).unwrap(), section);
    }

    #[test]
    fn rejects_garbage() {
        assert!(MemoriesSection::decode(&[2, 0, 0]).is_err());
        assert!(MemoriesSection::decode(&[1, 1]).is_err());
        assert!(MemoriesSection::decode(&[1, 0, 0, 0, 9]).is_err());
    }
}
