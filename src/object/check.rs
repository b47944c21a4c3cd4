//! What the object writer and retargeting check of an object before they
//! touch it, so that what they write is valid whenever they succeed: the
//! writer copies code and data as bytes, guided by the relocations, and an
//! object whose code is invalid, or whose relocations and symbols point at
//! nothing, would come out just as broken. LLVM's objects always pass; a
//! damaged or hand-made file is an error naming what is wrong
//! (tests/robustness.rs feeds both entry points mutated objects).

use super::linking::{LinkingSection, RelocSection, Symbol, WASM_SYM_UNDEFINED};
use super::memories::MemoriesSection;
use anyhow::{bail, ensure, Context, Result};
use wasmparser::{Parser, Payload, RelocationType, TypeRef, Validator, WasmFeatures};

/// The features of the code mmcc reads and writes: clang's wasm32 defaults
/// and what `-m` flags enable (SIMD and relaxed SIMD, atomics and shared
/// memories, bulk memory, exceptions in both encodings, tail calls,
/// extended constants), and multiple memories.
pub fn features() -> WasmFeatures {
    WasmFeatures::WASM2
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::THREADS
        | WasmFeatures::RELAXED_SIMD
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::EXCEPTIONS
        | WasmFeatures::LEGACY_EXCEPTIONS
}

