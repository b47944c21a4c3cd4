//! The second pass: writes the single-memory module, section by section.
//! Sections the lowering does not change are copied as they are; new
//! types, functions and globals go after the module's own, so no existing
//! index moves.

use super::code::{self, Context};
use super::layout::Layout;
use super::scan::ModuleInfo;
use super::LAYOUT_SECTION;
use anyhow::{bail, Context as _, Result};
use std::borrow::Cow;
use std::collections::BTreeMap;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, CustomSection, DataSection, ExportKind, ExportSection, FunctionSection, GlobalSection, GlobalType, ImportSection,
    MemorySection, MemoryType, Module, RawSection, TypeSection, ValType,
};
use wasmparser::{Parser, Payload};

/// The order of the sections the lowering may have to add where the input
/// has none (the binary format's order).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Memory = 5,
    Global = 7,
    Export = 8,
    End = 100,
}

fn rank(payload: &Payload) -> Option<u8> {
    Some(match payload {
        Payload::TypeSection(_) => 1,
        Payload::ImportSection(_) => 2,
        Payload::FunctionSection(_) => 3,
        Payload::TableSection(_) => 4,
        Payload::MemorySection(_) => 5,
        Payload::TagSection(_) => 6,
        Payload::GlobalSection(_) => 7,
        Payload::ExportSection(_) => 8,
        Payload::StartSection { .. } => 9,
        Payload::ElementSection(_) => 10,
        Payload::DataCountSection { .. } => 11,
        Payload::CodeSectionStart { .. } => 12,
        Payload::DataSection(_) => 13,
        _ => return None,
    })
}

struct Writer<'a> {
    layout: &'a Layout,
    cx: Context<'a>,
    module: Module,
    memory_written: bool,
    globals_written: bool,
    exports_written: bool,
    /// Exports of the single memory and of lower memories' sizes, for hosts.
    memory_export: Option<String>,
    size_exports: Vec<(String, u32)>,
    grow_type: u32,
    bulk_type: u32,
    warnings: Vec<String>,
}

