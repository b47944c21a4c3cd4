//! The relocation-aware object writer: turns the wasm object LLVM produced
//! from marker-carrying IR into a multi-memory object file
//! (docs/object-format.md).
//!
//! What changes in the object:
//! - every `call` to a marker becomes the instruction the marker stands for,
//!   with a 5-byte memory index and an entry in `mmcc.memories`;
//! - the code relocations after it move to their new offsets; function-offset
//!   relocations (debug info) move with the code they point into;
//! - marker imports leave the import section, marker symbols leave the symbol
//!   table, and function and symbol indices are renumbered everywhere
//!   (symbol table, COMDATs, init functions, relocations, call immediates);
//! - one memory import per non-default memory joins the default memory import;
//! - `target_features` gains `+multimemory`.
//!
//! An object without markers is returned byte for byte as it came.
//!
//! The code section is rewritten at the byte level, guided by the
//! relocations: a marker call is exactly the `call` whose function-index
//! relocation names a marker symbol, so no instruction decoding is needed and
//! every byte that is not a marker call is copied unchanged.

pub mod archive;
pub mod check;
pub mod dwarf;
pub mod linking;
pub mod memories;
pub mod retarget;

use crate::marker::{write_padded_u32, write_u32, Marker, MemoryKey, ValType};
use anyhow::{bail, ensure, Context, Result};
use linking::{LinkingSection, RelocSection, Symbol, COMDAT_FUNCTION, WASM_SYM_UNDEFINED};
use memories::{ArrayInfo, Declaration, MemoriesSection, MemoryReloc, ObjectMemory};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{Parser, Payload, RelocationType, TypeRef};

/// What the writer did, for `-v` and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RewriteSummary {
    /// Number of marker calls replaced by instructions.
    pub instructions: usize,
    /// The non-default memories the object uses, in object index order.
    pub memories: Vec<MemoryKey>,
}

/// Declarations to record for memories (from the source), and for the
/// named memory of a `wasm_memory` array the array.
pub type Declarations = BTreeMap<MemoryKey, (Declaration, Option<ArrayInfo>)>;

/// One section of the input, in file order.
struct Section {
    id: u8,
    /// Contents, without id and size.
    range: Range<usize>,
    /// For custom sections.
    name: Option<String>,
}

struct Import {
    module: String,
    name: String,
    ty: TypeRef,
}

/// Rewrites an LLVM wasm object. `declarations` are attached to the memories
/// the object uses (a memory with no entry is recorded as merely used).
pub fn rewrite(input: &[u8], declarations: &Declarations) -> Result<(Vec<u8>, RewriteSummary)> {
    let module = ParsedObject::parse(input)?;
    if module.markers.is_empty() && module.memory_segments.is_empty() {
        return Ok((input.to_vec(), RewriteSummary::default()));
    }
    let (out, summary) = module.rewrite(input, declarations)?;
    // A valid object whose relocations disagree with its code (a call
    // without its relocation, say) is written as one that is not valid.
    check::object(&out).context("the object's relocations do not match its code")?;
    Ok((out, summary))
}

/// A data segment the IR pass placed in memory N (by its section name).
#[derive(Clone, Debug)]
struct MemorySegment {
    key: MemoryKey,
    /// For zero-initialized segments: the real size (the object holds a
    /// one-byte placeholder).
    zero_fill: Option<u64>,
}

struct ParsedObject {
    sections: Vec<Section>,
    func_types: Vec<(Vec<wasmparser::ValType>, Vec<wasmparser::ValType>)>,
    imports: Vec<Import>,
    /// Ranges of each function body's contents (after its size).
    bodies: Vec<Range<usize>>,
    /// Old function index -> marker, for marker imports.
    markers: BTreeMap<u32, Marker>,
    imported_functions: u32,
    /// Segment index -> where the segment goes, for memory-N segments.
    memory_segments: BTreeMap<u32, MemorySegment>,
}

