//! Memories never alias: the fact single-memory clang cannot know about two
//! pointers, and mmcc can.
//!
//! Before LLVM's optimizer runs, every load, store, atomic and memory
//! intrinsic gets scoped alias metadata (LangRef, "`noalias` and
//! `alias.scope` Metadata") saying which memory it touches: one scope per
//! memory in one domain, `!alias.scope` = the memory it accesses and
//! `!noalias` = every other memory of the module. LLVM's ScopedNoAliasAA
//! (in the default alias-analysis pipeline) then answers "no alias" for two
//! accesses in different memories, so a loop reading memory 1 and writing
//! memory 2 vectorizes without runtime checks, loads are hoisted across
//! stores into other memories, and redundant loads go.
//!
//! The fact is about the address space of the access, not about where a
//! pointer came from: an access through a `ptr addrspace(N)` touches memory
//! N whatever value the pointer has, so the metadata is sound for every
//! program. What counts is the memory in the final module: unqualified
//! pointers and `__default_memory` are one memory outside a library memory,
//! and in library memory K unqualified pointers and `__memory(K)` are.
//!
//! Modules that touch only one memory get no metadata, so their code stays
//! exactly clang's.

use super::llvm::*;
use super::wasm_memory;
use crate::marker::DEFAULT_MEMORY_ADDRESS_SPACE;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::LLVMOpcode;
use std::collections::{BTreeMap, BTreeSet};

/// The memory an access through a pointer in `space` touches, numbered so
/// that two address spaces get the same number exactly when they name the
/// same memory of the final module: memory numbers for numbered memories
/// (unqualified pointers are memory 0, or memory K in library memory K),
/// the address space itself for a `wasm_memory` array.
pub fn memory_identity(space: u32, library_memory: Option<u32>) -> u32 {
    match space {
        0 => library_memory.unwrap_or(0),
        DEFAULT_MEMORY_ADDRESS_SPACE => 0,
        s if wasm_memory::is_array_space(s) => s,
        n => n,
    }
}

/// The address spaces an instruction accesses, if it is a memory access
/// LLVM's alias analysis looks at through its metadata.
unsafe fn accessed_spaces(inst: Value) -> Vec<u32> {
    let pointers: Vec<Value> = match opcode(inst) {
        Some(LLVMOpcode::LLVMLoad) => vec![LLVMGetOperand(inst, 0)],
        Some(LLVMOpcode::LLVMStore) => vec![LLVMGetOperand(inst, 1)],
        Some(LLVMOpcode::LLVMAtomicRMW | LLVMOpcode::LLVMAtomicCmpXchg) => vec![LLVMGetOperand(inst, 0)],
        Some(LLVMOpcode::LLVMCall) => {
            // Only the memory intrinsics: what any other call touches is
            // not described by its operands.
            let Some(callee) = called_function(inst) else { return Vec::new() };
            let name = name_of(callee);
            if name.starts_with("llvm.memcpy.") || name.starts_with("llvm.memmove.") {
                vec![LLVMGetOperand(inst, 0), LLVMGetOperand(inst, 1)]
            } else if name.starts_with("llvm.memset.") {
                vec![LLVMGetOperand(inst, 0)]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    };
    pointers.into_iter().filter_map(|p| address_space_of(p)).collect()
}

/// Adds the per-memory scopes to every memory access of the module; returns
/// how many accesses were tagged (0 when the module touches one memory).
pub unsafe fn add_memory_scopes(module: LLVMModuleRef, library_memory: Option<u32>) -> usize {
    let mut accesses: Vec<(Value, BTreeSet<u32>)> = Vec::new();
    for f in functions(module) {
        for inst in instructions(f) {
            let spaces = accessed_spaces(inst);
            if !spaces.is_empty() {
                accesses.push((inst, spaces.into_iter().map(|s| memory_identity(s, library_memory)).collect()));
            }
        }
    }
    let memories: BTreeSet<u32> = accesses.iter().flat_map(|(_, m)| m.iter().copied()).collect();
    if memories.len() < 2 {
        return 0;
    }

    let ctx = LLVMGetModuleContext(module);
    let string = |s: &str| LLVMMDStringInContext2(ctx, s.as_ptr() as *const _, s.len());
    let node = |operands: &[LLVMMetadataRef]| LLVMMDNodeInContext2(ctx, operands.as_ptr() as *mut _, operands.len());
    // Named (not self-referential) scopes: uniqued by name, so memory N's
    // scope is one node however many times it is asked for.
    let domain = node(&[string("mmcc: WebAssembly memories")]);
    let scopes: BTreeMap<u32, LLVMMetadataRef> = memories
        .iter()
        .map(|&m| (m, node(&[string(&format!("mmcc: memory {m}")), domain])))
        .collect();
    let kind = |name: &str| LLVMGetMDKindIDInContext(ctx, name.as_ptr() as *const _, name.len() as u32);
    let (scope_kind, noalias_kind) = (kind("alias.scope"), kind("noalias"));

    for (inst, touched) in &accesses {
        let own: Vec<LLVMMetadataRef> = touched.iter().map(|m| scopes[m]).collect();
        let others: Vec<LLVMMetadataRef> = scopes.iter().filter(|(m, _)| !touched.contains(m)).map(|(_, s)| *s).collect();
        // Scopes from `restrict` or inlining stay: LLVM's lists are sets of
        // scopes, and ours are in a domain of their own.
        LLVMSetMetadata(*inst, scope_kind, LLVMMetadataAsValue(ctx, merged(ctx, *inst, scope_kind, &own)));
        if !others.is_empty() {
            LLVMSetMetadata(*inst, noalias_kind, LLVMMetadataAsValue(ctx, merged(ctx, *inst, noalias_kind, &others)));
        }
    }
    accesses.len()
}

/// The scope list `kind` of `inst` with `scopes` added.
unsafe fn merged(ctx: LLVMContextRef, inst: Value, kind: u32, scopes: &[LLVMMetadataRef]) -> LLVMMetadataRef {
    let mut list: Vec<LLVMMetadataRef> = Vec::new();
    let existing = LLVMGetMetadata(inst, kind);
    if !existing.is_null() {
        let n = LLVMGetMDNodeNumOperands(existing) as usize;
        let mut operands: Vec<Value> = vec![std::ptr::null_mut(); n];
        LLVMGetMDNodeOperands(existing, operands.as_mut_ptr());
        list.extend(operands.into_iter().filter(|o| !o.is_null()).map(|o| LLVMValueAsMetadata(o)));
    }
    list.extend_from_slice(scopes);
    LLVMMDNodeInContext2(ctx, list.as_mut_ptr(), list.len())
}