/// Validates a module (or object) with [`features`].
pub fn validate(bytes: &[u8]) -> Result<()> {
    Validator::new_with_features(features()).validate_all(bytes).map(|_| ()).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Index spaces of an object, as far as its symbols and relocations refer
/// to them: (imported, total) per kind.
#[derive(Default)]
struct Spaces {
    functions: (u32, u32),
    globals: (u32, u32),
    tags: (u32, u32),
    tables: (u32, u32),
    memories: u32,
    types: u32,
    /// Contents size of every section, in file order.
    section_sizes: Vec<usize>,
    /// The name of every custom section, in file order (None: not custom).
    custom_names: Vec<Option<String>>,
    code_section: Option<usize>,
    /// Where the code section's contents start in the file.
    code_start: usize,
    segment_sizes: Vec<usize>,
}

/// Checks that `input` is a valid module and a consistent relocatable
/// object: one `linking` section, at most one relocation section per
/// section and one `mmcc.memories`; every symbol names something that
/// exists (undefined ones imports, defined ones definitions); every
/// relocation lies inside its section and names an existing symbol (a call
/// relocation one whose function its call immediate names); every memory
/// and zero fill of `mmcc.memories` exists.
///
/// It also checks what wasm-ld, reading the object with libLLVM's
/// `WasmObjectFile`, takes for granted and crashes on otherwise (the link
/// step runs this check on its inputs): relocation sections come after the
/// `linking` section and after the section they are for (LLVM reports a
/// bad relocation by the name of its symbol, which is out of range when
/// the symbol table comes later); the `name`, `producers` and
/// `target_features` sections parse to their end ([`llvm_custom_section`]);
/// a section symbol names a custom section (wasm-ld looks it up among
/// those); there is no `dylink` section (a shared library's).
pub fn object(input: &[u8]) -> Result<()> {
    validate(input).context("not a valid WebAssembly object file")?;
    let mut s = Spaces::default();
    let mut linking = None;
    let mut relocs: Vec<RelocSection> = Vec::new();
    let mut memories = None;
    for payload in Parser::new(0).parse_all(input) {
        let payload = payload?;
        match &payload {
            Payload::TypeSection(r) => s.types = r.count(),
            Payload::ImportSection(r) => {
                for import in r.clone().into_imports() {
                    match import?.ty {
                        TypeRef::Func(_) => s.functions.0 += 1,
                        TypeRef::Global(_) => s.globals.0 += 1,
                        TypeRef::Tag(_) => s.tags.0 += 1,
                        TypeRef::Table(_) => s.tables.0 += 1,
                        TypeRef::Memory(_) => s.memories += 1,
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(r) => s.functions.1 = r.count(),
            Payload::GlobalSection(r) => s.globals.1 = r.count(),
            Payload::TagSection(r) => s.tags.1 = r.count(),
            Payload::TableSection(r) => s.tables.1 = r.count(),
            Payload::MemorySection(r) => s.memories += r.count(),
            Payload::DataSection(r) => {
                for d in r.clone() {
                    s.segment_sizes.push(d?.data.len());
                }
            }
            Payload::CodeSectionStart { unchecked_range, .. } => {
                s.code_section = Some(s.section_sizes.len());
                s.code_start = unchecked_range.start as usize;
            }
            Payload::CustomSection(r) => {
                let at = r.data_offset() as usize;
                if r.name() == "linking" {
                    ensure!(linking.is_none(), "more than one `linking` section");
                    linking = Some(LinkingSection::parse(r.data(), at).context("malformed `linking` section")?);
                } else if r.name().starts_with("reloc.") {
                    ensure!(linking.is_some(), "the `{}` section comes before the `linking` section", r.name());
                    let reloc = RelocSection::parse(r.data(), at).with_context(|| format!("malformed `{}` section", r.name()))?;
                    ensure!(
                        (reloc.target_section as usize) < s.section_sizes.len(),
                        "the `{}` section comes before section {}, which it is for",
                        r.name(),
                        reloc.target_section
                    );
                    relocs.push(reloc);
                } else if matches!(r.name(), "dylink" | "dylink.0") {
                    bail!("a `{}` section (a shared library's) in a relocatable object", r.name());
                } else if matches!(r.name(), "name" | "producers" | "target_features") {
                    llvm_custom_section(r.name(), r.data()).with_context(|| format!("malformed `{}` section", r.name()))?;
                } else if r.name() == super::memories::SECTION_NAME {
                    ensure!(memories.is_none(), "more than one `{}` section", super::memories::SECTION_NAME);
                    memories = Some(MemoriesSection::decode(r.data())?);
                }
            }
            _ => {}
        }
        if let Some((_, range)) = payload.as_section() {
            s.section_sizes.push((range.end - range.start) as usize);
            s.custom_names.push(match &payload {
                Payload::CustomSection(r) => Some(r.name().to_string()),
                _ => None,
            });
        }
    }
    for space in [&mut s.functions, &mut s.globals, &mut s.tags, &mut s.tables] {
        space.1 += space.0;
    }
    let linking = linking.context("the object has no `linking` section (not a relocatable object?)")?;
    let no_symbols = Vec::new();
    let symbols = linking.symbols.as_ref().unwrap_or(&no_symbols);
    let zero_fill = |segment: u32| memories.as_ref().is_some_and(|m| m.zero_fills.iter().any(|z| z.segment == segment));
    for (i, symbol) in symbols.iter().enumerate() {
        match symbol {
            Symbol::Indexed { kind, flags, index, .. } => {
                let (imported, total) = match kind {
                    0 => s.functions,
                    2 => s.globals,
                    4 => s.tags,
                    _ => s.tables,
                };
                ensure!(*index < total, "symbol {i} names index {index}, of {total}");
                ensure!((flags & WASM_SYM_UNDEFINED != 0) == (*index < imported), "symbol {i}: undefined, but not an import, or the other way round");
            }
            Symbol::Data { definition: Some((segment, offset, size)), .. } => {
                let len = *s.segment_sizes.get(*segment as usize).with_context(|| format!("symbol {i} is in data segment {segment}, which does not exist"))?;
                ensure!(zero_fill(*segment) || *offset as u64 + *size as u64 <= len as u64, "symbol {i} runs past the end of data segment {segment}");
            }
            Symbol::Data { .. } => {}
            Symbol::Section { section, .. } => {
                let name = s.custom_names.get(*section as usize).with_context(|| format!("symbol {i} names section {section}, which does not exist"))?;
                // wasm-ld keeps `mmcc.memories` out of the custom sections
                // it links (lld patch 0001).
                ensure!(
                    name.as_deref().is_some_and(|n| n != super::memories::SECTION_NAME),
                    "symbol {i} names section {section}, which is not a custom section"
                );
            }
        }
    }
    if let Some(segments) = &linking.segments {
        ensure!(segments.len() == s.segment_sizes.len(), "segment info for {} data segments, the object has {}", segments.len(), s.segment_sizes.len());
    }
    for (_, symbol) in linking.init_funcs.iter().flatten() {
        ensure!(symbols.get(*symbol as usize).and_then(Symbol::function_index).is_some(), "init function {symbol} is not a function symbol");
    }
    let mut targets = std::collections::BTreeSet::new();
    for r in &relocs {
        ensure!(targets.insert(r.target_section), "two relocation sections for section {}", r.target_section);
        let size = *s.section_sizes.get(r.target_section as usize).with_context(|| format!("relocations for section {}, which does not exist", r.target_section))?;
        for e in &r.entries {
            ensure!(e.offset as usize + e.ty.extent() <= size, "relocation at offset {} runs past the end of section {}", e.offset, r.target_section);
            if e.ty == RelocationType::TypeIndexLeb {
                ensure!(e.index < s.types, "relocation names type {}, of {}", e.index, s.types);
                continue;
            }
            let symbol = symbols.get(e.index as usize).with_context(|| format!("relocation names symbol {}, of {}", e.index, symbols.len()))?;
            if e.ty == RelocationType::FunctionIndexLeb {
                let function = symbol.function_index().with_context(|| format!("a call relocation names symbol {}, not a function", e.index))?;
                // The call's immediate: a 5-byte index of the same function.
                if Some(r.target_section as usize) == s.code_section {
                    let start = s.code_start + e.offset as usize;
                    let immediate = wasmparser::BinaryReader::new(&input[start..start + 5], 0).read_var_u32().ok();
                    ensure!(immediate == Some(function), "the call at code offset {} names another function than its relocation", e.offset);
                }
            }
        }
    }
    if let Some(m) = &memories {
        let code = s.code_section.map_or(0, |i| s.section_sizes[i]);
        for memory in &m.memories {
            ensure!(memory.index >= 1 && memory.index < s.memories, "`mmcc.memories` declares memory {}, the object has {}", memory.index, s.memories);
        }
        for r in &m.relocs {
            ensure!(r.offset as usize + 5 <= code, "memory index relocation at {} runs past the end of the code", r.offset);
            ensure!(r.index == 0 || m.memories.iter().any(|d| d.index == r.index), "memory index relocation for undeclared memory {}", r.index);
        }
        for z in &m.zero_fills {
            ensure!((z.segment as usize) < s.segment_sizes.len(), "zero fill of data segment {}, which does not exist", z.segment);
        }
    }
    Ok(())
}


/// Reads a `name`, `producers` or `target_features` section as libLLVM's
/// `WasmObjectFile` does, which stops the linker with a fatal error (no
/// error message of its own) where a LEB128, byte or string runs past the
/// section or a LEB128 is out of range. What it reports as an ordinary
/// error (unknown fields, repeated names) is left to it.
fn llvm_custom_section(name: &str, data: &[u8]) -> Result<()> {
    let mut r = LlvmReader { data, at: 0 };
    match name {
        "name" => {
            while r.at < data.len() {
                let kind = r.byte()?;
                let size = r.varuint32()? as usize;
                let end = r.at.checked_add(size).filter(|&e| e <= data.len()).context("a subsection runs past the end")?;
                // Function, global and data segment names; LLVM skips the
                // other subsections by their size.
                if matches!(kind, 1 | 7 | 9) {
                    for _ in 0..r.varuint32()? {
                        r.varuint32()?;
                        r.string()?;
                    }
                    ensure!(r.at == end, "subsection {kind} does not end where its size says");
                }
                r.at = end;
            }
        }
        "producers" => {
            for _ in 0..r.varuint32()? {
                r.string()?;
                for _ in 0..r.varuint32()? {
                    r.string()?;
                    r.string()?;
                }
            }
        }
        _ => {
            for _ in 0..r.varuint32()? {
                r.byte()?;
                r.string()?;
            }
        }
    }
    ensure!(r.at == data.len(), "unexpected data at offset {}", r.at);
    Ok(())
}

/// LLVM's `readUint8`, `readVaruint32` and `readString`, with an error
/// where they abort.
struct LlvmReader<'a> {
    data: &'a [u8],
    at: usize,
}

impl LlvmReader<'_> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self.data.get(self.at).with_context(|| format!("a byte past the end, at offset {}", self.at))?;
        self.at += 1;
        Ok(b)
    }

    fn varuint32(&mut self) -> Result<u32> {
        let start = self.at;
        let mut value: u64 = 0;
        // At most 5 bytes: LLVM takes up to 10, but no producer pads a
        // 32-bit value further, and 5 cannot overflow.
        for shift in (0..35).step_by(7) {
            let b = self.byte().with_context(|| format!("a LEB128 at offset {start} runs past the end"))?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(value).ok().with_context(|| format!("the LEB128 at offset {start} is above 2^32-1"));
            }
        }
        bail!("the LEB128 at offset {start} is too long")
    }

    fn string(&mut self) -> Result<()> {
        let start = self.at;
        let len = self.varuint32()? as usize;
        ensure!(len <= self.data.len() - self.at, "the string at offset {start} runs past the end");
        self.at += len;
        Ok(())
    }
}