impl ParsedObject {
    fn parse(input: &[u8]) -> Result<ParsedObject> {
        // What is written from a broken object would be broken too.
        check::object(input)?;
        let mut object = ParsedObject {
            sections: Vec::new(),
            func_types: Vec::new(),
            imports: Vec::new(),
            bodies: Vec::new(),
            markers: BTreeMap::new(),
            imported_functions: 0,
            memory_segments: BTreeMap::new(),
        };
        for payload in Parser::new(0).parse_all(input) {
            let payload = payload.context("not a valid WebAssembly object file")?;
            match &payload {
                Payload::Version { encoding, .. } => {
                    ensure!(*encoding == wasmparser::Encoding::Module, "a WebAssembly component is not an object file");
                }
                Payload::TypeSection(reader) => {
                    for group in reader.clone() {
                        for ty in group?.into_types() {
                            match ty.composite_type.inner {
                                wasmparser::CompositeInnerType::Func(f) => {
                                    object.func_types.push((f.params().to_vec(), f.results().to_vec()))
                                }
                                _ => object.func_types.push((Vec::new(), Vec::new())),
                            }
                        }
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.clone().into_imports() {
                        let import = import?;
                        object.imports.push(Import {
                            module: import.module.to_string(),
                            name: import.name.to_string(),
                            ty: import.ty,
                        });
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    let r = body.range();
                    object.bodies.push(r.start as usize..r.end as usize);
                }
                Payload::CustomSection(reader) => {
                    let start = reader.data_offset() as usize;
                    if reader.name() == "linking" {
                        let linking = LinkingSection::parse(reader.data(), start).context("malformed `linking` section")?;
                        for (i, segment) in linking.segments.iter().flatten().enumerate() {
                            if let Some((key, _, zero_fill)) = crate::ir::globals::parse_section_name(&segment.name) {
                                object.memory_segments.insert(i as u32, MemorySegment { key, zero_fill });
                            }
                        }
                    }
                    object.sections.push(Section {
                        id: 0,
                        range: start..start + reader.data().len(),
                        name: Some(reader.name().to_string()),
                    });
                    continue;
                }
                _ => {}
            }
            if let Some((id, range)) = payload.as_section() {
                object.sections.push(Section { id, range: range.start as usize..range.end as usize, name: None });
            }
        }
        for import in &object.imports {
            let TypeRef::Func(type_index) = import.ty else { continue };
            let index = object.imported_functions;
            object.imported_functions += 1;
            let Some(marker) = Marker::parse(&import.name)? else { continue };
            let sig = object.func_types.get(type_index as usize).context("import has an unknown type")?;
            check_signature(&marker, sig)?;
            object.markers.insert(index, marker);
        }
        Ok(object)
    }

    fn section_data<'a>(&self, input: &'a [u8], s: &Section) -> &'a [u8] {
        &input[s.range.clone()]
    }

