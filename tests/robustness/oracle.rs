//! What counts as a valid output: a module that wasmparser validates with
//! the features mmcc's output may use (wabt's validator for modules of more
//! than 100 memories, which wasmparser refuses), and for objects also a well-formed
//! relocatable object (its `linking`, `reloc.*` and `mmcc.memories`
//! sections parse and every index and offset in them points at something
//! that exists).

use mmcc::object::linking::{LinkingSection, RelocSection, Symbol};
use mmcc::object::memories::MemoriesSection;
use wasmparser::{Parser, Payload, RelocationType, TypeRef, Validator, WasmFeatures};

/// The features of mmcc's output (multiple memories, threads, SIMD, bulk
/// memory and what else clang's wasm32 targets can be asked for): the
/// writer's own definition, which is what "valid" means for mmcc.
pub fn features() -> WasmFeatures {
    mmcc::object::check::features()
}

pub fn valid_module(bytes: &[u8]) -> Result<(), String> {
    match Validator::new_with_features(features()).validate_all(bytes) {
        Ok(_) => Ok(()),
        // mmcc links up to 255 memories (docs/memory-model.md), and
        // wasmparser refuses more than 100: such a module is judged by
        // another validator, wabt's (mmcc's own check of it is the code
        // under test).
        Err(e) if e.message().starts_with("memories count exceeds limit") => wabt_validate(bytes),
        Err(e) => Err(format!("invalid module: {e}")),
    }
}

/// `wasm-validate` (Debian's wabt) with the features of [`features`].
fn wabt_validate(bytes: &[u8]) -> Result<(), String> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!("mmcc-oracle-{}-{}.wasm", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let flags = ["--enable-multi-memory", "--enable-threads", "--enable-relaxed-simd", "--enable-extended-const", "--enable-tail-call", "--enable-exceptions"];
    let out = std::process::Command::new("wasm-validate").args(flags).arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let out = out.map_err(|e| format!("wasm-validate (Debian package wabt): {e}"))?;
    match out.status.success() {
        true => Ok(()),
        false => Err(format!("invalid module (wasm-validate): {}", String::from_utf8_lossy(&out.stderr).trim())),
    }
}

/// A valid module that is also a well-formed relocatable object.
pub fn valid_object(bytes: &[u8]) -> Result<(), String> {
    valid_module(bytes)?;
    object_structure(bytes).map_err(|e| format!("malformed object: {e}"))
}

#[derive(Default)]
struct Counts {
    types: u32,
    functions: u32,
    imported_functions: u32,
    globals: u32,
    imported_globals: u32,
    tables: u32,
    imported_tables: u32,
    tags: u32,
    imported_tags: u32,
    memories: u32,
    /// (size of the section's contents) per section, in file order.
    sections: Vec<usize>,
    code_section: Option<usize>,
    segment_sizes: Vec<usize>,
}