pub fn rewrite(bytes: &[u8], info: &ModuleInfo, layout: &Layout, engine_guard: u64) -> Result<(Vec<u8>, Vec<String>)> {
    let mut next_function = (info.imported_function_types.len() + info.function_types.len()) as u32;
    let mut next = || {
        next_function += 1;
        next_function - 1
    };
    let mut cx = Context {
        layout,
        engine_guard,
        size_globals: BTreeMap::new(),
        grow: BTreeMap::new(),
        fill: BTreeMap::new(),
        copy: BTreeMap::new(),
        init: BTreeMap::new(),
        type_arity: info.arity.clone(),
        function_types: info.imported_function_types.iter().chain(&info.function_types).copied().collect(),
    };
    for &m in &info.helpers.grow {
        cx.grow.insert(m, next());
    }
    for &m in &info.helpers.fill {
        cx.fill.insert(m, next());
    }
    for &pair in &info.helpers.copy {
        cx.copy.insert(pair, next());
    }
    for &pair in &info.helpers.init {
        cx.init.insert(pair, next());
    }
    let mut global = info.globals;
    for slot in &layout.slots {
        if !slot.top && layout.size_cell(slot.memory).is_none() {
            cx.size_globals.insert(slot.memory, global);
            global += 1;
        }
    }
    let host_visible = layout.slots.iter().any(|s| s.import.is_some() || !s.exports.is_empty());
    let memory_export = host_visible.then(|| {
        let wanted = layout.slots.iter().flat_map(|s| &s.exports).any(|e| e == "memory") || !info.export_names.contains("memory");
        if wanted { "memory".to_string() } else { "mmcc.memory".to_string() }
    });
    let size_exports = layout
        .slots
        .iter()
        .filter(|s| s.import.is_some() || !s.exports.is_empty())
        .filter_map(|s| cx.size_globals.get(&s.memory).map(|&g| (format!("mmcc.size.{}", s.memory), g)))
        .collect();
    let mut w = Writer {
        layout,
        cx,
        module: Module::new(),
        memory_written: false,
        globals_written: false,
        exports_written: false,
        memory_export,
        size_exports,
        grow_type: info.types,
        bulk_type: info.types + 1,
        warnings: Vec::new(),
    };
    let mut function = 0usize;
    let mut code: Option<CodeSection> = None;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        if let Some(r) = rank(&payload) {
            w.add_missing_before(r);
        }
        match payload {
            Payload::TypeSection(r) => {
                let mut types = TypeSection::new();
                RoundtripReencoder.parse_type_section(&mut types, r)?;
                types.ty().function([ValType::I32], [ValType::I32]);
                types.ty().function([ValType::I32; 3], []);
                w.module.section(&types);
            }
            Payload::ImportSection(r) => {
                let mut imports = ImportSection::new();
                for import in r.into_imports() {
                    let import = import?;
                    if !matches!(import.ty, wasmparser::TypeRef::Memory(_)) {
                        RoundtripReencoder.parse_import(&mut imports, import)?;
                    }
                }
                w.module.section(&imports);
            }
            Payload::FunctionSection(r) => {
                let mut functions = FunctionSection::new();
                for ty in r {
                    functions.function(ty?);
                }
                for _ in 0..w.cx.grow.len() {
                    functions.function(w.grow_type);
                }
                for _ in 0..w.cx.fill.len() + w.cx.copy.len() + w.cx.init.len() {
                    functions.function(w.bulk_type);
                }
                w.module.section(&functions);
            }
            Payload::MemorySection(_) => w.write_memory(),
            Payload::GlobalSection(r) => {
                let mut globals = GlobalSection::new();
                RoundtripReencoder.parse_global_section(&mut globals, r)?;
                w.add_globals(&mut globals);
                w.module.section(&globals);
                w.globals_written = true;
            }
            Payload::ExportSection(r) => {
                let mut exports = ExportSection::new();
                for export in r {
                    let export = export?;
                    if export.kind != wasmparser::ExternalKind::Memory {
                        RoundtripReencoder.parse_export(&mut exports, export)?;
                    }
                }
                w.add_exports(&mut exports);
                w.module.section(&exports);
                w.exports_written = true;
            }
            Payload::CodeSectionStart { .. } => code = Some(CodeSection::new()),
            Payload::CodeSectionEntry(body) => {
                let ty = info.function_types[function];
                let (params, _) = info.arity.get(ty as usize).copied().flatten().context("a function's type is not a function type")?;
                let f = code::rewrite_body(&body, params, &w.cx).with_context(|| format!("in function {}", info.imported_function_types.len() + function))?;
                code.as_mut().unwrap().function(&f);
                function += 1;
                if function == info.function_types.len() {
                    let mut section = code.take().unwrap();
                    w.add_helper_bodies(&mut section);
                    w.module.section(&section);
                }
            }
            Payload::DataSection(r) => {
                let mut data = DataSection::new();
                for (i, segment) in r.into_iter().enumerate() {
                    let segment = segment?;
                    match segment.kind {
                        wasmparser::DataKind::Passive => {
                            data.passive(segment.data.iter().copied());
                        }
                        wasmparser::DataKind::Active { memory_index, offset_expr } => {
                            let slot = &layout.slots[memory_index as usize];
                            let mut ops = offset_expr.get_operators_reader();
                            let offset = match (ops.read()?, ops.read()?) {
                                (wasmparser::Operator::I32Const { value }, wasmparser::Operator::End) => u64::from(value as u32),
                                _ => bail!("data segment {i} of memory {memory_index} has an offset that is not a constant; the lowering can only move constant offsets into its slot"),
                            };
                            // A segment that does not fit its memory traps at
                            // instantiation, after the segments before it were
                            // written: at address 2^32 - 1 it does the same in
                            // the single memory (no 32-bit memory fits it, not
                            // even when empty).
                            let fits = offset + segment.data.len() as u64 <= slot.min_bytes();
                            let at = ConstExpr::i32_const(if fits { (offset + slot.base()) as u32 as i32 } else { -1 });
                            data.active(0, &at, segment.data.iter().copied());
                        }
                    }
                }
                w.module.section(&data);
            }
            Payload::CustomSection(c) => w.custom(&c)?,
            Payload::Version { .. } | Payload::End(_) => {}
            other => {
                if let Some((id, range)) = other.as_section() {
                    w.module.section(&RawSection { id, data: &bytes[range.start as usize..range.end as usize] });
                }
            }
        }
    }
    w.add_missing_before(Rank::End as u8);
    w.module.section(&CustomSection { name: Cow::Borrowed(LAYOUT_SECTION), data: Cow::Owned(super::glue::layout_json(layout, w.memory_export.as_deref(), &w.size_exports).into_bytes()) });
    let wasm = w.module.finish();
    let mut features = wasmparser::WasmFeatures::all();
    features.remove(wasmparser::WasmFeatures::MULTI_MEMORY);
    wasmparser::Validator::new_with_features(features)
        .validate_all(&wasm)
        .context("internal error: the lowered module is not a valid single-memory module")?;
    Ok((wasm, w.warnings))
}