    fn rewrite(&self, input: &[u8], declarations: &Declarations) -> Result<(Vec<u8>, RewriteSummary)> {
        // Memory index space: the object's existing memory imports (LLVM's
        // `env.__linear_memory`), then one import per other memory key.
        let existing_memories =
            self.imports.iter().filter(|i| matches!(i.ty, TypeRef::Memory(_))).count() as u32;
        let keys: BTreeSet<MemoryKey> = self
            .markers
            .values()
            .flat_map(|m| m.memories.iter().cloned())
            .chain(self.memory_segments.values().map(|s| s.key.clone()))
            // A memory declared in the source exists even if no code of
            // this object uses it (a module may define one for its host).
            .chain(declarations.keys().cloned())
            // Memory 0, by either name, is the object's memory 0 already.
            .filter(|k| !matches!(k, MemoryKey::Numbered(0) | MemoryKey::Application))
            .collect();
        let first_new = existing_memories.max(1);
        let object_index: HashMap<MemoryKey, u32> = [(MemoryKey::Numbered(0), 0), (MemoryKey::Application, 0)]
            .into_iter()
            .chain(keys.iter().cloned().zip(first_new..))
            .collect();

        // Function renumbering: marker imports disappear.
        let new_function_index = |old: u32| -> u32 { old - self.markers.range(..old).count() as u32 };

        // Symbols: marker symbols disappear, the rest are renumbered.
        let linking_section = self
            .sections
            .iter()
            .find(|s| s.name.as_deref() == Some("linking"))
            .context("the object has no `linking` section (not a relocatable object?)")?;
        let mut linking = LinkingSection::parse(self.section_data(input, linking_section), linking_section.range.start)
            .context("malformed `linking` section")?;
        let symbols = linking.symbols.take().unwrap_or_default();
        let mut marker_symbols: HashMap<u32, Marker> = HashMap::new();
        let mut new_symbol_index: Vec<Option<u32>> = Vec::with_capacity(symbols.len());
        let mut kept_symbols = Vec::new();
        for (i, symbol) in symbols.into_iter().enumerate() {
            match symbol.function_index().and_then(|f| self.markers.get(&f)) {
                Some(marker) => {
                    let flags = match symbol { Symbol::Indexed { flags, .. } => flags, _ => 0 };
                    ensure!(flags & WASM_SYM_UNDEFINED != 0, "marker `{}` is defined in the object", marker.symbol_name());
                    marker_symbols.insert(i as u32, marker.clone());
                    new_symbol_index.push(None);
                }
                None => {
                    new_symbol_index.push(Some(kept_symbols.len() as u32));
                    let symbol = match symbol {
                        Symbol::Indexed { kind: 0, flags, index, name } => {
                            Symbol::Indexed { kind: 0, flags, index: new_function_index(index), name }
                        }
                        // A symbol in a zero-fill segment has the real size.
                        Symbol::Data { flags, name, definition: Some((segment, offset, size)) } => {
                            let size = match self.memory_segments.get(&segment).and_then(|s| s.zero_fill) {
                                Some(real) => u32::try_from(real).context("a variable larger than 4 GiB")?,
                                None => size,
                            };
                            Symbol::Data { flags, name, definition: Some((segment, offset, size)) }
                        }
                        other => other,
                    };
                    kept_symbols.push(symbol);
                }
            }
        }
        linking.symbols = Some(kept_symbols);
        let renumber_symbol = |old: u32| -> Result<u32> {
            new_symbol_index
                .get(old as usize)
                .copied()
                .context("relocation names a symbol that does not exist")?
                .context("a marker is used other than by a direct call")
        };
        if let Some(init) = &mut linking.init_funcs {
            for (_, symbol) in init.iter_mut() {
                *symbol = renumber_symbol(*symbol)?;
            }
        }
        if let Some(comdats) = &mut linking.comdats {
            for c in comdats {
                for (kind, index) in &mut c.members {
                    if *kind == COMDAT_FUNCTION {
                        *index = new_function_index(*index);
                    }
                }
            }
        }

        // Relocation sections, by target section index.
        let mut relocs: BTreeMap<u32, (usize, RelocSection)> = BTreeMap::new();
        for (i, s) in self.sections.iter().enumerate() {
            if s.name.as_deref().is_some_and(|n| n.starts_with("reloc.")) {
                let r = RelocSection::parse(self.section_data(input, s), s.range.start)
                    .with_context(|| format!("malformed `{}` section", s.name.as_deref().unwrap_or("")))?;
                relocs.insert(r.target_section, (i, r));
            }
        }

        // The code section.
        // (A file of data alone has none.)
        let code_index = self.sections.iter().position(|s| s.id == 10);
        let rewritten = match code_index {
            Some(code_index) => {
                let code_relocs = relocs.get(&(code_index as u32)).map(|(_, r)| r.entries.clone()).unwrap_or_default();
                rewrite_code(
                    input,
                    self.sections[code_index].range.clone(),
                    &self.bodies,
                    &code_relocs,
                    &marker_symbols,
                    &object_index,
                    &renumber_symbol,
                    &new_symbol_index,
                    &linking,
                )?
            }
            None => RewrittenCode::default(),
        };

        // The data section: memory-N segments get their memory index, zero
        // fills lose their placeholder byte; relocations into data move.
        let data_index = self.sections.iter().position(|s| s.id == 11);
        let rewritten_data = match data_index {
            Some(i) => Some(self.rewrite_data(input, &self.sections[i], &object_index, &self.memory_segments)?),
            None => None,
        };

        // Debug info, kept exact for the moved code (src/object/dwarf.rs):
        // where an old offset in a function's body is now.
        let map = |symbol: u32, offset: i64| rewritten.move_function_offset(symbol, offset, &linking, &new_symbol_index, self);
        let custom = |name: &str| self.sections.iter().position(|s| s.id == 0 && s.name.as_deref() == Some(name));
        // Line programs, written again.
        let line_index = custom(".debug_line");
        let lines = match line_index {
            Some(i) => {
                let entries = relocs.get(&(i as u32)).map(|(_, r)| r.entries.clone()).unwrap_or_default();
                Some(dwarf::rewrite_line_programs(self.section_data(input, &self.sections[i]), &entries, &map).context("in .debug_line")?)
            }
            None => None,
        };
        // Sizes and offsets from a base in .debug_info, .debug_loc and
        // .debug_ranges, patched in place (src/object/dwarf.rs).
        let original_relocs = |index: Option<usize>| -> Vec<wasmparser::RelocationEntry> {
            index.and_then(|i| relocs.get(&(i as u32))).map(|(_, r)| r.entries.clone()).unwrap_or_default()
        };
        let mut patched: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
        if let (Some(info), Some(abbrev)) = (custom(".debug_info"), custom(".debug_abbrev")) {
            let (loc, ranges) = (custom(".debug_loc"), custom(".debug_ranges"));
            let mut info_bytes = self.section_data(input, &self.sections[info]).to_vec();
            let mut loc_bytes = loc.map(|i| self.section_data(input, &self.sections[i]).to_vec());
            let mut ranges_bytes = ranges.map(|i| self.section_data(input, &self.sections[i]).to_vec());
            let (info_relocs, loc_relocs, ranges_relocs) = (original_relocs(Some(info)), original_relocs(loc), original_relocs(ranges));
            dwarf::patch_sizes_and_locations(
                dwarf::DebugSections {
                    info: &mut info_bytes,
                    info_relocs: &info_relocs,
                    abbrev: self.section_data(input, &self.sections[abbrev]),
                    loc: loc_bytes.as_deref_mut().map(|b| (b, &loc_relocs[..])),
                    ranges: ranges_bytes.as_deref_mut().map(|b| (b, &ranges_relocs[..])),
                },
                &map,
            )
            .context("in .debug_info")?;
            patched.insert(info, info_bytes);
            if let (Some(i), Some(b)) = (loc, loc_bytes) {
                patched.insert(i, b);
            }
            if let (Some(i), Some(b)) = (ranges, ranges_bytes) {
                patched.insert(i, b);
            }
        }
        let is_line_section_symbol = |old: u32| -> bool {
            let Some(line_index) = line_index else { return false };
            let symbols = linking.symbols.as_ref().expect("symbols present");
            new_symbol_index.get(old as usize).copied().flatten().is_some_and(|new| {
                matches!(symbols[new as usize], Symbol::Section { section, .. } if section as usize == line_index)
            })
        };

        // Relocations of other sections: renumber symbols, move function offsets.
        for (target, (_, section)) in relocs.iter_mut() {
            if code_index == Some(*target as usize) {
                section.entries = rewritten.relocs.clone();
                continue;
            }
            if line_index == Some(*target as usize) {
                let lines = lines.as_ref().expect("rewritten above");
                section.entries = lines.relocs.clone();
                for e in &mut section.entries {
                    if e.ty != RelocationType::TypeIndexLeb {
                        e.index = renumber_symbol(e.index)?;
                    }
                }
                continue;
            }
            if Some(*target as usize) == data_index {
                let data = rewritten_data.as_ref().expect("data section rewritten");
                for e in &mut section.entries {
                    e.offset = data.move_offset(e.offset).context("a relocation inside a zero-initialized variable")?;
                }
            }
            for e in &mut section.entries {
                if e.ty == RelocationType::TypeIndexLeb {
                    continue;
                }
                let old_symbol = e.index;
                e.index = renumber_symbol(old_symbol)?;
                if matches!(e.ty, RelocationType::FunctionOffsetI32 | RelocationType::FunctionOffsetI64) {
                    e.addend = rewritten.move_function_offset(old_symbol, e.addend, &linking, &new_symbol_index, self)?;
                }
                if e.ty == RelocationType::SectionOffsetI32 && is_line_section_symbol(old_symbol) {
                    // DW_AT_stmt_list: where its line program now starts.
                    let lines = lines.as_ref().expect("rewritten above");
                    e.addend = lines.unit_offset(e.addend as u32).context("DW_AT_stmt_list points inside a line program")? as i64;
                }
            }
        }

        // Assemble the new object, section by section in the original order.
        let mut out = Vec::with_capacity(input.len() + 64);
        out.extend_from_slice(&input[..8]);
        let summary = RewriteSummary { instructions: rewritten.instructions, memories: keys.iter().cloned().collect() };
        for (i, s) in self.sections.iter().enumerate() {
            match (s.id, s.name.as_deref()) {
                (2, _) => write_section(&mut out, 2, &self.import_section(&keys, existing_memories)?),
                (10, _) => write_section(&mut out, 10, &rewritten.code),
                (11, _) => write_section(&mut out, 11, &rewritten_data.as_ref().expect("data section rewritten").bytes),
                (7 | 8 | 9, _) => {
                    // LLVM lists address-taken functions in an element
                    // section; these hold function indices to renumber.
                    let contents = self.renumbered_section(input, s)?;
                    write_section(&mut out, s.id, &contents)
                }
                (0, Some("linking")) => write_custom(&mut out, "linking", &linking.encode()),
                (0, Some("name")) => bail!("objects with a `name` section are not supported"),
                (0, Some("target_features")) => {
                    write_custom(&mut out, "target_features", &add_feature(self.section_data(input, s), "multimemory")?)
                }
                (0, Some(name)) if name.starts_with("reloc.") => {
                    let (_, section) = relocs.values().find(|(idx, _)| *idx == i).expect("parsed above");
                    write_custom(&mut out, name, &section.encode());
                }
                (0, Some(".debug_line")) => write_custom(&mut out, ".debug_line", &lines.as_ref().expect("rewritten above").bytes),
                (0, Some(memories::SECTION_NAME)) => bail!("the object already has a `{}` section", memories::SECTION_NAME),
                (0, Some(name)) => write_custom(&mut out, name, patched.get(&i).map(Vec::as_slice).unwrap_or(self.section_data(input, s))),
                (id, _) => write_section(&mut out, id, self.section_data(input, s)),
            }
        }
        let memories = MemoriesSection {
            memories: keys
                .iter()
                .map(|k| ObjectMemory {
                    index: object_index[k],
                    key: k.clone(),
                    declaration: declarations.get(k).map(|d| d.0.clone()).unwrap_or_default(),
                    array: declarations.get(k).and_then(|d| d.1.clone()),
                })
                .collect(),
            relocs: rewritten.memory_relocs,
            zero_fills: self
                .memory_segments
                .iter()
                .filter_map(|(&segment, s)| s.zero_fill.map(|size| memories::ZeroFill { segment, size }))
                .collect(),
        };
        write_custom(&mut out, memories::SECTION_NAME, &memories.encode());
        Ok((out, summary))
    }

