//! Post-link step: memories the host provides (imported memories other than
//! the default one), and the names that tie each memory to the source.
//!
//! WebAssembly numbers imported memories before defined ones. When memory
//! 0 is defined and memory 2 is imported, memory 2 must come first, so the
//! default memory leaves index 0 — and LLVM's memory-0 instructions carry no
//! memory index to relocate. So the linker lays the module out with every
//! memory defined (memory N at index N), and this step re-encodes the linked
//! module: the requested memories move into the import section (with the
//! limits the linker gave them) and every memory reference — instructions,
//! data segments, exports — is renumbered (wasm-encoder's `Reencode`;
//! function bodies are copied as bytes except the instructions whose
//! memory index changes).
//!
//! Static data in an imported memory would overwrite the host's memory when
//! the module is instantiated (initialized variables) or assume it is zero
//! (zero-initialized ones, which have no data segment: the linker's
//! `__mmcc_heap_base_N` tells), so it is an error unless the import says
//! `import-data`.
//!
//! Last, every memory gets its source name in the name section's memory
//! subsection (`memory` for the default memory, `memoryN` for `__memory(N)`,
//! the C name for a `wasm_memory` array), so tools that print the module —
//! `mmtool inspect`, disassemblers, debuggers — show where each index came
//! from after the renumbering. A module linked without a name section
//! (`-s`, `--strip-all`) stays without one.

use crate::memory_operands::{Immediate, Instruction, Instructions};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use wasm_encoder::reencode::{Error as ReencodeError, Reencode, RoundtripReencoder};
use wasmparser::{Parser, Payload, TypeRef};

/// The linker's end-of-static-data symbol of memory N is this prefix and N.
/// Memory N's data starts at address 16, so an end above 16 means data.
pub const HEAP_BASE_PREFIX: &str = "__mmcc_heap_base_";
const DATA_START: u64 = 16;

/// A memory to import instead of define.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryImport {
    pub memory: u32,
    pub module: String,
    pub field: String,
    /// Write the module's static data into the host's memory anyway.
    pub allow_data: bool,
    /// Keep the linker's export of the memory. The host has its memory
    /// already, so finalize drops the export unless an export name was
    /// asked for (`export=`, `__wasm_memory_export`).
    pub keep_export: bool,
}

/// The finished module: `imports` moved into the import section, and each
/// memory named by `source_name` (called with the memory's number as the
/// linker laid it out, which is the number in the source).
/// With `default_private`, the default memory is not exported (a module
/// that imports WASI functions needs it, and is an error).
/// With `compact` (a link without -g), memory indices are written in the
/// fewest bytes and `local.set x; local.get x` becomes `local.tee x`
/// ([`compact_code`]).
pub fn finish(
    bytes: &[u8],
    imports: &[MemoryImport],
    default_private: bool,
    compact: bool,
    source_name: impl Fn(u32) -> String,
) -> Result<Vec<u8>> {
    // The walks below copy what they do not rewrite: an invalid module from
    // the linker would come out invalid, so it is an error here, and no
    // output is returned unless the module is valid. The validation runs on
    // a thread of its own while the rewrite runs on this one: alone, it
    // takes about as long as the whole rewrite (sqlite: 18 ms of 40), and
    // one after the other they missed the 100 MB/s finalize is meant to
    // keep on the import path. The rewrite may meet the invalid module
    // first: its error or panic then gives way to the validation's error.
    let (validation, output) = std::thread::scope(|scope| {
        let validation = scope.spawn(|| validate(bytes));
        let output = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            finish_valid(bytes, imports, default_private, compact, &source_name)
        }));
        (validation.join(), output)
    });
    match validation {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e.context("the linked module is not valid WebAssembly")),
        Err(panic) => std::panic::resume_unwind(panic),
    }
    output.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// [`finish`] once the module is known to be valid (or being validated:
