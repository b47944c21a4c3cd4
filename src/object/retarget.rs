//! Retargeting: moves a whole relocatable object into memory K
//! (`mmcc --in-memory=K`, `mmtool retarget`), so that code never written
//! for multiple memories (zlib, sqlite, wasi-libc itself) runs in a memory
//! of its own.
//!
//! A wasm32 object from any clang accesses only the default memory, and
//! its memory instructions carry no memory index to relocate. So this pass
//! decodes every function body and gives every default-memory instruction
//! (loads, stores, atomics, SIMD, `memory.size`/`grow`/`copy`/`fill`) the
//! memory index of K, in the object format's relocatable form (a 5-byte
//! index and an `mmcc.memories` relocation), and moves the code relocations
//! behind it. Instructions that already name another memory (an mmcc
//! object's `__memory(N)` accesses) keep it. Besides the code:
//!
//! - every data segment of the default memory goes to memory K (its
//!   zero-initialized ones as zero fills, which cost no bytes);
//! - the global symbols are renamed `__mmcc_inK.<name>`
//!   ([`crate::runtime::library`]), definitions and references alike, so
//!   memory K's own C library is linked beside the application's without a
//!   clash; code of [`Role::Api`] also keeps its definitions visible under
//!   their own names, the library's API (never COMDAT members: an inline
//!   function of the library must not replace the application's);
//! - the linker's symbols of the default memory become memory K's: the
//!   stack pointer, `__heap_base`, `__heap_end`;
//! - WASI imports become calls of memory K's adapter
//!   (`__mmcc_wasiK.<function>`), which copies buffers between memory K and
//!   the default memory that the host reads;
//! - the object records that it was retargeted (the `mmcc.in-memory`
//!   section), so that retargeting it into another memory is an error and
//!   into the same one changes nothing.
//!
//! What cannot be retargeted is an error naming the construct: thread-local
//! storage and shared memory (threads), position-independent code, C++
//! exceptions and setjmp/longjmp (wasm exception tags), 64-bit memories, and
//! linker symbols that describe the default memory's layout.

use super::linking::{LinkingSection, RelocSection, Symbol};
use super::memories::{Declaration, MemoriesSection, MemoryReloc, ObjectMemory, ZeroFill};
use super::{strip_size, write_custom, write_section, MemorySegment, ParsedObject};
use crate::marker::{write_padded_u32, write_u32, MemoryKey};
use crate::memory_operands::{immediates, Immediate, MemoryOperands};
use crate::runtime::library;
use anyhow::{bail, ensure, Context, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{RelocationType, TypeRef};

/// The custom section that says an object was retargeted:
/// `memory:u32 role:u8` (0 = API, 1 = internal).
pub const SECTION_NAME: &str = "mmcc.in-memory";

/// Whose code is being retargeted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The user's code (sources, objects, archives after `--in-memory=K`):
    /// the symbols it defines are the library's API and stay visible under
    /// their own names too.
    Api,
    /// Code that memory K links for itself (its C library): visible only
    /// under memory-K names.
    Internal,
}

/// What retargeting did, for `-v` and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RetargetSummary {
    /// Instructions that now name memory K.
    pub instructions: usize,
    /// The WASI functions the object calls (through memory K's adapter).
    pub wasi_functions: BTreeSet<String>,
    /// Symbols visible under their own names (the API), for [`Role::Api`].
    pub api: Vec<String>,
}

/// Which memory an object was retargeted into, if it was.
pub fn retargeted_memory(input: &[u8]) -> Result<Option<(u32, Role)>> {
    for payload in wasmparser::Parser::new(0).parse_all(input) {
        if let wasmparser::Payload::CustomSection(reader) = payload.context("not a valid WebAssembly object file")? {
            if reader.name() == SECTION_NAME {
                let mut r = wasmparser::BinaryReader::new(reader.data(), 0);
                let memory = r.read_var_u32().context("malformed `mmcc.in-memory` section")?;
                let role = match r.read_u8().context("malformed `mmcc.in-memory` section")? {
                    0 => Role::Api,
                    1 => Role::Internal,
                    other => bail!("malformed `mmcc.in-memory` section: role {other}"),
                };
                return Ok(Some((memory, role)));
            }
        }
    }
    Ok(None)
}