    /// Rewrites the data section: each memory-N segment becomes an active
    /// segment with an explicit memory index, zero fills lose their
    /// placeholder; other segments are copied byte for byte.
    fn rewrite_data(
        &self,
        input: &[u8],
        section: &Section,
        object_index: &HashMap<MemoryKey, u32>,
        placements: &BTreeMap<u32, MemorySegment>,
    ) -> Result<RewrittenData> {
        let reader = wasmparser::DataSectionReader::new(wasmparser::BinaryReader::new(
            self.section_data(input, section),
            section.range.start as u64,
        ))?;
        let mut out = RewrittenData { bytes: Vec::new(), moves: Vec::new() };
        write_u32(&mut out.bytes, reader.count());
        for (i, segment) in reader.into_iter().enumerate() {
            let segment = segment?;
            let data_start = segment.data.as_ptr() as usize - input.as_ptr() as usize;
            let old = (data_start - section.range.start) as u32;
            let Some(placement) = placements.get(&(i as u32)) else {
                let r = segment.range.start as usize..segment.range.end as usize;
                let at = out.bytes.len() as u32 + (data_start - r.start) as u32;
                out.bytes.extend_from_slice(&input[r]);
                out.moves.push((old, segment.data.len() as u32, Some(at)));
                continue;
            };
            let wasmparser::DataKind::Active { offset_expr, .. } = segment.kind else {
                bail!("data segment {i} for memory {} is passive", placement.key);
            };
            let offset = RoundtripReencoder.const_expr(offset_expr).map_err(reencode_error)?;
            let data: &[u8] = if placement.zero_fill.is_some() { &[] } else { segment.data };
            if placement.zero_fill.is_some() && segment.data.iter().any(|b| *b != 0) {
                bail!("zero-initialized segment {i} holds non-zero bytes");
            }
            let memory = *object_index
                .get(&placement.key)
                .with_context(|| format!("data segment {i} goes to memory {}, which the object does not declare", placement.key))?;
            let mut one = wasm_encoder::DataSection::new();
            one.active(memory, &offset, data.iter().copied());
            let mut encoded = Vec::new();
            wasm_encoder::Encode::encode(&one, &mut encoded);
            let entry = strip_size(&encoded)?;
            let entry = &entry[1..]; // the count (1)
            let at = (out.bytes.len() + entry.len() - data.len()) as u32;
            out.bytes.extend_from_slice(entry);
            out.moves.push((old, segment.data.len() as u32, placement.zero_fill.is_none().then_some(at)));
        }
        Ok(out)
    }

