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
    /// Instructions that name this memory (a static count: it picks the top
    /// slot, the one whose accesses cost nothing).
    pub uses: u64,
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
    let new_memory = |ty, import| MemoryInfo { ty, import, exports: Vec::new(), uses: 0, active_data: false };
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
            Payload::CodeSectionEntry(body) => {
                let mut ops = body.get_operators_reader()?;
                while !ops.eof() {
                    let op = ops.read()?;
                    count_use(&op, &mut info);
                }
            }
            _ => {}
        }
    }
    Ok(info)
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