fn object_structure(bytes: &[u8]) -> Result<(), String> {
    let mut c = Counts::default();
    let mut linking = None;
    let mut relocs = Vec::new();
    let mut memories = None;
    let e = |e: wasmparser::BinaryReaderError| e.to_string();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(e)?;
        match &payload {
            Payload::TypeSection(r) => c.types += r.count(),
            Payload::ImportSection(r) => {
                for import in r.clone().into_imports() {
                    match import.map_err(e)?.ty {
                        TypeRef::Func(_) => c.imported_functions += 1,
                        TypeRef::Global(_) => c.imported_globals += 1,
                        TypeRef::Table(_) => c.imported_tables += 1,
                        TypeRef::Tag(_) => c.imported_tags += 1,
                        TypeRef::Memory(_) => c.memories += 1,
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(r) => c.functions += r.count(),
            Payload::GlobalSection(r) => c.globals += r.count(),
            Payload::TableSection(r) => c.tables += r.count(),
            Payload::TagSection(r) => c.tags += r.count(),
            Payload::MemorySection(r) => c.memories += r.count(),
            Payload::DataSection(r) => {
                for d in r.clone() {
                    c.segment_sizes.push(d.map_err(e)?.data.len());
                }
            }
            Payload::CodeSectionStart { .. } => c.code_section = Some(c.sections.len()),
            Payload::CustomSection(r) => {
                let start = r.data_offset() as usize;
                if r.name() == "linking" {
                    linking = Some(LinkingSection::parse(r.data(), start).map_err(|e| format!("linking: {e:#}"))?);
                } else if r.name().starts_with("reloc.") {
                    relocs.push((r.name().to_string(), RelocSection::parse(r.data(), start).map_err(|e| format!("{}: {e:#}", r.name()))?));
                } else if r.name() == mmcc::object::memories::SECTION_NAME {
                    memories = Some(MemoriesSection::decode(r.data()).map_err(|e| format!("{e:#}"))?);
                }
            }
            _ => {}
        }
        if let Some((_, range)) = payload.as_section() {
            c.sections.push((range.end - range.start) as usize);
        }
    }
    let linking = linking.ok_or("no `linking` section")?;
    let symbols = linking.symbols.clone().unwrap_or_default();
    let zero_filled = |segment: u32| memories.as_ref().is_some_and(|m: &MemoriesSection| m.zero_fills.iter().any(|z| z.segment == segment));
    for (i, s) in symbols.iter().enumerate() {
        match s {
            Symbol::Indexed { kind, flags, index, .. } => {
                let (imported, total) = match kind {
                    0 => (c.imported_functions, c.imported_functions + c.functions),
                    2 => (c.imported_globals, c.imported_globals + c.globals),
                    4 => (c.imported_tags, c.imported_tags + c.tags),
                    5 => (c.imported_tables, c.imported_tables + c.tables),
                    k => return Err(format!("symbol {i} has kind {k}")),
                };
                if *index >= total {
                    return Err(format!("symbol {i} names index {index} of {total}"));
                }
                if (*flags & 0x10 != 0) != (*index < imported) {
                    return Err(format!("symbol {i}: undefined flag does not match index {index} (imports {imported})"));
                }
            }
            Symbol::Data { definition: Some((segment, offset, size)), .. } => {
                let len = *c.segment_sizes.get(*segment as usize).ok_or(format!("symbol {i} in segment {segment} that does not exist"))?;
                if !zero_filled(*segment) && *offset as u64 + *size as u64 > len as u64 {
                    return Err(format!("symbol {i} runs past segment {segment}"));
                }
            }
            Symbol::Data { .. } => {}
            Symbol::Section { section, .. } => {
                if *section as usize >= c.sections.len() {
                    return Err(format!("symbol {i} names section {section}"));
                }
            }
        }
    }
    let segments = linking.segments.as_ref().map_or(0, Vec::len);
    if segments != c.segment_sizes.len() && segments != 0 {
        return Err(format!("{segments} segment infos for {} segments", c.segment_sizes.len()));
    }
    for (_, symbol) in linking.init_funcs.iter().flatten() {
        if !matches!(symbols.get(*symbol as usize), Some(Symbol::Indexed { kind: 0, .. })) {
            return Err(format!("init function {symbol} is not a function symbol"));
        }
    }
    for (name, r) in &relocs {
        let size = *c.sections.get(r.target_section as usize).ok_or(format!("{name} targets section {}", r.target_section))?;
        for entry in &r.entries {
            let range = entry.relocation_range().map_err(e)?;
            if range.end > size {
                return Err(format!("{name}: relocation at {} past the section's {size} bytes", entry.offset));
            }
            if entry.ty == RelocationType::TypeIndexLeb {
                if entry.index >= c.types {
                    return Err(format!("{name}: type {} of {}", entry.index, c.types));
                }
                continue;
            }
            let symbol = symbols.get(entry.index as usize).ok_or(format!("{name}: symbol {} of {}", entry.index, symbols.len()))?;
            if entry.ty == RelocationType::FunctionIndexLeb && symbol.function_index().is_none() {
                return Err(format!("{name}: a call relocation against non-function symbol {}", entry.index));
            }
        }
    }
    if let Some(m) = &memories {
        let code = c.code_section.map_or(0, |i| c.sections[i]);
        for r in &m.relocs {
            if r.offset as usize + 5 > code {
                return Err(format!("memory relocation at {} past the code section's {code} bytes", r.offset));
            }
            if r.index >= c.memories || (r.index != 0 && !m.memories.iter().any(|d| d.index == r.index)) {
                return Err(format!("memory relocation names memory {} (of {})", r.index, c.memories));
            }
        }
        for d in &m.memories {
            if d.index == 0 || d.index >= c.memories {
                return Err(format!("mmcc.memories lists memory {} (of {})", d.index, c.memories));
            }
        }
        for z in &m.zero_fills {
            if z.segment as usize >= c.segment_sizes.len() {
                return Err(format!("zero fill of segment {} (of {})", z.segment, c.segment_sizes.len()));
            }
        }
    }
    Ok(())
}