    /// An export, start or element section with function indices renumbered.
    fn renumbered_section(&self, input: &[u8], s: &Section) -> Result<Vec<u8>> {
        let data = self.section_data(input, s);
        let reader = wasmparser::BinaryReader::new(data, s.range.start as u64);
        let mut renumber = FunctionRenumbering { markers: &self.markers };
        let mut out = Vec::new();
        match s.id {
            7 => {
                let mut section = wasm_encoder::ExportSection::new();
                renumber.parse_export_section(&mut section, wasmparser::ExportSectionReader::new(reader)?).map_err(reencode_error)?;
                wasm_encoder::Encode::encode(&section, &mut out);
            }
            9 => {
                let mut section = wasm_encoder::ElementSection::new();
                renumber.parse_element_section(&mut section, wasmparser::ElementSectionReader::new(reader)?).map_err(reencode_error)?;
                wasm_encoder::Encode::encode(&section, &mut out);
            }
            _ => {
                let mut r = reader;
                let start = renumber.start_section(r.read_var_u32()?).map_err(reencode_error)?;
                write_u32(&mut out, start);
                return Ok(out);
            }
        }
        strip_size(&out)
    }

    /// The import section without marker imports, with one memory import per
    /// non-default memory key.
    fn import_section(&self, keys: &BTreeSet<MemoryKey>, existing_memories: u32) -> Result<Vec<u8>> {
        let mut section = wasm_encoder::ImportSection::new();
        let mut function_index = 0u32;
        for import in &self.imports {
            if let TypeRef::Func(_) = import.ty {
                function_index += 1;
                if self.markers.contains_key(&(function_index - 1)) {
                    continue;
                }
            }
            let ty = RoundtripReencoder.entity_type(import.ty).map_err(reencode_error)?;
            section.import(&import.module, &import.name, ty);
        }
        let memory = |section: &mut wasm_encoder::ImportSection, name: String| {
            let ty = wasm_encoder::MemoryType {
                minimum: 0,
                maximum: None,
                memory64: false,
                shared: false,
                page_size_log2: None,
            };
            section.import("env", &name, ty);
        };
        if existing_memories == 0 {
            memory(&mut section, "__linear_memory".to_string());
        }
        for key in keys {
            memory(&mut section, format!("__linear_memory.{key}"));
        }
        let mut out = Vec::new();
        wasm_encoder::Encode::encode(&section, &mut out);
        strip_size(&out)
    }
}