/// Retargets an object into memory `memory` (>= 1).
pub fn retarget(input: &[u8], memory: u32, role: Role) -> Result<(Vec<u8>, RetargetSummary)> {
    ensure!(
        memory >= 1 && memory <= crate::marker::MAX_MEMORY_NUMBER && !crate::marker::RESERVED_ADDRESS_SPACES.contains(&memory),
        "cannot retarget into memory {memory}: library memories are numbered 1 to {} (except {:?})",
        crate::marker::MAX_MEMORY_NUMBER,
        crate::marker::RESERVED_ADDRESS_SPACES
    );
    if let Some((already, was)) = retargeted_memory(input)? {
        // Returned as it is: so it must be a sound object.
        super::check::object(input)?;
        if already != memory {
            bail!("the object was already retargeted into memory {already}; it cannot move into memory {memory} too");
        }
        if was != role {
            bail!(
                "the object was already retargeted into memory {memory} as {}; retarget the original object instead",
                if was == Role::Api { "library code" } else { "memory-internal code" }
            );
        }
        return Ok((input.to_vec(), RetargetSummary::default()));
    }
    let object = ParsedObject::parse(input)?;
    if let Some(marker) = object.markers.values().next() {
        bail!("the object still calls marker `{}`: it is not a finished object", marker.symbol_name());
    }
    let (out, summary) = Retargeting::new(&object, input, memory, role)?.run()?;
    // As in the object writer: relocations that disagree with the code
    // would make an invalid object.
    super::check::object(&out).context("the object's relocations do not match its code")?;
    Ok((out, summary))
}

/// Retargets an object or every object of an archive; `origin` names the
/// file in messages.
pub fn retarget_file(input: &[u8], memory: u32, role: Role, origin: &str) -> Result<(Vec<u8>, RetargetSummary)> {
    if input.starts_with(super::archive::MAGIC) {
        let mut total = RetargetSummary::default();
        let mut members = super::archive::read(input).with_context(|| format!("{origin}: malformed archive"))?;
        for member in &mut members {
            if !member.data.starts_with(b"\0asm") {
                continue;
            }
            let (bytes, summary) = retarget(&member.data, memory, role)
                .with_context(|| format!("cannot retarget {origin}({}) into memory {memory}", member.name))?;
            member.data = bytes;
            total.instructions += summary.instructions;
            total.wasi_functions.extend(summary.wasi_functions);
            total.api.extend(summary.api);
        }
        let bytes = super::archive::write(&members).with_context(|| format!("cannot write the retargeted {origin}"))?;
        return Ok((bytes, total));
    }
    if !input.starts_with(b"\0asm") {
        bail!("{origin} is neither a WebAssembly object nor an archive");
    }
    retarget(input, memory, role).with_context(|| format!("cannot retarget {origin} into memory {memory}"))
}

struct Retargeting<'a> {
    object: &'a ParsedObject,
    input: &'a [u8],
    memory: u32,
    role: Role,
    /// The input's `mmcc.memories`, if it has one.
    memories: MemoriesSection,
    /// Object memory index of memory K.
    k_index: u32,
    /// Memory K needs a new memory import.
    new_import: bool,
    linking: LinkingSection,
    summary: RetargetSummary,
}

/// Names the linker defines for the default memory's layout, which have no
/// counterpart in memory K.
const DEFAULT_MEMORY_LAYOUT: &[&str] = &["__data_end", "__global_base", "__stack_low", "__stack_high"];

/// Symbols that keep their names: shared by every memory (the function
/// table, the linker's constructor list, C++'s DSO handle, which is only an
/// identity; the bases that position-independent code adds to its
/// addresses, which are 0 in a module that is not a shared library, so a
/// memory-K address stays a memory-K address) or mmcc's own per-memory
/// runtime, which lives in the default memory's code and already names its
/// memory.
fn keeps_name(name: &str) -> bool {
    matches!(name, "__indirect_function_table" | "__wasm_call_ctors" | "__dso_handle" | "__memory_base" | "__table_base")
        || name.starts_with("__mmcc_")
}