/// nothing it returns is used otherwise).
fn finish_valid(
    bytes: &[u8],
    imports: &[MemoryImport],
    default_private: bool,
    compact: bool,
    source_name: &dyn Fn(u32) -> String,
) -> Result<Vec<u8>> {
    let layout = Layout::read(bytes)?;
    let memories = layout.memory_count();
    if default_private {
        if let Some(module) = &layout.wasi_import {
            bail!(
                "--memory=0:private: the program calls WASI functions ({module}), which find their buffers through the \
                 default memory's export `memory`; build a library without WASI calls (-mexec-model=reactor, no stdio) to hide it"
            );
        }
    }
    let mut renumbered = Vec::new();
    let (module, new_index): (&[u8], Vec<u32>) = if imports.is_empty() && !default_private {
        (bytes, (0..memories).collect())
    } else {
        let (module, new_index) = import_memories(bytes, &layout, imports, default_private, compact)?;
        renumbered = module;
        (&renumbered, new_index)
    };
    // The import path compacts in its own walk of the code.
    let compacted = if compact && renumbered.is_empty() { compact_code(module)? } else { None };
    let module = compacted.as_deref().unwrap_or(module);
    let mut names: Vec<(u32, String)> = (0..memories).map(|m| (new_index[m as usize], source_name(m))).collect();
    names.sort();
    name_memories(module, &names)
}

/// wasmparser's validator refuses a module with more memories than this
/// (its `MAX_WASM_MEMORIES`, an implementation limit: WebAssembly itself
/// allows 2^32, V8 runs modules with more, mmcc documents memories 1 to
/// 255).
const VALIDATOR_MEMORIES: u32 = 100;

/// In a module with more memories than [`VALIDATOR_MEMORIES`], the
/// memories below this index keep their index in the stand-in sections
/// [`validate`] gives the validator; each memory from here on is
/// represented by one of at most 4 stand-ins, one per kind that validation
/// tells apart (see [`MemoryKind`]), at this index and the 3 after it.
const KEPT_MEMORIES: u32 = VALIDATOR_MEMORIES - 4;

/// What validating an instruction or a data segment learns of the memory it
/// names: the type of its addresses (wasmparser's `memory_at(..).index_type()`
/// is all that its operator and data-segment checks use of a memory) and,
/// to be safe should a future check look at it, whether it is shared.
type MemoryKind = (bool, bool);

fn kind_of(memory: &wasmparser::MemoryType) -> MemoryKind {
    (memory.memory64, memory.shared)
}