/// wasm-encoder's `Encode` for a section writes its contents with their size
/// prefix; `write_section` adds id and size itself.
fn strip_size(encoded: &[u8]) -> Result<Vec<u8>> {
    let mut reader = wasmparser::BinaryReader::new(encoded, 0);
    let len = reader.read_var_u32()? as usize;
    Ok(encoded[encoded.len() - len..].to_vec())
}

fn reencode_error<E: std::fmt::Debug>(e: wasm_encoder::reencode::Error<E>) -> anyhow::Error {
    match e {
        wasm_encoder::reencode::Error::UserError(e) => anyhow::anyhow!("{e:?}"),
        other => anyhow::anyhow!("cannot re-encode the object: {other:?}"),
    }
}

/// Renumbers function indices past the removed marker imports.
struct FunctionRenumbering<'a> {
    markers: &'a BTreeMap<u32, Marker>,
}

impl Reencode for FunctionRenumbering<'_> {
    type Error = String;

    fn function_index(&mut self, func: u32) -> Result<u32, wasm_encoder::reencode::Error<String>> {
        if let Some(marker) = self.markers.get(&func) {
            return Err(wasm_encoder::reencode::Error::UserError(format!(
                "the address of marker `{}` is taken",
                marker.symbol_name()
            )));
        }
        Ok(func - self.markers.range(..func).count() as u32)
    }
}

/// Result of rewriting the data section.
struct RewrittenData {
    bytes: Vec<u8>,
    /// (old start of a segment's data, its length, new start or None if the
    /// data is gone).
    moves: Vec<(u32, u32, Option<u32>)>,
}

