//! The first pass: what the rewrite has to know before it writes anything
//! (the memories, how much each is used, the index spaces it appends to,
//! and the helper functions the code will call).

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use wasmparser::{ExternalKind, MemoryType, Operator, Parser, Payload, TypeRef};

pub struct MemoryInfo {
    pub ty: MemoryType,
    /// `(module, field)` when the module imports this memory.
    pub import: Option<(String, String)>,
    pub exports: Vec<String>,
    /// Instructions that name this memory (a static count).
    pub uses: u64,
    /// The accesses to this memory that a loop pre-check would not prove,
    /// and its other instructions (`memory.size`, `memory.grow`, bulk
    /// operations), each counted 8^k inside k loops (k up to 4). It picks
    /// the top slot, the one whose accesses cost nothing (`uses` breaks a
    /// tie): a memory only proven loops read gains little from it.
    pub checked_uses: u64,
    pub active_data: bool,
}

#[derive(Default)]
pub struct Helpers {
    pub grow: BTreeSet<u32>,
    pub fill: BTreeSet<u32>,
    pub copy: BTreeSet<(u32, u32)>,
    /// (memory, data segment)
    pub init: BTreeSet<(u32, u32)>,
}

pub struct ModuleInfo {
    pub memories: Vec<MemoryInfo>,
    pub types: u32,
    /// Parameter and result counts of each function type (`None` for GC
    /// types).
    pub arity: Vec<Option<(u32, u32)>>,
    /// Type index of each defined function.
    pub function_types: Vec<u32>,
    /// Type index of each imported function.
    pub imported_function_types: Vec<u32>,
    pub globals: u32,
    pub export_names: BTreeSet<String>,
    pub wasi: bool,
    pub helpers: Helpers,
}

/// Features a module from mmcc (or any wasm32 toolchain) may use.
pub fn validator() -> wasmparser::Validator {
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
}

pub fn scan(bytes: &[u8]) -> Result<ModuleInfo> {
    validator().validate_all(bytes).context("the input is not a valid WebAssembly module")?;
    let mut info = ModuleInfo {
        memories: Vec::new(),
        types: 0,
        arity: Vec::new(),
        function_types: Vec::new(),
        imported_function_types: Vec::new(),
        globals: 0,
        export_names: BTreeSet::new(),
        wasi: false,
        helpers: Helpers::default(),
    };
    // Type index of every function, imported ones first (for the loop
    // planning of `count_checked_uses`), made at the code section's start.
    let mut all_function_types = Vec::new();
    let new_memory = |ty, import| MemoryInfo { ty, import, exports: Vec::new(), uses: 0, checked_uses: 0, active_data: false };
    for payload in Parser::new(0).parse_all(bytes) {
        match payload? {
            Payload::Version { encoding: wasmparser::Encoding::Component, .. } => bail!("the input is a component, not a core module"),
            Payload::TypeSection(r) => {
                for group in r {
                    for sub in group?.types() {
                        info.types += 1;
                        info.arity.push(match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => Some((f.params().len() as u32, f.results().len() as u32)),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    let import = import?;
                    if import.module.starts_with("wasi_") {
                        info.wasi = true;
                    }
                    match import.ty {
                        TypeRef::Func(ty) | TypeRef::FuncExact(ty) => info.imported_function_types.push(ty),
                        TypeRef::Global(_) => info.globals += 1,
                        TypeRef::Memory(ty) => info.memories.push(new_memory(ty, Some((import.module.to_string(), import.name.to_string())))),
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(r) => {
                for ty in r {
                    info.function_types.push(ty?);
                }
            }
            Payload::MemorySection(r) => {
                for ty in r {
                    info.memories.push(new_memory(ty?, None));
                }
            }
            Payload::GlobalSection(r) => info.globals += r.count(),
            Payload::ExportSection(r) => {
                for export in r {
                    let export = export?;
                    info.export_names.insert(export.name.to_string());
                    if export.kind == ExternalKind::Memory {
                        info.memories[export.index as usize].exports.push(export.name.to_string());
                    }
                }
            }
            Payload::DataSection(r) => {
                for data in r {
                    if let wasmparser::DataKind::Active { memory_index, .. } = data?.kind {
                        info.memories[memory_index as usize].active_data = true;
                    }
                }
            }
            Payload::CodeSectionStart { .. } => {
                all_function_types = info.imported_function_types.iter().chain(&info.function_types).copied().collect();
            }
            Payload::CodeSectionEntry(body) => {
                let mut reader = body.get_operators_reader()?;
                let mut ops = Vec::new();
                while !reader.eof() {
                    ops.push(reader.read()?);
                }
                // With one memory there is no top to choose (the module
                // comes back unchanged): no planning.
                if info.memories.len() > 1 {
                    count_checked_uses(&ops, &all_function_types, &mut info);
                }
                for op in &ops {
                    count_use(op, &mut info);
                }
            }
            _ => {}
        }
    }
    Ok(info)
}

/// Adds one function's instructions to each memory's `checked_uses`: what
/// a lower slot would cost it. Whether a pre-check proves an access does
/// not depend on which memory is on top, so this is planned once, before
/// the layout, with every access a candidate.
fn count_checked_uses(ops: &[Operator], function_types: &[u32], info: &mut ModuleInfo) {
    let arity = super::loops::Arity { types: &info.arity, functions: function_types };
    let plans = super::loops::plan(ops, &arity, &|op| super::code::access(op).is_some());
    let proven: BTreeSet<usize> = plans.values().flat_map(|plan| plan.proven.iter().copied()).collect();
    let mut loops = 0u32;
    let mut blocks = vec![false]; // whether each open block is a loop
    for (i, op) in ops.iter().enumerate() {
        let weight = 8u64.pow(loops.min(4));
        let mut used = |m: u32| info.memories[m as usize].checked_uses += weight;
        if let Some(access) = super::code::access(op) {
            if !proven.contains(&i) {
                used(access.memory);
            }
        }
        match *op {
            Operator::MemorySize { mem } | Operator::MemoryGrow { mem } | Operator::MemoryFill { mem } | Operator::MemoryInit { mem, .. } => used(mem),
            Operator::MemoryCopy { dst_mem, src_mem } => {
                used(dst_mem);
                used(src_mem);
            }
            Operator::Block { .. } | Operator::If { .. } | Operator::Try { .. } | Operator::TryTable { .. } => blocks.push(false),
            Operator::Loop { .. } => {
                blocks.push(true);
                loops += 1;
            }
            Operator::End => {
                if blocks.pop() == Some(true) {
                    loops -= 1;
                }
            }
            _ => {}
        }
    }
}

fn count_use(op: &Operator, info: &mut ModuleInfo) {
    let mut used = |m: u32| info.memories[m as usize].uses += 1;
    if let Some(access) = super::code::access(op) {
        used(access.memory);
        return;
    }
    match *op {
        Operator::MemorySize { mem } => used(mem),
        Operator::MemoryGrow { mem } => {
            used(mem);
            info.helpers.grow.insert(mem);
        }
        Operator::MemoryFill { mem } => {
            used(mem);
            info.helpers.fill.insert(mem);
        }
        Operator::MemoryCopy { dst_mem, src_mem } => {
            used(dst_mem);
            used(src_mem);
            info.helpers.copy.insert((dst_mem, src_mem));
        }
        Operator::MemoryInit { mem, data_index } => {
            used(mem);
            info.helpers.init.insert((mem, data_index));
        }
        _ => {}
    }
}