/// Validates the linked module as wasmparser's validator does, with mmcc's
/// features, whatever its number of memories.
///
/// Up to [`VALIDATOR_MEMORIES`] memories this is exactly
/// `Validator::validate_all`. With more, the validator is given stand-ins
/// for the three sections that name memories by index outside the code:
/// the memory section keeps the memories below [`KEPT_MEMORIES`] and has
/// one memory per kind for all the others (the first of that kind), and
/// the export and data sections name that stand-in instead of a memory
/// from [`KEPT_MEMORIES`] on, after this function checked that the memory
/// exists. Every other section goes to the validator as it is, and every
/// function body too, validated against the module's real memories (its
/// resources are the validator's with `memory_at` answered from the real
/// memory types). This is as strict as validating the module itself
/// without the limit:
/// - each memory type the stand-in section leaves out is validated on its
///   own (limits, maximum, shared with a maximum), with the same checks;
/// - an export or data segment that names an existing memory is checked
///   against a memory of the same kind, which is all its validation looks
///   at (a data segment's offset has the memory's address type; an export
///   needs the memory to exist; export names stay as they are, so
///   duplicates are still found);
/// - function bodies see every memory with its own type.
///
/// Only the memory count changes. Stand-ins are copies of the original
/// bytes with one index written anew, so no re-encoding normalizes a
/// malformed field into a valid one.
fn validate(bytes: &[u8]) -> Result<()> {
    use wasmparser::{FuncToValidate, FuncValidatorAllocations, ValidPayload, Validator};
    let features = crate::object::check::features();
    let mut validator = Validator::new_with_features(features);
    let mut functions = Vec::new();
    // All memory types (imported, then defined), once there are too many for
    // the validator; before that, the imported ones.
    let mut memories: Vec<wasmparser::MemoryType> = Vec::new();
    let mut many = false;
    let mut stand_in: Vec<u32> = Vec::new(); // by memory index from KEPT_MEMORIES on
    let error = |e: wasmparser::BinaryReaderError| anyhow::anyhow!("{e}");
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(error)?;
        match &payload {
            Payload::ImportSection(r) => {
                for import in r.clone().into_imports() {
                    if let TypeRef::Memory(m) = import.map_err(error)?.ty {
                        memories.push(m);
                    }
                }
            }
            Payload::MemorySection(r) if memories.len() as u64 + r.count() as u64 > VALIDATOR_MEMORIES as u64 => {
                if memories.len() as u32 > KEPT_MEMORIES {
                    bail!("{} imported memories: at most {KEPT_MEMORIES} can be validated", memories.len());
                }
                let imported = memories.len();
                let items = items_with_offsets(r.clone())?;
                let item_end = |i: usize| items.get(i + 1).map_or(r.range().end as usize, |(at, _)| *at);
                let mut section = Vec::new();
                let mut kinds: Vec<MemoryKind> = Vec::new();
                let kept = KEPT_MEMORIES as usize - imported;
                let mut representatives = Vec::new();
                for (i, (at, memory)) in items.iter().enumerate() {
                    memories.push(*memory);
                    if i < kept {
                        continue;
                    }
                    validate_memory_type(&bytes[*at..item_end(i)], features)
                        .with_context(|| format!("memory {} (at offset {at:#x})", imported + i))?;
                    let kind = kind_of(memory);
                    let k = kinds.iter().position(|&x| x == kind).unwrap_or_else(|| {
                        kinds.push(kind);
                        representatives.push(i);
                        kinds.len() - 1
                    });
                    stand_in.push(KEPT_MEMORIES + k as u32);
                }
                crate::marker::write_u32(&mut section, (kept + representatives.len()) as u32);
                let first = items.first().map_or(r.range().end as usize, |(at, _)| *at);
                if kept > 0 {
                    section.extend_from_slice(&bytes[first..item_end(kept - 1)]);
                }
                for &i in &representatives {
                    section.extend_from_slice(&bytes[items[i].0..item_end(i)]);
                }
                let reader = wasmparser::BinaryReader::new(&section, r.range().start);
                validator.memory_section(&wasmparser::MemorySectionReader::new(reader).map_err(error)?).map_err(error)?;
                many = true;
                continue;
            }
            Payload::ExportSection(r) if many => {
                let items = items_with_offsets(r.clone())?;
                let mut section = Vec::new();
                crate::marker::write_u32(&mut section, items.len() as u32);
                for (i, (at, export)) in items.iter().enumerate() {
                    let end = items.get(i + 1).map_or(r.range().end as usize, |(next, _)| *next);
                    match stand_in_index(export.kind == wasmparser::ExternalKind::Memory, export.index, &memories, &stand_in)? {
                        None => section.extend_from_slice(&bytes[*at..end]),
                        Some(index) => {
                            // The index is the entry's last field, after its
                            // name and kind.
                            let mut reader = wasmparser::BinaryReader::new(&bytes[*at..end], *at as u64);
                            reader.read_string().map_err(error)?;
                            reader.read_u8().map_err(error)?;
                            section.extend_from_slice(&bytes[*at..reader.original_position() as usize]);
                            crate::marker::write_u32(&mut section, index);
                        }
                    }
                }
                let reader = wasmparser::BinaryReader::new(&section, r.range().start);
                validator.export_section(&wasmparser::ExportSectionReader::new(reader).map_err(error)?).map_err(error)?;
                continue;
            }
            Payload::DataSection(r) if many => {
                let mut section = Vec::new();
                crate::marker::write_u32(&mut section, r.count());
                for data in r.clone() {
                    let data = data.map_err(error)?;
                    let (start, end) = (data.range.start as usize, data.range.end as usize);
                    let moved = match &data.kind {
                        wasmparser::DataKind::Active { memory_index, offset_expr } => {
                            stand_in_index(true, *memory_index, &memories, &stand_in)?.map(|index| (index, offset_expr))
                        }
                        wasmparser::DataKind::Passive => None,
                    };
                    match moved {
                        None => section.extend_from_slice(&bytes[start..end]),
                        Some((index, offset_expr)) => {
                            // Flags 2 (active, with a memory index), the
                            // index, then the offset and the bytes as they
                            // were.
                            let expr_start = offset_expr.get_binary_reader().original_position() as usize;
                            section.push(2);
                            crate::marker::write_u32(&mut section, index);
                            section.extend_from_slice(&bytes[expr_start..end]);
                        }
                    }
                }
                let reader = wasmparser::BinaryReader::new(&section, r.range().start);
                validator.data_section(&wasmparser::DataSectionReader::new(reader).map_err(error)?).map_err(error)?;
                continue;
            }
            _ => {}
        }
        if let ValidPayload::Func(func, body) = validator.payload(&payload).map_err(error)? {
            functions.push((func, body));
        }
    }
    // After the whole module, as `validate_all` does (a body may refer to
    // what later sections declare, such as data segments).
    let memories = &memories;
    let mut allocs = FuncValidatorAllocations::default();
    for (func, body) in functions {
        if many {
            let func = FuncToValidate {
                resources: RealMemories { inner: func.resources, memories },
                index: func.index,
                ty: func.ty,
                features: func.features,
            };
            let mut v = func.into_validator(allocs);
            v.validate(&body).map_err(error)?;
            allocs = v.into_allocations();
        } else {
            let mut v = func.into_validator(allocs);
            v.validate(&body).map_err(error)?;
            allocs = v.into_allocations();
        }
    }
    Ok(())
}