impl RewrittenData {
    /// New offset (in the data section) of the byte at old offset `old`.
    fn move_offset(&self, old: u32) -> Option<u32> {
        let &(start, _, new) = self.moves.iter().find(|(start, len, _)| old >= *start && old < start + len)?;
        Some(new? + (old - start))
    }
}

/// Result of rewriting the code section.
#[derive(Default)]
struct RewrittenCode {
    code: Vec<u8>,
    relocs: Vec<wasmparser::RelocationEntry>,
    memory_relocs: Vec<MemoryReloc>,
    instructions: usize,
    /// Per defined function: (old body offset, size delta) of each replacement.
    edits: Vec<Vec<(u32, i64)>>,
}

impl RewrittenCode {
    /// Moves the addend of a function-offset relocation (an offset inside a
    /// function body, used by DWARF) past the replacements before it.
    fn move_function_offset(
        &self,
        old_symbol: u32,
        addend: i64,
        linking: &LinkingSection,
        new_symbol_index: &[Option<u32>],
        object: &ParsedObject,
    ) -> Result<i64> {
        let new_symbol = new_symbol_index[old_symbol as usize].context("function offset into a marker")?;
        let symbols = linking.symbols.as_ref().expect("symbols present");
        let Some(function) = symbols[new_symbol as usize].function_index() else { return Ok(addend) };
        let imported = object.imported_functions - object.markers.len() as u32;
        let Some(defined) = function.checked_sub(imported) else { return Ok(addend) };
        let edits = self.edits.get(defined as usize).context("function offset into an unknown function")?;
        let delta: i64 = edits.iter().filter(|(at, _)| (*at as i64) < addend).map(|(_, d)| d).sum();
        Ok(addend + delta)
    }
}

#[allow(clippy::too_many_arguments)]
fn rewrite_code(
    input: &[u8],
    section: Range<usize>,
    bodies: &[Range<usize>],
    relocs: &[wasmparser::RelocationEntry],
    marker_symbols: &HashMap<u32, Marker>,
    object_index: &HashMap<MemoryKey, u32>,
    renumber_symbol: &dyn Fn(u32) -> Result<u32>,
    new_symbol_index: &[Option<u32>],
    linking: &LinkingSection,
) -> Result<RewrittenCode> {
    let symbols = linking.symbols.as_ref().expect("symbols present");
    let mut relocs = relocs.to_vec();
    relocs.sort_by_key(|r| r.offset);
    let mut out = RewrittenCode { code: Vec::new(), relocs: Vec::new(), memory_relocs: Vec::new(), instructions: 0, edits: Vec::new() };
    write_u32(&mut out.code, bodies.len() as u32);
    let mut next_reloc = 0;
    for body in bodies {
        // Relocations inside this body, as body-relative offsets.
        let mut content = Vec::with_capacity(body.len());
        let mut body_relocs = Vec::new(); // (new body offset, entry)
        let mut body_memory = Vec::new(); // (new body offset, object memory index)
        let mut edits = Vec::new();
        let mut copied = body.start;
        while next_reloc < relocs.len() && section.start + (relocs[next_reloc].offset as usize) < body.end {
            let r = relocs[next_reloc];
            next_reloc += 1;
            let at = section.start + r.offset as usize;
            ensure!(at >= copied, "overlapping relocations in the code section");
            match (r.ty, marker_symbols.get(&r.index)) {
                (RelocationType::FunctionIndexLeb, Some(marker)) => {
                    // `call <marker>`: opcode 0x10 then the 5-byte index.
                    ensure!(at > body.start && input[at - 1] == 0x10, "marker `{}` is used other than by a direct call", marker.symbol_name());
                    // The call's opcode is replaced too: it must not be the
                    // last byte of the relocation before.
                    ensure!(at > copied, "overlapping relocations in the code section");
                    ensure!(at + 5 <= body.end, "truncated call in the code section");
                    content.extend_from_slice(&input[copied..at - 1]);
                    let before = content.len();
                    let mut indices = Vec::new();
                    marker.encode(|k| object_index[k], &mut content, &mut indices);
                    for (pos, key) in indices {
                        if object_index[&key] != 0 {
                            body_memory.push((pos as u32, object_index[&key]));
                        }
                    }
                    let delta = (content.len() - before) as i64 - 6;
                    edits.push(((at - 1 - body.start) as u32, delta));
                    copied = at + 5;
                    out.instructions += 1;
                }
                (_, Some(marker)) => bail!("marker `{}` is used other than by a direct call", marker.symbol_name()),
                (ty, None) => {
                    content.extend_from_slice(&input[copied..at]);
                    let mut moved = r;
                    moved.offset = content.len() as u32;
                    if ty != RelocationType::TypeIndexLeb {
                        moved.index = renumber_symbol(r.index)?;
                    }
                    if ty == RelocationType::FunctionIndexLeb {
                        // Keep the object self-consistent: the call immediate
                        // holds the renumbered function index (kept symbols
                        // already carry new function indices).
                        let new_symbol = new_symbol_index[r.index as usize].expect("not a marker");
                        let function = symbols[new_symbol as usize].function_index().context("call relocation against a non-function symbol")?;
                        ensure!(at + 5 <= body.end, "truncated relocation in the code section");
                        write_padded_u32(&mut content, function);
                        copied = at + 5;
                    } else {
                        copied = at;
                    }
                    body_relocs.push(moved);
                }
            }
        }
        content.extend_from_slice(&input[copied..body.end]);
        write_u32(&mut out.code, content.len() as u32);
        let base = out.code.len() as u32;
        for mut r in body_relocs {
            r.offset += base;
            out.relocs.push(r);
        }
        for (pos, index) in body_memory {
            out.memory_relocs.push(MemoryReloc { offset: base + pos, index });
        }
        out.code.extend_from_slice(&content);
        out.edits.push(edits);
    }
    ensure!(next_reloc == relocs.len(), "code relocation outside every function body");
    Ok(out)
}