impl Writer<'_> {
    /// Sections the input lacks but the lowering needs, written where the
    /// binary format puts them (before a section of rank `r`).
    fn add_missing_before(&mut self, r: u8) {
        if r > Rank::Memory as u8 && !self.memory_written {
            self.write_memory();
        }
        if r > Rank::Global as u8 && !self.globals_written && !self.cx.size_globals.is_empty() {
            let mut globals = GlobalSection::new();
            self.add_globals(&mut globals);
            self.module.section(&globals);
            self.globals_written = true;
        }
        if r > Rank::Export as u8 && !self.exports_written && (self.memory_export.is_some() || !self.size_exports.is_empty()) {
            let mut exports = ExportSection::new();
            self.add_exports(&mut exports);
            self.module.section(&exports);
            self.exports_written = true;
        }
    }

    fn write_memory(&mut self) {
        if self.memory_written {
            return;
        }
        let mut memories = MemorySection::new();
        memories.memory(MemoryType {
            minimum: self.layout.initial_pages,
            maximum: self.layout.maximum_pages,
            memory64: false,
            shared: self.layout.shared,
            page_size_log2: None,
        });
        self.module.section(&memories);
        self.memory_written = true;
    }

    fn add_globals(&self, globals: &mut GlobalSection) {
        for &memory in self.cx.size_globals.keys() {
            let slot = &self.layout.slots[memory as usize];
            globals.global(GlobalType { val_type: ValType::I64, mutable: true, shared: false }, &ConstExpr::i64_const(slot.min_bytes() as i64));
        }
    }

    fn add_exports(&self, exports: &mut ExportSection) {
        if let Some(name) = &self.memory_export {
            exports.export(name, ExportKind::Memory, 0);
        }
        for (name, global) in &self.size_exports {
            exports.export(name, ExportKind::Global, *global);
        }
    }

    fn add_helper_bodies(&self, code: &mut CodeSection) {
        let slot = |m: &u32| &self.layout.slots[*m as usize];
        for m in self.cx.grow.keys() {
            code.function(&code::grow_function(&self.cx, slot(m)));
        }
        for m in self.cx.fill.keys() {
            code.function(&code::fill_function(&self.cx, slot(m)));
        }
        for (d, s) in self.cx.copy.keys() {
            code.function(&code::copy_function(&self.cx, slot(d), slot(s)));
        }
        for (m, segment) in self.cx.init.keys() {
            code.function(&code::init_function(&self.cx, slot(m), *segment));
        }
    }

    fn custom(&mut self, c: &wasmparser::CustomSectionReader) -> Result<()> {
        let name = c.name();
        if name.starts_with(".debug_") {
            if !self.warnings.iter().any(|w| w.contains("DWARF")) {
                self.warnings.push("the DWARF sections (.debug_*) are dropped: the lowering moves code, and their offsets would be wrong".into());
            }
            return Ok(());
        }
        let data: Cow<[u8]> = match name {
            "name" => Cow::Owned(without_memory_names(c.data())?),
            "target_features" => Cow::Owned(without_feature(c.data(), "multimemory")?),
            n if n == LAYOUT_SECTION => bail!("the input has already been lowered (it has a {LAYOUT_SECTION} section)"),
            _ => Cow::Borrowed(c.data()),
        };
        self.module.section(&CustomSection { name: Cow::Borrowed(name), data });
        Ok(())
    }
}

fn read_u32(data: &[u8], at: &mut usize) -> Result<u32> {
    let mut reader = wasmparser::BinaryReader::new(&data[*at..], 0);
    let v = reader.read_var_u32()?;
    *at += reader.original_position() as usize;
    Ok(v)
}

/// The name section without its memory names (subsection 6): the memories
/// it names are gone.
fn without_memory_names(data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let start = at;
        let id = data[at];
        at += 1;
        let size = read_u32(data, &mut at)? as usize;
        let end = at.checked_add(size).filter(|&e| e <= data.len()).context("the name section is malformed")?;
        if id != 6 {
            out.extend_from_slice(&data[start..end]);
        }
        at = end;
    }
    Ok(out)
}

/// The target_features section without `feature` (the module no longer
/// uses it).
fn without_feature(data: &[u8], feature: &str) -> Result<Vec<u8>> {
    let mut at = 0;
    let count = read_u32(data, &mut at)?;
    let mut kept = Vec::new();
    for _ in 0..count {
        let start = at;
        at += 1;
        let len = read_u32(data, &mut at)? as usize;
        let end = at.checked_add(len).filter(|&e| e <= data.len()).context("the target_features section is malformed")?;
        if &data[at..end] != feature.as_bytes() {
            kept.push(&data[start..end]);
        }
        at = end;
    }
    let mut out = Vec::new();
    wasm_encoder::Encode::encode(&(kept.len() as u32), &mut out);
    for k in kept {
        out.extend_from_slice(k);
    }
    Ok(out)
}