/// A section's entries with the offset in the module where each starts.
fn items_with_offsets<'a, T: wasmparser::FromReader<'a>>(section: wasmparser::SectionLimited<'a, T>) -> Result<Vec<(usize, T)>> {
    section
        .into_iter_with_offsets()
        .map(|item| item.map(|(at, entry)| (at as usize, entry)).map_err(|e| anyhow::anyhow!("{e}")))
        .collect()
}

/// The index a stand-in section gives a reference to memory `index` (None:
/// the reference stays as it is); an error for a memory that does not
/// exist, as validation would report it.
fn stand_in_index(is_memory: bool, index: u32, memories: &[wasmparser::MemoryType], stand_in: &[u32]) -> Result<Option<u32>> {
    if !is_memory || index < KEPT_MEMORIES {
        return Ok(None);
    }
    if index as usize >= memories.len() {
        bail!("unknown memory {index}: the module has {} memories", memories.len());
    }
    Ok(Some(stand_in[(index - KEPT_MEMORIES) as usize]))
}

/// Validates one memory type (its encoding, `entry`) in a module of its own.
fn validate_memory_type(entry: &[u8], features: wasmparser::WasmFeatures) -> Result<()> {
    let mut module = b"\0asm\x01\0\0\0\x05".to_vec();
    crate::marker::write_u32(&mut module, entry.len() as u32 + 1);
    module.push(1);
    module.extend_from_slice(entry);
    wasmparser::Validator::new_with_features(features)
        .validate_all(&module)
        .map(|_| ())
        .map_err(|e| anyhow::anyhow!("{}", e.message()))
}

/// The validator's resources for a function body, except that memories
/// are the module's own (the validator holds stand-ins, see [`validate`]).
struct RealMemories<'a> {
    inner: wasmparser::ValidatorResources,
    memories: &'a [wasmparser::MemoryType],
}

impl wasmparser::WasmModuleResources for RealMemories<'_> {
    fn memory_at(&self, at: u32) -> Option<wasmparser::MemoryType> {
        self.memories.get(at as usize).copied()
    }
    fn table_at(&self, at: u32) -> Option<wasmparser::TableType> {
        self.inner.table_at(at)
    }
    fn tag_at(&self, at: u32) -> Option<&wasmparser::FuncType> {
        self.inner.tag_at(at)
    }
    fn global_at(&self, at: u32) -> Option<wasmparser::GlobalType> {
        self.inner.global_at(at)
    }
    fn sub_type_at(&self, type_index: u32) -> Option<&wasmparser::SubType> {
        self.inner.sub_type_at(type_index)
    }
    fn sub_type_at_id(&self, id: wasmparser::types::CoreTypeId) -> &wasmparser::SubType {
        self.inner.sub_type_at_id(id)
    }
    fn type_id_of_function(&self, func_idx: u32) -> Option<wasmparser::types::CoreTypeId> {
        self.inner.type_id_of_function(func_idx)
    }
    fn type_index_of_function(&self, func_index: u32) -> Option<u32> {
        self.inner.type_index_of_function(func_index)
    }
    fn element_type_at(&self, at: u32) -> Option<wasmparser::RefType> {
        self.inner.element_type_at(at)
    }
    fn is_subtype(&self, a: wasmparser::ValType, b: wasmparser::ValType) -> bool {
        self.inner.is_subtype(a, b)
    }
    fn is_shared(&self, ty: wasmparser::RefType) -> bool {
        self.inner.is_shared(ty)
    }
    fn check_heap_type(&self, heap_type: &mut wasmparser::HeapType, offset: u64) -> Result<(), wasmparser::BinaryReaderError> {
        self.inner.check_heap_type(heap_type, offset)
    }
    fn top_type(&self, heap_type: &wasmparser::HeapType) -> wasmparser::HeapType {
        self.inner.top_type(heap_type)
    }
    fn element_count(&self) -> u32 {
        self.inner.element_count()
    }
    fn data_count(&self) -> Option<u32> {
        self.inner.data_count()
    }
    fn is_function_referenced(&self, idx: u32) -> bool {
        self.inner.is_function_referenced(idx)
    }
    fn has_function_exact_type(&self, idx: u32) -> bool {
        self.inner.has_function_exact_type(idx)
    }
}