/// Checks that a marker import has the instruction's stack signature.
fn check_signature(marker: &Marker, sig: &(Vec<wasmparser::ValType>, Vec<wasmparser::ValType>)) -> Result<()> {
    let convert = |types: &[ValType]| -> Vec<wasmparser::ValType> {
        types
            .iter()
            .map(|t| match t {
                ValType::I32 => wasmparser::ValType::I32,
                ValType::I64 => wasmparser::ValType::I64,
                ValType::F32 => wasmparser::ValType::F32,
                ValType::F64 => wasmparser::ValType::F64,
                ValType::V128 => wasmparser::ValType::V128,
            })
            .collect()
    };
    let (params, results) = (convert(marker.op.params), convert(marker.op.results));
    ensure!(
        sig.0 == params && sig.1 == results,
        "marker `{}` has type {:?} -> {:?}, but `{}` needs {:?} -> {:?}",
        marker.symbol_name(),
        sig.0,
        sig.1,
        marker.op.name,
        params,
        results
    );
    // WebAssembly's atomic instructions take exactly their natural
    // alignment (LLVM never writes less for them).
    if let (crate::marker::Feature::Atomics, crate::marker::Immediates::MemArg { natural }) = (marker.op.feature, marker.op.immediates) {
        ensure!(marker.align == natural, "marker `{}`: an atomic instruction needs its natural alignment 2^{natural}", marker.symbol_name());
    }
    Ok(())
}

/// Adds `+name` to a `target_features` section unless it is there already.
fn add_feature(data: &[u8], name: &str) -> Result<Vec<u8>> {
    let mut r = wasmparser::BinaryReader::new(data, 0);
    let count = r.read_var_u32()?;
    let mut entries = Vec::new();
    for _ in 0..count {
        let prefix = r.read_u8()?;
        let feature = r.read_string()?.to_string();
        entries.push((prefix, feature));
    }
    if !entries.iter().any(|(_, f)| f == name) {
        entries.push((b'+', name.to_string()));
    }
    let mut out = Vec::new();
    write_u32(&mut out, entries.len() as u32);
    for (prefix, feature) in entries {
        out.push(prefix);
        memories::write_string(&mut out, &feature);
    }
    Ok(out)
}

fn write_section(out: &mut Vec<u8>, id: u8, contents: &[u8]) {
    out.push(id);
    write_u32(out, contents.len() as u32);
    out.extend_from_slice(contents);
}

fn write_custom(out: &mut Vec<u8>, name: &str, contents: &[u8]) {
    let mut payload = Vec::new();
    memories::write_string(&mut payload, name);
    payload.extend_from_slice(contents);
    write_section(out, 0, &payload);
}