impl<'a> Retargeting<'a> {
    fn new(object: &'a ParsedObject, input: &'a [u8], memory: u32, role: Role) -> Result<Retargeting<'a>> {
        let memories = match object.sections.iter().find(|s| s.name.as_deref() == Some(super::memories::SECTION_NAME)) {
            Some(s) => MemoriesSection::decode(object.section_data(input, s)).context("malformed `mmcc.memories` section")?,
            None => MemoriesSection::default(),
        };
        let memory_imports = object.imports.iter().filter(|i| matches!(i.ty, TypeRef::Memory(_))).count() as u32;
        ensure!(memory_imports >= 1, "the object imports no memory (not an object of a wasm32 compiler?)");
        for import in object.imports.iter() {
            if let TypeRef::Memory(m) = import.ty {
                ensure!(!m.memory64, "the object uses a 64-bit memory (wasm64); library memories are 32-bit");
                if import.name == "__linear_memory" && m.shared {
                    bail!("the object was compiled for threads (its default memory is shared: -pthread or -matomics with shared memory); threads cannot be retargeted");
                }
            }
        }
        let existing = memories.memories.iter().find(|m| m.key == MemoryKey::Numbered(memory));
        if let Some(m) = existing {
            if let Some((module, field)) = &m.declaration.import {
                bail!("the object declares memory {memory} imported from {module}.{field}; a library memory is the module's own");
            }
        }
        let (k_index, new_import) = match existing {
            Some(m) => (m.index, false),
            None => (memory_imports, true),
        };
        let linking_section = object
            .sections
            .iter()
            .find(|s| s.name.as_deref() == Some("linking"))
            .context("the object has no `linking` section (not a relocatable object?)")?;
        let linking = LinkingSection::parse(object.section_data(input, linking_section), linking_section.range.start)
            .context("malformed `linking` section")?;
        Ok(Retargeting { object, input, memory, role, memories, k_index, new_import, linking, summary: RetargetSummary::default() })
    }

    fn run(mut self) -> Result<(Vec<u8>, RetargetSummary)> {
        let imports = self.rename_symbols()?;
        let segments = self.place_segments()?;

        // Relocation sections, by target section index.
        let mut relocs: BTreeMap<u32, (usize, RelocSection)> = BTreeMap::new();
        for (i, s) in self.object.sections.iter().enumerate() {
            if s.name.as_deref().is_some_and(|n| n.starts_with("reloc.")) {
                let r = RelocSection::parse(self.object.section_data(self.input, s), s.range.start)
                    .with_context(|| format!("malformed `{}` section", s.name.as_deref().unwrap_or("")))?;
                relocs.insert(r.target_section, (i, r));
            }
        }
        let code_index = self.object.sections.iter().position(|s| s.id == 10);
        let code = match code_index {
            Some(i) => {
                let entries = relocs.get(&(i as u32)).map(|(_, r)| r.entries.clone()).unwrap_or_default();
                Some(self.retarget_code(i, &entries)?)
            }
            None => None,
        };
        let data_index = self.object.sections.iter().position(|s| s.id == 11);
        let object_index: HashMap<MemoryKey, u32> = self
            .memories
            .memories
            .iter()
            .map(|m| (m.key.clone(), m.index))
            .chain([(MemoryKey::Numbered(0), 0), (MemoryKey::Numbered(self.memory), self.k_index)])
            .collect();
        let data = match data_index {
            Some(i) => {
                Some(self.object.rewrite_data(self.input, &self.object.sections[i], &object_index, &segments)?)
            }
            None => None,
        };

        // Move relocations: code offsets past the widened instructions,
        // data offsets past the rewritten segment headers, function offsets
        // (debug info) with the code they point into.
        for (target, (_, section)) in relocs.iter_mut() {
            if Some(*target as usize) == code_index {
                let code = code.as_ref().expect("code rewritten");
                for e in &mut section.entries {
                    e.offset = code.move_offset(e.offset).context("a code relocation inside a memory instruction's immediates")?;
                }
                continue;
            }
            if Some(*target as usize) == data_index {
                let data = data.as_ref().expect("data rewritten");
                for e in &mut section.entries {
                    e.offset = data.move_offset(e.offset).context("a relocation inside a zero-initialized variable")?;
                }
            }
            if let Some(code) = &code {
                for e in &mut section.entries {
                    if matches!(e.ty, RelocationType::FunctionOffsetI32 | RelocationType::FunctionOffsetI64) {
                        e.addend = code.move_function_offset(&self.linking, self.object, e.index, e.addend);
                    }
                }
            }
        }

        // The mmcc.memories section: memory K joins, every memory index in
        // the code has its relocation, new zero fills are listed.
        let mut memories = self.memories.clone();
        if self.new_import {
            memories.memories.push(ObjectMemory {
                index: self.k_index,
                key: MemoryKey::Numbered(self.memory),
                declaration: Declaration::default(),
                array: None,
            });
        }
        if let Some(code) = &code {
            memories.relocs = code.memory_relocs.clone();
        }
        for (&segment, placed) in &segments {
            if let Some(size) = placed.zero_fill {
                if !memories.zero_fills.iter().any(|z| z.segment == segment) {
                    memories.zero_fills.push(ZeroFill { segment, size });
                }
            }
        }
        memories.zero_fills.sort_by_key(|z| z.segment);

        let mut out = Vec::with_capacity(self.input.len() + self.input.len() / 4);
        out.extend_from_slice(&self.input[..8]);
        for (i, s) in self.object.sections.iter().enumerate() {
            match (s.id, s.name.as_deref()) {
                (2, _) => write_section(&mut out, 2, &imports),
                (10, _) => write_section(&mut out, 10, &code.as_ref().expect("code rewritten").bytes),
                (11, _) => write_section(&mut out, 11, &data.as_ref().expect("data rewritten").bytes),
                (0, Some("linking")) => write_custom(&mut out, "linking", &self.linking.encode()),
                (0, Some("target_features")) => {
                    write_custom(&mut out, "target_features", &super::add_feature(self.object.section_data(self.input, s), "multimemory")?)
                }
                (0, Some(name)) if name.starts_with("reloc.") => {
                    let (_, section) = relocs.values().find(|(idx, _)| *idx == i).expect("parsed above");
                    write_custom(&mut out, name, &section.encode());
                }
                (0, Some(super::memories::SECTION_NAME)) => {}
                (0, Some(name)) => write_custom(&mut out, name, self.object.section_data(self.input, s)),
                (id, _) => write_section(&mut out, id, self.object.section_data(self.input, s)),
            }
        }
        write_custom(&mut out, super::memories::SECTION_NAME, &memories.encode());
        let mut marker = Vec::new();
        write_u32(&mut marker, self.memory);
        marker.push(if self.role == Role::Api { 0 } else { 1 });
        write_custom(&mut out, SECTION_NAME, &marker);
        self.summary.instructions = code.as_ref().map_or(0, |c| c.instructions);
        Ok((out, self.summary))
    }

    /// Renames the symbols (see the module comment) and returns the new
    /// import section.
    fn rename_symbols(&mut self) -> Result<Vec<u8>> {
        let memory = self.memory;
        let object = self.object;
        // The import of each undefined function, global, table and tag, by
        // kind and index.
        let mut imports_of_kind: HashMap<u8, Vec<usize>> = HashMap::new();
        for (i, import) in object.imports.iter().enumerate() {
            let kind = match import.ty {
                TypeRef::Func(_) => 0,
                TypeRef::Global(_) => 2,
                TypeRef::Tag(_) => 4,
                TypeRef::Table(_) => 5,
                TypeRef::Memory(_) => continue,
                _ => bail!("the object imports `{}.{}`, of a kind an object does not import", import.module, import.name),
            };
            imports_of_kind.entry(kind).or_default().push(i);
        }
        let mut new_imports: Vec<(String, String)> = object.imports.iter().map(|i| (i.module.clone(), i.name.clone())).collect();

        // Members of COMDAT groups: never part of the API.
        let mut comdat_functions = BTreeSet::new();
        let mut comdat_segments = BTreeSet::new();
        for c in self.linking.comdats.iter().flatten() {
            for &(kind, index) in &c.members {
                match kind {
                    super::linking::COMDAT_FUNCTION => {
                        comdat_functions.insert(index);
                    }
                    0 => {
                        comdat_segments.insert(index);
                    }
                    _ => {}
                }
            }
        }
        for c in self.linking.comdats.iter_mut().flatten() {
            c.name = library::symbol(memory, &c.name);
        }

        let symbols = self.linking.symbols.take().unwrap_or_default();
        let mut aliases = Vec::new();
        let mut renamed = Vec::with_capacity(symbols.len());
        for symbol in symbols {
            let symbol = match symbol {
                Symbol::Section { .. } => symbol,
                Symbol::Indexed { kind, flags, index, name } => {
                    let undefined = flags & WASM_SYM_UNDEFINED != 0;
                    if undefined {
                        let import = *imports_of_kind
                            .get(&kind)
                            .and_then(|v| v.get(index as usize))
                            .context("an undefined symbol without its import")?;
                        let (module, field) = new_imports[import].clone();
                        let own_name = name.clone().unwrap_or_else(|| field.clone());
                        if kind == 4 {
                            bail!("{}", unsupported_tag(&own_name));
                        }
                        if kind == 0 && library::WASI_MODULES.contains(&module.as_str()) {
                            let adapter = library::wasi_function(memory, &field);
                            self.summary.wasi_functions.insert(field.clone());
                            // An ordinary undefined function: the adapter
                            // defines it, and without the adapter
                            // (--memory=K:wasi=deny) it is a link error, not
                            // an import.
                            new_imports[import] = ("env".to_string(), adapter);
                            Symbol::Indexed { kind, flags: flags & !WASM_SYM_EXPLICIT_NAME, index, name: None }
                        } else if kind == 0 && module != "env" {
                            // A function of the host: it receives memory-K
                            // addresses, as the library's code meant them.
                            Symbol::Indexed { kind, flags, index, name }
                        } else {
                            // GOT.mem and GOT.func entries (-fPIC code) name
                            // the symbol whose address they hold.
                            let new = self.undefined_name(kind, &own_name)?;
                            if flags & WASM_SYM_EXPLICIT_NAME != 0 {
                                new_imports[import].1 = new.clone();
                                Symbol::Indexed { kind, flags, index, name: Some(new) }
                            } else {
                                new_imports[import].1 = new;
                                Symbol::Indexed { kind, flags, index, name }
                            }
                        }
                    } else {
                        let name = name.context("a defined symbol without a name")?;
                        if kind == 4 {
                            bail!("{}", unsupported_tag(&name));
                        }
                        if flags & WASM_SYM_BINDING_LOCAL != 0 || keeps_name(&name) {
                            Symbol::Indexed { kind, flags, index, name: Some(name) }
                        } else {
                            if self.role == Role::Api && kind == 0 && !comdat_functions.contains(&index) {
                                aliases.push(Symbol::Indexed { kind, flags, index, name: Some(name.clone()) });
                                self.summary.api.push(name.clone());
                            }
                            // Exported (export_name) under its own name only.
                            let flags = flags & !WASM_SYM_EXPORTED;
                            Symbol::Indexed { kind, flags, index, name: Some(library::symbol(memory, &name)) }
                        }
                    }
                }
                Symbol::Data { flags, name, definition } => match definition {
                    None => {
                        let new = self.undefined_name(1, &name)?;
                        Symbol::Data { flags, name: new, definition: None }
                    }
                    Some(def) => {
                        if flags & WASM_SYM_TLS != 0 {
                            bail!("`{name}` is thread-local (_Thread_local, -pthread); thread-local storage cannot be retargeted");
                        }
                        if flags & WASM_SYM_BINDING_LOCAL != 0 || keeps_name(&name) {
                            Symbol::Data { flags, name, definition }
                        } else {
                            if self.role == Role::Api && !comdat_segments.contains(&def.0) {
                                aliases.push(Symbol::Data { flags, name: name.clone(), definition });
                                self.summary.api.push(name.clone());
                            }
                            let flags = flags & !WASM_SYM_EXPORTED;
                            Symbol::Data { flags, name: library::symbol(memory, &name), definition }
                        }
                    }
                },
            };
            renamed.push(symbol);
        }
        // Aliases go last, so that every relocation keeps its symbol index.
        renamed.extend(aliases);
        self.linking.symbols = Some(renamed);

        // The import section: renamed imports, and memory K's import.
        let mut section = wasm_encoder::ImportSection::new();
        for (import, (module, field)) in object.imports.iter().zip(&new_imports) {
            let ty = RoundtripReencoder.entity_type(import.ty).map_err(super::reencode_error)?;
            section.import(module, field, ty);
        }
        if self.new_import {
            let ty = wasm_encoder::MemoryType { minimum: 0, maximum: None, memory64: false, shared: false, page_size_log2: None };
            section.import("env", &format!("__linear_memory.{}", self.memory), ty);
        }
        let mut out = Vec::new();
        wasm_encoder::Encode::encode(&section, &mut out);
        strip_size(&out)
    }

    /// What retargeted code calls an undefined symbol of kind `kind`
    /// (0 function, 1 data, 2 global, 5 table) by.
    fn undefined_name(&self, kind: u8, name: &str) -> Result<String> {
        let memory = self.memory;
        Ok(match name {
            "__stack_pointer" if kind == 2 => library::stack_pointer(memory),
            "__heap_base" if kind == 1 => library::heap_base(memory),
            "__heap_end" if kind == 1 => library::heap_end(memory),
            // The default memory's runtime (`mm_malloc(0, n)`, `mm_strlen(0, s)`)
            // is memory K's in code whose default memory is memory K.
            _ if kind == 0 && crate::runtime::memory_of_symbol(name) == Some(0) => {
                crate::runtime::symbol(memory, &name[crate::runtime::symbol(0, "").len()..])
            }
            "__tls_base" | "__tls_size" | "__tls_align" | "__wasm_init_tls" => {
                bail!("the object uses thread-local storage (`{name}`: _Thread_local or -pthread); it cannot be retargeted")
            }
            "__wasm_setjmp" | "__wasm_setjmp_test" | "__wasm_longjmp" | "emscripten_longjmp" | "saveSetjmp" | "testSetjmp" => {
                bail!("the object uses setjmp/longjmp (`{name}`), which need wasm exception handling; it cannot be retargeted")
            }
            _ if DEFAULT_MEMORY_LAYOUT.contains(&name) => bail!(
                "the object refers to `{name}`, a linker symbol of the default memory's layout with no counterpart in a library memory"
            ),
            _ if kind == 1 && (name.starts_with("__start_") || name.starts_with("__stop_")) => bail!(
                "the object refers to `{name}`, the bounds of a section in the default memory, which have no counterpart in a library memory"
            ),
            _ if keeps_name(name) => name.to_string(),
            _ => library::symbol(memory, name),
        })
    }

    /// Where each data segment goes: the default memory's go to memory K
    /// (zero-initialized ones as zero fills where every symbol in them is
    /// at offset 0, as the object reader requires of an empty segment);
    /// those already in another memory stay.
    fn place_segments(&self) -> Result<BTreeMap<u32, MemorySegment>> {
        let mut placed = self.object.memory_segments.clone();
        for zero in &self.memories.zero_fills {
            if let Some(s) = placed.get_mut(&zero.segment) {
                s.zero_fill = Some(zero.size);
            }
        }
        let mut symbols_at_nonzero_offsets = BTreeSet::new();
        for symbol in self.linking.symbols.iter().flatten() {
            if let Symbol::Data { definition: Some((segment, offset, _)), .. } = symbol {
                if *offset != 0 {
                    symbols_at_nonzero_offsets.insert(*segment);
                }
            }
        }
        let segment_sizes = self.segment_sizes()?;
        for (i, info) in self.linking.segments.iter().flatten().enumerate() {
            let i = i as u32;
            if placed.contains_key(&i) {
                continue;
            }
            if info.flags & WASM_SEG_FLAG_TLS != 0 || info.name.starts_with(".tdata") || info.name.starts_with(".tbss") {
                bail!("data segment `{}` is thread-local (_Thread_local, -pthread); thread-local storage cannot be retargeted", info.name);
            }
            let size = *segment_sizes.get(i as usize).context("segment info for a data segment that does not exist")?;
            let bss = info.name.starts_with(".bss") && !symbols_at_nonzero_offsets.contains(&i) && size > 0;
            placed.insert(i, MemorySegment { key: MemoryKey::Numbered(self.memory), zero_fill: bss.then_some(size as u64) });
        }
        Ok(placed)
    }

    fn segment_sizes(&self) -> Result<Vec<usize>> {
        let Some(s) = self.object.sections.iter().find(|s| s.id == 11) else { return Ok(Vec::new()) };
        let reader = wasmparser::DataSectionReader::new(wasmparser::BinaryReader::new(
            self.object.section_data(self.input, s),
            s.range.start as u64,
        ))?;
        let mut sizes = Vec::new();
        for segment in reader {
            sizes.push(segment?.data.len());
        }
        Ok(sizes)
    }

    /// Rewrites the code section: every default-memory instruction names
    /// memory K.
    fn retarget_code(&self, code_index: usize, relocs: &[wasmparser::RelocationEntry]) -> Result<RetargetedCode> {
        let section = &self.object.sections[code_index];
        let input = self.input;
        let start = section.range.start;
        // Memory indices that already have a relocation stay as they are.
        let relocated: BTreeSet<usize> = self.memories.relocs.iter().map(|r| start + r.offset as usize).collect();
        let mut code = RetargetedCode { bytes: Vec::new(), ..Default::default() };
        let reader = wasmparser::CodeSectionReader::new(wasmparser::BinaryReader::new(&input[section.range.clone()], start as u64))?;
        write_u32(&mut code.bytes, reader.count());
        let mut relocated_positions: Vec<(usize, u32)> = self
            .memories
            .relocs
            .iter()
            .map(|r| (start + r.offset as usize, r.index))
            .collect();
        let mut code_positions: Vec<usize> = relocs.iter().map(|r| start + r.offset as usize).collect();
        code_positions.sort_unstable();
        relocated_positions.sort_unstable();
        for body in reader {
            let body = body?;
            let range = body.range();
            let (body_start, body_end) = (range.start as usize, range.end as usize);
            // Edits of this body: (absolute start, absolute end, new bytes,
            // positions of memory-K indices in the new bytes).
            let mut edits: Vec<(usize, usize, Vec<u8>, Vec<usize>)> = Vec::new();
            let mut operators = wasmparser::OperatorsReader::new(body.get_binary_reader_for_operators()?);
            let mut operands = MemoryOperands::default();
            while !operators.eof() {
                let op_start = operators.original_position() as usize;
                operands.memories.clear();
                operators.visit_operator(&mut operands).with_context(|| format!("cannot decode the instruction at offset {op_start:#x}"))?;
                if operands.memories.is_empty() {
                    continue;
                }
                let op_end = operators.original_position() as usize;
                let layout = immediates(&input[op_start..op_end], op_start)?;
                for edit in layout {
                    match edit {
                        Immediate::ImplicitMemory { align_at, align_len, align } => {
                            let mut bytes = Vec::with_capacity(7);
                            write_u32(&mut bytes, align | 0x40);
                            let at = bytes.len();
                            write_padded_u32(&mut bytes, self.k_index);
                            edits.push((align_at, align_at + align_len, bytes, vec![at]));
                        }
                        Immediate::Index { at, len, value } => {
                            // Kept: indices the linker relocates, other
                            // memories, and the application's default memory
                            // named explicitly (`__default_memory`, which
                            // mmcc writes as a 5-byte index 0; LLVM writes
                            // the default memory's indices in one byte).
                            if relocated.contains(&at) || value != 0 || len == 5 {
                                continue;
                            }
                            let mut bytes = Vec::with_capacity(5);
                            write_padded_u32(&mut bytes, self.k_index);
                            edits.push((at, at + len, bytes, vec![0]));
                        }
                    }
                }
            }
            code.instructions += edits.len();

            // Apply the edits: copy, splice, and note where old positions go.
            let mut content = Vec::with_capacity(body_end - body_start + edits.len() * 5);
            let mut copied = body_start;
            let mut moves = Vec::new(); // (old absolute position, delta from here on)
            let mut delta: i64 = 0;
            let mut k_positions = Vec::new();
            let mut function_edits = Vec::new();
            for (from, to, bytes, memory_at) in &edits {
                content.extend_from_slice(&input[copied..*from]);
                for at in memory_at {
                    k_positions.push(content.len() + at);
                }
                content.extend_from_slice(bytes);
                copied = *to;
                let change = bytes.len() as i64 - (to - from) as i64;
                delta += change;
                moves.push((*to, delta));
                function_edits.push(((from - body_start) as u32, change));
            }
            content.extend_from_slice(&input[copied..body_end]);
            write_u32(&mut code.bytes, content.len() as u32);
            let base = code.bytes.len();
            code.bytes.extend_from_slice(&content);
            code.bodies.push(BodyMove { old_start: body_start, old_end: body_end, new_start: base, moves, section_start: start });
            for at in k_positions {
                code.memory_relocs.push(MemoryReloc { offset: (base + at) as u32, index: self.k_index });
            }
            code.function_edits.push(function_edits);
        }
        // Existing memory relocations move with their code.
        for (at, index) in relocated_positions {
            let new = code.move_absolute(at).context("a memory relocation outside every function body")?;
            code.memory_relocs.push(MemoryReloc { offset: new as u32, index });
        }
        code.memory_relocs.sort_by_key(|r| r.offset);
        for at in code_positions {
            code.move_absolute(at).context("a code relocation outside every function body")?;
        }
        Ok(code)
    }
}