/// Writes every memory index in the code in the fewest bytes it needs, and
/// every `local.set x` followed by `local.get x` as `local.tee x`.
///
/// In objects a memory index is a 5-byte LEB128, so that the linker can
/// rewrite it in place; in the linked module nothing relocates it any more,
/// and one byte holds any index below 128: a memory-N access is then one
/// byte longer than its memory-0 form, not five (which on code that
/// accesses only memory K, retargeted code, costs about 40% of its size).
///
/// The tee: a memory-N access is a marker call while LLVM's backend runs,
/// and its register stackifier does not tee a value into a call's operand,
/// so where memory 0 gets `local.tee x` memory N gets `local.set x;
/// local.get x` (the same effect: two adjacent instructions have no branch
/// target between them). Every other byte of the code is copied. DWARF holds code offsets, which
/// move: it is dropped (this runs only for links without -g, whose DWARF
/// comes from prebuilt libraries such as Debian's wasi-libc). Returns None
/// when nothing changes.
pub fn compact_code(bytes: &[u8]) -> Result<Option<Vec<u8>>> {
    let mut code = None;
    for payload in Parser::new(0).parse_all(bytes) {
        if let Payload::CodeSectionStart { unchecked_range, .. } = payload? {
            code = Some(unchecked_range);
        }
    }
    let Some(range) = code else { return Ok(None) };
    let (start, end) = (range.start as usize, range.end as usize);
    let reader = wasmparser::CodeSectionReader::new(wasmparser::BinaryReader::new(&bytes[start..end], start as u64))?;
    let mut contents = Vec::with_capacity(end - start);
    crate::marker::write_u32(&mut contents, reader.count());
    let mut changed = false;

    for body in reader {
        let body = body?;
        let body_range = body.range();
        let (body_start, body_end) = (body_range.start as usize, body_range.end as usize);
        let code_start = body.get_binary_reader_for_operators()?.original_position() as usize;
        let mut out = Vec::with_capacity(body_end - body_start);
        changed |= rewrite_body(&bytes[..body_end], body_start, code_start, 0, &|_| None, true, &mut out)?;
        crate::marker::write_u32(&mut contents, out.len() as u32);
        contents.extend_from_slice(&out);
    }
    if !changed {
        return Ok(None);
    }
    // The code section's header: id 10 and the new size, before `start`.
    let header_start = (0..start).rev().find(|&h| bytes[h] == 10 && {
        let mut r = wasmparser::BinaryReader::new(&bytes[h + 1..start], 0);
        r.read_var_u32().ok() == Some((end - start) as u32) && r.eof()
    });
    let header_start = header_start.context("cannot find the code section's header")?;
    let mut module = Vec::with_capacity(bytes.len());
    module.extend_from_slice(&bytes[..header_start]);
    module.push(10);
    crate::marker::write_u32(&mut module, contents.len() as u32);
    module.extend_from_slice(&contents);
    copy_sections_without(&bytes[end..], &mut module, |name| name.starts_with(".debug_"))?;
    Ok(Some(module))
}

