//! Numbered memories declared in the source: `__memory_declare(N, ...)`.
//!
//! <mmcc.h> makes a placeholder variable whose section name the clang
//! plugin fills with memory N's settings
//! (`mmcc.memory_declaration?memory=N&loc=file:line:col&import_module=...`;
//! clang-plugin/src/WasmMemory.h). This module reads them, merges the
//! declarations of one translation unit (a header may repeat one; they
//! must agree) and deletes the placeholders, which take no bytes. The
//! declarations travel in the object's `mmcc.memories` section, where the
//! link step reconciles them across objects.

use super::llvm::*;
use super::wasm_memory::{declaration_of, parse_fields};
use crate::object::memories::Declaration;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use std::collections::BTreeMap;

/// Section-name prefix (`MemoryDeclarationPrefix` in the plugin).
pub const PREFIX: &str = "mmcc.memory_declaration?";

/// One memory's declaration and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryDeclaration {
    pub declaration: Declaration,
    pub location: String,
}

/// A disagreement between two declarations of one memory.
pub struct Conflict {
    /// (file, line, column) of the later declaration.
    pub location: Option<(String, u32, u32)>,
    pub message: String,
}

/// `file:line:col` (the plugin's `loc`) as (file, line, column).
fn parse_location(location: &str) -> Option<(String, u32, u32)> {
    let mut parts = location.rsplitn(3, ':');
    let (col, line, file) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?);
    Some((file.to_string(), line, col))
}

/// The declared memories of a module by number, and the disagreements
/// between declarations of one memory.
pub unsafe fn collect_declarations(module: LLVMModuleRef) -> (BTreeMap<u32, MemoryDeclaration>, Vec<Conflict>) {
    let mut declared: BTreeMap<u32, MemoryDeclaration> = BTreeMap::new();
    let mut errors = Vec::new();
    for global in globals(module) {
        let section = LLVMGetSection(global);
        if section.is_null() {
            continue;
        }
        let section = std::ffi::CStr::from_ptr(section).to_string_lossy().into_owned();
        let Some(fields) = section.strip_prefix(PREFIX).and_then(parse_fields) else { continue };
        let field = |k: &str| fields.get(k).cloned();
        let Some(memory) = field("memory").and_then(|m| m.parse::<u32>().ok()) else { continue };
        let this = MemoryDeclaration { declaration: declaration_of(&fields), location: field("loc").unwrap_or_default() };
        match declared.get(&memory) {
            Some(first) if first.declaration != this.declaration => errors.push(Conflict {
                location: parse_location(&this.location),
                message: format!("memory {memory} is declared differently here and at {}; declare it once (e.g. in a header)", first.location),
            }),
            Some(_) => {}
            None => {
                declared.insert(memory, this);
            }
        }
        // Only `@llvm.used` refers to it (rebuild_used_lists drops the null).
        LLVMReplaceAllUsesWith(global, LLVMConstPointerNull(type_of(global)));
        LLVMDeleteGlobal(global);
    }
    (declared, errors)
}