fn unsupported_tag(name: &str) -> String {
    match name {
        "__c_longjmp" => "the object uses setjmp/longjmp (the `__c_longjmp` tag); it cannot be retargeted".to_string(),
        "__cpp_exception" => {
            "the object uses C++ exceptions (the `__cpp_exception` tag); compile it with -fno-exceptions to retarget it".to_string()
        }
        other => format!("the object uses wasm exception handling (tag `{other}`); it cannot be retargeted"),
    }
}

const WASM_SYM_BINDING_LOCAL: u32 = 0x02;
const WASM_SYM_UNDEFINED: u32 = 0x10;
const WASM_SYM_EXPORTED: u32 = 0x20;
const WASM_SYM_EXPLICIT_NAME: u32 = 0x40;
const WASM_SYM_TLS: u32 = 0x100;
const WASM_SEG_FLAG_TLS: u32 = 0x2;

/// Where one function body went.
#[derive(Debug, Default)]
struct BodyMove {
    old_start: usize,
    old_end: usize,
    /// Start of the new body's contents in the new section contents.
    new_start: usize,
    /// (old absolute position, total size change of the edits before it).
    moves: Vec<(usize, i64)>,
    section_start: usize,
}

#[derive(Debug, Default)]
struct RetargetedCode {
    bytes: Vec<u8>,
    bodies: Vec<BodyMove>,
    memory_relocs: Vec<MemoryReloc>,
    instructions: usize,
    /// Per defined function: (old body offset, size change) of each edit.
    function_edits: Vec<Vec<(u32, i64)>>,
}