/// Writes the function body `bytes[body_start..]` (its code from
/// `code_start`) to `out` with every memory index `renumber` moves written
/// anew (a memory-0 `memarg` without an index gets bit 6 of its alignment
/// field and the index after it) and, with `compact`, every other memory
/// index in the fewest bytes and `local.set x; local.get x` as
/// `local.tee x`. Every other byte is copied. Returns whether anything
/// changed. `base` is the absolute offset of `bytes[0]`.
fn rewrite_body(
    bytes: &[u8],
    body_start: usize,
    code_start: usize,
    base: u64,
    renumber: &dyn Fn(u32) -> Option<u32>,
    compact: bool,
    out: &mut Vec<u8>,
) -> Result<bool> {
    const LOCAL_GET: u8 = 0x20;
    const LOCAL_SET: u8 = 0x21;
    const LOCAL_TEE: u8 = 0x22;
    let mut instructions = Instructions::new(bytes, code_start, base);
    let mut copied = body_start;
    // The previous instruction, if it was `local.set`: (start, end).
    let mut local_set: Option<(usize, usize)> = None;
    let mut index = Vec::with_capacity(5);
    while let Some(Instruction { start, end, names_memory }) = instructions.next_instruction()? {
        if compact {
            match (bytes[start], local_set.take()) {
                (LOCAL_GET, Some((set_start, set_end))) if bytes[set_start + 1..set_end] == bytes[start + 1..end] => {
                    out.extend_from_slice(&bytes[copied..set_start]);
                    out.push(LOCAL_TEE);
                    out.extend_from_slice(&bytes[set_start + 1..set_end]);
                    copied = end;
                }
                (LOCAL_SET, _) => local_set = Some((start, end)),
                _ => {}
            }
        }
        if !names_memory {
            continue;
        }
        for immediate in crate::memory_operands::immediates(&bytes[start..end], start)? {
            match immediate {
                Immediate::ImplicitMemory { align_at, align_len, align } => {
                    let Some(new) = renumber(0) else { continue };
                    out.extend_from_slice(&bytes[copied..align_at]);
                    crate::marker::write_u32(out, align | 0x40);
                    crate::marker::write_u32(out, new);
                    copied = align_at + align_len;
                }
                Immediate::Index { at, len, value } => {
                    let new = renumber(value);
                    index.clear();
                    crate::marker::write_u32(&mut index, new.unwrap_or(value));
                    if new.is_some() || (compact && index.len() < len) {
                        out.extend_from_slice(&bytes[copied..at]);
                        out.extend_from_slice(&index);
                        copied = at + len;
                    }
                }
            }
        }
    }
    let changed = copied != body_start;
    out.extend_from_slice(&bytes[copied..]);
    Ok(changed)
}

/// Copies a sequence of sections, leaving out the custom sections whose
/// name `drop` selects.
fn copy_sections_without(bytes: &[u8], out: &mut Vec<u8>, drop: impl Fn(&str) -> bool) -> Result<()> {
    let mut reader = wasmparser::BinaryReader::new(bytes, 0);
    while !reader.eof() {
        let start = reader.original_position() as usize;
        let id = reader.read_u8()?;
        let size = reader.read_var_u32()? as usize;
        let body_start = reader.original_position() as usize;
        let body = reader.read_bytes(size)?;
        if id == 0 && drop(wasmparser::BinaryReader::new(body, 0).read_string()?) {
            continue;
        }
        out.extend_from_slice(&bytes[start..body_start + size]);
    }
    Ok(())
}

/// Moves the memories named in `imports` into the import section (and
/// drops the default memory's export if `default_private`); returns the
/// module and each memory's new index (by its old one).
fn import_memories(bytes: &[u8], layout: &Layout, imports: &[MemoryImport], default_private: bool, compact: bool) -> Result<(Vec<u8>, Vec<u32>)> {
    let mut requested: BTreeMap<u32, &MemoryImport> = BTreeMap::new();
    for import in imports {
        let Some(defined) = import.memory.checked_sub(layout.imported) else {
            bail!("memory {} is already imported", import.memory);
        };
        if defined as usize >= layout.defined.len() {
            bail!("--memory={}:import=...: the program has no memory {}", import.memory, import.memory);
        }
        let zero_initialized = layout.heap_bases.get(&import.memory).is_some_and(|end| *end > DATA_START);
        if (layout.data_memories.contains(&import.memory) || zero_initialized) && !import.allow_data {
            bail!(
                "memory {} has static data (variables placed in it): initialized ones would overwrite the host's memory when the \
                 module starts, zero-initialized ones would assume the host's memory is zero there; move them to another memory, \
                 or add `import-data` (--memory={}:import={}.{},import-data) to accept that",
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
    let total = layout.memory_count();
    let mut order: Vec<u32> = (0..layout.imported).collect();
    order.extend(requested.keys().copied());
    order.extend((layout.imported..total).filter(|m| !requested.contains_key(m)));
    let mut new_index = vec![0u32; total as usize];
    for (new, &old) in order.iter().enumerate() {
        new_index[old as usize] = new as u32;
    }
    let mut reencoder = Renumber { new_index, layout, requested, imports_written: false, default_private, compact, failure: None };
    let mut module = wasm_encoder::Module::new();
    if let Err(e) = reencoder.parse_core_module(&mut module, Parser::new(0), bytes) {
        let why = reencoder.failure.take().unwrap_or_else(|| format!("{e:?}"));
        bail!("cannot re-encode the module to import its memories: {why}");
    }
    Ok((module.finish(), reencoder.new_index))
}

/// The name section's memory subsection.
const MEMORY_NAMES: u8 = 6;

/// Replaces the memory subsection of the module's name section with
/// `names` ((index, name) in index order), copying every other section and
/// subsection byte for byte (no re-encoding: this runs on every link).
fn name_memories(bytes: &[u8], names: &[(u32, String)]) -> Result<Vec<u8>> {
    let mut map = wasm_encoder::NameMap::new();
    for (index, name) in names {
        map.append(*index, name);
    }
    let mut out = Vec::with_capacity(bytes.len() + 64);
    out.extend_from_slice(bytes.get(..8).context("the linked module is not valid WebAssembly")?);
    let mut reader = wasmparser::BinaryReader::new(&bytes[8..], 8);
    while !reader.eof() {
        let start = reader.original_position() as usize;
        let id = reader.read_u8()?;
        let size = reader.read_var_u32()? as usize;
        let body_start = reader.original_position() as usize;
        let body = reader.read_bytes(size)?;
        let mut body_reader = wasmparser::BinaryReader::new(body, body_start as u64);
        let name = if id == 0 { Some(body_reader.read_string()?) } else { None };
        // Objects say that they were retargeted; the module needs no record
        // of it (the linker concatenates such sections).
        if name == Some(crate::object::retarget::SECTION_NAME) {
            continue;
        }
        if name != Some("name") {
            out.extend_from_slice(&bytes[start..body_start + size]);
            continue;
        }
        // Subsections are in order of their ids, each at most once.
        let mut section = wasm_encoder::NameSection::new();
        let mut named = false;
        while !body_reader.eof() {
            let sub_id = body_reader.read_u8()?;
            let sub_size = body_reader.read_var_u32()? as usize;
            let sub_body = body_reader.read_bytes(sub_size)?;
            if sub_id >= MEMORY_NAMES && !named {
                section.memories(&map);
                named = true;
            }
            if sub_id != MEMORY_NAMES {
                section.raw(sub_id, sub_body);
            }
        }
        if !named {
            section.memories(&map);
        }
        out.push(0);
        wasm_encoder::Encode::encode(&section, &mut out);
    }
    Ok(out)
}

/// What the linked module has, before renumbering.
struct Layout {
    /// Memories imported already (e.g. memory 0 with --import-memory).
    imported: u32,
    /// Defined memories' types, in index order after the imported ones.
    defined: Vec<wasmparser::MemoryType>,
    /// Memories that active data segments write to.
    data_memories: Vec<u32>,
    /// End of static data per memory, from the exported heap-base symbols
    /// (they also count zero-initialized variables, which have no segment).
    heap_bases: BTreeMap<u32, u64>,
    has_import_section: bool,
    /// The module of an imported WASI function, if there is one.
    wasi_import: Option<String>,
}

impl Layout {
    fn memory_count(&self) -> u32 {
        self.imported + self.defined.len() as u32
    }

    fn read(bytes: &[u8]) -> Result<Layout> {
        let mut layout = Layout {
            imported: 0,
            defined: Vec::new(),
            data_memories: Vec::new(),
            heap_bases: BTreeMap::new(),
            has_import_section: false,
            wasi_import: None,
        };
        let mut global_values: Vec<Option<u64>> = Vec::new();
        let mut imported_globals = 0u32;
        let mut heap_base_exports: Vec<(u32, u32)> = Vec::new(); // (memory, global)
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.context("the linked module is not valid WebAssembly")? {
                Payload::ImportSection(r) => {
                    layout.has_import_section = true;
                    for i in r.into_imports() {
                        let i = i?;
                        if i.module.starts_with("wasi") && layout.wasi_import.is_none() {
                            layout.wasi_import = Some(format!("{}.{}", i.module, i.name));
                        }
                        match i.ty {
                            TypeRef::Memory(_) => layout.imported += 1,
                            TypeRef::Global(_) => imported_globals += 1,
                            _ => {}
                        }
                    }
                }
                Payload::MemorySection(r) => {
                    for m in r {
                        layout.defined.push(m?);
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r {
                        let mut ops = g?.init_expr.get_operators_reader();
                        global_values.push(match ops.read() {
                            Ok(wasmparser::Operator::I32Const { value }) => Some(value as u32 as u64),
                            _ => None,
                        });
                    }
                }
                Payload::ExportSection(r) => {
                    for e in r {
                        let e = e?;
                        if let Some(n) = e.name.strip_prefix(HEAP_BASE_PREFIX).and_then(|n| n.parse().ok()) {
                            if e.kind == wasmparser::ExternalKind::Global {
                                heap_base_exports.push((n, e.index));
                            }
                        }
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
        for (memory, global) in heap_base_exports {
            let Some(defined) = global.checked_sub(imported_globals) else { continue };
            if let Some(Some(v)) = global_values.get(defined as usize) {
                layout.heap_bases.insert(memory, *v);
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
    default_private: bool,
    /// Also do what [`compact_code`] does (a link without -g).
    compact: bool,
    /// Why a function body could not be rewritten (Reencode's error type
    /// carries no message of ours).
    failure: Option<String>,
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

    /// The heap-base exports were only for this step.
    fn parse_export_section(
        &mut self,
        exports: &mut wasm_encoder::ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        for export in section {
            let export = export?;
            if export.name.starts_with(HEAP_BASE_PREFIX) && export.kind == wasmparser::ExternalKind::Global {
                continue;
            }
            if export.kind == wasmparser::ExternalKind::Memory {
                let hidden_import = self.requested.get(&export.index).is_some_and(|i| !i.keep_export);
                if hidden_import || (self.default_private && export.index == 0) {
                    continue;
                }
            }
            self.parse_export(exports, export)?;
        }
        Ok(())
    }

    /// Function bodies are copied byte for byte, except the memory indices
    /// that change, written in place ([`rewrite_body`]; re-encoding the
    /// instructions would make this step many times slower on large
    /// programs, docs/benchmarks.md), and with `compact` what
    /// [`compact_code`] does, in the same walk.
    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        let bytes = func.as_bytes();
        let base = func.range().start;
        let code_start = (func.get_binary_reader_for_operators()?.original_position() - base) as usize;
        let new_index = &self.new_index;
        let renumber = |m: u32| new_index.get(m as usize).copied().filter(|&n| n != m);
        let mut body = Vec::with_capacity(bytes.len() + bytes.len() / 8);
        rewrite_body(bytes, 0, code_start, base, &renumber, self.compact, &mut body).map_err(|e| {
            self.failure.get_or_insert(format!("{e:#}"));
            ReencodeError::InvalidCodeSectionSize
        })?;
        code.raw(&body);
        Ok(())
    }

    /// With `compact`, DWARF goes (its code offsets would be wrong), as in
    /// [`compact_code`].
    fn parse_custom_section(
        &mut self,
        module: &mut wasm_encoder::Module,
        section: wasmparser::CustomSectionReader<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        if self.compact && section.name().starts_with(".debug_") {
            return Ok(());
        }
        wasm_encoder::reencode::utils::parse_custom_section(self, module, section)
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