impl RetargetedCode {
    /// New offset (in the section contents) of the byte at absolute
    /// position `at` of the input, which is in a function body.
    fn move_absolute(&self, at: usize) -> Option<usize> {
        let i = self.bodies.partition_point(|b| b.old_end <= at);
        let body = self.bodies.get(i)?;
        if at < body.old_start {
            return None;
        }
        let j = body.moves.partition_point(|(old, _)| *old <= at);
        let delta = if j == 0 { 0 } else { body.moves[j - 1].1 };
        Some((body.new_start as i64 + (at - body.old_start) as i64 + delta) as usize)
    }

    /// New offset of a code relocation at `offset` (section-relative).
    fn move_offset(&self, offset: u32) -> Option<u32> {
        let start = self.bodies.first().map_or(0, |b| b.section_start);
        self.move_absolute(start + offset as usize).map(|o| o as u32)
    }

    /// Moves the addend of a function-offset relocation (an offset inside a
    /// function body, used by DWARF) past the edits before it.
    fn move_function_offset(&self, linking: &LinkingSection, object: &ParsedObject, symbol: u32, addend: i64) -> i64 {
        let Some(function) = linking.symbols.as_ref().and_then(|s| s.get(symbol as usize)).and_then(|s| s.function_index()) else {
            return addend;
        };
        let Some(defined) = function.checked_sub(object.imported_functions) else { return addend };
        let Some(edits) = self.function_edits.get(defined as usize) else { return addend };
        addend + edits.iter().filter(|(at, _)| (*at as i64) < addend).map(|(_, d)| d).sum::<i64>()
    }
}

